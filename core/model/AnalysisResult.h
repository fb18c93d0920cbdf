#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lrclr {

/// Everything one LRCLR analysis of an image (and optionally its report) produces, as plain values: safe to copy
/// between threads, serialise to JSON, and keep after the model is gone. Coordinates are in original image pixels
/// unless a name says otherwise.
struct AnalysisResult {
    /// A map over the model's patch grid (e.g. 7x7 for ViT-B/32 at 224), row-major, patch (row, col).
    struct PatchMap {
        int rows = 0;
        int columns = 0;
        std::vector<float> values;
        float at(int row, int column) const { return values[static_cast<std::size_t>(row) * columns + column]; }
    };

    /// How the original image was placed into the model's square input; its inverse maps model space back to pixels:
    /// original x = (input u - offsetX) / scale, original y = (input v - offsetY) / scale.
    struct Geometry {
        int originalWidth = 0;
        int originalHeight = 0;
        int inputSize = 0; ///< model input side in pixels (224 for ViT-B/32)
        double scale = 1.0; ///< input pixels per original pixel
        double offsetX = 0.0; ///< input-space position of the original image's left edge
        double offsetY = 0.0; ///< input-space position of the original image's top edge
        std::string mode; ///< "center-crop" or "letterbox"
    };

    /// An axis-aligned box in original image pixels.
    struct Box {
        double x = 0.0;
        double y = 0.0;
        double width = 0.0;
        double height = 0.0;
    };

    /// A patch chosen by the region-selection layer; in the cross-attention mode, the 3x3 patch block around it
    /// (then `box` covers the block and a sentence's weight on the region is its attention mass in the block).
    struct Region {
        int patchIndex = 0; ///< row * columns + col on the patch grid
        int row = 0;
        int column = 0;
        float score = 0.0f; ///< selection score (attention mass), larger is more significant
        Box box; ///< the patch's footprint in original pixels, clipped to the image
    };

    /// One report sentence (or typed text) grounded in the image.
    struct Sentence {
        std::string text;
        std::size_t begin = 0; ///< character offset of the sentence in the report (0 when typed alone)
        std::size_t end = 0;
        float globalSimilarity = 0.0f; ///< cosine(sentence, global image embedding)
        float localSimilarity = 0.0f; ///< cosine(sentence, its region-attended local image embedding)
        std::vector<float> regionWeights; ///< cross-attention weight per entry of AnalysisResult::regions (sums to 1)
        PatchMap similarityMap; ///< cosine(sentence, each patch token)
        PatchMap attentionMap; ///< cross-attention weights spread on the patch grid
    };

    /// Zero-shot probability of one finding (CheXzero: softmax over "{finding}" vs "no {finding}").
    struct Finding {
        std::string name;
        float globalProbability = 0.0f; ///< raw CheXzero score of the global embedding
        float localProbability = 0.0f; ///< raw score of the region-attended local embedding
        float combinedProbability = 0.0f; ///< raw score of the region-conditioned embedding
        /// The probability to show: the combined score Platt-calibrated by the model's manifest ("calibration"),
        /// sigmoid(a * logit(combinedProbability) + b); equal to combinedProbability when not calibrated.
        float probability = 0.0f;
        bool calibrated = false; ///< whether `probability` went through a calibration
        /// Operating threshold on `probability` (Youden's J on the calibration split); none when not calibrated.
        std::optional<float> threshold;
        bool aboveThreshold() const { return threshold.has_value() && probability >= *threshold; }
        PatchMap map; ///< similarity of the positive prompt to each patch token
        PatchMap attentionMap; ///< cross-attention weights of the positive prompt spread on the patch grid
    };

    /// Which model produced this, so that saved decisions can be traced to weights and settings.
    struct ModelIdentity {
        std::string name;
        std::string sha256;
        std::string device;
        std::string preprocessing;
    };

    /// The model's one colour scale for similarity maps (sentence and finding maps alike; ModelManifest::OverlayScale):
    /// cosine values at or above `threshold` are drawn. Absent when the model has none: then each map can only be
    /// shown relative to its own range, which says nothing about how sure the model is.
    struct SimilarityScale {
        float low = 0.0f;
        float threshold = 0.0f;
        float high = 0.0f;
        bool operator==(const SimilarityScale&) const = default;
    };

    ModelIdentity model;
    std::optional<SimilarityScale> similarityScale;
    std::vector<float> imageEmbedding; ///< the global image embedding, normalised (retrieval, audits)
    Geometry geometry;
    std::vector<Region> regions;
    std::vector<Sentence> sentences;
    std::vector<Finding> findings;
    double seconds = 0.0; ///< wall time of the analysis
};

} // namespace lrclr
