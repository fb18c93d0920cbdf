#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// Fits a model's one overlay colour scale (ModelManifest::OverlayScale) from sentence similarity heatmaps and their
/// ground-truth boxes (`lrclr calibrate`), so that every sentence and finding of the model is drawn on the same
/// cosine scale and a sentence the image does not support paints little or nothing.
///
/// Each added sentence contributes two histograms of its heatmap's values, pixels inside its boxes and pixels
/// outside, each normalised to unit mass, so a large box does not outweigh a small one. The threshold t is the
/// larger of (a) the value maximising Youden's J = P(inside >= t) - P(outside >= t) and (b) the smallest value at
/// which at most `Options::outsideFraction` of the outside pixels reach it; `low` is the 1st percentile of the outside
/// values (where the colour bar starts) and `high` the 99th percentile of the inside values (full colour), kept above
/// t. Values are binned over [-1, 1] (cosines) in steps of 0.001. Plain C++; not thread-safe (one per fitting job).
class OverlayScaleCalibrator {
public:
    struct Options {
        /// The most of the outside (unsupported) pixels the overlay may paint at the threshold.
        double outsideFraction = 0.05;
        /// Fewer grounded sentences than this give no fit (too few to speak for the model).
        int minimumSentences = 20;
    };

    struct Fit {
        bool fitted = false;
        double low = 0.0;
        double threshold = 0.0;
        double high = 0.0;
        double youden = 0.0; ///< J at the threshold
        double insideAbove = 0.0; ///< share of inside pixels at or above the threshold (per-sentence mean)
        double outsideAbove = 0.0; ///< share of outside pixels at or above it
        int sentences = 0;
        std::string note; ///< why there is no fit
    };

    static constexpr int kBins = 2000;

    OverlayScaleCalibrator();
    explicit OverlayScaleCalibrator(Options options);

    /// Adds one sentence's heatmap (width * height values in original pixels, row-major) against its boxes (pixels).
    /// Non-finite values are skipped. Returns false (and adds nothing) when the heatmap has the wrong size or the
    /// boxes leave no pixel inside or none outside.
    bool addSentence(
        const std::vector<float>& heatmap, int width, int height, const std::vector<AnalysisResult::Box>& boxes);

    int sentences() const { return m_sentences; }

    Fit fit() const;

private:
    static int binOf(float value);
    static double valueOf(int bin); ///< the lower edge of `bin`

    Options m_options;
    std::vector<double> m_inside; ///< sum over sentences of the normalised inside histogram
    std::vector<double> m_outside;
    int m_sentences = 0;
};

} // namespace lrclr
