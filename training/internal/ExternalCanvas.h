#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "training/DeterministicRandom.h"
#include "training/internal/FindingBox.h"
#include "training/internal/Point.h"

namespace lrclr::internal {

// The external style (ExternalPhantomGenerator) draws in pixels; densities are dimensionless (soft tissue about 1).

inline double square(double value)
{
    return value * value;
}

inline double smoothstep(double edge0, double edge1, double x)
{
    const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

/// Bilinear value noise in [-1, 1] on a coarse random grid: soft-tissue mottle and the markings' phase.
class ExternalValueNoise {
public:
    ExternalValueNoise(DeterministicRandom& random, int cellsX, int cellsY, int width, int height)
        : m_columns(cellsX + 2)
        , m_rows(cellsY + 2)
        , m_scaleX(static_cast<double>(cellsX) / std::max(1, width))
        , m_scaleY(static_cast<double>(cellsY) / std::max(1, height))
        , m_grid(static_cast<std::size_t>(m_columns * m_rows))
    {
        for (auto& value : m_grid)
            value = static_cast<float>(random.uniform(-1.0, 1.0));
    }

    double at(double x, double y) const
    {
        const double gx = std::clamp(x * m_scaleX, 0.0, m_columns - 1.001);
        const double gy = std::clamp(y * m_scaleY, 0.0, m_rows - 1.001);
        const int ix = static_cast<int>(gx);
        const int iy = static_cast<int>(gy);
        const double fx = smoothstep(0.0, 1.0, gx - ix);
        const double fy = smoothstep(0.0, 1.0, gy - iy);
        const auto g = [this](int cx, int cy) { return m_grid[static_cast<std::size_t>(cy * m_columns + cx)]; };
        const double top = g(ix, iy) + (g(ix + 1, iy) - g(ix, iy)) * fx;
        const double bottom = g(ix, iy + 1) + (g(ix + 1, iy + 1) - g(ix, iy + 1)) * fx;
        return top + (bottom - top) * fy;
    }

private:
    int m_columns;
    int m_rows;
    double m_scaleX;
    double m_scaleY;
    std::vector<float> m_grid;
};

/// The drawing surface of an external-style phantom: density layers that are combined into the line integral at the
/// end.
struct ExternalCanvas {
    int width = 0;
    int height = 0;
    std::vector<float> tissue; ///< soft tissue, bone and added finding density
    std::vector<float> air; ///< lung aeration (0..1, deeper in the middle)
    std::vector<float> fill; ///< share of the air replaced by fluid or tissue (0..1)
    std::vector<float> markings; ///< lung markings before aeration is applied
    std::vector<float> devices; ///< radiopaque devices (max-composited)

    ExternalCanvas(int w, int h)
        : width(w)
        , height(h)
        , tissue(static_cast<std::size_t>(w) * h, 0.0f)
        , air(tissue.size(), 0.0f)
        , fill(tissue.size(), 0.0f)
        , markings(tissue.size(), 0.0f)
        , devices(tissue.size(), 0.0f)
    {
    }
    std::size_t at(int x, int y) const { return static_cast<std::size_t>(y) * width + x; }
    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
};

/// A pixel rectangle, both ends included.
struct PixelRect {
    int x0, y0, x1, y1;
};

/// The pixels of the canvas within (x0, y0)-(x1, y1), rounded outwards.
PixelRect clampRect(const ExternalCanvas& canvas, double x0, double y0, double x1, double y1);

/// The distance from (px, py) to the segment (ax, ay)-(bx, by).
double segmentDistance(double px, double py, double ax, double ay, double bx, double by);

/// A radiopaque line (tube wall, wire, lead) into the device layer: max-composited so that joints do not add up;
/// marks the pixels above 30 % of `density` in `box` when given.
void strokeDevice(
    ExternalCanvas& canvas, const std::vector<Point>& path, double halfWidth, double density, FindingBox* box);

/// Adds `amount` along the segment a-b into `layer`, fading out over halfWidth + 1 pixels.
void addSegment(
    std::vector<float>& layer, const ExternalCanvas& canvas, Point a, Point b, double halfWidth, double amount);

/// A separable box blur of radius `radius` in place (nothing for radius <= 0).
void boxBlur(std::vector<float>& data, int width, int height, int radius);

} // namespace lrclr::internal
