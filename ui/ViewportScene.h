#pragma once

#include <optional>
#include <vector>

#include <QColor>
#include <QImage>
#include <QPolygonF>
#include <QRectF>
#include <QString>

namespace lrclr {

/// Everything a viewport draws, as plain values in image coordinates: the 8-bit frame, the heatmap overlay, region
/// boxes, contour lines, the legend and the ruler's calibration. The ImageViewport fills it; an IViewportRenderer
/// draws it. GUI thread only (QImage data is shared implicitly, not thread-safe to modify).
struct ViewportScene {
    struct Region {
        int index = -1;
        QRectF box; ///< image pixels
        float score = 0.0f;
        bool emphasised = false; ///< supports the selected sentence
        bool focused = false; ///< under the mouse or pinned
        std::optional<float> linkWeight; ///< weight of the selected sentence on it, when one is selected
    };

    struct ContourLine {
        double level = 0.0;
        QColor color;
        std::vector<QPolygonF> polylines; ///< image pixels
    };

    QImage frame; ///< the display pipeline's 8-bit output (wraps its buffer)
    QImage overlay; ///< colourised heatmap tiling the whole image rectangle (may be coarser than the image)
    double overlayOpacity = 0.5;
    bool overlayVisible = true;
    std::vector<ContourLine> contours;
    std::vector<Region> regions;
    bool regionsVisible = true;
    QImage legend; ///< colour bar with the score scale; drawn in the legend column (else the top-right corner)
    /// Width of the column at the viewport's right edge kept for the legend: the image layers are clipped to the
    /// rest, so the legend never covers image content however the image is zoomed or panned. 0: no column (a narrow
    /// viewport), the legend is then drawn over the image's top-right corner.
    int legendColumnWidth = 0;
    QString overlayLabel; ///< what the overlay shows (sentence or finding), drawn at the top
    std::optional<double> pixelSpacingMm; ///< column spacing for the ruler; no ruler without it
    QString cornerText; ///< bottom-left annotation (window, zoom)

    bool hasImage() const { return !frame.isNull(); }
};

} // namespace lrclr
