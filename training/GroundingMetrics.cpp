#include "training/GroundingMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace lrclr {

namespace {

void validate(const std::vector<float>& map, int width, int height)
{
    if (width <= 0 || height <= 0 || map.size() != static_cast<std::size_t>(width) * height)
        throw std::invalid_argument(
            "heatmap size does not match " + std::to_string(width) + "x" + std::to_string(height));
}

// The smallest and largest finite values of a map and where the largest is. Maps from PatchMapResampler are NaN
// outside the model's field of view: the model said nothing there, so no metric counts those pixels.
struct FiniteExtremes {
    double minimum = 0.0;
    double maximum = 0.0;
    std::size_t maximumAt = 0;
    bool any = false;
};

FiniteExtremes finiteExtremes(const std::vector<float>& map)
{
    FiniteExtremes extremes;
    for (std::size_t p = 0; p < map.size(); ++p) {
        if (!std::isfinite(map[p]))
            continue;
        if (!extremes.any || map[p] > extremes.maximum) {
            extremes.maximum = map[p];
            extremes.maximumAt = p;
        }
        if (!extremes.any || map[p] < extremes.minimum)
            extremes.minimum = map[p];
        extremes.any = true;
    }
    return extremes;
}

} // namespace

const std::vector<double>& GroundingMetrics::iouThresholds()
{
    static const std::vector<double> thresholds { 0.1, 0.2, 0.3, 0.4, 0.5 };
    return thresholds;
}

std::vector<unsigned char> GroundingMetrics::boxMask(int width, int height, const std::vector<Box>& boxes)
{
    std::vector<unsigned char> mask(static_cast<std::size_t>(width) * height, 0);
    for (const Box& box : boxes) {
        // Pixels whose centres fall in [x0, x1): x + 0.5 >= x0  <=>  x >= ceil(x0 - 0.5).
        const int x0 = std::max(0, static_cast<int>(std::ceil(box.x - 0.5)));
        const int y0 = std::max(0, static_cast<int>(std::ceil(box.y - 0.5)));
        const int x1 = std::min(width, static_cast<int>(std::ceil(box.x + box.width - 0.5)));
        const int y1 = std::min(height, static_cast<int>(std::ceil(box.y + box.height - 0.5)));
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x)
                mask[static_cast<std::size_t>(y) * width + x] = 1;
    }
    return mask;
}

bool GroundingMetrics::pointingHit(const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes)
{
    validate(map, width, height);
    const FiniteExtremes extremes = finiteExtremes(map);
    if (!extremes.any || extremes.minimum == extremes.maximum)
        return false;
    return boxMask(width, height, boxes)[extremes.maximumAt] != 0;
}

double GroundingMetrics::contrastToNoise(
    const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes)
{
    validate(map, width, height);
    const auto mask = boxMask(width, height, boxes);
    double sum[2] = { 0.0, 0.0 };
    double count[2] = { 0.0, 0.0 };
    for (std::size_t p = 0; p < map.size(); ++p) {
        if (!std::isfinite(map[p]))
            continue;
        sum[mask[p]] += map[p];
        count[mask[p]] += 1.0;
    }
    if (count[0] == 0.0 || count[1] == 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    const double mean[2] = { sum[0] / count[0], sum[1] / count[1] };
    double squares[2] = { 0.0, 0.0 };
    for (std::size_t p = 0; p < map.size(); ++p) {
        if (!std::isfinite(map[p]))
            continue;
        const double d = map[p] - mean[mask[p]];
        squares[mask[p]] += d * d;
    }
    const double variance = squares[0] / count[0] + squares[1] / count[1];
    if (variance == 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    return std::abs(mean[1] - mean[0]) / std::sqrt(variance);
}

double GroundingMetrics::intersectionOverUnion(
    const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes, double threshold)
{
    validate(map, width, height);
    const auto mask = boxMask(width, height, boxes);
    const FiniteExtremes extremes = finiteExtremes(map);
    const double low = extremes.minimum;
    const double range = extremes.maximum - low;
    double intersection = 0.0;
    double unionCount = 0.0;
    for (std::size_t p = 0; p < map.size(); ++p) {
        const bool selected = range > 0.0 && (map[p] - low) / range >= threshold;
        intersection += (selected && mask[p]) ? 1.0 : 0.0;
        unionCount += (selected || mask[p]) ? 1.0 : 0.0;
    }
    return unionCount > 0.0 ? intersection / unionCount : 0.0;
}

std::vector<double> GroundingMetrics::intersectionOverUnion(const std::vector<float>& map, int width, int height,
    const std::vector<Box>& boxes, const std::vector<double>& thresholds)
{
    validate(map, width, height);
    const auto mask = boxMask(width, height, boxes);
    const FiniteExtremes extremes = finiteExtremes(map);
    const double low = extremes.minimum;
    const double range = extremes.maximum - low;
    const std::size_t count = thresholds.size();
    // Per threshold: selected pixels inside and outside the boxes; union = boxes + selected outside.
    std::vector<double> inside(count, 0.0);
    std::vector<double> outside(count, 0.0);
    double boxPixels = 0.0;
    if (range > 0.0) {
        for (std::size_t p = 0; p < map.size(); ++p) {
            const double value = (map[p] - low) / range;
            auto& selected = mask[p] ? inside : outside;
            for (std::size_t t = 0; t < count; ++t)
                selected[t] += value >= thresholds[t] ? 1.0 : 0.0;
        }
    }
    for (const unsigned char inBox : mask)
        boxPixels += inBox;
    std::vector<double> result(count, 0.0);
    for (std::size_t t = 0; t < count; ++t) {
        const double unionCount = boxPixels + outside[t];
        result[t] = unionCount > 0.0 ? inside[t] / unionCount : 0.0;
    }
    return result;
}

} // namespace lrclr
