#include "core/dicom/internal/DeidentificationRules.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/dicom/internal/ConfidentialityProfileTable.h"

namespace lrclr::internal {

namespace {

/// The exact row for `tag`, else the first pattern row that matches it; null when the table says nothing.
const ConfidentialityProfileRule* ruleFor(std::uint32_t tag)
{
    const auto rules = confidentialityProfileRules();
    const auto exact = std::find_if(rules.begin(), rules.end(),
        [tag](const ConfidentialityProfileRule& rule) { return rule.mask == 0xFFFFFFFFu && rule.tag == tag; });
    if (exact != rules.end())
        return &*exact;
    const auto pattern = std::find_if(rules.begin(), rules.end(), [tag](const ConfidentialityProfileRule& rule) {
        return rule.mask != 0xFFFFFFFFu && (tag & rule.mask) == rule.tag;
    });
    return pattern != rules.end() ? &*pattern : nullptr;
}

/// The code that applies: the last option that is on and has a code for this row, else the Basic Profile's.
std::string_view codeFor(const ConfidentialityProfileRule& rule, const DeidentificationOptions& options)
{
    std::string_view code = rule.basicProfile;
    const auto apply = [&](bool on, ConfidentialityOption option) {
        const char* value = rule.options[static_cast<int>(option)];
        if (on && value[0] != '\0')
            code = value;
    };
    apply(options.cleanDescriptors, ConfidentialityOption::CleanDescriptors);
    apply(options.cleanStructuredContent, ConfidentialityOption::CleanStructuredContent);
    apply(options.retainLongitudinalFullDates, ConfidentialityOption::RetainLongitudinalFullDates);
    return code;
}

DeidentificationAction actionOf(std::string_view code, bool sequence, bool uid, bool temporal)
{
    if (code == "K")
        return DeidentificationAction::Keep;
    if (code == "X")
        return DeidentificationAction::Remove;
    if (code == "Z" || code == "X/Z")
        return sequence ? DeidentificationAction::Clean : DeidentificationAction::Empty;
    if (code == "U")
        return DeidentificationAction::NewUid;
    if (code == "X/Z/U*")
        return sequence ? DeidentificationAction::Clean
                        : (uid ? DeidentificationAction::NewUid : DeidentificationAction::Empty);
    if (code == "C")
        return DeidentificationAction::Clean;
    if ((code == "Z/D" || code == "X/Z/D") && !sequence && !temporal)
        return DeidentificationAction::Empty;
    // D, X/D, and the dates and times of Z/D and X/Z/D
    return sequence ? DeidentificationAction::Clean : DeidentificationAction::Dummy;
}

} // namespace

DeidentificationAction deidentificationAction(std::uint32_t tag, const char* vr, const DeidentificationOptions& options)
{
    const ConfidentialityProfileRule* rule = ruleFor(tag);
    if (!rule)
        return DeidentificationAction::Keep;
    const bool sequence = std::strcmp(vr, "SQ") == 0;
    const bool uid = std::strcmp(vr, "UI") == 0;
    const bool temporal = std::strcmp(vr, "DA") == 0 || std::strcmp(vr, "TM") == 0 || std::strcmp(vr, "DT") == 0;
    return actionOf(codeFor(*rule, options), sequence, uid, temporal);
}

} // namespace lrclr::internal
