#include "core/dicom/internal/IdentityScrubber.h"

#include <algorithm>
#include <cctype>

namespace lrclr::internal {

namespace {

std::string lowered(std::string text)
{
    std::transform(
        text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> split(const std::string& text, const std::string& separators)
{
    std::vector<std::string> parts;
    std::string current;
    for (const char c : text) {
        if (separators.find(c) != std::string::npos) {
            parts.push_back(current);
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    parts.push_back(current);
    return parts;
}

bool isWordCharacter(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

} // namespace

void IdentityScrubber::addTerm(std::string term)
{
    term = lowered(trimmed(term));
    if (term.size() < 2 || std::find(m_terms.begin(), m_terms.end(), term) != m_terms.end())
        return;
    m_terms.push_back(std::move(term));
    std::stable_sort(
        m_terms.begin(), m_terms.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void IdentityScrubber::addPersonName(const std::string& value)
{
    for (const std::string& part : split(value, "^=\\ "))
        addTerm(part);
}

void IdentityScrubber::addIdentifier(const std::string& value)
{
    for (const std::string& part : split(value, "\\"))
        addTerm(part);
}

void IdentityScrubber::addDate(const std::string& value)
{
    for (const std::string& part : split(value, "\\")) {
        const std::string date = trimmed(part);
        if (date.size() < 8
            || !std::all_of(date.begin(), date.begin() + 8, [](unsigned char c) { return std::isdigit(c); }))
            continue;
        const std::string year = date.substr(0, 4);
        const std::string month = date.substr(4, 2);
        const std::string day = date.substr(6, 2);
        for (const std::string& form :
            { year + month + day, year + "-" + month + "-" + day, day + "/" + month + "/" + year,
                month + "/" + day + "/" + year, day + "." + month + "." + year, year + "/" + month + "/" + day })
            addTerm(form);
    }
}

std::string IdentityScrubber::scrub(std::string text) const
{
    static const std::string replacement = "[removed]";
    for (const std::string& term : m_terms) {
        std::string lower = lowered(text);
        std::size_t at = lower.find(term);
        while (at != std::string::npos) {
            const std::size_t end = at + term.size();
            // Whole words only: "Ann" is not scrubbed out of "Annular".
            const bool starts = at == 0 || !isWordCharacter(text[at - 1]) || !isWordCharacter(term.front());
            const bool ends = end == text.size() || !isWordCharacter(text[end]) || !isWordCharacter(term.back());
            if (starts && ends) {
                text.replace(at, term.size(), replacement);
                lower.replace(at, term.size(), replacement);
                at = lower.find(term, at + replacement.size());
            } else {
                at = lower.find(term, at + 1);
            }
        }
    }
    return text;
}

} // namespace lrclr::internal
