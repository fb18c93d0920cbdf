#pragma once

#include "training/PhantomCase.h"

namespace lrclr {

class DeterministicRandom;

/// Writes the report of an external-style phantom (ExternalPhantomGenerator) in a phrasing of its own, so that
/// evaluation on that set measures generalisation across wording: "Findings:"/"Report:" and "Conclusion:"/"Opinion:"
/// headers, clinical details and technique lines, abbreviations (CP angle, RLL, LUL, ETT, CVC, PICC, PTX, PPM),
/// British or American spelling per report (oedema/edema), its own negations ("Nil pneumothorax.", "Lungs clear.")
/// and hedges ("?small effusion"). No sentence it writes is one PhantomReportWriter can write. Records each
/// sentence's offsets, the boxes of the findings it asserts, and its CheXpert labels, and aggregates the study labels
/// as PhantomReportWriter does (positive over uncertain over negative; "No Finding" = 1 when no pathology is
/// positive or uncertain). Stateless; thread-safe.
class ExternalReportWriter {
public:
    /// Fills phantom.report, phantom.sentences and phantom.labels from phantom.findings.
    void write(PhantomCase& phantom, DeterministicRandom& random) const;
};

} // namespace lrclr
