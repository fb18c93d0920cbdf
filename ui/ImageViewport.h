#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <QList>
#include <QPointer>
#include <QWidget>

#include "core/study/DisplayPipeline.h"
#include "core/study/XrayImage.h"
#include "imaging/ScalarImage.h"
#include "ui/ViewTransform.h"
#include "ui/ViewportScene.h"
#include "ui/model/OverlayHeatmap.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ReportRegionLinks.h"

class QTimer;

namespace lrclr {

class PainterViewportRenderer;

/// The image viewport: the study's X-ray through the DICOM display pipeline, the selected heatmap overlay mapped onto
/// the original pixels, contour lines, region boxes with scores, a legend and a mm ruler. Interactions: window/level
/// drag (left button; each move re-runs the pipeline's lookup table), pan (middle button, or Shift + left), zoom
/// (wheel to the cursor, or right-button drag), fit, 1:1, invert, presets from the file, auto window (histogram
/// percentiles), reset. Painting goes through an IViewportRenderer (QPainter today).
/// GUI thread only; not thread-safe.
class ImageViewport : public QWidget {
    Q_OBJECT

public:
    /// What the status bar shows about the point under the cursor.
    struct CursorInfo {
        bool insideImage = false;
        QPoint pixel; ///< column, row
        double storedValue = 0.0; ///< as stored (RGB: luminance)
        double modalityValue = 0.0; ///< after the modality LUT (rescale slope/intercept)
        QString modalityUnit; ///< Rescale Type, e.g. "US" or "OD"; empty when unknown
        std::optional<QPointF> positionMm; ///< x, y from the image's top-left corner, when the spacing is known
    };

    explicit ImageViewport(QWidget* parent = nullptr);
    ~ImageViewport() override;

    /// Shows `image` with its default window, fitted; keeps the overlay settings but drops the analysis.
    void setImage(const XrayImage& image);
    /// Shows an image prepared on another thread: `pipeline` with its default window and `frame`, rendered through it,
    /// shown as it is (shared, not copied) until a setting changes. Renders nothing.
    void setImage(const DisplayPipeline& pipeline, std::shared_ptr<const DisplayFrame> frame);
    void clearImage();
    bool hasImage() const { return m_pipeline.image().isValid(); }
    const DisplayPipeline& pipeline() const { return m_pipeline; }
    const XrayImage& image() const { return m_pipeline.image(); }

    /// Width of the column at the right edge kept for the colour bar legend, so that the legend never covers the image.
    static constexpr int legendColumnWidth = 132;
    /// Narrower viewports keep no legend column (the legend then sits over the image's top-right corner).
    static constexpr int minimumWidthForLegendColumn = 480;
    /// The legend column a viewport (or exported picture) `width` pixels wide keeps: legendColumnWidth or 0.
    static int legendColumnFor(int width);
    /// Where the image is drawn: the widget without the legend column. Fit and 1:1 centre the image in it.
    QRectF imageArea() const;

    const ViewTransform& viewTransform() const { return m_view; }
    void setViewTransform(const ViewTransform& view);
    /// Image pixels per device pixel x 100 (100 % = 1:1).
    double zoomPercent() const;

    double windowCenter() const { return m_pipeline.voi().center; }
    double windowWidth() const { return m_pipeline.voi().width; }
    /// Smallest and largest modality value of the image (padding excluded), for drag sensitivity and auto window.
    /// Computed on first use (a pass over every pixel), not while an image opens.
    std::pair<double, double> modalityRange() const;
    /// The window that covers the `low`..`high` percentiles of the image's modality values (padding excluded).
    std::pair<double, double> percentileWindow(double low, double high) const;
    bool isInverted() const { return m_pipeline.userInverted(); }

    void setOverlaySettings(OverlaySettings* settings);
    OverlaySettings* overlaySettings() const { return m_settings; }
    /// The analysis whose regions are drawn and whose geometry maps heatmaps onto the image (null: none).
    void setAnalysis(SharedAnalysisResult result);
    /// A new analysis with the heatmap and emphasised regions to show on it, in one overlay build.
    void showAnalysis(
        SharedAnalysisResult result, const OverlayHeatmap& heatmap, const QList<ReportRegionLinks::Link>& emphasised);
    SharedAnalysisResult analysis() const { return m_result; }
    /// How many times a heatmap was resampled onto the image so far (tests check one build per change).
    int overlayBuildCount() const { return m_overlayBuilds; }
    const OverlayHeatmap& heatmap() const { return m_heatmap; }
    /// The heatmap resampled onto the image (NaN outside the model's view); invalid when none is shown.
    const ScalarImage& heatmapField() const { return m_field; }

