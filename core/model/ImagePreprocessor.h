#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// CheXzero's image preprocessing as an explicit, invertible geometry: the grayscale image (0–255) is placed into the
/// model's square input by one scale and one offset (letterbox: whole image, zero padding; center-crop: short side
/// fills the input), resampled with antialiased bicubic, normalised with CheXzero's mean/std and replicated to three
/// channels. The same geometry maps patch-grid results back to original pixels (PatchMapResampler). Thread-safe (no
/// mutable state).
class ImagePreprocessor {
public:
    struct Settings {
        std::string mode = "letterbox"; ///< "letterbox" (CheXzero's pad-to-square) or "center-crop"
        double mean = 101.48761; ///< CheXzero's pixel mean on the 0–255 scale
        double standardDeviation = 83.43944;
        int inputSize = 224; ///< model resolution (ClipConfig::imageResolution)
    };

    explicit ImagePreprocessor(Settings settings);
    const Settings& settings() const { return m_settings; }

    /// Where an image of `width` x `height` lands in the input. Throws std::invalid_argument for an empty image or an
    /// unknown mode.
    static AnalysisResult::Geometry geometry(int width, int height, int inputSize, const std::string& mode);

    /// Returns 3 * S * S floats (channel-major, S = inputSize), normalised; `geometry` receives the placement.
    /// Throws std::invalid_argument for an invalid image.
    std::vector<float> apply(const GrayscaleImage& image, AnalysisResult::Geometry* geometry) const;

    /// The footprint of patch (row, column) of a grid with `gridSize` patches per side, in original pixels, clipped to
    /// the image (zero size when the patch lies wholly in letterbox padding).
    static AnalysisResult::Box patchBox(int row, int column, int gridSize, const AnalysisResult::Geometry& geometry);

    /// Default of flatPatches(): a patch whose pixels vary by less than this standard deviation (0-255 scale).
    static constexpr double kFlatPatchDeviation = 1.0;

    /// The patches of a model-space image (`plane`: S x S values on the 0-255 display scale, row-major) whose
    /// pixels are flat: letterbox padding, collimator blades, fill outside the exposed field. Such tokens hold no
    /// local evidence (a ViT parks global information in them, and they then match every sentence), so the
    /// training's pooled maps and the maps the model reports leave them out. One entry per patch, row-major on the
    /// grid; 1 = flat.
    static std::vector<std::uint8_t> flatPatches(
        const float* plane, int size, int gridSize, double deviation = kFlatPatchDeviation);

private:
    Settings m_settings;
};

} // namespace lrclr
