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
    /// Fills phantom.report, phantom.sentences and phantom.labels from phantom.findings.
    void write(PhantomCase& phantom, DeterministicRandom& random) const;
};

} // namespace lrclr
