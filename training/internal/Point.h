#pragma once

#include <vector>

namespace lrclr::internal {

/// A point of a phantom's drawing plane (canonical units or pixels, as the caller uses them).
struct Point {
    double x = 0.0;
    double y = 0.0;
};

/// The quadratic Bézier curve from `a` to `b` pulled towards `control`, as steps + 1 points (ribs, lines, leads).
std::vector<Point> quadraticBezier(Point a, Point control, Point b, int steps);

} // namespace lrclr::internal
