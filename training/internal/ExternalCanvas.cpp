#include "training/internal/ExternalCanvas.h"

#include <cmath>

namespace lrclr::internal {

PixelRect clampRect(const ExternalCanvas& canvas, double x0, double y0, double x1, double y1)
{
    return { std::clamp(static_cast<int>(std::floor(x0)), 0, canvas.width - 1),
        std::clamp(static_cast<int>(std::floor(y0)), 0, canvas.height - 1),
        std::clamp(static_cast<int>(std::ceil(x1)), 0, canvas.width - 1),
        std::clamp(static_cast<int>(std::ceil(y1)), 0, canvas.height - 1) };
}

double segmentDistance(double px, double py, double ax, double ay, double bx, double by)
{
    const double dx = bx - ax;
    const double dy = by - ay;
    const double length = dx * dx + dy * dy;
    const double t = length > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / length, 0.0, 1.0) : 0.0;
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

void strokeDevice(
    ExternalCanvas& canvas, const std::vector<Point>& path, double halfWidth, double density, FindingBox* box)
{
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const Point a = path[i];
        const Point b = path[i + 1];
        const PixelRect r = clampRect(canvas, std::min(a.x, b.x) - halfWidth - 2, std::min(a.y, b.y) - halfWidth - 2,
            std::max(a.x, b.x) + halfWidth + 2, std::max(a.y, b.y) + halfWidth + 2);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x) {
                const double d = segmentDistance(x, y, a.x, a.y, b.x, b.y);
                const double value = density * (1.0 - smoothstep(halfWidth - 0.6, halfWidth + 0.6, d));
                if (value <= 0.0)
                    continue;
                float& target = canvas.devices[canvas.at(x, y)];
                target = std::max(target, static_cast<float>(value));
                if (box && value > 0.3 * density)
                    box->add(x, y);
            }
    }
}

void addSegment(
    std::vector<float>& layer, const ExternalCanvas& canvas, Point a, Point b, double halfWidth, double amount)
{
    const PixelRect r = clampRect(canvas, std::min(a.x, b.x) - halfWidth - 2, std::min(a.y, b.y) - halfWidth - 2,
        std::max(a.x, b.x) + halfWidth + 2, std::max(a.y, b.y) + halfWidth + 2);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) {
            const double d = segmentDistance(x, y, a.x, a.y, b.x, b.y);
            if (d < halfWidth + 1.0)
                layer[canvas.at(x, y)] += static_cast<float>(amount * (1.0 - smoothstep(0.0, halfWidth + 1.0, d)));
        }
}

void boxBlur(std::vector<float>& data, int width, int height, int radius)
{
    if (radius <= 0)
        return;
    std::vector<float> temporary(data.size());
    const float scale = 1.0f / static_cast<float>(2 * radius + 1);
    for (int y = 0; y < height; ++y) {
        const float* row = &data[static_cast<std::size_t>(y) * width];
        float* out = &temporary[static_cast<std::size_t>(y) * width];
        float sum = 0.0f;
        for (int k = -radius; k <= radius; ++k)
            sum += row[std::clamp(k, 0, width - 1)];
        for (int x = 0; x < width; ++x) {
            out[x] = sum * scale;
            sum += row[std::min(width - 1, x + radius + 1)] - row[std::max(0, x - radius)];
        }
    }
    for (int x = 0; x < width; ++x) {
        float sum = 0.0f;
        for (int k = -radius; k <= radius; ++k)
            sum += temporary[static_cast<std::size_t>(std::clamp(k, 0, height - 1)) * width + x];
        for (int y = 0; y < height; ++y) {
            data[static_cast<std::size_t>(y) * width + x] = sum * scale;
            sum += temporary[static_cast<std::size_t>(std::min(height - 1, y + radius + 1)) * width + x]
                - temporary[static_cast<std::size_t>(std::max(0, y - radius)) * width + x];
        }
    }
}

} // namespace lrclr::internal
