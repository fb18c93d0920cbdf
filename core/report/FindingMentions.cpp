#include "core/report/FindingMentions.h"

#include <QHash>
#include <QRegularExpression>

namespace lrclr {

namespace {

/// Phrases that mention a finding, and phrases that state it normal (a negative without a negation word).
struct FindingTerms {
    QStringList mentions;
    QStringList normal;
};

const QHash<QString, FindingTerms>& termsByFinding()
{
    // Mentions are regular expressions matched on whole words of the lower-cased sentence.
    static const QHash<QString, FindingTerms> terms {
        { QStringLiteral("atelectasis"), { { "atelectasis", "atelectatic", "collapse" }, {} } },
        { QStringLiteral("cardiomegaly"),
            { { "cardiomegaly", "(heart|cardiac silhouette|cardiac shadow) is (\\w+ly )?(enlarged|widened)",
                  "enlarged (heart|cardiac)", "(cardiac|heart) enlargement", "enlargement of the (heart|cardiac)",
                  "increased ctr", "cardiothoracic ratio (is )?increased", "ctr above" },
                { "heart size is normal", "normal heart size", "heart is not enlarged", "normal cardiac size",
                    "cardiac size within normal", "heart size normal", "cardiothoracic ratio within normal",
                    "normal cardiomediastinal", "cardiomediastinal silhouette is within normal" } } },
        { QStringLiteral("consolidation"),
            { { "consolidations?", "consolidative", "airspace (disease|opacity|opacities|shadowing)" },
                { "lungs are clear", "lungs clear", "clear lungs", "lungs are well expanded and clear" } } },
        { QStringLiteral("edema"),
            { { "o?edema", "vascular congestion", "fluid overload", "cardiac failure", "kerley" }, {} } },
        { QStringLiteral("enlarged cardiomediastinum"),
            { { "enlarged cardiomediastinum", "widened mediastinum", "mediastinal widening", "mediastinum is widened",
                  "(heart|cardiac silhouette|cardiac shadow) is (\\w+ly )?(enlarged|widened)",
                  "enlargement of the (heart|cardiac)" },
                { "normal cardiomediastinal", "cardiomediastinal silhouette is within normal",
                    "cardiomediastinal contour" } } },
        { QStringLiteral("fracture"),
            { { "fractures?", "bony injury", "osseous abnormality" },
                { "osseous structures are unremarkable", "bones unremarkable", "osseous structures intact" } } },
        { QStringLiteral("lung lesion"),
            { { "nodules?", "nodular", "mass(es)?", "lesions?", "rounded density" }, {} } },
        { QStringLiteral("lung opacity"),
            { { "opacity", "opacities", "opacification", "shadowing", "density", "haziness" },
                { "lungs are clear", "lungs clear", "clear lungs", "lungs are well expanded and clear" } } },
        { QStringLiteral("pleural effusion"),
            { { "effusions?", "pleural fluid", "costophrenic angles?", "cp angles?", "costophrenic recess" },
                { "costophrenic angles are sharp", "cp angles are clear", "cp angles clear" } } },
        { QStringLiteral("pleural other"), { { "pleural thickening", "pleural plaques?", "fibrothorax" }, {} } },
        { QStringLiteral("pneumonia"), { { "pneumonia", "infection", "infective" }, {} } },
        { QStringLiteral("pneumothorax"), { { "pneumothorax", "ptx" }, {} } },
        { QStringLiteral("support devices"),
            { { "tubes?", "lines?", "catheters?", "pacemaker", "pacing", "devices?", "picc", "ett", "cvc", "ppm",
                  "leads?" },
                {} } },
    };
    return terms;
}

QRegularExpression caseless(const QString& pattern)
{
    return QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption);
}

/// Before a mention, in its clause: negation ("no effusion or pneumothorax": lists keep it, commas included).
const QRegularExpression& negationBefore()
{
    static const QRegularExpression cue
        = caseless("\\b(no|not|without|negative for|free of|nil|absence of|absent|resolved|clear of)\\b");
    return cue;
}

/// After a mention, in its clause: "effusion is not seen", "pneumothorax has resolved".
const QRegularExpression& negationAfter()
{
    static const QRegularExpression cue = caseless("\\b((is|are) not (seen|identified|present|evident|demonstrated|"
                                                   "visible)|not seen|not identified|(is|are) absent|has resolved|"
                                                   "ruled out)\\b");
    return cue;
}

/// Uncertainty before a mention in its comma-bounded part ("possible small effusion", "?PTX"), or after it.
const QRegularExpression& uncertaintyBefore()
{
    static const QRegularExpression cue = caseless("(\\b(possible|possibly|may|might|could|questionable|suspected|"
                                                   "likely|probable|equivocal|subtle|cannot exclude|can not exclude|"
                                                   "concerning for|suspicious for)\\b|\\?)");
    return cue;
}

const QRegularExpression& uncertaintyAfter()
{
    static const QRegularExpression cue
        = caseless("\\b(cannot be excluded|can not be excluded|not excluded|cannot be "
                   "ruled out|(is|are) (possible|suspected|questioned)|may be present)\\b");
    return cue;
}

/// Where the part of `sentence` around [begin, end) starts and ends, at the given separators.
std::pair<qsizetype, qsizetype> partAround(
    const QString& sentence, qsizetype begin, qsizetype end, const QRegularExpression& separator)
{
    qsizetype start = 0;
    auto matches = separator.globalMatch(sentence.left(begin));
    while (matches.hasNext())
        start = matches.next().capturedEnd();
    const auto after = separator.match(sentence, end);
    return { start, after.hasMatch() ? after.capturedStart() : sentence.size() };
}

/// The label one mention at [begin, end) gets from the cues around it.
int mentionLabel(const QString& sentence, qsizetype begin, qsizetype end)
{
    static const QRegularExpression clauses = caseless("(;|:|\\bbut\\b|\\bhowever\\b|\\bwith\\b)");
    static const QRegularExpression parts = caseless("(;|:|,|\\bbut\\b|\\bhowever\\b|\\bwith\\b)");
    const auto [clauseBegin, clauseEnd] = partAround(sentence, begin, end, clauses);
    const auto [partBegin, partEnd] = partAround(sentence, begin, end, parts);
    const QString before = sentence.mid(clauseBegin, begin - clauseBegin);
    const QString after = sentence.mid(end, clauseEnd - end);
    static const QRegularExpression hardUncertainty = caseless("\\b(cannot|can not) (exclude|be excluded)\\b");
    if (hardUncertainty.match(before).hasMatch())
        return -1;
    if (negationBefore().match(before).hasMatch() || negationAfter().match(after).hasMatch())
        return 0;
    if (uncertaintyBefore().match(sentence.mid(partBegin, begin - partBegin)).hasMatch()
        || uncertaintyAfter().match(sentence.mid(end, partEnd - end)).hasMatch())
        return -1;
    return 1;
}

/// Positive (1) beats uncertain (-1) beats negative (0).
std::optional<int> stronger(std::optional<int> a, std::optional<int> b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    const auto rank = [](int label) { return label == 1 ? 2 : (label == -1 ? 1 : 0); };
    return rank(*a) >= rank(*b) ? a : b;
}

} // namespace

