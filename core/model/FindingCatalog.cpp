#include "core/model/FindingCatalog.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lrclr {

FindingCatalog FindingCatalog::chexpert()
{
    FindingCatalog catalog;
    catalog.m_findings = { "Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Enlarged Cardiomediastinum",
        "Fracture", "Lung Lesion", "Lung Opacity", "No Finding", "Pleural Effusion", "Pleural Other", "Pneumonia",
        "Pneumothorax", "Support Devices" };
    catalog.m_templates = { Template {} };
    return catalog;
}

FindingCatalog FindingCatalog::fromFile(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw std::runtime_error(path + ": cannot open the findings file");
    std::ostringstream text;
    text << stream.rdbuf();
    return fromJson(text.str(), path);
}

FindingCatalog FindingCatalog::fromJson(const std::string& text, const std::string& origin)
{
    const auto fail = [&](const std::string& problem) { return std::runtime_error(origin + ": " + problem); };
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw fail("not a JSON object");
    FindingCatalog catalog;
    if (!json.contains("findings") || !json["findings"].is_array() || json["findings"].empty())
        throw fail("\"findings\" must be a non-empty array of names");
    for (const auto& name : json["findings"]) {
        if (!name.is_string() || name.get<std::string>().empty())
            throw fail("every finding must be a non-empty string");
        catalog.m_findings.push_back(name.get<std::string>());
    }
    if (json.contains("templates")) {
        if (!json["templates"].is_array() || json["templates"].empty())
            throw fail("\"templates\" must be a non-empty array of {\"positive\", \"negative\"} objects");
        for (const auto& entry : json["templates"]) {
            if (!entry.is_object() || !entry.contains("positive") || !entry.contains("negative")
                || !entry["positive"].is_string() || !entry["negative"].is_string())
                throw fail("every template needs string \"positive\" and \"negative\" patterns");
            catalog.m_templates.push_back(
                { entry["positive"].get<std::string>(), entry["negative"].get<std::string>() });
        }
    } else {
        catalog.m_templates = { Template {} };
    }
    return catalog;
}

std::string FindingCatalog::toJson() const
{
    nlohmann::json json;
    json["findings"] = m_findings;
    json["templates"] = nlohmann::json::array();
    for (const auto& pair : m_templates)
        json["templates"].push_back({ { "positive", pair.positive }, { "negative", pair.negative } });
    return json.dump(2);
}

std::string FindingCatalog::fill(const std::string& pattern, const std::string& finding)
{
    std::string result;
    std::size_t start = 0;
    for (auto at = pattern.find("{}"); at != std::string::npos; at = pattern.find("{}", start)) {
        result += pattern.substr(start, at - start) + finding;
        start = at + 2;
    }
    return result + pattern.substr(start);
}

} // namespace lrclr
