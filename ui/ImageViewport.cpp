#include "ui/ImageViewport.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QWheelEvent>

#include "core/model/PatchMapResampler.h"
#include "imaging/Colormap.h"
#include "imaging/ContourExtractor.h"
#include "ui/PainterViewportRenderer.h"
#include "ui/model/OverlaySettings.h"

namespace lrclr {

namespace {

/// Longer side of the resampled heatmap: 1024 keeps a 7x7 (or 224x224) map smooth at any zoom a chest X-ray is read
/// at, while colouring and drawing stay far below a frame's budget.
constexpr int overlayResolution = 1024;
constexpr int dragThreshold = 3;

/// A read-only QImage over the frame's bytes (no copy); the frame must outlive it.
QImage wrapFrame(const DisplayFrame& frame)
{
    if (!frame.isValid())
        return {};
    return QImage(static_cast<const uchar*>(frame.bytes.data()), frame.width, frame.height, frame.bytesPerLine(),
        frame.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
}

/// Share of the score range above the threshold over which the overlay fades in: a hard edge at the threshold would
/// read as a boundary the model drew, and the fade lets the core of the map stand out from its rim.
constexpr double overlayFadeIn = 0.2;

/// Scales the (premultiplied) colours of `overlay` by how far each value of `field` lies above `threshold`, reaching
/// full strength at `threshold + width`. `overlay` has the field's size (Colormap::colorize).
void fadeIn(QImage& overlay, const ScalarImage& field, double threshold, double width)
{
    if (!(width > 0.0) || overlay.size() != QSize(field.width, field.height)
        || overlay.format() != QImage::Format_ARGB32_Premultiplied)
        return;
    const float start = static_cast<float>(threshold);
    const float perValue = static_cast<float>(1.0 / width);
    for (int y = 0; y < field.height; ++y) {
        const float* values = field.values.data() + static_cast<std::size_t>(y) * field.width;
        auto* pixels = reinterpret_cast<QRgb*>(overlay.scanLine(y));
        for (int x = 0; x < field.width; ++x) {
            const float strength = (values[x] - start) * perValue;
            if (pixels[x] == 0 || !(strength < 1.0f))
                continue;
            const auto scaled = [strength](int channel) { return int(float(channel) * strength + 0.5f); };
            const QRgb pixel = pixels[x];
            pixels[x] = qRgba(scaled(qRed(pixel)), scaled(qGreen(pixel)), scaled(qBlue(pixel)), scaled(qAlpha(pixel)));
        }
    }
}

} // namespace

ImageViewport::ImageViewport(QWidget* parent)
    : QWidget(parent)
    , m_renderer(std::make_unique<PainterViewportRenderer>())
    , m_smoothTimer(new QTimer(this))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 200);
    // After the last drag or wheel step, repaint once with smooth scaling (nearest-neighbour while moving keeps a
    // frame well inside 16 ms on a 3000 x 3000 image).
    m_smoothTimer->setSingleShot(true);
    m_smoothTimer->setInterval(150);
    connect(m_smoothTimer, &QTimer::timeout, this, [this] {
        m_renderer->setQuality(PainterViewportRenderer::Quality::Smooth);
        update();
    });
}

ImageViewport::~ImageViewport() = default;

bool ImageViewport::showsLegend() const
{
    return !m_scene.legend.isNull() && m_scene.overlayVisible && !m_scene.overlay.isNull();
}

int ImageViewport::legendColumnFor(int width)
{
    return width >= minimumWidthForLegendColumn ? legendColumnWidth : 0;
}

QRectF ImageViewport::imageArea() const
{
    return QRectF(0, 0, width() - legendColumnFor(width()), height());
}

void ImageViewport::setImage(const XrayImage& image)
{
    DisplayPipeline pipeline(image);
    auto frame = std::make_shared<DisplayFrame>();
    pipeline.renderInto(*frame);
    setImage(pipeline, std::move(frame));
}

