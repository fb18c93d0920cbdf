#pragma once

#include <string>
#include <vector>

#include <QImage>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// The region-text audit of one analysed study, for `lrclr audit`: which report sentences that assert a finding no
/// selected region supports (AlignmentAudit, the viewer's own rule; negations, normal statements and technique lines
/// are counted apart, as they need no region), which regions no sentence explains, and which zero-shot findings
/// disagree with what the report says (FindingMentions: the report asserts a finding the model scores below its
/// threshold, or negates one the model scores at or above it; hedged or unmentioned findings are not judged). The
/// threshold is the finding's calibrated operating point when the model has one, else 0.5. Stateless; thread-safe.
class StudyAudit {
public:
    struct Disagreement {
        std::string finding;
        float probability = 0.0f;
        float threshold = 0.5f;
        int reportLabel = 0; ///< 1 the report asserts it, 0 it negates it
    };

    /// One study's line of the audit.
    struct Row {
        std::string key; ///< stable per image path; names the study's output folder
        std::string image;
        std::string report; ///< empty when the study had none
        std::string status; ///< "analyzed", "resumed" (read back from an earlier run) or "failed"
        std::string error; ///< why it failed
        int sentences = 0;
        std::vector<int> unsupportedSentences; ///< asserting or hedging a finding (FindingMentions), no region
        std::vector<std::string> unsupportedTexts;
        int unsupportedOther = 0; ///< negations, normal statements, technique lines without a region
        int regions = 0;
        std::vector<int> unexplainedRegions;
        std::vector<Disagreement> disagreements;
        double seconds = 0.0; ///< the analysis alone
        std::string overlay; ///< thumbnail path relative to the audit folder; empty when none
        std::string analysis; ///< analysis.json path relative to the audit folder
    };

    /// Fills the audit fields of `row` (sentences, regions and flags) from `result`; `regionThreshold` as in
    /// AlignmentAudit.
    static void audit(const AnalysisResult& result, double regionThreshold, Row& row);

    /// A thumbnail of the model's input (longer side `size`) with the selected regions drawn: regions some sentence
    /// explains in green, unexplained ones in orange.
    static QImage thumbnail(const GrayscaleImage& image, const AnalysisResult& result, const Row& row, int size = 320);
};

} // namespace lrclr
