#pragma once

#include <stdexcept>

#include "core/model/AnalysisResult.h"
#include "imaging/ScalarImage.h"

namespace lrclr {

/// Thrown for a map or geometry that cannot be resampled; the message says which value is wrong.
class ResampleError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Resamples a heatmap defined over the model's square input (a patch grid such as 7x7, or a model-space map such as
/// 224x224) onto a raster covering the original image, through the inverse of the preprocessing geometry, with
/// VTK's vtkImageReslice. The output raster may be coarser than the image (e.g. 1024 wide for a 3000-pixel image):
/// its pixels tile the image exactly, so it lands on the original pixels when drawn over the image's rectangle.
/// Thread-safe (no shared state).
class HeatmapResampler {
public:
    enum class Interpolation { Cubic, Linear, Nearest };

    struct Options {
        Interpolation interpolation = Interpolation::Cubic;
        /// Cubic interpolation overshoots between coarse samples; clamping to the map's own range keeps the overlay
        /// from showing scores the model never produced.
        bool clampToInputRange = true;
    };

    /// `map` samples the model input square [0, geometry.inputSize)^2 at the centres of its rows x columns cells.
    /// Returns width x height values; pixel (i, j) is the map at the centre of the image rectangle it covers, or NaN
    /// where that point lies outside the model's field of view (e.g. cropped away by a centre crop).
    /// Throws ResampleError for an empty or inconsistent map, a non-positive scale or input size, or an output
    /// larger than 16384 x 16384.
    static ScalarImage resample(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry,
        int width, int height, const Options& options);
    static ScalarImage resample(
        const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
    {
        return resample(map, geometry, width, height, Options {});
    }

    /// The output size for drawing over the original image with at most `maximumSide` pixels on the longer side
    /// (keeps the aspect ratio; never larger than the image).
    static std::pair<int, int> displaySize(const AnalysisResult::Geometry& geometry, int maximumSide);
};

} // namespace lrclr