void ImageViewport::setImage(const DisplayPipeline& pipeline, std::shared_ptr<const DisplayFrame> frame)
{
    const XrayImage& image = pipeline.image();
    m_pipeline = pipeline;
    m_frame = {};
    m_preparedFrame = std::move(frame);
    m_result.reset();
    m_heatmap = {};
    m_field = {};
    m_emphasised.clear();
    m_focusedRegion = -1;
    m_scene = {};
    if (image.columnSpacingMm)
        m_scene.pixelSpacingMm = image.columnSpacingMm;
    m_modalityRange.reset();
    m_histogram.clear();
    if (m_preparedFrame && m_preparedFrame->isValid())
        m_scene.frame = wrapFrame(*m_preparedFrame);
    else
        refreshFrame();
    m_scene.legendColumnWidth = legendColumnFor(width());
    m_fitted = true;
    m_view = ViewTransform::fit(QSizeF(image.columns, image.rows), imageArea().size());
    rebuildOverlay();
    updateCornerText();
    update();
    Q_EMIT windowChanged(windowCenter(), windowWidth());
    Q_EMIT viewChanged();
}

void ImageViewport::clearImage()
{
    m_pipeline = DisplayPipeline();
    m_frame = {};
    m_preparedFrame.reset();
    m_scene = {};
    m_result.reset();
    m_heatmap = {};
    m_field = {};
    m_histogram.clear();
    m_modalityRange.reset();
    update();
}

std::pair<double, double> ImageViewport::modalityRange() const
{
    if (!m_modalityRange)
        computeHistogram();
    return *m_modalityRange;
}

void ImageViewport::computeHistogram() const
{
    m_histogram.clear();
    const XrayImage& image = m_pipeline.image();
    if (!image.isValid()) {
        m_modalityRange = { 0.0, 0.0 };
        return;
    }
    const auto [lowest, highest] = image.storedRange();
    m_histogramOffset = lowest;
    m_histogram.assign(static_cast<std::size_t>(highest - lowest + 1), 0);
    const auto count = [this](int value) { ++m_histogram[static_cast<std::size_t>(value - m_histogramOffset)]; };
    switch (image.sampleFormat) {
    case SampleFormat::Unsigned8:
        for (const auto value : image.unsigned8())
            count(value);
        break;
    case SampleFormat::Unsigned16:
        for (const auto value : image.unsigned16())
            count(value);
        break;
    case SampleFormat::Signed16:
        for (const auto value : image.signed16())
            count(value);
        break;
    case SampleFormat::Rgb8:
        for (const auto value : image.rgb8())
            count(value);
        break;
    }
    // Padding (the area outside the collimated field, a value or a range) must not widen the drag's modality range.
    for (std::size_t k = 0; k < m_histogram.size(); ++k) {
        if (m_histogram[k] != 0 && image.isPadding(static_cast<double>(k) + m_histogramOffset))
            m_histogram[k] = 0;
    }
    std::size_t first = 0;
    while (first + 1 < m_histogram.size() && m_histogram[first] == 0)
        ++first;
    std::size_t last = m_histogram.size() - 1;
    while (last > first && m_histogram[last] == 0)
        --last;
    const double a = image.modalityValue(static_cast<double>(first) + m_histogramOffset);
    const double b = image.modalityValue(static_cast<double>(last) + m_histogramOffset);
    m_modalityRange = { std::min(a, b), std::max(a, b) };
}

std::pair<double, double> ImageViewport::percentileWindow(double low, double high) const
{
    // The display pipeline's own percentile window: modality values through the Modality LUT or rescale, the whole
    // padding range left out.
    const VoiSettings voi = DisplayPipeline::percentileVoi(m_pipeline.image(), low, high);
    return { voi.center, voi.width };
}

void ImageViewport::refreshFrame()
{
    if (!m_pipeline.image().isValid())
        return;
    m_pipeline.renderInto(m_frame);
    m_scene.frame = wrapFrame(m_frame);
    m_preparedFrame.reset();
}

void ImageViewport::setViewTransform(const ViewTransform& view)
{
    m_view = view;
    m_fitted = false;
    updateCornerText();
    update();
    Q_EMIT viewChanged();
}

double ImageViewport::zoomPercent() const
{
    return m_view.scale() * devicePixelRatioF() * 100.0;
}

void ImageViewport::setWindow(double center, double width)
{
    if (!hasImage() || !std::isfinite(center) || !std::isfinite(width))
        return;
    m_pipeline.setWindow(center, std::max(1.0, width));
    refreshFrame();
    updateCornerText();
    update();
    Q_EMIT windowChanged(windowCenter(), windowWidth());
}