    const ViewportScene& scene() const { return m_scene; }
    /// Whether the colour bar legend is drawn now (an overlay is shown).
    bool showsLegend() const;
    /// Renders the current view (with overlay, legend and annotations) into an image of the widget's size, or of
    /// `size` with the image fitted beside a legend column (part of `size`) when a legend is shown; used for PNG
    /// export, tests and the benchmark.
    QImage renderToImage(QSize size = QSize()) const;
    /// The image at its native resolution, but at least 800 pixels (a legible legend) and at most `longestSide` on the
    /// longer side, with overlay, contours, regions, and the legend in a column of its own (as on screen).
    QImage renderSnapshot(int longestSide) const;
    /// Re-runs the display lookup table into the frame (what a window/level move costs, without the paint).
    void refreshFrame();

    /// The widget point where image point `imagePoint` is drawn, and back.
    QPointF mapToWidget(const QPointF& imagePoint) const { return m_view.toWidget(imagePoint); }
    QPointF mapToImage(const QPointF& widgetPoint) const { return m_view.toImage(widgetPoint); }
    CursorInfo cursorInfoAt(const QPointF& widgetPoint) const;

public Q_SLOTS:
    void setWindow(double center, double width);
    /// Window preset `index` stored in the image; false when there is none.
    bool applyWindowPreset(int index);
    /// Window from the 0.5th to the 99.5th percentile of the modality values.
    void autoWindow();
    void setInverted(bool inverted);
    void toggleInverted() { setInverted(!isInverted()); }
    void fitToWindow();
    void showActualSize();
    void zoomAt(const QPointF& widgetAnchor, double factor);
    void zoomIn() { zoomAt(imageArea().center(), 1.25); }
    void zoomOut() { zoomAt(imageArea().center(), 0.8); }
    /// Default window, no inversion, fitted.
    void resetView();

    void setHeatmap(const lrclr::OverlayHeatmap& heatmap);
    /// Regions to emphasise (e.g. those supporting the selected sentence) with their link weights.
    void setEmphasisedRegions(const QList<lrclr::ReportRegionLinks::Link>& regions);
    void setFocusedRegion(int region);

Q_SIGNALS:
    void cursorInfoChanged(const lrclr::ImageViewport::CursorInfo& info);
    void windowChanged(double center, double width);
    void viewChanged();
    /// The mouse moved over image point (x, y) in original pixels (outside the image: negative or beyond size).
    void imagePointHovered(double x, double y);
    /// The mouse left the viewport.
    void hoverLeft();
    /// A click without a drag at image point (x, y).
    void imagePointClicked(double x, double y);
    void overlayChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    enum class Drag { None, Window, Pan, Zoom };

    void rebuildOverlay();
    void recolorOverlay();
    void rebuildContours();
    /// The score range the colours span: the heatmap's (the model's shared scale or the map's own), else the field's.
    std::pair<double, double> overlayRange() const;
    /// The value below which nothing is painted: the model's threshold on its shared scale unless the user set one,
    /// else the settings' fraction of the range.
    double overlayThreshold(double minimum, double maximum) const;
    void rebuildRegions();
    void updateCornerText();
    void computeHistogram() const;
    void beginFastRendering();

    DisplayPipeline m_pipeline;
    DisplayFrame m_frame; ///< what refreshFrame() renders into
    std::shared_ptr<const DisplayFrame> m_preparedFrame; ///< shown instead of m_frame until the first refreshFrame()
    ViewportScene m_scene;
    ViewTransform m_view;
    bool m_fitted = true; ///< keep fitting on resize until the user zooms or pans
    std::unique_ptr<PainterViewportRenderer> m_renderer;
    QTimer* m_smoothTimer = nullptr;

    mutable std::optional<std::pair<double, double>> m_modalityRange; ///< empty until modalityRange() computes it
    mutable int m_histogramOffset = 0; ///< stored value of m_histogram[0]
    mutable std::vector<std::uint64_t> m_histogram;

    QPointer<OverlaySettings> m_settings;
    SharedAnalysisResult m_result;
    OverlayHeatmap m_heatmap;
    ScalarImage m_field;
    int m_overlayBuilds = 0;
    QList<ReportRegionLinks::Link> m_emphasised;
    int m_focusedRegion = -1;

    Drag m_drag = Drag::None;
    QPointF m_pressPosition;
    QPointF m_lastPosition;
    bool m_moved = false;
    VoiSettings m_pressVoi;
};

} // namespace lrclr
