#include "core/model/PatchMapResampler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/model/internal/CubicKernel.h"

namespace lrclr {

namespace {

// The bicubic taps of every output sample along one axis: the first of four patch indices, their weights, and
// whether the sample's centre lies inside the model's field of view.
struct AxisTaps {
    std::vector<int> first;
    std::vector<std::array<double, 4>> weights;
    std::vector<bool> inside;
};

AxisTaps axisTaps(int outputSize, int originalSize, double offset, int cells, const AnalysisResult::Geometry& geometry)
{
    const double patch = static_cast<double>(geometry.inputSize) / cells;
    AxisTaps taps;
    taps.first.resize(static_cast<std::size_t>(outputSize));
    taps.weights.resize(static_cast<std::size_t>(outputSize));
    taps.inside.resize(static_cast<std::size_t>(outputSize));
    for (int i = 0; i < outputSize; ++i) {
        const double original = (i + 0.5) * originalSize / outputSize; // sample centre, original pixels
        const double input = original * geometry.scale + offset; // model input pixels
        const auto k = static_cast<std::size_t>(i);
        taps.inside[k] = input >= 0.0 && input < geometry.inputSize;
        const double cell = input / patch - 0.5; // patch-grid coordinate, patch centres at integers
        taps.first[k] = static_cast<int>(std::floor(cell)) - 1;
        for (int t = 0; t < 4; ++t)
            taps.weights[k][static_cast<std::size_t>(t)] = internal::cubicKernel(cell - (taps.first[k] + t));
    }
    return taps;
}

void validate(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
{
    if (map.rows <= 0 || map.columns <= 0 || map.values.size() != static_cast<std::size_t>(map.rows) * map.columns)
        throw std::invalid_argument("patch map: " + std::to_string(map.values.size()) + " values for a "
            + std::to_string(map.rows) + "x" + std::to_string(map.columns) + " grid");
    if (geometry.originalWidth <= 0 || geometry.originalHeight <= 0 || geometry.inputSize <= 0
        || !(geometry.scale > 0.0) || !std::isfinite(geometry.scale) || !std::isfinite(geometry.offsetX)
        || !std::isfinite(geometry.offsetY))
        throw std::invalid_argument("patch map geometry: image " + std::to_string(geometry.originalWidth) + "x"
            + std::to_string(geometry.originalHeight) + ", input " + std::to_string(geometry.inputSize) + ", scale "
            + std::to_string(geometry.scale));
    if (width <= 0 || height <= 0 || width > PatchMapResampler::maximumSide || height > PatchMapResampler::maximumSide)
        throw std::invalid_argument("patch map output size " + std::to_string(width) + "x" + std::to_string(height)
            + " is outside 1.." + std::to_string(PatchMapResampler::maximumSide));
}

} // namespace

std::vector<float> PatchMapResampler::toPixels(
    const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
{
    validate(map, geometry, width, height);
    const AxisTaps columns = axisTaps(width, geometry.originalWidth, geometry.offsetX, map.columns, geometry);
    const AxisTaps rows = axisTaps(height, geometry.originalHeight, geometry.offsetY, map.rows, geometry);

    // Interpolate along x for every grid row, then along y.
    std::vector<double> horizontal(static_cast<std::size_t>(map.rows) * width);
    for (int r = 0; r < map.rows; ++r) {
        for (int x = 0; x < width; ++x) {
            const auto k = static_cast<std::size_t>(x);
            double value = 0.0;
            for (int t = 0; t < 4; ++t)
                value += columns.weights[k][static_cast<std::size_t>(t)]
                    * map.at(r, std::clamp(columns.first[k] + t, 0, map.columns - 1));
            horizontal[static_cast<std::size_t>(r) * width + x] = value;
        }
    }
    std::vector<float> result(static_cast<std::size_t>(width) * height, std::numeric_limits<float>::quiet_NaN());
    for (int y = 0; y < height; ++y) {
        const auto k = static_cast<std::size_t>(y);
        if (!rows.inside[k])
            continue;
        for (int x = 0; x < width; ++x) {
            if (!columns.inside[static_cast<std::size_t>(x)])
                continue;
            double value = 0.0;
            for (int t = 0; t < 4; ++t) {
                const int r = std::clamp(rows.first[k] + t, 0, map.rows - 1);
                value += rows.weights[k][static_cast<std::size_t>(t)]
                    * horizontal[static_cast<std::size_t>(r) * width + x];
            }
            result[k * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] = static_cast<float>(value);
        }
    }
    return result;
}

std::pair<int, int> PatchMapResampler::displaySize(const AnalysisResult::Geometry& geometry, int longestSide)
{
    const int width = std::max(1, geometry.originalWidth);
    const int height = std::max(1, geometry.originalHeight);
    longestSide = std::clamp(longestSide, 1, maximumSide);
    const int longer = std::max(width, height);
    if (longer <= longestSide)
        return { width, height };
    const double factor = static_cast<double>(longestSide) / longer;
    return { std::max(1, static_cast<int>(std::lround(width * factor))),
        std::max(1, static_cast<int>(std::lround(height * factor))) };
}

} // namespace lrclr