bool ImageViewport::applyWindowPreset(int index)
{
    if (!hasImage() || !m_pipeline.selectWindowPreset(index))
        return false;
    refreshFrame();
    updateCornerText();
    update();
    Q_EMIT windowChanged(windowCenter(), windowWidth());
    return true;
}

void ImageViewport::autoWindow()
{
    const auto [center, width] = percentileWindow(0.5, 99.5);
    setWindow(center, width);
}

void ImageViewport::setInverted(bool inverted)
{
    if (!hasImage() || inverted == isInverted())
        return;
    m_pipeline.setUserInverted(inverted);
    refreshFrame();
    updateCornerText();
    update();
    Q_EMIT windowChanged(windowCenter(), windowWidth());
}

void ImageViewport::fitToWindow()
{
    m_view = ViewTransform::fit(QSizeF(image().columns, image().rows), imageArea().size());
    m_fitted = true;
    updateCornerText();
    update();
    Q_EMIT viewChanged();
}

void ImageViewport::showActualSize()
{
    setViewTransform(
        ViewTransform::actualSize(QSizeF(image().columns, image().rows), imageArea().size(), devicePixelRatioF()));
}

void ImageViewport::zoomAt(const QPointF& widgetAnchor, double factor)
{
    if (!hasImage())
        return;
    beginFastRendering();
    setViewTransform(m_view.zoomedAt(widgetAnchor, factor));
}

void ImageViewport::resetView()
{
    if (!hasImage())
        return;
    m_pipeline.setUserInverted(false);
    m_pipeline.resetVoi();
    refreshFrame();
    fitToWindow();
    Q_EMIT windowChanged(windowCenter(), windowWidth());
}

void ImageViewport::setOverlaySettings(OverlaySettings* settings)
{
    if (m_settings)
        disconnect(m_settings, nullptr, this, nullptr);
    m_settings = settings;
    if (settings) {
        connect(settings, &OverlaySettings::colormapChanged, this, [this] { recolorOverlay(); });
        // The threshold cuts the colours and, on a shared scale, the isolines.
        const auto recut = [this] {
            recolorOverlay();
            rebuildContours();
        };
        connect(settings, &OverlaySettings::thresholdChanged, this, recut);
        connect(settings, &OverlaySettings::modelThresholdChanged, this, recut);
        connect(settings, &OverlaySettings::contourLevelsChanged, this, [this] { rebuildContours(); });
        connect(settings, &OverlaySettings::contoursVisibleChanged, this, [this] { rebuildContours(); });
        connect(settings, &OverlaySettings::visibleChanged, this, [this](bool visible) {
            m_scene.overlayVisible = visible;
            update();
        });
        connect(settings, &OverlaySettings::opacityChanged, this, [this](double opacity) {
            m_scene.overlayOpacity = opacity;
            update();
        });
        connect(settings, &OverlaySettings::regionBoxesVisibleChanged, this, [this](bool visible) {
            m_scene.regionsVisible = visible;
            update();
        });
    }
    recolorOverlay();
    rebuildContours();
}

void ImageViewport::setAnalysis(SharedAnalysisResult result)
{
    m_result = std::move(result);
    m_emphasised.clear();
    m_focusedRegion = -1;
    rebuildOverlay();
    rebuildRegions();
}

void ImageViewport::showAnalysis(
    SharedAnalysisResult result, const OverlayHeatmap& heatmap, const QList<ReportRegionLinks::Link>& emphasised)
{
    m_result = std::move(result);
    m_heatmap = heatmap;
    m_emphasised = emphasised;
    m_focusedRegion = -1;
    rebuildOverlay();
    rebuildRegions();
}

void ImageViewport::setHeatmap(const OverlayHeatmap& heatmap)
{
    if (heatmap == m_heatmap)
        return;
    m_heatmap = heatmap;
    rebuildOverlay();
}

void ImageViewport::setEmphasisedRegions(const QList<ReportRegionLinks::Link>& regions)
{
    m_emphasised = regions;
    rebuildRegions();
}

