#include "training/ExternalReportWriter.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "training/DeterministicRandom.h"
#include "training/internal/ReportBuilder.h"

namespace lrclr {

namespace {

using Labels = std::map<std::string, int>;

using Draft = internal::ReportDraft;
using Template = internal::ReportTemplate;

struct KindTemplates {
    std::vector<Template> positive;
    std::vector<Template> hedged;
    std::vector<Template> conclusion;
};

const Labels cardiac { { "Cardiomegaly", 1 }, { "Enlarged Cardiomediastinum", 1 } };
const Labels effusion { { "Pleural Effusion", 1 } };
const Labels effusionUncertain { { "Pleural Effusion", -1 } };
const Labels pneumothorax { { "Pneumothorax", 1 } };
const Labels pneumothoraxUncertain { { "Pneumothorax", -1 } };
const Labels lesion { { "Lung Lesion", 1 } };
const Labels lesionOpacity { { "Lung Lesion", 1 }, { "Lung Opacity", 1 } };
const Labels lesionUncertain { { "Lung Lesion", -1 } };
const Labels devices { { "Support Devices", 1 } };

// Placeholders: {side} right/left, {S} R/L, {zone} "lower zone", {lobe} RLL/.../lingula, {size}, {mm} (lesions),
// {where} the finding's location, {edema} oedema/edema, {line} the catheter's name, {leads} "two leads".
const KindTemplates& templatesFor(const std::string& kind)
{
    static const std::map<std::string, KindTemplates> all {
        { "cardiomegaly",
            { { { "Cardiothoracic ratio increased.", cardiac }, { "Cardiac shadow is {size}ly enlarged.", cardiac },
                  { "Enlarged cardiac shadow, CTR above 0.5.", cardiac },
                  { "The cardiac silhouette is {size}ly widened (cardiomegaly).", cardiac } },
                {},
                { { "Cardiomegaly noted.", { { "Cardiomegaly", 1 } } },
                    { "{Size} cardiac enlargement.", { { "Cardiomegaly", 1 } } },
                    { "Increased CTR.", { { "Cardiomegaly", 1 } } } } } },
        { "pleural effusion",
            { { { "Blunted {side} costophrenic recess in keeping with a {size} effusion.", effusion },
                  { "{Size} {side}-sided pleural effusion.", effusion },
                  { "Meniscus of fluid at the {side} base, {S} CP angle obscured.", effusion },
                  { "There is a {size} {side} effusion with loss of the {side} hemidiaphragm outline.", effusion } },
                { { "Slight blunting of the {S} CP angle, ?small effusion.", effusionUncertain },
                    { "Possible trace of fluid at the {side} base.", effusionUncertain } },
                { { "{Side} pleural effusion ({size}).", effusion }, { "{Size} {S} effusion.", effusion },
                    { "Effusion on the {side}.", effusion } } } },
        { "pneumothorax",
            { { { "Apical pleural edge on the {side} with no lung markings beyond it, in keeping with a {size} "
                  "pneumothorax.",
                    pneumothorax },
                  { "{Size} {S} PTX.", pneumothorax },
                  { "A visceral pleural line is seen at the {side} apex with absent lung markings peripherally.",
                      pneumothorax },
                  { "{Side} apical pneumothorax, {size} in size.", pneumothorax } },
                { { "Questionable pleural line at the {side} apex; small PTX not excluded.", pneumothoraxUncertain },
                    { "?Tiny {S} apical PTX.", pneumothoraxUncertain } },
                { { "{Side}-sided PTX ({size}).", pneumothorax }, { "{S} pneumothorax, {size}.", pneumothorax } } } },
        { "nodule",
            { { { "{Size} nodule projecting over the {side} {zone}.", lesion },
                  { "Well-defined {mm} nodular opacity in the {lobe}.", lesionOpacity },
                  { "Rounded opacity projecting over the {side} {zone}, measuring approximately {size}.",
                      lesionOpacity },
                  { "Solitary pulmonary nodule, {lobe}, {mm}.", lesion } },
                { { "?Nodule in the {side} {zone}, possibly a nipple shadow.", lesionUncertain },
                    { "Ill-defined rounded density over the {lobe}, ?nodule.", lesionUncertain } },
                { { "{Lobe} nodule; CT chest advised.", lesion },
                    { "Pulmonary nodule ({lobe}, {size}).", lesion } } } },
        { "mass",
            { { { "Large lobulated mass in the {lobe} measuring {size}.", lesion },
                  { "{Size} mass lesion projecting over the {side} {zone}.", lesion },
                  { "Opacity projecting over the {side} {zone} with lobulated margins, measuring {size}, suspicious "
                    "for a mass.",
                      lesionOpacity } },
                { { "Ill-defined opacity over the {side} {zone}; an underlying mass cannot be excluded.",
                    lesionUncertain } },
                { { "{Lobe} mass, suspicious for neoplasm; CT recommended.", lesion },
                    { "Mass lesion, {lobe}.", lesion } } } },
        { "consolidation",
            { { { "Airspace opacification in the {lobe} in keeping with consolidation.", { { "Consolidation", 1 } } },
                  { "Opacity projecting over the {side} {zone} with air bronchograms, consistent with infection.",
                      { { "Consolidation", 1 }, { "Pneumonia", 1 } } },
                  { "Patchy consolidation at the {side} {zone}.", { { "Consolidation", 1 } } },
                  { "Consolidation in the {lobe}.", { { "Consolidation", 1 } } } },
                { { "Subtle shadowing in the {side} {zone}, ?early infection.",
                      { { "Lung Opacity", -1 }, { "Pneumonia", -1 } } },
                    { "Faint increased density at the {lobe}, possibly infective.",
                        { { "Consolidation", -1 }, { "Pneumonia", -1 } } } },
                { { "Pneumonia in the {lobe}.", { { "Pneumonia", 1 }, { "Consolidation", 1 } } },
                    { "Consolidation, {lobe}, likely infective.", { { "Consolidation", 1 }, { "Pneumonia", -1 } } },
                    { "Infective consolidation of the {side} {zone}.",
                        { { "Consolidation", 1 }, { "Pneumonia", 1 } } } } } },
        { "edema",
            { { { "Upper lobe venous diversion with perihilar airspace shadowing, in keeping with {size} pulmonary "
                  "{edema}.",
                    { { "Edema", 1 } } },
                  { "Bilateral perihilar haze and septal lines, consistent with {edema}.", { { "Edema", 1 } } },
                  { "Interstitial {edema} ({size}).", { { "Edema", 1 } } },
                  { "Features of fluid overload with bilateral perihilar {edema}.", { { "Edema", 1 } } } },
                { { "Possible early interstitial {edema}.", { { "Edema", -1 } } },
                    { "Perihilar vessels are indistinct; ?mild fluid overload.", { { "Edema", -1 } } } },
                { { "Pulmonary {edema}, {size}.", { { "Edema", 1 } } },
                    { "Cardiac failure pattern with {edema}.", { { "Edema", 1 } } } } } },
        { "atelectasis",
            { { { "Linear atelectasis, {where}.", { { "Atelectasis", 1 } } },
                  { "Band of subsegmental collapse at the {where}.", { { "Atelectasis", 1 } } },
                  { "Horizontal linear opacity at the {where} in keeping with atelectasis.",
                      { { "Atelectasis", 1 } } } },
                { { "Faint linear density at the {where}, ?atelectasis.", { { "Atelectasis", -1 } } } },
                { { "Minor atelectasis, {where}.", { { "Atelectasis", 1 } } },
                    { "Subsegmental collapse ({where}).", { { "Atelectasis", 1 } } } } } },
        { "endotracheal tube",
            { { { "ETT in situ, tip {size} above the carina.", devices },
                  { "Endotracheal tube tip lies {size} from the carina.", devices } },
                {},
                { { "ETT satisfactorily positioned.", devices }, { "ETT tip well above the carina.", devices } } } },
        { "central line",
            { { { "{Side} {line}, tip projecting over the SVC.", devices },
                  { "{S}-sided {line} in situ with its tip in the SVC.", devices },
                  { "The {side} {line} terminates in the SVC.", devices } },
                {},
                { { "{Line} in a satisfactory position.", devices },
                    { "Lines: {side} {line}, tip in SVC.", devices } } } },
        { "pacemaker",
            { { { "Pacing device over the {side} chest wall with {leads} in the right heart.", devices },
                  { "{S} chest wall PPM ({size}), {leads} projected over the right heart.", devices } },
                {}, { { "PPM in situ.", devices }, { "Cardiac pacing device noted.", devices } } } },
    };
    return all.at(kind);
}

std::string capitalised(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

void substitute(std::string& text, const std::string& key, const std::string& value)
{
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
        text.replace(at, key.size(), value);
}

std::string zoneOf(const PhantomCase::Finding& finding)
{
    for (const char* zone : { "upper", "mid", "lower" })
        if (finding.location.find(zone) != std::string::npos)
            return zone;
    return "mid";
}

std::string lobeOf(const PhantomCase::Finding& finding)
{
    const std::string zone = zoneOf(finding);
    if (finding.side == "left")
        return zone == "upper" ? "LUL" : (zone == "mid" ? "lingula" : "LLL");
    return zone == "upper" ? "RUL" : (zone == "mid" ? "RML" : "RLL");
}

std::string lesionMillimetres(const std::string& size)
{
    // "1.4 cm" -> "14 mm"
    try {
        const double centimetres = std::stod(size);
        return std::to_string(static_cast<int>(centimetres * 10.0 + 0.5)) + " mm";
    } catch (const std::exception&) {
        return size;
    }
}

std::string filled(const std::string& pattern, const PhantomCase::Finding& finding, bool british)
{
    std::string text = pattern;
    const std::string side = finding.side.empty() ? "right" : finding.side;
    std::string line = "CVC";
    if (finding.location == "PICC")
        line = "PICC";
    else if (finding.location == "internal jugular")
        line = "internal jugular CVC";
    else if (finding.location == "subclavian")
        line = "subclavian CVC";
    substitute(text, "{Side}", capitalised(side));
    substitute(text, "{side}", side);
    substitute(text, "{S}", side == "left" ? "L" : "R");
    substitute(text, "{zone}", zoneOf(finding) + " zone");
    substitute(text, "{Lobe}", capitalised(lobeOf(finding)));
    substitute(text, "{lobe}", lobeOf(finding));
    substitute(text, "{mm}", lesionMillimetres(finding.size));
    substitute(text, "{Size}", capitalised(finding.size));
    substitute(text, "{size}", finding.size);
    substitute(text, "{where}", finding.location);
    substitute(text, "{edema}", british ? "oedema" : "edema");
    substitute(text, "{Line}", capitalised(line));
    substitute(text, "{line}", line);
    substitute(text, "{leads}", finding.size == "dual-chamber" ? "two leads" : "a single lead");
    return capitalised(text);
}

/// What the findings themselves contribute: line and tube statements, positive (or hedged) statements and
/// conclusion phrasings.
struct FindingStatements {
    std::vector<Draft> lines;
    std::vector<Draft> positives;
    std::vector<Draft> conclusions;
};

FindingStatements findingStatements(const PhantomCase& phantom, DeterministicRandom& random, bool british)
{
    FindingStatements statements;
    for (const auto& finding : phantom.findings) {
        const KindTemplates& templates = templatesFor(finding.kind);
        const bool hedge = finding.subtle && !templates.hedged.empty();
        const Template& chosen = random.pick(hedge ? templates.hedged : templates.positive);
        const Draft draft { filled(chosen.text, finding, british), finding.boxes, chosen.labels };
        (internal::isSupportDevice(finding.kind) ? statements.lines : statements.positives).push_back(draft);
        if (!internal::isSupportDevice(finding.kind) || random.chance(0.35)) {
            if (hedge) {
                statements.conclusions.push_back(draft);
            } else {
                const Template& summary = random.pick(templates.conclusion);
                statements.conclusions.push_back(
                    { filled(summary.text, finding, british), finding.boxes, summary.labels });
            }
        }
    }
    return statements;
}

/// Normal statements in this style's own phrasing that the findings do not contradict, each with a probability.
class NegativeStatements {
public:
    NegativeStatements(DeterministicRandom& random, bool british)
        : m_random(random)
        , m_british(british)
    {
    }

    std::vector<Draft> of(const PhantomCase& phantom)
    {
        const auto has = [&phantom](const std::string& kind) { return internal::hasFinding(phantom, kind); };
        if (!has("cardiomegaly"))
            maybe(0.75,
                { { "Heart size normal.", { { "Cardiomegaly", 0 } } },
                    { "Cardiothoracic ratio within normal limits.", { { "Cardiomegaly", 0 } } },
                    { "Normal cardiomediastinal contour.",
                        { { "Cardiomegaly", 0 }, { "Enlarged Cardiomediastinum", 0 } } },
                    { "Cardiac size within normal range.", { { "Cardiomegaly", 0 } } } });
        addPleuralNegatives(has("pleural effusion"), has("pneumothorax"));
        if (!internal::hasParenchymalFinding(phantom))
            maybe(0.85,
                { { "Lungs clear.", { { "Lung Opacity", 0 }, { "Consolidation", 0 } } },
                    { "No focal airspace shadowing.", { { "Consolidation", 0 } } },
                    { "Clear lungs bilaterally.", { { "Lung Opacity", 0 }, { "Consolidation", 0 } } },
                    { "Both lungs are clear.", { { "Lung Opacity", 0 }, { "Consolidation", 0 } } } });
        else if (!has("consolidation"))
            maybe(0.5,
                { { "No lobar consolidation.", { { "Consolidation", 0 } } },
                    { "No consolidation elsewhere.", { { "Consolidation", 0 } } } });
        if (!has("edema"))
            maybe(0.45,
                { { "No features of cardiac failure.", { { "Edema", 0 } } },
                    { "No overt pulmonary {edema}.", { { "Edema", 0 } } },
                    { "No signs of fluid overload.", { { "Edema", 0 } } } });
        if (!has("nodule") && !has("mass"))
            maybe(0.2,
                { { "No suspicious nodule or mass.", { { "Lung Lesion", 0 } } },
                    { "No discrete pulmonary nodule seen.", { { "Lung Lesion", 0 } } } });
        maybe(0.3,
            { { "Bones unremarkable.", { { "Fracture", 0 } } }, { "No bony injury identified.", { { "Fracture", 0 } } },
                { "Osseous structures intact.", { { "Fracture", 0 } } } });
        return std::move(m_negatives);
    }

private:
    void addPleuralNegatives(bool effusion, bool pneumothorax)
    {
        if (!effusion && !pneumothorax)
            maybe(0.8,
                { { "No evidence of effusion or pneumothorax.", { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } },
                    { "Nil pneumothorax or effusion.", { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } },
                    { "CP angles are clear; no PTX.", { { "Pleural Effusion", 0 }, { "Pneumothorax", 0 } } } });
        else if (!effusion)
            maybe(0.7,
                { { "No evidence of effusion.", { { "Pleural Effusion", 0 } } },
                    { "CP angles clear.", { { "Pleural Effusion", 0 } } },
                    { "No pleural fluid.", { { "Pleural Effusion", 0 } } } });
        else if (!pneumothorax)
            maybe(0.7,
                { { "Nil pneumothorax.", { { "Pneumothorax", 0 } } }, { "No PTX.", { { "Pneumothorax", 0 } } },
                    { "No pneumothorax seen.", { { "Pneumothorax", 0 } } } });
    }

    void maybe(double probability, const std::vector<Template>& options)
    {
        if (m_random.chance(probability)) {
            const Template& chosen = m_random.pick(options);
            const PhantomCase::Finding none;
            m_negatives.push_back({ filled(chosen.text, none, m_british), {}, chosen.labels });
        }
    }

    DeterministicRandom& m_random;
    bool m_british;
    std::vector<Draft> m_negatives;
};

/// Body order: lines and tubes last more often than not (the opposite habit of the training style).
std::vector<Draft> reportBody(
    const FindingStatements& statements, const std::vector<Draft>& negatives, DeterministicRandom& random)
{
    std::vector<Draft> body = statements.positives;
    body.insert(body.end(), negatives.begin(), negatives.end());
    if (random.chance(0.4))
        random.shuffle(body);
    if (random.chance(0.35))
        body.insert(body.begin(), statements.lines.begin(), statements.lines.end());
    else
        body.insert(body.end(), statements.lines.begin(), statements.lines.end());
    return body;
}

/// A normal conclusion when nothing but lines and tubes was found; then the conclusion's order.
void finishConclusions(const PhantomCase& phantom, DeterministicRandom& random, std::vector<Draft>& conclusions)
{
    if (!internal::hasPathology(phantom)) {
        static const std::vector<Template> normal { { "No acute abnormality demonstrated.", { { "No Finding", 1 } } },
            { "Normal study.", { { "No Finding", 1 } } }, { "Unremarkable chest radiograph.", { { "No Finding", 1 } } },
            { "No active chest disease.", { { "No Finding", 1 } } }, { "NAD.", { { "No Finding", 1 } } } };
        const Template& chosen = random.pick(normal);
        conclusions.push_back({ chosen.text, {}, chosen.labels });
    }
    if (conclusions.size() > 1 && random.chance(0.5))
        random.shuffle(conclusions);
}

/// Header block: clinical details, technique, comparison (some or none), as "Label: text" lines.
void writeHeaderLines(internal::ReportBuilder& builder, DeterministicRandom& random)
{
    if (!random.chance(0.7))
        return;
    static const std::vector<std::string> details { "SOB.", "Productive cough, ?infection.", "Pyrexia.",
        "Chest pain, ?PTX.", "Post-op check.", "Breathlessness on exertion.", "Known COPD, worsening dyspnoea.",
        "Trauma, r/o rib fracture.", "Line placement check." };
    static const std::vector<std::string> techniques { "Erect PA chest.", "PA erect radiograph of the chest.",
        "Single frontal projection of the chest.", "Frontal chest film, erect." };
    static const std::vector<std::string> comparisons { "Nil.", "No previous films.", "Prior imaging not available." };
    const bool upper = random.chance(0.4);
    const auto label
        = [upper](const std::string& mixed, const std::string& capitals) { return (upper ? capitals : mixed) + ": "; };
    builder.appendText(label(
        random.chance(0.5) ? "Clinical details" : "History", random.chance(0.5) ? "CLINICAL DETAILS" : "HISTORY"));
    builder.appendSentence({ random.pick(details), {}, {} }, "INDICATION", "");
    builder.appendText("\n");
    if (random.chance(0.7)) {
        builder.appendText(label(random.chance(0.5) ? "Technique" : "Projection", "TECHNIQUE"));
        builder.appendSentence({ random.pick(techniques), {}, {} }, "EXAMINATION", "");
        builder.appendText("\n");
    }
    if (random.chance(0.5)) {
        builder.appendText(label("Comparison", "COMPARISON"));
        builder.appendSentence({ random.pick(comparisons), {}, {} }, "COMPARISON", "");
        builder.appendText("\n");
    }
    builder.appendText("\n");
}

void writeFindingsSection(internal::ReportBuilder& builder, DeterministicRandom& random, std::vector<Draft> text,
    const std::vector<Draft>& conclusions, bool conclusionSection)
{
    static const std::vector<std::string> headers { "Findings:", "Report:", "REPORT:", "Findings -" };
    const std::string header = random.pick(headers);
    const bool perLine = random.chance(0.5);
    builder.appendText(header + (perLine ? "\n" : " "));
    if (!conclusionSection) // the conclusion's statements live in the findings then
        for (const auto& conclusion : conclusions)
            if (conclusion.labels.count("No Finding"))
                text.push_back(conclusion);
    for (std::size_t i = 0; i < text.size(); ++i)
        builder.appendSentence(text[i], "FINDINGS", i == 0 ? "" : (perLine ? "\n" : "  "));
}

void writeConclusionSection(internal::ReportBuilder& builder, DeterministicRandom& random,
    const FindingStatements& statements, const std::vector<Draft>& negatives, bool findingsSection)
{
    static const std::vector<std::string> headers { "Conclusion:", "Opinion:", "CONCLUSION:", "Summary:", "Comment:" };
    builder.appendText(random.pick(headers));
    std::vector<Draft> text = statements.conclusions;
    if (!findingsSection) { // conclusion only: it carries the lines and the negatives too
        text.insert(text.end(), statements.lines.begin(), statements.lines.end());
        for (const auto& negative : negatives)
            if (random.chance(0.5))
                text.push_back(negative);
    }
    const bool bullets = text.size() > 1 && random.chance(0.5);
    builder.appendText(bullets ? "\n" : " ");
    for (std::size_t i = 0; i < text.size(); ++i)
        builder.appendSentence(text[i], "IMPRESSION", bullets ? (i == 0 ? "- " : "\n- ") : (i == 0 ? "" : " "));
}

} // namespace

void ExternalReportWriter::write(PhantomCase& phantom, DeterministicRandom& random) const
{
    const bool british = random.chance(0.5);
    FindingStatements statements = findingStatements(phantom, random, british);
    const std::vector<Draft> negatives = NegativeStatements(random, british).of(phantom);
    const std::vector<Draft> body = reportBody(statements, negatives, random);
    finishConclusions(phantom, random, statements.conclusions);

    internal::ReportBuilder builder;
    writeHeaderLines(builder, random);
    const double layout = random.uniform();
    const bool findingsSection = layout < 0.9;
    const bool conclusionSection = layout >= 0.2;
    if (findingsSection)
        writeFindingsSection(builder, random, body, statements.conclusions, conclusionSection);
    if (conclusionSection) {
        if (findingsSection)
            builder.appendText("\n\n");
        writeConclusionSection(builder, random, statements, negatives, findingsSection);
    }
    builder.appendText("\n");
    // Study labels as the training style aggregates them.
    builder.finishInto(phantom);
}

} // namespace lrclr
