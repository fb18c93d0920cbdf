#include "core/model/ImagePreprocessor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "core/model/internal/CubicKernel.h"

namespace lrclr {

namespace {

// Resampling weights of one output axis: for every output sample, source indices (clamped to the edge) and
// normalised weights. `inside` is false where the output sample's centre falls outside the source.
struct Axis {
    std::vector<std::vector<int>> indices;
    std::vector<std::vector<double>> weights;
    std::vector<bool> inside;
};

// Output sample u (centre u + 0.5) sits at source coordinate (u + 0.5 - offset) / scale (pixel edges convention).
// When shrinking, the kernel is widened by 1/scale (antialiasing, as PIL does), so large radiographs do not alias.
Axis resampleAxis(int outputSize, int sourceSize, double scale, double offset)
{
    Axis axis;
    axis.indices.resize(static_cast<std::size_t>(outputSize));
    axis.weights.resize(static_cast<std::size_t>(outputSize));
    axis.inside.resize(static_cast<std::size_t>(outputSize));
    const double support = std::max(1.0, 1.0 / scale);
    for (int u = 0; u < outputSize; ++u) {
        const double edge = (u + 0.5 - offset) / scale;
        const auto i = static_cast<std::size_t>(u);
        axis.inside[i] = edge >= 0.0 && edge < sourceSize;
        if (!axis.inside[i])
            continue;
        const double centre = edge - 0.5;
        const int first = static_cast<int>(std::floor(centre - 2.0 * support)) + 1;
        const int last = static_cast<int>(std::floor(centre + 2.0 * support));
        double total = 0.0;
        for (int j = first; j <= last; ++j) {
            const double weight = internal::cubicKernel((j - centre) / support);
            if (weight == 0.0)
                continue;
            axis.indices[i].push_back(std::clamp(j, 0, sourceSize - 1));
            axis.weights[i].push_back(weight);
            total += weight;
        }
        for (auto& weight : axis.weights[i])
            weight /= total;
    }
    return axis;
}

} // namespace

ImagePreprocessor::ImagePreprocessor(Settings settings)
    : m_settings(std::move(settings))
{
    if (m_settings.inputSize <= 0 || !(m_settings.standardDeviation > 0.0))
        throw std::invalid_argument("preprocessing: input size and standard deviation must be positive");
    geometry(1, 1, m_settings.inputSize, m_settings.mode); // validates the mode
}

AnalysisResult::Geometry ImagePreprocessor::geometry(int width, int height, int inputSize, const std::string& mode)
{
    if (width <= 0 || height <= 0 || inputSize <= 0)
        throw std::invalid_argument(
            "preprocessing: empty image (" + std::to_string(width) + " x " + std::to_string(height) + ")");
    AnalysisResult::Geometry result;
    result.originalWidth = width;
    result.originalHeight = height;
    result.inputSize = inputSize;
    result.mode = mode;
    if (mode == "letterbox")
        result.scale = static_cast<double>(inputSize) / std::max(width, height);
    else if (mode == "center-crop")
        result.scale = static_cast<double>(inputSize) / std::min(width, height);
    else
        throw std::invalid_argument("preprocessing: unknown mode '" + mode + "' (letterbox or center-crop)");
    result.offsetX = (inputSize - width * result.scale) / 2.0;
    result.offsetY = (inputSize - height * result.scale) / 2.0;
    return result;
}

std::vector<float> ImagePreprocessor::apply(const GrayscaleImage& image, AnalysisResult::Geometry* placement) const
{
    if (!image.isValid())
        throw std::invalid_argument("preprocessing: invalid image (" + std::to_string(image.width) + " x "
            + std::to_string(image.height) + ", " + std::to_string(image.pixels.size()) + " pixels)");
    const int size = m_settings.inputSize;
    const auto where = geometry(image.width, image.height, size, m_settings.mode);
    if (placement)
        *placement = where;
    const auto columns = resampleAxis(size, image.width, where.scale, where.offsetX);
    const auto rows = resampleAxis(size, image.height, where.scale, where.offsetY);

    // Horizontal pass over every source row, then vertical; weights are shared by all rows/columns.
    std::vector<double> horizontal(static_cast<std::size_t>(image.height) * size, 0.0);
    for (int y = 0; y < image.height; ++y) {
        const float* source = image.pixels.data() + static_cast<std::size_t>(y) * image.width;
        double* target = horizontal.data() + static_cast<std::size_t>(y) * size;
        for (int u = 0; u < size; ++u) {
            const auto& indices = columns.indices[static_cast<std::size_t>(u)];
            const auto& weights = columns.weights[static_cast<std::size_t>(u)];
            double value = 0.0;
            for (std::size_t k = 0; k < indices.size(); ++k)
                value += weights[k] * source[indices[k]];
            target[u] = value;
        }
    }
    // Padding is black (0) before normalisation, as in CheXzero's pad-to-square.
    const double padding = (0.0 - m_settings.mean) / m_settings.standardDeviation;
    const std::size_t plane = static_cast<std::size_t>(size) * size;
    std::vector<float> result(3 * plane);
    for (int v = 0; v < size; ++v) {
        const auto& indices = rows.indices[static_cast<std::size_t>(v)];
        const auto& weights = rows.weights[static_cast<std::size_t>(v)];
        for (int u = 0; u < size; ++u) {
            double value = padding;
            if (rows.inside[static_cast<std::size_t>(v)] && columns.inside[static_cast<std::size_t>(u)]) {
                double sum = 0.0;
                for (std::size_t k = 0; k < indices.size(); ++k)
                    sum += weights[k] * horizontal[static_cast<std::size_t>(indices[k]) * size + u];
                value = (sum - m_settings.mean) / m_settings.standardDeviation;
            }
            result[static_cast<std::size_t>(v) * size + u] = static_cast<float>(value);
        }
    }
    std::copy_n(result.begin(), plane, result.begin() + plane);
    std::copy_n(result.begin(), plane, result.begin() + 2 * plane);
    return result;
}

AnalysisResult::Box ImagePreprocessor::patchBox(
    int row, int column, int gridSize, const AnalysisResult::Geometry& geometry)
{
    AnalysisResult::Box box;
    if (gridSize <= 0 || geometry.scale <= 0.0)
        return box;
    const double patch = static_cast<double>(geometry.inputSize) / gridSize;
    const auto clip = [](double value, double limit) { return std::clamp(value, 0.0, limit); };
    const double x0 = clip((column * patch - geometry.offsetX) / geometry.scale, geometry.originalWidth);
    const double x1 = clip(((column + 1) * patch - geometry.offsetX) / geometry.scale, geometry.originalWidth);
    const double y0 = clip((row * patch - geometry.offsetY) / geometry.scale, geometry.originalHeight);
    const double y1 = clip(((row + 1) * patch - geometry.offsetY) / geometry.scale, geometry.originalHeight);
    box.x = x0;
    box.y = y0;
    box.width = x1 - x0;
    box.height = y1 - y0;
    return box;
}

std::vector<std::uint8_t> ImagePreprocessor::flatPatches(const float* plane, int size, int gridSize, double deviation)
{
    std::vector<std::uint8_t> flat(static_cast<std::size_t>(gridSize) * gridSize, 0);
    if (gridSize <= 0 || size % gridSize != 0)
        return flat;
    const int patch = size / gridSize;
    for (int row = 0; row < gridSize; ++row) {
        for (int column = 0; column < gridSize; ++column) {
            double sum = 0.0;
            double squares = 0.0;
            for (int y = row * patch; y < (row + 1) * patch; ++y) {
                const float* line = plane + static_cast<std::size_t>(y) * size + column * patch;
                for (int x = 0; x < patch; ++x) {
                    sum += line[x];
                    squares += static_cast<double>(line[x]) * line[x];
                }
            }
            const double count = static_cast<double>(patch) * patch;
            const double variance = std::max(0.0, squares / count - (sum / count) * (sum / count));
            flat[static_cast<std::size_t>(row) * gridSize + column] = std::sqrt(variance) < deviation ? 1 : 0;
        }
    }
    return flat;
}

} // namespace lrclr
