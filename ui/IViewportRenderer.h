#pragma once

#include <QRect>

class QPainter;

namespace lrclr {

class ViewTransform;
struct ViewportScene;

/// Draws a ViewportScene into a painter. The QPainter renderer is the one in use; the interface is the seam where a
/// GPU or VTK renderer (CT, MPR) can be added later without touching the viewport's interaction or the panels.
/// Implementations are used on the GUI thread only.
class IViewportRenderer {
public:
    IViewportRenderer() = default;
    virtual ~IViewportRenderer() = default;
    IViewportRenderer(const IViewportRenderer&) = delete;
    IViewportRenderer& operator=(const IViewportRenderer&) = delete;

    /// Paints the part of `scene` that falls inside `viewport` (widget coordinates) under `view`.
    virtual void render(QPainter& painter, const ViewportScene& scene, const ViewTransform& view, const QRect& viewport)
        = 0;
};

} // namespace lrclr
