#pragma once

#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// Localisation metrics of a heatmap (one value per image pixel, row-major) against ground-truth boxes in the same
/// pixel grid, as used for phrase grounding on MS-CXR (Boecking et al., 2022). A pixel (x, y) belongs to a box when
/// its centre (x + 0.5, y + 0.5) lies inside [x0, x0 + width) x [y0, y0 + height); several boxes count as their
/// union. NaN pixels (outside the model's field of view, as PatchMapResampler::toPixels marks them) take no part in
/// any metric: they are never the maximum, never selected, and count in no mean. Stateless; thread-safe.
class GroundingMetrics {
public:
    using Box = AnalysisResult::Box;

    /// The thresholds of the mIoU sweep: 0.1, 0.2, 0.3, 0.4, 0.5.
    static const std::vector<double>& iouThresholds();

    /// Pointing game: true when the heatmap's maximum (the first in row-major order) lies in a box. A constant map
    /// points nowhere (false).
    static bool pointingHit(const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes);

    /// Contrast-to-noise ratio |mean_in - mean_out| / sqrt(var_in + var_out) with population variances; NaN when
    /// either region is empty or both variances are zero.
    static double contrastToNoise(const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes);

    /// IoU of {pixels whose min-max normalised value >= threshold} with the union of the boxes. A constant map
    /// selects nothing (IoU 0).
    static double intersectionOverUnion(
        const std::vector<float>& map, int width, int height, const std::vector<Box>& boxes, double threshold);

    /// intersectionOverUnion() at each of `thresholds` in one pass over the map (what the mIoU sweep needs).
    static std::vector<double> intersectionOverUnion(const std::vector<float>& map, int width, int height,
        const std::vector<Box>& boxes, const std::vector<double>& thresholds);

    /// The mask of the union of `boxes` (1 inside).
    static std::vector<unsigned char> boxMask(int width, int height, const std::vector<Box>& boxes);
};

} // namespace lrclr
