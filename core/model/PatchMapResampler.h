#pragma once

#include <utility>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// The one mapping from a patch map (a result on the model's patch grid, in model-input space) to the original
/// image's pixels: the viewer's overlay, `lrclr analyze`'s heatmap files and the evaluator's pointing game, CNR and
/// mIoU all go through toPixels(), so what a reader sees is what the metrics score. No LibTorch, no Qt, no VTK.
/// Stateless; thread-safe.
class PatchMapResampler {
public:
    /// The largest output side toPixels() accepts.
    static constexpr int maximumSide = 65535; ///< the largest DICOM Rows / Columns

    /// Upsamples `map` to `width` x `height` samples that tile the original image (`geometry.originalWidth` x
    /// `geometry.originalHeight`) exactly: sample (i, j) is the map at the centre of the image rectangle it covers,
    /// taken through the inverse of the preprocessing geometry, bicubic (Keys, a = -0.75) on the patch grid with patch
    /// centres at (k + 0.5) * patch size in model space and edge patches repeated. Samples whose centre lies outside
    /// the model's field of view (cropped away by a centre crop) are NaN: the model said nothing there. Row-major.
    /// The bicubic interpolant may overshoot the map's range slightly between patches; callers that show colours
    /// clamp to the map's own range. Throws std::invalid_argument for an empty or inconsistent map or geometry, or a
    /// size outside 1..maximumSide.
    static std::vector<float> toPixels(
        const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height);

    /// The sample raster for drawing over the original image with at most `longestSide` samples on the longer side:
    /// the image's own size when it fits, else scaled down keeping the aspect ratio.
    static std::pair<int, int> displaySize(const AnalysisResult::Geometry& geometry, int longestSide);
};

} // namespace lrclr
