#pragma once

#include <string>
#include <vector>

namespace lrclr {

/// The findings a model scores zero-shot and the prompt templates that phrase them (data, from findings.json).
/// Thread-safe after construction (immutable value).
class FindingCatalog {
public:
    struct Template {
        std::string positive = "{}"; ///< "{}" is replaced by the finding name
        std::string negative = "no {}";
    };

    /// The 14 CheXpert observations with CheXzero's prompt pair ("{}", "no {}").
    static FindingCatalog chexpert();
    /// Parses findings.json; throws std::runtime_error naming the file and the problem.
    static FindingCatalog fromFile(const std::string& path);
    /// Parses the JSON text; `origin` names it in error messages.
    static FindingCatalog fromJson(const std::string& text, const std::string& origin);
    std::string toJson() const;

    const std::vector<std::string>& findings() const { return m_findings; }
    const std::vector<Template>& templates() const { return m_templates; }

    /// `pattern` with every "{}" replaced by `finding`.
    static std::string fill(const std::string& pattern, const std::string& finding);

private:
    std::vector<std::string> m_findings;
    std::vector<Template> m_templates;
};

} // namespace lrclr
