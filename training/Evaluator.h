#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/GrayscaleImage.h"
#include "training/DatasetManifest.h"
#include "training/EvaluationResults.h"
#include "training/Observations.h"

namespace lrclr {

/// Turns a model's outputs on the studies of a manifest into evaluation results: zero-shot AUC per finding with
/// bootstrap intervals (global, local and combined scores), Brier score and expected calibration error of the shown
/// (calibrated) probability and of the raw combined one, pointing game, CNR and mIoU of per-sentence heatmaps
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
        int examples = 6; ///< example overlays kept for the report (the first grounded sentence of as many studies)
        /// Findings to score; empty: every observation with at least one positive and one negative target.
        std::vector<std::string> findings;
    };

    /// The grounding metrics of one sentence's heatmap against its boxes. Computing them as soon as a heatmap exists
    /// lets an evaluation of thousands of studies drop each full-resolution heatmap right away.
    struct SentenceGrounding {
        bool pointingHit = false;
        double contrastToNoise = 0.0; ///< NaN when undefined (see GroundingMetrics::contrastToNoise)
        std::vector<double> iou; ///< one value per GroundingMetrics::iouThresholds()
        double boxFraction = 0.0; ///< share of the image's pixels inside the boxes (the chance of a random hit)
    };

    /// The model's outputs for one manifest entry.
    struct StudyOutput {
        /// Finding name -> {global, local, combined} score (probabilities or logits: only the order matters).
        std::map<std::string, std::array<double, 3>> findingScores;
        /// The probability the viewer shows (AnalysisResult::Finding::probability: the calibrated combined score,
        /// or the raw one when the model has no calibration for the finding), for the Brier score and the
        /// expected calibration error; findings missing here get no such metrics for it.
        struct FindingProbability {
            double probability = 0.0;
            bool calibrated = false;
        };
        std::map<std::string, FindingProbability> findingProbabilities;
        /// One heatmap per manifest sentence (same order), width * height values in original pixels; an empty
        /// vector leaves the sentence out of the grounding metrics.
        std::vector<std::vector<float>> sentenceHeatmaps;
        int width = 0;
        int height = 0;
        GrayscaleImage image; ///< optional, for example overlays
        /// Per manifest sentence: metrics computed earlier (groundSentence), used where sentenceHeatmaps has no map.
        std::vector<std::optional<SentenceGrounding>> sentenceGrounding;
        /// Per manifest sentence: the same metrics for a second kind of heatmap (the cross-attention map), summarised
        /// into Run::attentionGrounding; empty when not evaluated.
        std::vector<std::optional<SentenceGrounding>> attentionGrounding;
    };

    /// `similarity` is n x n (image i, report j) for retrieval, or empty to skip it. Throws std::invalid_argument
    /// when the outputs do not match the manifest (count, heatmap sizes).
    static EvaluationResults::Run evaluate(const std::string& runName, const DatasetManifest& manifest,
        const std::vector<StudyOutput>& outputs, const std::vector<double>& similarity, const Options& options);

    /// `candidate` against `baseline` (outputs of two models on the same manifest entries): differences of the mean
    /// combined AUC (over the findings both score) and of the pointing game and mIoU (over the sentences both
    /// ground), with paired bootstrap intervals over the studies (options.bootstrapSamples,
    /// options.seed). Throws std::invalid_argument when the outputs do not match the manifest.
    static EvaluationResults::Comparison compare(const std::string& baselineName, const std::string& candidateName,
        const DatasetManifest& manifest, const std::vector<StudyOutput>& baseline,
        const std::vector<StudyOutput>& candidate, const Options& options);

    /// The metrics of `heatmap` (width * height values) against `boxes`; nullopt when there are no boxes or no
    /// heatmap (the sentence is not scored). Throws std::invalid_argument when the heatmap has the wrong size.
    static std::optional<SentenceGrounding> groundSentence(
        const std::vector<float>& heatmap, int width, int height, const std::vector<AnalysisResult::Box>& boxes);
    /// Pointing game, mean CNR (over the defined ones) and mIoU per threshold over scored sentences.
    static EvaluationResults::Grounding summarizeGrounding(const std::vector<SentenceGrounding>& sentences);
};

} // namespace lrclr
