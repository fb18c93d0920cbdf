#pragma once

#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// The region-text audit of one analysis, decided here for the viewer (ReportRegionLinks) and `lrclr audit` alike: a
/// region supports a sentence when the sentence's cross-attention weight on it reaches the threshold; a sentence no
/// region supports and a region no sentence reaches are the audit's flags. Stateless; thread-safe.
class AlignmentAudit {
public:
    /// Minimum cross-attention weight (0..1) for a region to count as supporting a sentence.
    static constexpr double defaultThreshold = 0.2;

    /// The sentence's weight on the region; 0 for indexes out of range (a result from another source may carry fewer
    /// weights than regions: the missing ones count as no link).
    static float weight(const AnalysisResult& result, int sentence, int region);
    /// Regions whose weight for the sentence reaches `threshold`, strongest first.
    static std::vector<int> supportingRegions(const AnalysisResult& result, int sentence, double threshold);
    /// Sentences whose weight on the region reaches `threshold`, strongest first.
    static std::vector<int> explainingSentences(const AnalysisResult& result, int region, double threshold);
    /// Sentences with no supporting region, in report order.
    static std::vector<int> unsupportedSentences(const AnalysisResult& result, double threshold);
    /// Regions no sentence reaches, in region order.
    static std::vector<int> unexplainedRegions(const AnalysisResult& result, double threshold);
};

} // namespace lrclr