void ImageViewport::setFocusedRegion(int region)
{
    if (region == m_focusedRegion)
        return;
    m_focusedRegion = region;
    rebuildRegions();
}

void ImageViewport::rebuildOverlay()
{
    m_field = {};
    if (hasImage() && m_result && m_heatmap.isValid()) {
        AnalysisResult::Geometry geometry = m_result->geometry;
        if (geometry.originalWidth <= 0 || geometry.originalHeight <= 0) {
            geometry.originalWidth = image().columns;
            geometry.originalHeight = image().rows;
        }
        const auto [width, height] = PatchMapResampler::displaySize(geometry, overlayResolution);
        try {
            ++m_overlayBuilds;
            m_field
                = ScalarImage { width, height, PatchMapResampler::toPixels(m_heatmap.map, geometry, width, height) };
        } catch (const std::invalid_argument& error) {
            qWarning("lrclr-viewer: heatmap '%s' cannot be shown: %s", qUtf8Printable(m_heatmap.label), error.what());
            m_field = {};
        }
    }
    recolorOverlay();
    rebuildContours();
}

void ImageViewport::recolorOverlay()
{
    m_scene.overlay = {};
    m_scene.legend = {};
    m_scene.overlayLabel.clear();
    if (m_settings) {
        m_scene.overlayVisible = m_settings->isVisible();
        m_scene.overlayOpacity = m_settings->opacity();
        m_scene.regionsVisible = m_settings->regionBoxesVisible();
    }
    if (m_field.isValid()) {
        const auto [minimum, maximum] = overlayRange();
        const double threshold = overlayThreshold(minimum, maximum);
        const Colormap colormap(
            Colormap::fromKey(m_settings ? m_settings->colormap() : QString()).value_or(Colormap::Name::Inferno));
        m_scene.overlay = colormap.colorize(m_field, minimum, maximum, threshold);
        fadeIn(m_scene.overlay, m_field, threshold, overlayFadeIn * (maximum - minimum));
        const qreal ratio = devicePixelRatioF();
        const QString scoreName = m_heatmap.scoreName.isEmpty() ? QStringLiteral("score") : m_heatmap.scoreName;
        // The legend says whether the colours are the model's (comparable across sentences) or this map's own.
        QImage legend = colormap.legend(QSize(116, 220) * ratio, minimum, maximum,
            m_heatmap.hasSharedScale() ? scoreName : scoreName + tr(" (this map's range)"), threshold);
        legend.setDevicePixelRatio(ratio);
        m_scene.legend = legend;
        const QString kind = m_heatmap.source == OverlayHeatmap::Source::Finding
            ? tr("Finding")
            : (m_heatmap.negativeFinding ? tr("Negative finding") : tr("Sentence"));
        m_scene.overlayLabel = QStringLiteral("%1: %2").arg(kind, m_heatmap.label);
    }
    update();
    Q_EMIT overlayChanged();
}

std::pair<double, double> ImageViewport::overlayRange() const
{
    double minimum = m_heatmap.minimum;
    double maximum = m_heatmap.maximum;
    if (!(maximum > minimum)) {
        const auto range = m_field.finiteRange();
        minimum = range.first;
        maximum = range.second > range.first ? range.second : range.first + 1.0;
    }
    return { minimum, maximum };
}

double ImageViewport::overlayThreshold(double minimum, double maximum) const
{
    if (m_heatmap.threshold && (!m_settings || m_settings->usesModelThreshold()))
        return *m_heatmap.threshold;
    const double fraction = m_settings ? m_settings->threshold() : 0.0;
    return minimum + fraction * (maximum - minimum);
}

