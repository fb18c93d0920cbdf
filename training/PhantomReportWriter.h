#pragma once

#include "training/PhantomCase.h"

namespace lrclr {

class DeterministicRandom;

/// Writes the radiology report of a phantom from varied templates: section headers (EXAMINATION, INDICATION,
/// COMPARISON, FINDINGS, IMPRESSION in several spellings and combinations), positive, hedged and negated sentences
/// with synonyms, several sentence orders, and normal studies. Records each sentence's offsets, the boxes of the
/// findings it asserts, and the CheXpert labels it implies, then aggregates the study labels the way the CheXpert
/// labeler does (positive over uncertain over negative; "No Finding" when no pathology is positive or uncertain).
/// Stateless; thread-safe.
class PhantomReportWriter {
public:
    struct Options {
        /// Every sentence rewritten by ReportParaphraser (synonyms, abbreviations, negation forms), plus the
        /// summary phrasings that name findings by their CheXpert terms ("Support devices in place.", "No lung
        /// lesion."): the training data's domain randomisation of text. Off: the reference templates.
        bool paraphrase = false;
    };

    PhantomReportWriter() = default;
    explicit PhantomReportWriter(Options options)
        : m_options(options)
    {
    }

    /// Fills phantom.report, phantom.sentences and phantom.labels from phantom.findings.
    void write(PhantomCase& phantom, DeterministicRandom& random) const;

    /// A study's labels from its sentences' labels, as the CheXpert labeler aggregates mentions: positive beats
    /// uncertain beats negative; "No Finding" = 1 when nothing but support devices is positive or uncertain.
    static std::map<std::string, int> studyLabels(const std::vector<PhantomCase::Sentence>& sentences);

private:
    Options m_options;
};

} // namespace lrclr
