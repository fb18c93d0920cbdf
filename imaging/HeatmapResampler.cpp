#include "imaging/HeatmapResampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkImageInterpolator.h>
#include <vtkImageReslice.h>
#include <vtkNew.h>
#include <vtkPointData.h>

namespace lrclr {

namespace {

constexpr int maximumOutputSide = 16384;

void validate(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
{
    if (map.rows <= 0 || map.columns <= 0)
        throw ResampleError(
            "heatmap grid is empty (" + std::to_string(map.rows) + " x " + std::to_string(map.columns) + ")");
    if (map.values.size() != static_cast<std::size_t>(map.rows) * map.columns)
        throw ResampleError("heatmap has " + std::to_string(map.values.size()) + " values for a "
            + std::to_string(map.rows) + " x " + std::to_string(map.columns) + " grid");
    if (geometry.inputSize <= 0)
        throw ResampleError("preprocessing geometry has input size " + std::to_string(geometry.inputSize));
    if (!(geometry.scale > 0.0) || !std::isfinite(geometry.scale) || !std::isfinite(geometry.offsetX)
        || !std::isfinite(geometry.offsetY))
        throw ResampleError("preprocessing geometry has scale " + std::to_string(geometry.scale)
            + " and offsets that cannot be inverted");
    if (geometry.originalWidth <= 0 || geometry.originalHeight <= 0)
        throw ResampleError("preprocessing geometry has original size " + std::to_string(geometry.originalWidth) + " x "
            + std::to_string(geometry.originalHeight));
    if (width <= 0 || height <= 0 || width > maximumOutputSide || height > maximumOutputSide)
        throw ResampleError("resampled heatmap size " + std::to_string(width) + " x " + std::to_string(height)
            + " is outside 1.." + std::to_string(maximumOutputSide));
}

} // namespace

ScalarImage HeatmapResampler::resample(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry,
    int width, int height, const Options& options)
{
    validate(map, geometry, width, height);

    // The map's samples sit at cell centres in model space. One replicated sample on every side makes the data's
    // bounds cover the whole input square, so the half cell between the outermost centre and the square's edge is
    // interpolated (like a clamped border) instead of being treated as outside.
    const double cellWidth = static_cast<double>(geometry.inputSize) / map.columns;
    const double cellHeight = static_cast<double>(geometry.inputSize) / map.rows;
    const int paddedColumns = map.columns + 2;
    const int paddedRows = map.rows + 2;

    vtkNew<vtkImageData> grid;
    grid->SetDimensions(paddedColumns, paddedRows, 1);
    grid->SetOrigin(-0.5 * cellWidth, -0.5 * cellHeight, 0.0);
    grid->SetSpacing(cellWidth, cellHeight, 1.0);
    vtkNew<vtkFloatArray> samples;
    samples->SetNumberOfTuples(static_cast<vtkIdType>(paddedColumns) * paddedRows);
    float lowest = std::numeric_limits<float>::max();
    float highest = std::numeric_limits<float>::lowest();
    for (int row = 0; row < paddedRows; ++row) {
        const int sourceRow = std::clamp(row - 1, 0, map.rows - 1);
        for (int column = 0; column < paddedColumns; ++column) {
            const int sourceColumn = std::clamp(column - 1, 0, map.columns - 1);
            const float value = map.at(sourceRow, sourceColumn);
            if (!std::isfinite(value))
                throw ResampleError("heatmap value at row " + std::to_string(sourceRow) + ", column "
                    + std::to_string(sourceColumn) + " is not finite");
            lowest = std::min(lowest, value);
            highest = std::max(highest, value);
            samples->SetValue(static_cast<vtkIdType>(row) * paddedColumns + column, value);
        }
    }
    grid->GetPointData()->SetScalars(samples);

    // vtkImageReslice pushes its own interpolation mode into a vtkImageInterpolator when it executes, so the mode is
    // set on the reslice filter; the interpolator contributes the clamped border.
    vtkNew<vtkImageInterpolator> interpolator;
    int mode = VTK_RESLICE_CUBIC;
    switch (options.interpolation) {
    case Interpolation::Cubic:
        mode = VTK_RESLICE_CUBIC;
        break;
    case Interpolation::Linear:
        mode = VTK_RESLICE_LINEAR;
        break;
    case Interpolation::Nearest:
        mode = VTK_RESLICE_NEAREST;
        break;
    }
    interpolator->SetBorderModeToClamp();

    // Output pixel (i, j) covers the original-image rectangle of width originalWidth / width; its centre X maps to
    // model space by u = X * scale + offsetX (the preprocessing's forward map), so the output grid is an
    // axis-aligned grid in model space and no reslice transform is needed.
    const double pixelWidth = static_cast<double>(geometry.originalWidth) / width;
    const double pixelHeight = static_cast<double>(geometry.originalHeight) / height;
    const double originU = 0.5 * pixelWidth * geometry.scale + geometry.offsetX;
    const double originV = 0.5 * pixelHeight * geometry.scale + geometry.offsetY;
    const double stepU = pixelWidth * geometry.scale;
    const double stepV = pixelHeight * geometry.scale;

    vtkNew<vtkImageReslice> reslice;
    reslice->SetInputData(grid);
    reslice->SetInterpolator(interpolator);
    reslice->SetInterpolationMode(mode);
    reslice->SetOutputScalarType(VTK_FLOAT);
    reslice->SetOutputOrigin(originU, originV, 0.0);
    reslice->SetOutputSpacing(stepU, stepV, 1.0);
    reslice->SetOutputExtent(0, width - 1, 0, height - 1, 0, 0);
    reslice->SetBackgroundLevel(std::numeric_limits<double>::quiet_NaN());
    reslice->Update();

    vtkImageData* output = reslice->GetOutput();
    const auto* resampled = static_cast<const float*>(output->GetScalarPointer());

    ScalarImage result;
    result.width = width;
    result.height = height;
    result.values.assign(resampled, resampled + static_cast<std::size_t>(width) * height);

    const double inputSize = geometry.inputSize;
    for (int j = 0; j < height; ++j) {
        const double v = originV + j * stepV;
        const bool rowInside = v >= 0.0 && v < inputSize;
        float* line = result.values.data() + static_cast<std::size_t>(j) * width;
        for (int i = 0; i < width; ++i) {
            const double u = originU + i * stepU;
            if (!rowInside || u < 0.0 || u >= inputSize) {
                line[i] = std::numeric_limits<float>::quiet_NaN();
            } else if (options.clampToInputRange) {
                line[i] = std::clamp(line[i], lowest, highest);
            }
        }
    }
    return result;
}

std::pair<int, int> HeatmapResampler::displaySize(const AnalysisResult::Geometry& geometry, int maximumSide)
{
    const int width = std::max(1, geometry.originalWidth);
    const int height = std::max(1, geometry.originalHeight);
    maximumSide = std::clamp(maximumSide, 1, maximumOutputSide);
    const int longer = std::max(width, height);
    if (longer <= maximumSide)
        return { width, height };
    const double factor = static_cast<double>(maximumSide) / longer;
    return { std::max(1, static_cast<int>(std::lround(width * factor))),
        std::max(1, static_cast<int>(std::lround(height * factor))) };
}

} // namespace lrclr