void ImageViewport::rebuildContours()
{
    m_scene.contours.clear();
    if (m_field.isValid() && (!m_settings || m_settings->contoursVisible())) {
        const auto [minimum, maximum] = overlayRange();
        // On the model's shared scale, no isoline below the threshold: it would outline what the overlay hides.
        const double floor = m_heatmap.hasSharedScale() ? overlayThreshold(minimum, maximum) : minimum;
        const QList<double> allFractions = m_settings ? m_settings->contourLevels() : QList<double> { 0.5, 0.75, 0.9 };
        QList<double> fractions;
        std::vector<double> levels;
        for (const double fraction : allFractions)
            if (const double level = minimum + fraction * (maximum - minimum); level >= floor) {
                fractions.append(fraction);
                levels.push_back(level);
            }
        const auto contours = ContourExtractor::extract(m_field, levels, QSizeF(image().columns, image().rows));
        for (std::size_t k = 0; k < contours.size(); ++k) {
            // Brighter and more opaque for higher levels, so the core of a finding reads first.
            const double fraction = fractions[static_cast<qsizetype>(k)];
            const QColor color(255, 255, 255, std::clamp(int(110 + 145 * fraction), 0, 255));
            m_scene.contours.push_back({ contours[k].level, color, contours[k].polylines });
        }
    }
    update();
}

void ImageViewport::rebuildRegions()
{
    m_scene.regions.clear();
    if (m_result) {
        for (std::size_t k = 0; k < m_result->regions.size(); ++k) {
            const auto& region = m_result->regions[k];
            ViewportScene::Region drawn;
            drawn.index = static_cast<int>(k);
            drawn.box = QRectF(region.box.x, region.box.y, region.box.width, region.box.height);
            drawn.score = region.score;
            drawn.focused = drawn.index == m_focusedRegion;
            for (const auto& link : m_emphasised) {
                if (link.index == drawn.index) {
                    drawn.emphasised = true;
                    drawn.linkWeight = link.weight;
                }
            }
            m_scene.regions.push_back(drawn);
        }
    }
    update();
}

void ImageViewport::updateCornerText()
{
    if (!hasImage()) {
        m_scene.cornerText.clear();
        return;
    }
    QString text = QStringLiteral("W %1  L %2   Zoom %3%")
                       .arg(windowWidth(), 0, 'f', 0)
                       .arg(windowCenter(), 0, 'f', 0)
                       .arg(zoomPercent(), 0, 'f', 0);
    if (isInverted())
        text += QStringLiteral("   inverted");
    m_scene.cornerText = text;
}

ImageViewport::CursorInfo ImageViewport::cursorInfoAt(const QPointF& widgetPoint) const
{
    CursorInfo info;
    const XrayImage& image = m_pipeline.image();
    if (!image.isValid())
        return info;
    const QPointF point = m_view.toImage(widgetPoint);
    const int x = static_cast<int>(std::floor(point.x()));
    const int y = static_cast<int>(std::floor(point.y()));
    info.pixel = QPoint(x, y);
    if (x < 0 || y < 0 || x >= image.columns || y >= image.rows)
        return info;
    info.insideImage = true;
    info.storedValue = image.storedValue(x, y);
    info.modalityValue = m_pipeline.modalityValueAt(x, y);
    info.modalityUnit = QString::fromStdString(image.rescaleType);
    if (image.columnSpacingMm && image.rowSpacingMm)
        info.positionMm = QPointF((x + 0.5) * *image.columnSpacingMm, (y + 0.5) * *image.rowSpacingMm);
    return info;
}

QImage ImageViewport::renderSnapshot(int longestSide) const
{
    const QSize imageSize(image().columns, image().rows);
    const int side = std::clamp(std::max(imageSize.width(), imageSize.height()), 800, std::max(800, longestSide));
    QSize size = imageSize.scaled(QSize(side, side), Qt::KeepAspectRatio);
    if (showsLegend())
        size.rwidth() += legendColumnFor(size.width() + legendColumnWidth);
    return renderToImage(size);
}

QImage ImageViewport::renderToImage(QSize size) const
{
    const bool fitted = size.isValid() && !size.isEmpty();
    if (!fitted)
        size = this->size();
    QImage target(size, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&target);
    ViewportScene scene = m_scene;
    if (fitted)
        scene.legendColumnWidth = showsLegend() ? legendColumnFor(size.width()) : 0;
    const QSizeF area(size.width() - scene.legendColumnWidth, size.height());
    const ViewTransform view = fitted ? ViewTransform::fit(QSizeF(image().columns, image().rows), area) : m_view;
    PainterViewportRenderer renderer;
    renderer.setQuality(PainterViewportRenderer::Quality::Smooth);
    if (fitted) {
        scene.cornerText = QStringLiteral("W %1  L %2").arg(windowWidth(), 0, 'f', 0).arg(windowCenter(), 0, 'f', 0);
        scene.legend.setDevicePixelRatio(1.0);
    }
    renderer.render(painter, scene, view, QRect(QPoint(0, 0), size));
    return target;
}

