#pragma once

#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace lrclr {

/// Where the image sits in the viewport: widget = image * scale + offset (logical widget pixels, image pixels with
/// pixel (i, j) spanning [i, i+1) x [j, j+1)). A plain value; every interaction (fit, 1:1, zoom to the cursor, pan) is
/// a pure function here so it can be tested without a widget.
class ViewTransform {
public:
    static constexpr double minimumScale = 1.0 / 64.0;
    static constexpr double maximumScale = 64.0;

    double scale() const { return m_scale; }
    QPointF offset() const { return m_offset; }

    QPointF toWidget(const QPointF& image) const { return image * m_scale + m_offset; }
    QPointF toImage(const QPointF& widget) const { return (widget - m_offset) / m_scale; }
    QRectF toWidget(const QRectF& image) const { return QRectF(toWidget(image.topLeft()), image.size() * m_scale); }
    /// The part of the image rectangle visible in a viewport of `viewport` size (empty when none is).
    QRectF visibleImageRect(const QSizeF& image, const QSizeF& viewport) const;

    /// Whole image visible, centred, as large as fits.
    static ViewTransform fit(const QSizeF& image, const QSizeF& viewport);
    /// One image pixel per device pixel (`devicePixelRatio` device pixels per logical pixel), centred.
    static ViewTransform actualSize(const QSizeF& image, const QSizeF& viewport, double devicePixelRatio);

    /// Multiplies the scale by `factor` (clamped to [minimumScale, maximumScale]) keeping the image point under
    /// `anchor` (widget coordinates) fixed.
    ViewTransform zoomedAt(const QPointF& anchor, double factor) const;
    ViewTransform panned(const QPointF& widgetDelta) const;

    bool operator==(const ViewTransform& other) const = default;

private:
    double m_scale = 1.0;
    QPointF m_offset;
};

} // namespace lrclr
