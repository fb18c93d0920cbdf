#include "training/ReportParaphraser.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "training/DeterministicRandom.h"

namespace lrclr {

namespace {

struct Synonyms {
    const char* phrase; // lower case, matched as whole words
    std::vector<const char*> alternatives;
};

// Longer phrases first: a phrase replaced once is not rewritten again by a shorter rule.
const std::vector<Synonyms>& synonymTable()
{
    static const std::vector<Synonyms> table {
        { "right upper lobe", { "RUL", "right upper zone", "right upper lung" } },
        { "left upper lobe", { "LUL", "left upper zone", "left upper lung" } },
        { "right lower lobe", { "RLL", "right lower zone", "right lung base" } },
        { "left lower lobe", { "LLL", "left lower zone", "left lung base" } },
        { "right middle lobe", { "RML", "right middle zone" } },
        { "right mid lung", { "right mid zone", "right midlung", "right middle zone" } },
        { "left mid lung", { "left mid zone", "left midlung", "left middle zone" } },
        { "lingula", { "lingular segment", "left mid zone" } },
        { "pleural effusion", { "effusion", "pleural fluid", "pleural fluid collection" } },
        { "costophrenic angle", { "costophrenic sulcus", "CP angle", "costophrenic recess" } },
        { "pneumothorax", { "PTX", "pneumothorax" } },
        { "cardiomegaly", { "cardiac enlargement", "enlarged heart", "enlarged cardiac silhouette" } },
        { "cardiac silhouette", { "heart shadow", "cardiomediastinal silhouette", "heart" } },
        { "pulmonary nodule", { "lung nodule", "lung lesion", "nodular opacity" } },
        { "nodule", { "nodular opacity", "lung lesion", "rounded opacity", "nodule" } },
        { "mass", { "lung mass", "mass lesion", "lung lesion" } },
        { "airspace consolidation", { "airspace opacity", "consolidation", "airspace disease" } },
        { "consolidation", { "airspace opacity", "lung opacity", "airspace disease", "consolidative opacity" } },
        { "airspace opacity", { "lung opacity", "airspace disease", "opacity" } },
        { "pulmonary edema", { "pulmonary oedema", "interstitial edema", "edema" } },
        { "edema", { "oedema", "edema" } },
        { "atelectasis", { "atelectatic change", "subsegmental atelectasis", "volume loss" } },
        { "endotracheal tube", { "ET tube", "ETT", "endotracheal tube" } },
        { "central venous catheter", { "central line", "CVC", "central venous line" } },
        { "pacemaker", { "pacer", "cardiac pacemaker", "pacemaker device" } },
        { "superior vena cava", { "SVC", "superior vena cava" } },
        { "there is a ", { "there is a ", "there is evidence of a ", "note is made of a " } },
        { "is seen", { "is identified", "is noted", "is present" } },
    };
    return table;
}

std::string lowered(std::string text)
{
    std::transform(
        text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool wordBoundary(const std::string& text, std::size_t at)
{
    return at >= text.size() || !std::isalnum(static_cast<unsigned char>(text[at]));
}

// Replaces the first whole-word occurrence of each table phrase, with probability `probability` each.
std::string withSynonyms(const std::string& text, DeterministicRandom& random, double probability)
{
    std::string result = text;
    std::vector<std::pair<std::size_t, std::size_t>> replaced; // spans already rewritten
    for (const auto& entry : synonymTable()) {
        const std::string phrase = entry.phrase;
        const std::string lower = lowered(result);
        const auto at = lower.find(phrase);
        if (at == std::string::npos || (at > 0 && !wordBoundary(lower, at - 1))
            || !wordBoundary(lower, at + phrase.size() - (phrase.back() == ' ' ? 1 : 0)))
            continue;
        const bool overlaps = std::any_of(replaced.begin(), replaced.end(),
            [&](const auto& span) { return at < span.second && at + phrase.size() > span.first; });
        if (overlaps || !random.chance(probability))
            continue;
        std::string alternative = random.pick(entry.alternatives);
        const bool capital = std::isupper(static_cast<unsigned char>(result[at])) != 0;
        if (capital && !alternative.empty())
            alternative[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(alternative[0])));
        result.replace(at, phrase.size(), alternative);
        for (auto& span : replaced) {
            if (span.first > at) {
                span.first += alternative.size() - phrase.size();
                span.second += alternative.size() - phrase.size();
            }
        }
        replaced.emplace_back(at, at + alternative.size());
    }
    return result;
}

// "No X." (X without a verb) in one of the usual negation forms.
std::string withNegationForm(const std::string& text, DeterministicRandom& random)
{
    const std::string prefix = "No ";
    if (text.rfind(prefix, 0) != 0 || text.back() != '.' || text.find(',') != std::string::npos)
        return text;
    const std::string subject = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    if (subject.find(" is ") != std::string::npos || subject.find(" are ") != std::string::npos)
        return text;
    std::string capitalised = subject;
    capitalised[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capitalised[0])));
    switch (random.integer(0, 5)) {
    case 0:
        return "No evidence of " + subject + ".";
    case 1:
        return capitalised + " is not seen.";
    case 2:
        return "Negative for " + subject + ".";
    case 3:
        return "No definite " + subject + ".";
    case 4:
        return "There is no " + subject + ".";
    default:
        return text;
    }
}

} // namespace

std::string ReportParaphraser::paraphrase(const std::string& text, DeterministicRandom& random)
{
    if (text.empty())
        return text;
    std::string result = withSynonyms(text, random, 0.5);
    if (random.chance(0.6))
        result = withNegationForm(result, random);
    return result;
}

} // namespace lrclr
