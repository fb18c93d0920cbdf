#include "training/internal/PhantomCanvas.h"

#include <algorithm>
#include <cmath>

namespace lrclr::internal {

namespace {

double profileValue(Profile profile, double r) // r = distance / half-width, 0..1
{
    switch (profile) {
    case Profile::Round:
        return std::sqrt(std::max(0.0, 1.0 - r * r));
    case Profile::Cortical:
        return 0.55 + 0.45 * r * r * r * r;
    case Profile::Flat:
        return 1.0;
    case Profile::Tube:
        return 0.25 + 0.75 * std::pow(r, 8);
    }
    return 1.0;
}

} // namespace

void PhantomCanvas::band(const std::vector<Point>& points, double halfWidth, double amplitude, Profile profile,
    std::vector<float>& target, Combine combine, FindingBox* tracker, double trackAbove,
    const std::vector<float>* modulate)
{
    if (points.size() < 2 || halfWidth <= 0.0)
        return;
    ++currentStamp;
    touched.clear();
    const double reach = halfWidth + 1.0;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        const Point a = points[i];
        const Point b = points[i + 1];
        const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
        const int x1 = std::min(size - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
        const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
        const int y1 = std::min(size - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
        const double dx = b.x - a.x;
        const double dy = b.y - a.y;
        const double lengthSquared = dx * dx + dy * dy;
        for (int y = y0; y <= y1; ++y) {
            for (int x = x0; x <= x1; ++x) {
                const double px = x - a.x;
                const double py = y - a.y;
                double along = lengthSquared > 0.0 ? (px * dx + py * dy) / lengthSquared : 0.0;
                along = clamp01(along);
                const double ex = px - along * dx;
                const double ey = py - along * dy;
                const float distance = static_cast<float>(std::sqrt(ex * ex + ey * ey));
                if (distance > reach)
                    continue;
                const std::size_t p = static_cast<std::size_t>(y) * size + x;
                if (stamp[p] != currentStamp) {
                    stamp[p] = currentStamp;
                    best[p] = distance;
                    touched.push_back(p);
                } else if (distance < best[p]) {
                    best[p] = distance;
                }
            }
        }
    }
    for (const std::size_t p : touched) {
        const double d = best[p];
        // Anti-aliased edge over one pixel.
        const double coverage = clamp01(halfWidth + 0.5 - d);
        if (coverage <= 0.0)
            continue;
        double value = amplitude * coverage * profileValue(profile, std::min(1.0, d / halfWidth));
        if (modulate)
            value *= (*modulate)[p];
        if (combine == Combine::Add)
            target[p] += static_cast<float>(value);
        else
            target[p] = std::max(target[p], static_cast<float>(value));
        if (tracker && std::abs(value) > trackAbove)
            tracker->add(static_cast<int>(p % size), static_cast<int>(p / size));
    }
}

} // namespace lrclr::internal
