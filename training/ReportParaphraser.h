#pragma once

#include <string>

namespace lrclr {

class DeterministicRandom;

/// Rewrites one report sentence with other words of the same meaning, for training reports that do not teach
/// the text encoder one template set: synonyms and abbreviations of findings, places and devices (effusion /
/// pleural fluid, nodule / lung lesion, RLL / right base, ETT, CVC, ...) and the common negation forms ("No X.",
/// "No evidence of X.", "X is not seen.", "Negative for X."). Side and level words are kept, so the boxes and the
/// labels of the sentence stay true. Stateless; thread-safe.
class ReportParaphraser {
public:
    /// `text`: one sentence ending in a period. Deterministic for a given random state.
    static std::string paraphrase(const std::string& text, DeterministicRandom& random);
};

} // namespace lrclr
