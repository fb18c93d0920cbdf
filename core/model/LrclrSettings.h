#pragma once

#include <string>

#include "core/model/ImagePreprocessor.h"

namespace lrclr {

/// How the region-selection layer picks significant patches from the vision tower's attention.
enum class SelectionMode {
    /// TransFG part selection: per head, the product of the attention matrices of all layers but the last, its CLS
    /// row over patches, the argmax patch; patches chosen by several heads are kept once (best score).
    PartSelection,
    /// Attention rollout: head-averaged (A + I) / 2, row-normalised, multiplied through all layers; top-k patches.
    Rollout,
    /// Where the finding prompts look: each finding prompt's cross-modal attention over all patches, its peak with
    /// the 3x3 patch block around it; blocks holding at least kCrossAttentionMinimumMass of the prompt's attention,
    /// best first, without overlapping peaks, at most top-k. For models trained to attend over every patch, whose
    /// vision attention (the two modes above) was never asked to find lesions. Implies attention over all patches.
    CrossAttention,
};

/// The LRCLR layer settings stored in a model manifest's "lrclr" object, and the parser of its "preprocessing"
/// object. Both formats are documented in docs/MODEL.md. Value type.
struct LrclrSettings {
    SelectionMode selectionMode = SelectionMode::PartSelection;
    int topK = 8; ///< patches kept by Rollout (PartSelection keeps at most one per head)
    bool attendAllPatches = false; ///< cross-attention over every patch token instead of the selected regions
    /// Layers of the locality-restricted patch head whose tokens make the sentence.patch maps (0: the vision
    /// tower's own output tokens). JSON: "patchMap": {"source": "local-head", "layers": N}, or "vision-tokens".
    int localHeadLayers = 0;
    static constexpr int kMaximumLocalHeadLayers = 8;

    /// Parses the "lrclr" object ("{}" gives the defaults); throws std::runtime_error naming the bad field.
    static LrclrSettings fromJson(const std::string& text);
    std::string toJson() const;

    /// Parses the "preprocessing" object ("{}" gives CheXzero's settings); throws std::runtime_error.
    static ImagePreprocessor::Settings preprocessingFromJson(const std::string& text, int inputSize);
    static std::string preprocessingToJson(const ImagePreprocessor::Settings& settings);

    static std::string selectionModeName(SelectionMode mode);
    /// Share of a finding prompt's attention its 3x3 block must hold to become a region (CrossAttention mode).
    static constexpr double kCrossAttentionMinimumMass = 0.3;
};

} // namespace lrclr