void ImageViewport::beginFastRendering()
{
    m_renderer->setQuality(PainterViewportRenderer::Quality::Fast);
    m_smoothTimer->start();
}

void ImageViewport::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    m_renderer->render(painter, m_scene, m_view, rect());
}

void ImageViewport::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    m_scene.legendColumnWidth = legendColumnFor(width());
    if (m_fitted && hasImage()) {
        m_view = ViewTransform::fit(QSizeF(image().columns, image().rows), imageArea().size());
        updateCornerText();
        Q_EMIT viewChanged();
    }
}

void ImageViewport::mousePressEvent(QMouseEvent* event)
{
    m_pressPosition = event->position();
    m_lastPosition = event->position();
    m_moved = false;
    m_pressVoi = m_pipeline.voi();
    if (event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)))
        m_drag = Drag::Pan;
    else if (event->button() == Qt::LeftButton)
        m_drag = Drag::Window;
    else if (event->button() == Qt::RightButton)
        m_drag = Drag::Zoom;
    else
        m_drag = Drag::None;
    event->accept();
}

void ImageViewport::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF position = event->position();
    if (m_drag != Drag::None && hasImage()) {
        if ((position - m_pressPosition).manhattanLength() >= dragThreshold)
            m_moved = true;
        if (m_moved) {
            beginFastRendering();
            const QPointF delta = position - m_lastPosition;
            switch (m_drag) {
            case Drag::Window: {
                // Horizontal: width, vertical: level; one modality range per ~1000 pixels of movement, so a full
                // sweep is a comfortable hand movement for 8-bit and 16-bit data alike.
                const double perPixel = std::max(modalityRange().second - modalityRange().first, 1.0) / 1000.0;
                const QPointF total = position - m_pressPosition;
                setWindow(m_pressVoi.center + total.y() * perPixel, m_pressVoi.width + total.x() * perPixel);
                break;
            }
            case Drag::Pan:
                setViewTransform(m_view.panned(delta));
                break;
            case Drag::Zoom:
                setViewTransform(m_view.zoomedAt(m_pressPosition, std::pow(1.01, -delta.y())));
                break;
            case Drag::None:
                break;
            }
        }
        m_lastPosition = position;
    }
    const CursorInfo info = cursorInfoAt(position);
    Q_EMIT cursorInfoChanged(info);
    if (hasImage()) {
        const QPointF point = m_view.toImage(position);
        Q_EMIT imagePointHovered(point.x(), point.y());
    }
    event->accept();
}

void ImageViewport::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag == Drag::Window && !m_moved && hasImage()) {
        const QPointF point = m_view.toImage(event->position());
        Q_EMIT imagePointClicked(point.x(), point.y());
    }
    m_drag = Drag::None;
    event->accept();
}

void ImageViewport::mouseDoubleClickEvent(QMouseEvent* event)
{
    // Double-click toggles between fitted and 1:1 around the clicked point, as in most PACS viewers.
    if (event->button() == Qt::LeftButton && hasImage()) {
        if (m_fitted) {
            const QPointF point = m_view.toImage(event->position());
            ViewTransform view = ViewTransform::actualSize(
                QSizeF(image().columns, image().rows), imageArea().size(), devicePixelRatioF());
            setViewTransform(view.panned(event->position() - view.toWidget(point)));
        } else {
            fitToWindow();
        }
    }
    event->accept();
}

void ImageViewport::wheelEvent(QWheelEvent* event)
{
    const double steps
        = event->angleDelta().y() != 0 ? event->angleDelta().y() / 120.0 : event->pixelDelta().y() / 40.0;
    if (steps != 0.0)
        zoomAt(event->position(), std::pow(1.2, steps));
    event->accept();
}

void ImageViewport::leaveEvent(QEvent* event)
{
    Q_EMIT hoverLeft();
    Q_EMIT cursorInfoChanged(CursorInfo {});
    QWidget::leaveEvent(event);
}

} // namespace lrclr
