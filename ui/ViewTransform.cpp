#include "ui/ViewTransform.h"

#include <algorithm>

namespace lrclr {

QRectF ViewTransform::visibleImageRect(const QSizeF& image, const QSizeF& viewport) const
{
    const QRectF inImage(toImage(QPointF(0, 0)), toImage(QPointF(viewport.width(), viewport.height())));
    return inImage.normalized().intersected(QRectF(QPointF(0, 0), image));
}

ViewTransform ViewTransform::fit(const QSizeF& image, const QSizeF& viewport)
{
    ViewTransform view;
    if (image.isEmpty() || viewport.isEmpty())
        return view;
    view.m_scale = std::clamp(
        std::min(viewport.width() / image.width(), viewport.height() / image.height()), minimumScale, maximumScale);
    view.m_offset = QPointF((viewport.width() - image.width() * view.m_scale) / 2.0,
        (viewport.height() - image.height() * view.m_scale) / 2.0);
    return view;
}

ViewTransform ViewTransform::actualSize(const QSizeF& image, const QSizeF& viewport, double devicePixelRatio)
{
    ViewTransform view;
    view.m_scale = 1.0 / (devicePixelRatio > 0.0 ? devicePixelRatio : 1.0);
    view.m_offset = QPointF((viewport.width() - image.width() * view.m_scale) / 2.0,
        (viewport.height() - image.height() * view.m_scale) / 2.0);
    return view;
}

ViewTransform ViewTransform::zoomedAt(const QPointF& anchor, double factor) const
{
    if (!(factor > 0.0))
        return *this;
    const QPointF fixedPoint = toImage(anchor);
    ViewTransform view = *this;
    view.m_scale = std::clamp(m_scale * factor, minimumScale, maximumScale);
    view.m_offset = anchor - fixedPoint * view.m_scale;
    return view;
}

ViewTransform ViewTransform::panned(const QPointF& widgetDelta) const
{
    ViewTransform view = *this;
    view.m_offset += widgetDelta;
    return view;
}

} // namespace lrclr
