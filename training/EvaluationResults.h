#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"
#include "training/BootstrapInterval.h"
#include "training/RocAnalysis.h"

namespace lrclr {

/// Everything an evaluation produces, for one or more runs side by side (e.g. the ablation "CLIP global-only" vs
/// "LRCLR"): zero-shot AUCs with bootstrap intervals and ROC curves, grounding metrics, retrieval recall and example
/// overlays. A plain value; EvaluationReportWriter turns it into JSON and HTML.
struct EvaluationResults {
    struct Finding {
        std::string name;
        int positives = 0;
        int negatives = 0;
        BootstrapInterval::Result global; ///< AUC of the global (CLIP) score
        BootstrapInterval::Result local; ///< AUC of the region (LRCLR local) score
        BootstrapInterval::Result combined; ///< AUC of the combined score
        std::vector<RocAnalysis::Point> globalCurve;
        std::vector<RocAnalysis::Point> localCurve;
        std::vector<RocAnalysis::Point> combinedCurve;
        /// How well a probability matches the observed frequency: Brier score (mean squared error) and expected
        /// calibration error over 10 equal-width bins; NaN when not computed.
        struct Calibration {
            double brier = std::numeric_limits<double>::quiet_NaN();
            double ece = std::numeric_limits<double>::quiet_NaN();
        };
        /// Of AnalysisResult::Finding::probability (the probability the viewer shows).
        Calibration probability;
        /// Of the raw combined probability (CheXzero's softmax), for comparison.
        Calibration rawCombined;
        bool calibrated = false; ///< whether `probability` was calibrated by the model in every study
    };

    struct Grounding {
        int sentences = 0; ///< sentences with ground-truth boxes that were scored
        double pointingGame = 0.0;
        /// Bootstrap interval of the pointing game (studies resampled with all their sentences; set by Evaluator).
        BootstrapInterval::Result pointingGameInterval;
        /// The pointing game of a map that points at a uniformly random pixel: the mean share of the image the
        /// boxes cover. Large boxes make pointing easy; this says how easy.
        double chancePointingGame = 0.0;
        double contrastToNoise = 0.0;
        std::vector<double> iouThresholds; ///< 0.1 .. 0.5
        std::vector<double> meanIouPerThreshold; ///< mean IoU over sentences at each threshold
        double meanIou = 0.0; ///< mean over the thresholds
        /// The pointing game of the sentences whose boxes cover a share of the image below `maximumFraction` (and at
        /// least the previous bin's): small lesions (nodules) and large ones (effusions) behave differently.
        struct SizeBin {
            double maximumFraction = 0.0;
            int sentences = 0;
            double pointingGame = 0.0; ///< NaN without sentences
        };
        std::vector<SizeBin> byBoxSize;
    };

    struct Retrieval {
        int candidates = 0;
        std::vector<int> k; ///< e.g. 1, 5, 10
        std::vector<double> imageToReport; ///< recall@k per entry of k
        std::vector<double> reportToImage;
    };

    /// One image with a sentence's heatmap over it and the sentence's ground-truth boxes.
    struct Example {
        std::string title; ///< e.g. the image's file name
        std::string caption; ///< the sentence
        GrayscaleImage image;
        std::vector<float> heatmap; ///< image.width * image.height values (any range; normalised for display)
        std::vector<AnalysisResult::Box> truth;
        bool pointingHit = false;
    };

    struct Run {
        std::string name; ///< "LRCLR", "CLIP global-only", ...
        std::string model;
        std::string device; ///< where the model ran, e.g. "CPU (2 threads)"; empty when unknown
        double imagesPerSecond = 0.0; ///< evaluation speed (reading, analysis, encoding); 0 when unknown
        std::vector<Finding> findings;
        double meanAuc = 0.0; ///< mean of the combined AUCs that are defined
        Grounding grounding; ///< of the sentence similarity maps (the viewer's default overlay)
        Grounding attentionGrounding; ///< of the cross-attention maps; sentences == 0 when not evaluated
        Retrieval retrieval;
        std::vector<Example> examples;
    };

    /// A run against a baseline run on the same studies: candidate − baseline, with paired bootstrap intervals
    /// (the same resampled studies, or grounded sentences, for both runs), so that a difference can be told from
    /// noise.
    struct Comparison {
        std::string baseline;
        std::string candidate;
        int findings = 0; ///< findings scored by both runs (with both classes) that enter the mean AUC
        BootstrapInterval::Result meanAucDifference; ///< mean combined AUC; resamples the studies
        int sentences = 0; ///< sentences grounded in both runs
        /// Over those sentences; resamples the studies, keeping each study's sentences together.
        BootstrapInterval::Result pointingGameDifference;
        BootstrapInterval::Result meanIouDifference; ///< mIoU over the thresholds; resampled like the pointing game
    };

    std::string title = "LRCLR evaluation";
    std::string manifest;
    std::string split;
    int studies = 0;
    std::string uncertaintyPolicy = "U-Ignore";
    std::vector<std::string> notes; ///< shown at the top (e.g. "phantom data, not for clinical use")
    /// Studies left out because their manifest row or image could not be read (`lrclr evaluate --skip-bad`), each
    /// "where: why".
    std::vector<std::string> skipped;
    std::vector<Run> runs;
    std::vector<Comparison> comparisons; ///< e.g. LRCLR against CLIP global-only in an ablation
};

} // namespace lrclr