std::optional<int> FindingMentions::sentenceLabel(const QString& finding, const QString& sentence)
{
    const auto found = termsByFinding().constFind(finding.toLower());
    if (found == termsByFinding().constEnd())
        return std::nullopt;
    const QString lower = sentence.toLower();
    for (const QString& phrase : found->normal)
        if (lower.contains(phrase))
            return 0;
    std::optional<int> label;
    for (const QString& term : found->mentions) {
        const QRegularExpression pattern(QStringLiteral("\\b(") + term + QStringLiteral(")\\b"));
        auto matches = pattern.globalMatch(lower);
        while (matches.hasNext()) {
            const auto match = matches.next();
            label = stronger(label, mentionLabel(lower, match.capturedStart(), match.capturedEnd()));
        }
    }
    return label;
}

std::optional<int> FindingMentions::labelFor(const QString& finding, const QStringList& sentences)
{
    std::optional<int> label;
    for (const QString& sentence : sentences)
        label = stronger(label, sentenceLabel(finding, sentence));
    return label;
}

bool FindingMentions::assertsAnyFinding(const QString& sentence)
{
    for (auto it = termsByFinding().constBegin(); it != termsByFinding().constEnd(); ++it) {
        const auto label = sentenceLabel(it.key(), sentence);
        if (label && *label != 0)
            return true;
    }
    return false;
}

bool FindingMentions::isNegativeFinding(const QString& sentence)
{
    bool negates = false;
    for (auto it = termsByFinding().constBegin(); it != termsByFinding().constEnd(); ++it) {
        const auto label = sentenceLabel(it.key(), sentence);
        if (label && *label != 0)
            return false;
        negates = negates || (label && *label == 0);
    }
    return negates;
}

} // namespace lrclr
