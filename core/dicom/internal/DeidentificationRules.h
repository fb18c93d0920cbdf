#pragma once

#include <cstdint>

namespace lrclr::internal {

/// What de-identification does to one data element, decided from PS3.15 Table E.1-1.
enum class DeidentificationAction {
    Keep, ///< not in the table, or K: unchanged (a sequence's items are still processed)
    Remove, ///< X
    Empty, ///< Z
    Dummy, ///< D: a value consistent with the VR that carries no identity
    NewUid, ///< U: replaced by a consistently remapped UID
    Clean, ///< C: text scrubbed of the identity found in the headers; sequences processed item by item
};

/// The options of the profile that lrclr applies (the others are not offered).
struct DeidentificationOptions {
    bool retainLongitudinalFullDates = false; ///< Retain Longitudinal Temporal Information with Full Dates Option
    bool cleanStructuredContent = true; ///< Clean Structured Content Option (SR content kept, scrubbed)
    bool cleanDescriptors = false; ///< Clean Descriptors Option (descriptions kept, scrubbed)
};

/// Resolves the action for the data element `tag` ((group << 16) | element) of value representation `vr` (two
/// letters, e.g. "PN", "SQ") from Table E.1-1: an option's code replaces the Basic Profile's where the option is on and
/// says something; a compound code keeps the element in the form the IOD might need, because which Type an attribute
/// has depends on the IOD and an empty or dummy value carries no identity either: X/Z -> Z; Z/D and X/Z/D -> Z, but D
/// for dates and times (Content Date/Time are Type 1 in SR); X/D -> D; X/Z/U* -> U for UIDs and item by item for
/// sequences. D or Z on a sequence processes its items (the table's rules apply inside). Private groups (odd) are
/// removed. Thread-safe (constant data).
DeidentificationAction deidentificationAction(
    std::uint32_t tag, const char* vr, const DeidentificationOptions& options);

} // namespace lrclr::internal
