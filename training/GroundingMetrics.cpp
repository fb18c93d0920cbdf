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
    const auto [minimum, maximum] = std::minmax_element(map.begin(), map.end());
    if (*minimum == *maximum)
        return false;
    const std::size_t at = static_cast<std::size_t>(maximum - map.begin());
    return boxMask(width, height, boxes)[at] != 0;
}

double GroundingMetrics::contrastToNoise(
    const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes)
{
    validate(map, width, height);
    const auto mask = boxMask(width, height, boxes);
    double sum[2] = { 0.0, 0.0 };
    double count[2] = { 0.0, 0.0 };
    for (std::size_t p = 0; p < map.size(); ++p) {
        sum[mask[p]] += map[p];
        count[mask[p]] += 1.0;
    }
    if (count[0] == 0.0 || count[1] == 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    const double mean[2] = { sum[0] / count[0], sum[1] / count[1] };
    double squares[2] = { 0.0, 0.0 };
    for (std::size_t p = 0; p < map.size(); ++p) {
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
    const auto [minimum, maximum] = std::minmax_element(map.begin(), map.end());
    const double low = *minimum;
    const double range = static_cast<double>(*maximum) - low;
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
    const auto [minimum, maximum] = std::minmax_element(map.begin(), map.end());
    const double low = *minimum;
    const double range = static_cast<double>(*maximum) - low;
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
