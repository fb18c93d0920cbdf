#pragma once

#include <map>
#include <string>
#include <vector>

#include "training/PhantomCase.h"

namespace lrclr::internal {

/// One sentence a phantom report writer has chosen, before it is placed in the report: its text, the boxes of the
/// findings it asserts (none for negations and technique lines) and the CheXpert labels it implies.
struct ReportDraft {
    std::string text;
    std::vector<PhantomCase::Box> boxes;
    std::map<std::string, int> labels;
};

/// A sentence template with its labels; placeholders are the writer's own.
struct ReportTemplate {
    const char* text;
    std::map<std::string, int> labels;
};

/// Builds a phantom's report text sentence by sentence, recording each sentence's offsets, section, boxes and labels,
/// so that both phantom styles (PhantomReportWriter, ExternalReportWriter) place sentences the same way. Not
/// thread-safe (one builder per report).
class ReportBuilder {
public:
    /// Appends text that is not a sentence: headers, separators, numbering.
    void appendText(const std::string& text) { m_report += text; }

    /// Appends `prefix`, then `text` as one sentence of `section` carrying draft's boxes and labels.
    void appendSentence(
        const ReportDraft& draft, const std::string& text, const std::string& section, const std::string& prefix);

    /// Appends `prefix`, then draft.text as one sentence of `section`.
    void appendSentence(const ReportDraft& draft, const std::string& section, const std::string& prefix)
    {
        appendSentence(draft, draft.text, section, prefix);
    }

    /// Moves the report, its sentences and the study labels aggregated from them into `phantom`.
    void finishInto(PhantomCase& phantom);

private:
    std::string m_report;
    std::vector<PhantomCase::Sentence> m_sentences;
};

/// True when any of the phantom's findings is of `kind`.
bool hasFinding(const PhantomCase& phantom, const std::string& kind);

/// True for support devices (tube, line, pacemaker), which are not pathology.
bool isSupportDevice(const std::string& kind);

/// True when any finding is pathology (not a support device).
bool hasPathology(const PhantomCase& phantom);

/// True when any finding lies in the lung parenchyma (nodule, mass, consolidation, edema, atelectasis).
bool hasParenchymalFinding(const PhantomCase& phantom);

} // namespace lrclr::internal
