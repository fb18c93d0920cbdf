#include "training/Observations.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace lrclr {

namespace {

std::string lowered(std::string_view text)
{
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

} // namespace

const std::vector<std::string>& Observations::names()
{
    static const std::vector<std::string> observations { "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly",
        "Lung Opacity", "Lung Lesion", "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax",
        "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices" };
    return observations;
}

bool Observations::isKnown(std::string_view name)
{
    const auto& all = names();
    return std::find(all.begin(), all.end(), name) != all.end();
}

std::optional<Observations::UncertaintyPolicy> Observations::parsePolicy(std::string_view text)
{
    std::string key = lowered(trimmed(text));
    if (key.starts_with("u-"))
        key.erase(0, 2);
    if (key == "ignore")
        return UncertaintyPolicy::Ignore;
    if (key == "ones")
        return UncertaintyPolicy::Ones;
    if (key == "zeros")
        return UncertaintyPolicy::Zeros;
    return std::nullopt;
}

std::string Observations::policyName(UncertaintyPolicy policy)
{
    switch (policy) {
    case UncertaintyPolicy::Ignore:
        return "U-Ignore";
    case UncertaintyPolicy::Ones:
        return "U-Ones";
    case UncertaintyPolicy::Zeros:
        return "U-Zeros";
    }
    return "U-Ignore";
}

std::optional<int> Observations::target(std::optional<int> label, UncertaintyPolicy policy)
{
    if (!label)
        return std::nullopt;
    if (*label == 1 || *label == 0)
        return *label;
    switch (policy) {
    case UncertaintyPolicy::Ignore:
        return std::nullopt;
    case UncertaintyPolicy::Ones:
        return 1;
    case UncertaintyPolicy::Zeros:
        return 0;
    }
    return std::nullopt;
}

std::optional<int> Observations::parseLabelCell(std::string_view cell)
{
    const std::string_view value = trimmed(cell);
    if (value.empty())
        return std::nullopt;
    if (value == "1" || value == "1.0")
        return 1;
    if (value == "0" || value == "0.0")
        return 0;
    if (value == "-1" || value == "-1.0")
        return -1;
    throw std::invalid_argument("label must be 1, 0, -1 or blank, not '" + std::string(value) + "'");
}

} // namespace lrclr
