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

    /// Limits on a configuration read from a file (manifest or checkpoint), checked before a model is built: a
    /// configuration asking for 10^6 layers allocated until memory ran out. Generous for CLIP-family models (ViT-L/14
    /// at 336 px: 24 layers, width 1024, grid 24; ~0.4 billion parameters).
    static constexpr int maximumLayers = 128;
    static constexpr int maximumWidth = 8192;
    static constexpr int maximumHeads = 128;
    static constexpr int maximumImageResolution = 4096;
    static constexpr int maximumGridSize = 128;
    static constexpr int maximumContextLength = 4096;
    static constexpr int maximumVocabularySize = 1 << 20;
    static constexpr long long maximumParameters = 4'000'000'000LL;

    int gridSize() const { return visionPatchSize > 0 ? imageResolution / visionPatchSize : 0; }

    /// Throws std::invalid_argument naming the first field outside the limits above (or a parameter count above
    /// maximumParameters).
    void checkLimits() const;

    /// Infers the configuration from tensor names and shapes; throws std::invalid_argument naming the missing or
    /// inconsistent tensor.
    static ClipConfig fromShapes(const std::map<std::string, std::vector<std::int64_t>>& shapes);
};

} // namespace lrclr
