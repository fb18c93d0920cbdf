#pragma once

#include <QRectF>

#include "ui/IViewportRenderer.h"

namespace lrclr {

/// The QPainter renderer: draws only the visible part of the 8-bit frame (nearest-neighbour while the user drags,
/// smooth otherwise), the heatmap with its opacity, contour lines, region boxes with scores, the legend, a mm ruler
/// and the corner annotations. GUI thread only.
class PainterViewportRenderer final : public IViewportRenderer {
public:
    enum class Quality { Fast, Smooth };

    void setQuality(Quality quality) { m_quality = quality; }
    Quality quality() const { return m_quality; }

    void render(
        QPainter& painter, const ViewportScene& scene, const ViewTransform& view, const QRect& viewport) override;

    /// The ruler length in mm: a 1-2-5 step close to a fifth of the viewport's width.
    static double rulerLengthMm(double viewportWidthPixels, double widgetPixelsPerMm);

private:
    void renderImageLayers(QPainter& painter, const ViewportScene& scene, const ViewTransform& view,
        const QRect& imageArea, const QRectF& visible) const;
    void renderAnnotations(
        QPainter& painter, const ViewportScene& scene, const ViewTransform& view, const QRect& imageArea) const;

    Quality m_quality = Quality::Smooth;
};

} // namespace lrclr
