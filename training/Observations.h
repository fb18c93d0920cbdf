#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lrclr {

/// The 14 observations of the CheXpert labeler (also used by MIMIC-CXR-JPG) and the label values and uncertainty
/// policies around them. A label is 1 (positive), 0 (negative), -1 (uncertain) or absent (not mentioned).
/// Stateless; thread-safe.
class Observations {
public:
    /// How a consumer turns uncertain (-1) labels into training/evaluation targets (Irvin et al., CheXpert, 2019).
    enum class UncertaintyPolicy {
        Ignore, ///< U-Ignore: uncertain labels are dropped (masked out of the loss / metric)
        Ones, ///< U-Ones: uncertain counts as positive
        Zeros, ///< U-Zeros: uncertain counts as negative
    };

    /// The 14 names in the column order of CheXpert's train.csv.
    static const std::vector<std::string>& names();
    static bool isKnown(std::string_view name);

    /// Parses "ignore"/"u-ignore", "ones"/"u-ones", "zeros"/"u-zeros" (case-insensitive); nullopt otherwise.
    static std::optional<UncertaintyPolicy> parsePolicy(std::string_view text);
    static std::string policyName(UncertaintyPolicy policy);

    /// The binary target of a stored label under `policy`; nullopt when the label does not count (blank, or
    /// uncertain under U-Ignore). Blank is not a negative: a report that does not mention a finding says nothing.
    static std::optional<int> target(std::optional<int> label, UncertaintyPolicy policy);

    /// Parses a CheXpert-style cell: "1", "1.0", "0", "0.0", "-1", "-1.0" or empty (blank). Throws
    /// std::invalid_argument for anything else.
    static std::optional<int> parseLabelCell(std::string_view cell);
};

} // namespace lrclr
