#include "training/PhantomReportWriter.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "training/DeterministicRandom.h"
#include "training/ReportParaphraser.h"
#include "training/internal/ReportBuilder.h"

namespace lrclr {

namespace {

using Draft = internal::ReportDraft;
using Template = internal::ReportTemplate;

std::string capitalised(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

std::string replaced(std::string text, const PhantomCase::Finding& finding)
{
    const auto substitute = [&text](const std::string& key, const std::string& value) {
        for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    };
    std::string adverb = finding.size;
    if (adverb == "mild" || adverb == "moderate" || adverb == "marked")
        adverb += "ly";
    substitute("{Side}", capitalised(finding.side));
    substitute("{side}", finding.side);
    substitute("{Size}", capitalised(finding.size));
    substitute("{size}", finding.size);
    substitute("{sizely}", adverb);
    substitute("{Location}", capitalised(finding.location));
    substitute("{location}", finding.location);
    return capitalised(text);
}

// Sentences asserting a finding (in FINDINGS), hedged ones (subtle findings) and impression phrasings.
struct FindingTemplates {
    std::vector<Template> positive;
    std::vector<Template> hedged;
    std::vector<Template> impression;
};

const FindingTemplates& templatesFor(const std::string& kind)
{
    static const std::map<std::string, FindingTemplates> all {
        { "cardiomegaly",
            { { { "The heart is {sizely} enlarged.", { { "Cardiomegaly", 1 }, { "Enlarged Cardiomediastinum", 1 } } },
                  { "{Size} cardiomegaly.", { { "Cardiomegaly", 1 }, { "Enlarged Cardiomediastinum", 1 } } },
                  { "The cardiac silhouette is enlarged.",
                      { { "Cardiomegaly", 1 }, { "Enlarged Cardiomediastinum", 1 } } },
                  { "There is {size} enlargement of the cardiac silhouette.",
                      { { "Cardiomegaly", 1 }, { "Enlarged Cardiomediastinum", 1 } } } },
                {},
                { { "Cardiomegaly.", { { "Cardiomegaly", 1 } } }, { "{Size} cardiomegaly.", { { "Cardiomegaly", 1 } } },
                    { "Enlarged heart.", { { "Cardiomegaly", 1 } } } } } },
        { "pleural effusion",
            { { { "There is a {size} {side} pleural effusion.", { { "Pleural Effusion", 1 } } },
                  { "{Size} {side} pleural effusion with blunting of the {side} costophrenic angle.",
                      { { "Pleural Effusion", 1 } } },
                  { "Blunting of the {side} costophrenic angle with a meniscus, consistent with a {size} effusion.",
                      { { "Pleural Effusion", 1 } } },
                  { "{Size} amount of {side} pleural fluid layering at the base.", { { "Pleural Effusion", 1 } } } },
                { { "Possible small {side} pleural effusion.", { { "Pleural Effusion", -1 } } },
                    { "Mild blunting of the {side} costophrenic angle may reflect a trace effusion.",
                        { { "Pleural Effusion", -1 } } } },
                { { "{Size} {side} pleural effusion.", { { "Pleural Effusion", 1 } } },
                    { "{Side} effusion.", { { "Pleural Effusion", 1 } } } } } },
        { "pneumothorax",
            { { { "There is a {size} {side} apical pneumothorax.", { { "Pneumothorax", 1 } } },
                  { "A {side} pneumothorax is present, with the visceral pleural line visible at the apex.",
                      { { "Pneumothorax", 1 } } },
                  { "{Size} {side}-sided pneumothorax.", { { "Pneumothorax", 1 } } },
                  { "Absent lung markings peripheral to a pleural line at the {side} apex, consistent with "
                    "pneumothorax.",
                      { { "Pneumothorax", 1 } } } },
                { { "A subtle lucency at the {side} apex could represent a small pneumothorax.",
                      { { "Pneumothorax", -1 } } },
                    { "Cannot exclude a tiny {side} apical pneumothorax.", { { "Pneumothorax", -1 } } } },
                { { "{Side} apical pneumothorax.", { { "Pneumothorax", 1 } } },
                    { "{Size} {side} pneumothorax.", { { "Pneumothorax", 1 } } } } } },
        { "nodule",
            { { { "There is a {size} nodule in the {location}.", { { "Lung Lesion", 1 } } },
                  { "A {size} nodular opacity projects over the {location}.",
                      { { "Lung Lesion", 1 }, { "Lung Opacity", 1 } } },
                  { "{Location} pulmonary nodule measuring {size}.", { { "Lung Lesion", 1 } } },
                  { "A well-circumscribed {size} nodule is seen in the {location}.", { { "Lung Lesion", 1 } } } },
                { { "Possible {size} nodule in the {location}.", { { "Lung Lesion", -1 } } },
                    { "A faint rounded density in the {location} may represent a nodule.",
                        { { "Lung Lesion", -1 } } } },
                { { "{Location} nodule.", { { "Lung Lesion", 1 } } },
                    { "{Size} pulmonary nodule in the {location}; CT recommended.", { { "Lung Lesion", 1 } } } } } },
        { "mass",
            { { { "There is a {size} mass in the {location}.", { { "Lung Lesion", 1 } } },
                  { "A lobulated {size} opacity in the {location}, concerning for a mass.",
                      { { "Lung Lesion", 1 }, { "Lung Opacity", 1 } } },
                  { "{Location} mass measuring {size}.", { { "Lung Lesion", 1 } } } },
                { { "An ill-defined density in the {location} could represent a mass.", { { "Lung Lesion", -1 } } } },
                { { "{Location} mass, concerning for malignancy.", { { "Lung Lesion", 1 } } },
                    { "{Size} {location} mass.", { { "Lung Lesion", 1 } } } } } },
        { "consolidation",
            { { { "Focal consolidation in the {location}.", { { "Consolidation", 1 } } },
                  { "There is airspace consolidation in the {location}, concerning for pneumonia.",
                      { { "Consolidation", 1 }, { "Pneumonia", 1 } } },
                  { "Patchy opacity in the {location} may represent pneumonia.",
                      { { "Lung Opacity", 1 }, { "Pneumonia", -1 } } },
                  { "{Location} consolidation with air bronchograms.", { { "Consolidation", 1 } } } },
                { { "Subtle opacity in the {location}; early pneumonia cannot be excluded.",
                      { { "Lung Opacity", -1 }, { "Pneumonia", -1 } } },
                    { "Hazy opacity in the {location} could reflect atelectasis or infection.",
                        { { "Consolidation", -1 }, { "Pneumonia", -1 } } } },
                { { "{Location} pneumonia.", { { "Pneumonia", 1 }, { "Consolidation", 1 } } },
                    { "{Location} consolidation, likely pneumonia.",
                        { { "Consolidation", 1 }, { "Pneumonia", -1 } } } } } },
        { "edema",
            { { { "There is {size} pulmonary edema with perihilar haziness.", { { "Edema", 1 } } },
                  { "Bilateral perihilar opacities and Kerley B lines, consistent with {size} interstitial edema.",
                      { { "Edema", 1 } } },
                  { "Findings are consistent with {size} pulmonary vascular congestion and edema.",
                      { { "Edema", 1 } } } },
                { { "Mild perihilar haziness could reflect early edema.", { { "Edema", -1 } } } },
                { { "{Size} pulmonary edema.", { { "Edema", 1 } } }, { "Pulmonary edema.", { { "Edema", 1 } } } } } },
        { "atelectasis",
            { { { "Plate-like atelectasis at the {location}.", { { "Atelectasis", 1 } } },
                  { "Linear opacity at the {location}, consistent with subsegmental atelectasis.",
                      { { "Atelectasis", 1 } } },
                  { "Discoid atelectasis in the {location}.", { { "Atelectasis", 1 } } } },
                { { "Minimal linear opacity at the {location}, likely atelectasis.", { { "Atelectasis", -1 } } } },
                { { "{Location} atelectasis.", { { "Atelectasis", 1 } } },
                    { "Subsegmental atelectasis.", { { "Atelectasis", 1 } } } } } },
        { "endotracheal tube",
            { { { "Endotracheal tube terminates {size} above the carina.", { { "Support Devices", 1 } } },
                  { "An endotracheal tube is in place with its tip {size} above the carina.",
                      { { "Support Devices", 1 } } } },
                {}, { { "Endotracheal tube in satisfactory position.", { { "Support Devices", 1 } } } } } },
        { "central line",
            { { { "{Side} {location} central venous catheter terminates in the superior vena cava.",
                    { { "Support Devices", 1 } } },
                  { "A {side} {location} line ends in the SVC.", { { "Support Devices", 1 } } } },
                {}, { { "{Side} {location} line in the SVC.", { { "Support Devices", 1 } } } } } },
        { "pacemaker",
            { { { "{Side} chest wall {size} pacemaker with leads in the right heart.", { { "Support Devices", 1 } } },
                  { "A {side}-sided pacemaker generator projects over the chest wall; its leads end in the right "
                    "heart.",
                      { { "Support Devices", 1 } } } },
                {}, { { "{Side} {size} pacemaker.", { { "Support Devices", 1 } } } } } },
    };
    return all.at(kind);
}

/// What the findings themselves contribute: device lines, positive (or hedged) statements and impression phrasings.
struct FindingStatements {
    std::vector<Draft> devices;
    std::vector<Draft> positives;
    std::vector<Draft> impressions;
};

FindingStatements findingStatements(const PhantomCase& phantom, DeterministicRandom& random)
{
    FindingStatements statements;
    for (const auto& finding : phantom.findings) {
        const FindingTemplates& templates = templatesFor(finding.kind);
        const bool hedge = finding.subtle && !templates.hedged.empty();
        const Template& chosen = random.pick(hedge ? templates.hedged : templates.positive);
        Draft draft { replaced(chosen.text, finding), finding.boxes, chosen.labels };
        (internal::isSupportDevice(finding.kind) ? statements.devices : statements.positives).push_back(draft);
        if (!internal::isSupportDevice(finding.kind) || random.chance(0.3)) {
            if (hedge) {
                statements.impressions.push_back(draft);
            } else {
                const Template& summary = random.pick(templates.impression);
                statements.impressions.push_back({ replaced(summary.text, finding), finding.boxes, summary.labels });
            }
        }
    }
    return statements;
}

/// Adds one of `options` to `negatives` with the given probability.
void maybeAdd(std::vector<Draft>& negatives, DeterministicRandom& random, double probability,
    const std::vector<Template>& options)
{
    if (random.chance(probability)) {
        const Template& chosen = random.pick(options);
        negatives.push_back({ chosen.text, {}, chosen.labels });
    }
}

/// Normal statements about the heart, pleura and lungs that the findings do not contradict.
void addOrganNegatives(const PhantomCase& phantom, DeterministicRandom& random, std::vector<Draft>& negatives)
{
    const auto has = [&phantom](const std::string& kind) { return internal::hasFinding(phantom, kind); };
    const bool parenchymal = internal::hasParenchymalFinding(phantom);
    if (!has("cardiomegaly"))
        maybeAdd(negatives, random, 0.8,
            { { "Heart size is normal.", { { "Cardiomegaly", 0 } } },
                { "The cardiomediastinal silhouette is within normal limits.",
                    { { "Cardiomegaly", 0 }, { "Enlarged Cardiomediastinum", 0 } } },
                { "The heart is not enlarged.", { { "Cardiomegaly", 0 } } },
                { "Normal cardiac size.", { { "Cardiomegaly", 0 } } } });
    if (!has("pleural effusion") && !has("pneumothorax"))
        maybeAdd(negatives, random, 0.85,
            { { "No pleural effusion or pneumothorax.", { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } },
                { "There is no pleural effusion or pneumothorax.",
                    { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } },
                { "The costophrenic angles are sharp and there is no pneumothorax.",
                    { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } } });
    else if (!has("pleural effusion"))
        maybeAdd(negatives, random, 0.7,
            { { "No pleural effusion.", { { "Pleural Effusion", 0 } } },
                { "The costophrenic angles are sharp.", { { "Pleural Effusion", 0 } } } });
    else if (!has("pneumothorax"))
        maybeAdd(negatives, random, 0.7,
            { { "No pneumothorax.", { { "Pneumothorax", 0 } } },
                { "There is no evidence of pneumothorax.", { { "Pneumothorax", 0 } } } });
    if (!parenchymal)
        maybeAdd(negatives, random, 0.85,
            { { "The lungs are clear.", { { "Lung Opacity", 0 }, { "Consolidation", 0 } } },
                { "No focal consolidation.", { { "Consolidation", 0 } } },
                { "Lungs are well expanded and clear.", { { "Lung Opacity", 0 }, { "Consolidation", 0 } } },
                { "No focal airspace opacity.", { { "Lung Opacity", 0 } } } });
    else if (!has("consolidation"))
        maybeAdd(negatives, random, 0.5,
            { { "No focal consolidation.", { { "Consolidation", 0 } } },
                { "No confluent airspace consolidation.", { { "Consolidation", 0 } } } });
    if (!has("edema"))
        maybeAdd(negatives, random, 0.45,
            { { "No pulmonary edema.", { { "Edema", 0 } } },
                { "No evidence of pulmonary vascular congestion or edema.", { { "Edema", 0 } } } });
    if (!has("nodule") && !has("mass"))
        maybeAdd(negatives, random, 0.15, { { "No suspicious pulmonary nodules.", { { "Lung Lesion", 0 } } } });
}

/// The CheXpert terms themselves, as some reports and every zero-shot prompt use them (paraphrase mode only); a
/// support-device summary goes to the impression.
void addTermStatements(const PhantomCase& phantom, DeterministicRandom& random, std::vector<Draft>& negatives,
    FindingStatements& statements)
{
    const auto has = [&phantom](const std::string& kind) { return internal::hasFinding(phantom, kind); };
    if (!has("nodule") && !has("mass"))
        maybeAdd(negatives, random, 0.25,
            { { "No lung lesion.", { { "Lung Lesion", 0 } } }, { "No focal lung lesion.", { { "Lung Lesion", 0 } } } });
    if (!internal::hasParenchymalFinding(phantom))
        maybeAdd(negatives, random, 0.2,
            { { "No lung opacity.", { { "Lung Opacity", 0 } } },
                { "No focal lung opacity.", { { "Lung Opacity", 0 } } } });
    if (!has("cardiomegaly"))
        maybeAdd(negatives, random, 0.15,
            { { "No cardiomegaly.", { { "Cardiomegaly", 0 } } },
                { "Normal cardiomediastinal silhouette.", { { "Enlarged Cardiomediastinum", 0 } } } });
    if (!statements.devices.empty() && random.chance(0.4)) {
        static const std::vector<Template> summaries { { "Support devices in place.", { { "Support Devices", 1 } } },
            { "Support devices as described.", { { "Support Devices", 1 } } },
            { "Lines and tubes in expected position.", { { "Support Devices", 1 } } } };
        const Template& chosen = random.pick(summaries);
        statements.impressions.push_back({ chosen.text, {}, chosen.labels });
    }
}

/// FINDINGS: devices usually first; pathology and normal statements in one of several orders.
std::vector<Draft> findingsBody(
    const FindingStatements& statements, const std::vector<Draft>& negatives, DeterministicRandom& random)
{
    std::vector<Draft> findings = statements.positives;
    findings.insert(findings.end(), negatives.begin(), negatives.end());
    if (!random.chance(0.5))
        random.shuffle(findings);
    if (random.chance(0.75))
        findings.insert(findings.begin(), statements.devices.begin(), statements.devices.end());
    else
        findings.insert(findings.end(), statements.devices.begin(), statements.devices.end());
    return findings;
}

/// A normal impression when nothing but devices was found; then the impression's order.
void finishImpressions(const PhantomCase& phantom, DeterministicRandom& random, std::vector<Draft>& impressions)
{
    if (!internal::hasPathology(phantom)) {
        static const std::vector<Template> normal { { "No acute cardiopulmonary process.", { { "No Finding", 1 } } },
            { "No acute cardiopulmonary abnormality.", { { "No Finding", 1 } } },
            { "Normal chest radiograph.", { { "No Finding", 1 } } },
            { "No radiographic evidence of acute disease.", { { "No Finding", 1 } } } };
        const Template& chosen = random.pick(normal);
        impressions.push_back({ chosen.text, {}, chosen.labels });
    }
    if (impressions.size() > 1 && random.chance(0.4))
        random.shuffle(impressions);
}

/// Places the chosen sentences into sections with headers of one style, paraphrasing labelled sentences when asked.
class PhantomReportLayout {
public:
    PhantomReportLayout(DeterministicRandom& random, bool paraphrase)
        : m_random(random)
        , m_paraphrase(paraphrase)
        , m_upper(random.chance(0.7))
    {
    }

    void writeHeaderSections()
    {
        if (!m_random.chance(0.6))
            return;
        static const std::vector<std::string> examinations { "Chest radiograph, PA view.", "Chest, single PA view.",
            "PA chest radiograph." };
        static const std::vector<std::string> indications { "Cough.", "Shortness of breath.", "Fever and cough.",
            "Chest pain.", "Pre-operative evaluation.", "Follow-up.", "Dyspnea, evaluate for pneumonia.",
            "Routine screening." };
        m_builder.appendText(header(m_random.chance(0.5) ? "EXAMINATION" : "EXAM") + " ");
        append({ m_random.pick(examinations), {}, {} }, "EXAMINATION", "");
        m_builder.appendText("\n" + header("INDICATION") + " ");
        append({ m_random.pick(indications), {}, {} }, "INDICATION", "");
        if (m_random.chance(0.6)) {
            m_builder.appendText("\n" + header("COMPARISON") + " ");
            append({ m_random.chance(0.5) ? "None." : "None available.", {}, {} }, "COMPARISON", "");
        }
        m_builder.appendText("\n\n");
    }

    /// FINDINGS and/or IMPRESSION; a report with one of them carries the other's statements in it.
    void writeBody(const std::vector<Draft>& findings, const std::vector<Draft>& impressions,
        const std::vector<Draft>& devices, const std::vector<Draft>& negatives)
    {
        const double layout = m_random.uniform();
        const bool findingsSection = layout < 0.85;
        const bool impressionSection = layout >= 0.15;
        if (findingsSection) {
            std::vector<Draft> body = findings;
            if (!impressionSection)
                for (const auto& impression : impressions)
                    if (impression.labels.count("No Finding"))
                        body.push_back(impression);
            writeFindings(body);
        }
        if (impressionSection) {
            if (findingsSection)
                m_builder.appendText("\n\n");
            const bool numbered = impressions.size() > 1 && m_random.chance(0.5);
            std::vector<Draft> body = impressions;
            if (!findingsSection) {
                body.insert(body.end(), devices.begin(), devices.end());
                for (const auto& negative : negatives)
                    if (m_random.chance(0.5))
                        body.push_back(negative);
            }
            writeImpression(body, numbered);
        }
        m_builder.appendText("\n");
    }

    void finishInto(PhantomCase& phantom) { m_builder.finishInto(phantom); }

private:
    void writeFindings(const std::vector<Draft>& body)
    {
        const bool ownLine = m_random.chance(0.4);
        m_builder.appendText(header("FINDINGS") + (ownLine ? "\n" : " "));
        for (std::size_t i = 0; i < body.size(); ++i)
            append(body[i], "FINDINGS", i == 0 ? "" : " ");
    }

    void writeImpression(const std::vector<Draft>& body, bool numbered)
    {
        m_builder.appendText(header("IMPRESSION") + (numbered ? "\n" : " "));
        for (std::size_t i = 0; i < body.size(); ++i) {
            std::string prefix = i == 0 ? "" : " ";
            if (numbered) {
                prefix = i == 0 ? "" : "\n";
                prefix += std::to_string(i + 1);
                prefix += ". ";
            }
            append(body[i], "IMPRESSION", prefix);
        }
    }

    void append(const Draft& draft, const std::string& section, const std::string& prefix)
    {
        const std::string text
            = m_paraphrase && !draft.labels.empty() ? ReportParaphraser::paraphrase(draft.text, m_random) : draft.text;
        m_builder.appendSentence(draft, text, section, prefix);
    }

    std::string header(const std::string& name) const
    {
        if (m_upper)
            return name + ":";
        std::string title = name;
        std::transform(title.begin() + 1, title.end(), title.begin() + 1,
            [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return title + ":";
    }

    DeterministicRandom& m_random;
    bool m_paraphrase;
    bool m_upper;
    internal::ReportBuilder m_builder;
};

} // namespace

void PhantomReportWriter::write(PhantomCase& phantom, DeterministicRandom& random) const
{
    FindingStatements statements = findingStatements(phantom, random);
    std::vector<Draft> negatives;
    addOrganNegatives(phantom, random, negatives);
    if (m_options.paraphrase)
        addTermStatements(phantom, random, negatives, statements);
    maybeAdd(negatives, random, 0.3,
        { { "No acute osseous abnormality.", { { "Fracture", 0 } } },
            { "The visualized osseous structures are unremarkable.", { { "Fracture", 0 } } } });
    const std::vector<Draft> findings = findingsBody(statements, negatives, random);
    finishImpressions(phantom, random, statements.impressions);

    PhantomReportLayout layout(random, m_options.paraphrase);
    layout.writeHeaderSections();
    layout.writeBody(findings, statements.impressions, statements.devices, negatives);
    layout.finishInto(phantom);
}

std::map<std::string, int> PhantomReportWriter::studyLabels(const std::vector<PhantomCase::Sentence>& sentences)
{
    std::map<std::string, int> labels;
    for (const auto& sentence : sentences) {
        for (const auto& [name, value] : sentence.labels) {
            auto found = labels.find(name);
            if (found == labels.end())
                labels[name] = value;
            else if (value == 1 || (value == -1 && found->second == 0))
                found->second = value;
        }
    }
    const bool anyPathology = std::any_of(labels.begin(), labels.end(), [](const auto& entry) {
        return entry.first != "No Finding" && entry.first != "Support Devices" && entry.second != 0;
    });
    if (anyPathology)
        labels.erase("No Finding");
    else
        labels["No Finding"] = 1;
    return labels;
}

} // namespace lrclr
