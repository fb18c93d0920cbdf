#include "training/internal/Point.h"

namespace lrclr::internal {

std::vector<Point> quadraticBezier(Point a, Point control, Point b, int steps)
{
    std::vector<Point> points;
    points.reserve(static_cast<std::size_t>(steps) + 1);
    for (int i = 0; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        const double s = 1.0 - t;
        points.push_back(
            { s * s * a.x + 2 * s * t * control.x + t * t * b.x, s * s * a.y + 2 * s * t * control.y + t * t * b.y });
    }
    return points;
}

} // namespace lrclr::internal
