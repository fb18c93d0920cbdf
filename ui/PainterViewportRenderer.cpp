#include "ui/PainterViewportRenderer.h"

#include <algorithm>
#include <cmath>

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include "ui/ViewTransform.h"
#include "ui/ViewportScene.h"

namespace lrclr {

namespace {

const QColor kBackground(0, 0, 0);
const QColor kAnnotation(230, 232, 235);
const QColor kRegion(0, 200, 255);
const QColor kRegionEmphasised(255, 214, 0);
const QColor kRegionFocused(255, 255, 255);
const QColor kColumnEdge(60, 62, 66);

/// Source rectangle in `image` pixels for the part `visible` (in scene image coordinates) of an image of
/// `sceneSize`, expanded to whole source pixels so the drawn area matches the widget rectangle exactly.
QRectF sourceRectFor(const QRectF& visible, const QSizeF& sceneSize, const QSize& imageSize)
{
    const double sx = imageSize.width() / sceneSize.width();
    const double sy = imageSize.height() / sceneSize.height();
    const double left = std::floor(visible.left() * sx);
    const double top = std::floor(visible.top() * sy);
    const double right = std::min<double>(imageSize.width(), std::ceil(visible.right() * sx));
    const double bottom = std::min<double>(imageSize.height(), std::ceil(visible.bottom() * sy));
    return QRectF(left, top, right - left, bottom - top);
}

/// Text on a translucent dark backing fitted to the text: readable over bright lung and over the overlay.
void drawTextOnBacking(QPainter& painter, const QRectF& rect, int flags, const QString& text)
{
    const QRectF used = painter.boundingRect(rect, flags, text).intersected(rect).adjusted(-4, -2, 4, 2);
    painter.save();
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(used, 3, 3);
    painter.restore();
    painter.setPen(kAnnotation);
    painter.drawText(rect, flags, text);
}

void drawTextWithShadow(QPainter& painter, const QRectF& rect, int flags, const QString& text)
{
    // A one-pixel dark shadow keeps annotations legible over bright bone and over the overlay.
    painter.setPen(QColor(0, 0, 0, 220));
    painter.drawText(rect.translated(1, 1), flags, text);
    painter.setPen(kAnnotation);
    painter.drawText(rect, flags, text);
}

} // namespace

double PainterViewportRenderer::rulerLengthMm(double viewportWidthPixels, double widgetPixelsPerMm)
{
    if (!(widgetPixelsPerMm > 0.0) || !(viewportWidthPixels > 0.0))
        return 0.0;
    const double target = viewportWidthPixels / 5.0 / widgetPixelsPerMm;
    const double decade = std::pow(10.0, std::floor(std::log10(target)));
    for (const double step : { 5.0, 2.0, 1.0 }) {
        if (step * decade <= target)
            return step * decade;
    }
    return decade;
}

void PainterViewportRenderer::render(
    QPainter& painter, const ViewportScene& scene, const ViewTransform& view, const QRect& viewport)
{
    painter.fillRect(viewport, kBackground);
    if (!scene.hasImage())
        return;

    // The image layers live left of the legend column; the view transform places the image in that area.
    const QRect imageArea = viewport.adjusted(0, 0, -std::clamp(scene.legendColumnWidth, 0, viewport.width()), 0);
    const QSizeF imageSize = scene.frame.size();
    const QRectF visible = view.visibleImageRect(imageSize, imageArea.size());
    if (!visible.isEmpty())
        renderImageLayers(painter, scene, view, imageArea, visible);
    renderAnnotations(painter, scene, view, imageArea);
}

void PainterViewportRenderer::renderImageLayers(QPainter& painter, const ViewportScene& scene,
    const ViewTransform& view, const QRect& imageArea, const QRectF& visible) const
{
    const QSizeF imageSize = scene.frame.size();
    painter.save();
    // Whole source pixels are drawn, which may reach past the area's edge into the legend column.
    painter.setClipRect(imageArea);

    // Layer 1: the frame, visible part only.
    {
        const QRectF source = sourceRectFor(visible, imageSize, scene.frame.size());
        painter.setRenderHint(QPainter::SmoothPixmapTransform, m_quality == Quality::Smooth && view.scale() < 1.0);
        painter.drawImage(view.toWidget(source), scene.frame, source);
    }

    // Layer 2: the heatmap, tiling the image rectangle at its own resolution.
    if (scene.overlayVisible && !scene.overlay.isNull() && scene.overlayOpacity > 0.0) {
        const QRectF source = sourceRectFor(visible, imageSize, scene.overlay.size());
        const double sx = imageSize.width() / scene.overlay.width();
        const double sy = imageSize.height() / scene.overlay.height();
        const QRectF inImage(source.left() * sx, source.top() * sy, source.width() * sx, source.height() * sy);
        painter.save();
        painter.setOpacity(scene.overlayOpacity);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, m_quality == Quality::Smooth);
        painter.drawImage(view.toWidget(inImage), scene.overlay, source);
        painter.restore();
    }

    painter.setRenderHint(QPainter::Antialiasing, m_quality == Quality::Smooth);
    // An integer clip keeps the raster engine on its fast rectangular path (a fractional one clips by path).
    painter.setClipRect(view.toWidget(QRectF(QPointF(0, 0), imageSize)).toAlignedRect().intersected(imageArea));

