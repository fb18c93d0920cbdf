#include "core/model/ImagePreprocessor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace lrclr {

namespace {

// Keys' cubic convolution with a = -0.75, the kernel of torch's (and torchvision's) bicubic interpolation, which
// CheXzero's last resize step uses.
double cubic(double x)
{
    constexpr double a = -0.75;
    x = std::abs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

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
            const double weight = cubic((j - centre) / support);
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

std::vector<float> ImagePreprocessor::mapToImage(
    const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
{
    if (width <= 0 || height <= 0 || map.rows <= 0 || map.columns <= 0
        || map.values.size() != static_cast<std::size_t>(map.rows) * map.columns || geometry.originalWidth <= 0
        || geometry.originalHeight <= 0 || geometry.inputSize <= 0 || geometry.scale <= 0.0)
        throw std::invalid_argument("mapToImage: empty map, geometry or target size");

    // For one output axis: the patch-grid coordinate of each output pixel centre, or "outside".
    const auto axis = [&](int outputSize, int originalSize, double offset, int cells, std::vector<int>& first,
                          std::vector<std::array<double, 4>>& weights, std::vector<bool>& inside) {
        const double patch = static_cast<double>(geometry.inputSize) / cells;
        first.resize(static_cast<std::size_t>(outputSize));
        weights.resize(static_cast<std::size_t>(outputSize));
        inside.resize(static_cast<std::size_t>(outputSize));
        for (int i = 0; i < outputSize; ++i) {
            const double original = (i + 0.5) * originalSize / outputSize; // output pixel centre, original pixels
            const double input = original * geometry.scale + offset; // model input pixels
            const auto k = static_cast<std::size_t>(i);
            inside[k] = input >= 0.0 && input < geometry.inputSize;
            const double cell = input / patch - 0.5; // patch-grid coordinate, patch centres at integers
            first[k] = static_cast<int>(std::floor(cell)) - 1;
            for (int t = 0; t < 4; ++t)
                weights[k][static_cast<std::size_t>(t)] = cubic(cell - (first[k] + t));
        }
    };
    std::vector<int> firstColumn, firstRow;
    std::vector<std::array<double, 4>> columnWeights, rowWeights;
    std::vector<bool> columnInside, rowInside;
    axis(width, geometry.originalWidth, geometry.offsetX, map.columns, firstColumn, columnWeights, columnInside);
    axis(height, geometry.originalHeight, geometry.offsetY, map.rows, firstRow, rowWeights, rowInside);

    // Interpolate along x for every grid row, then along y.
    std::vector<double> horizontal(static_cast<std::size_t>(map.rows) * width);
    for (int r = 0; r < map.rows; ++r) {
        for (int x = 0; x < width; ++x) {
            double value = 0.0;
            for (int t = 0; t < 4; ++t) {
                const int c = std::clamp(firstColumn[static_cast<std::size_t>(x)] + t, 0, map.columns - 1);
                value += columnWeights[static_cast<std::size_t>(x)][static_cast<std::size_t>(t)] * map.at(r, c);
            }
            horizontal[static_cast<std::size_t>(r) * width + x] = value;
        }
    }
    std::vector<float> result(static_cast<std::size_t>(width) * height, 0.0f);
    for (int y = 0; y < height; ++y) {
        if (!rowInside[static_cast<std::size_t>(y)])
            continue;
        for (int x = 0; x < width; ++x) {
            if (!columnInside[static_cast<std::size_t>(x)])
                continue;
            double value = 0.0;
            for (int t = 0; t < 4; ++t) {
                const int r = std::clamp(firstRow[static_cast<std::size_t>(y)] + t, 0, map.rows - 1);
                value += rowWeights[static_cast<std::size_t>(y)][static_cast<std::size_t>(t)]
                    * horizontal[static_cast<std::size_t>(r) * width + x];
            }
            result[static_cast<std::size_t>(y) * width + x] = static_cast<float>(value);
        }
    }
    return result;
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
