#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lrclr {

/// Hyper-parameters of an OpenAI-CLIP-style model (ViT image tower + causal text transformer), inferred from the
/// tensor shapes of a state dict exactly as CLIP's build_model() does.
struct ClipConfig {
    int embedDimension = 0; ///< joint embedding width (text_projection columns)
    int imageResolution = 0; ///< patch size * grid
    int visionLayers = 0;
    int visionWidth = 0;
    int visionPatchSize = 0;
    int visionHeads = 0; ///< vision width / 64
    int contextLength = 0;
    int vocabularySize = 0;
    int textWidth = 0;
    int textHeads = 0; ///< text width / 64
    int textLayers = 0;

    int gridSize() const { return visionPatchSize > 0 ? imageResolution / visionPatchSize : 0; }

    /// Infers the configuration from tensor names and shapes; throws std::invalid_argument naming the missing or
    /// inconsistent tensor.
    static ClipConfig fromShapes(const std::map<std::string, std::vector<std::int64_t>>& shapes);
};

} // namespace lrclr