    // Layer 3: contour lines (cosmetic pens: constant width whatever the zoom).
    if (scene.overlayVisible) {
        const QTransform toWidget(view.scale(), 0, 0, view.scale(), view.offset().x(), view.offset().y());
        for (const auto& contour : scene.contours) {
            // While dragging, 1-pixel lines take the raster engine's fast line path; wider ones go through the
            // stroker (several ms for a few thousand points).
            QPen pen(contour.color, m_quality == Quality::Smooth ? 1.6 : 0.0);
            pen.setCosmetic(true);
            painter.setPen(pen);
            for (const QPolygonF& line : contour.polylines)
                painter.drawPolyline(toWidget.map(line));
        }
    }

    // Layer 4: selected regions with their scores.
    if (scene.regionsVisible) {
        QFont font = painter.font();
        font.setPixelSize(12);
        painter.setFont(font);
        const QFontMetrics metrics(font);
        for (const auto& region : scene.regions) {
            const QRectF box = view.toWidget(region.box);
            if (!box.intersects(QRectF(imageArea)))
                continue;
            const QColor color = region.focused ? kRegionFocused : (region.emphasised ? kRegionEmphasised : kRegion);
            QPen pen(color, region.focused || region.emphasised ? 2.5 : 1.2);
            if (!region.emphasised && !region.focused)
                pen.setStyle(Qt::DashLine);
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(box);
            QString label = QStringLiteral("R%1 %2").arg(region.index + 1).arg(region.score, 0, 'f', 2);
            if (region.linkWeight)
                label += QStringLiteral("  w %1").arg(*region.linkWeight, 0, 'f', 2);
            QRectF labelRect(box.left(), box.top() - metrics.height() - 2, metrics.horizontalAdvance(label) + 6,
                metrics.height() + 2);
            // A box at the top edge would have its label clipped away: put the label inside the box instead.
            if (labelRect.top() < painter.clipBoundingRect().top())
                labelRect.moveTop(box.top() + 1);
            painter.fillRect(labelRect, QColor(0, 0, 0, 170));
            painter.setPen(color);
            painter.drawText(labelRect, Qt::AlignCenter, label);
        }
    }
    painter.restore();
}

void PainterViewportRenderer::renderAnnotations(
    QPainter& painter, const ViewportScene& scene, const ViewTransform& view, const QRect& imageArea) const
{
    painter.save();
    QFont font = painter.font();
    font.setPixelSize(13);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const QRectF inner = QRectF(imageArea).adjusted(10, 8, -10, -8);
    const bool legendShown = !scene.legend.isNull() && scene.overlayVisible && !scene.overlay.isNull();
    const bool legendInColumn = scene.legendColumnWidth > 0;
    if (legendInColumn) {
        // A hairline where the image area ends, so an image panned against it reads as cut off, not as ending.
        painter.setPen(kColumnEdge);
        painter.drawLine(QPointF(imageArea.right() + 0.5, imageArea.top()),
            QPointF(imageArea.right() + 0.5, imageArea.bottom() + 1.0));
    }
    if (legendShown) {
        const QSizeF legendSize = QSizeF(scene.legend.size()) / scene.legend.devicePixelRatio();
        const double left = legendInColumn
            ? imageArea.right() + 1.0 + std::max(0.0, (scene.legendColumnWidth - legendSize.width()) / 2.0)
            : inner.right() - legendSize.width();
        painter.drawImage(QRectF(QPointF(left, inner.top()), legendSize), scene.legend);
    }
    if (!scene.overlayLabel.isEmpty() && scene.overlayVisible) {
        const double legendWidth = scene.legend.width() / scene.legend.devicePixelRatio();
        const double width = inner.width() - (legendShown && !legendInColumn ? legendWidth + 10 : 0);
        drawTextOnBacking(painter, QRectF(inner.left(), inner.top(), width, metrics.height() * 2.2),
            Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
            metrics.elidedText(scene.overlayLabel, Qt::ElideRight, int(width) * 2));
    }
    if (!scene.cornerText.isEmpty())
        drawTextOnBacking(painter, inner, Qt::AlignLeft | Qt::AlignBottom, scene.cornerText);

    if (scene.pixelSpacingMm && *scene.pixelSpacingMm > 0.0) {
        const double widgetPixelsPerMm = view.scale() / *scene.pixelSpacingMm;
        const double lengthMm = rulerLengthMm(imageArea.width(), widgetPixelsPerMm);
        const double length = lengthMm * widgetPixelsPerMm;
        if (length > 4.0) {
            const QPointF end(inner.right(), inner.bottom() - metrics.height() - 4);
            const QPointF start(end.x() - length, end.y());
            for (const auto& [color, width] :
                { std::pair { QColor(0, 0, 0, 220), 4.0 }, std::pair { kAnnotation, 2.0 } }) {
                painter.setPen(QPen(color, width, Qt::SolidLine, Qt::FlatCap));
                painter.drawLine(start, end);
                painter.drawLine(start + QPointF(0, -6), start + QPointF(0, 6));
                painter.drawLine(end + QPointF(0, -6), end + QPointF(0, 6));
            }
            const QString label = lengthMm >= 10.0 ? QStringLiteral("%1 cm").arg(lengthMm / 10.0)
                                                   : QStringLiteral("%1 mm").arg(lengthMm);
            drawTextWithShadow(
                painter, QRectF(start.x(), end.y() + 4, length, metrics.height()), Qt::AlignCenter, label);
        }
    }
    painter.restore();
}

} // namespace lrclr
