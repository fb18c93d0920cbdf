#pragma once

#include <cstdint>
#include <span>

namespace lrclr::internal {

/// Columns of PS3.15 Table E.1-1 after the Basic Profile, in the table's order.
enum class ConfidentialityOption {
    RetainSafePrivate,
    RetainUIDs,
    RetainDeviceIdentity,
    RetainInstitutionIdentity,
    RetainPatientCharacteristics,
    RetainLongitudinalFullDates,
    RetainLongitudinalModifiedDates,
    CleanDescriptors,
    CleanStructuredContent,
    CleanGraphics,
    Count
};

/// One row of PS3.15 Table E.1-1: which attribute (a tag, or a pattern such as (60xx,4000) or all odd groups) and its
/// action code under the Basic Profile and under each option ("" where the option says nothing). Codes as the standard
/// writes them: X remove, Z empty, D dummy, U new UID, K keep, C clean, and the compound X/Z, X/D, X/Z/D, Z/D, X/Z/U*.
struct ConfidentialityProfileRule {
    std::uint32_t tag; ///< (group << 16) | element, pattern digits 0
    std::uint32_t mask; ///< a data element's tag matches when (its tag & mask) == tag
    const char* basicProfile;
    const char* options[static_cast<int>(ConfidentialityOption::Count)];
    const char* name;
};

/// The whole table, sorted by (tag, mask); generated (ConfidentialityProfileTable.cpp). Thread-safe (constant).
std::span<const ConfidentialityProfileRule> confidentialityProfileRules();

/// The edition of PS3.15 the table was generated from, e.g. "2024b".
extern const char* const confidentialityProfileEdition;

} // namespace lrclr::internal
