#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/model/GrayscaleImage.h"
#include "training/DatasetManifest.h"
#include "training/EvaluationResults.h"
#include "training/Observations.h"

namespace lrclr {

/// Turns a model's outputs on the studies of a manifest into evaluation results: zero-shot AUC per finding with
/// bootstrap intervals (global, local and combined scores), pointing game, CNR and mIoU of per-sentence heatmaps
/// against the manifest's ground-truth boxes, and image<->report retrieval recall@k. It knows nothing about the
/// network: `lrclr evaluate` runs the model and hands its outputs here, and tests hand in outputs whose metrics are
/// known. Stateless; thread-safe.
class Evaluator {
public:
    struct Options {
        Observations::UncertaintyPolicy uncertaintyPolicy = Observations::UncertaintyPolicy::Ignore;
        int bootstrapSamples = 1000;
        std::uint64_t seed = 0;
        std::vector<int> recallK { 1, 5, 10 };
        int examples = 6; ///< example overlays kept for the report
        /// Findings to score; empty: every observation with at least one positive and one negative target.
        std::vector<std::string> findings;
    };

    /// The model's outputs for one manifest entry.
    struct StudyOutput {
        /// Finding name -> {global, local, combined} score (probabilities or logits: only the order matters).
        std::map<std::string, std::array<double, 3>> findingScores;
        /// One heatmap per manifest sentence (same order), width * height values in original pixels; an empty
        /// vector leaves the sentence out of the grounding metrics.
        std::vector<std::vector<float>> sentenceHeatmaps;
        int width = 0;
        int height = 0;
        GrayscaleImage image; ///< optional, for example overlays
    };

    /// `similarity` is n x n (image i, report j) for retrieval, or empty to skip it. Throws std::invalid_argument
    /// when the outputs do not match the manifest (count, heatmap sizes).
    static EvaluationResults::Run evaluate(const std::string& runName, const DatasetManifest& manifest,
        const std::vector<StudyOutput>& outputs, const std::vector<double>& similarity, const Options& options);
};

} // namespace lrclr
