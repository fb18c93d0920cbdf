#include "ui/model/ReviewDecisions.h"

#include <algorithm>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "core/common/RegularFile.h"

namespace lrclr {

namespace {

const QString formatName = QStringLiteral("lrclr-review-decisions");

QString decisionName(ReviewDecisions::Decision decision)
{
    switch (decision) {
    case ReviewDecisions::Decision::Accepted:
        return QStringLiteral("accepted");
    case ReviewDecisions::Decision::Rejected:
        return QStringLiteral("rejected");
    case ReviewDecisions::Decision::Undecided:
        break;
    }
    return QStringLiteral("undecided");
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

} // namespace

ReviewDecisions::ReviewDecisions(QObject* parent)
    : QObject(parent)
{
}

QString ReviewDecisions::defaultPathFor(const QString& studyPath)
{
    QString path = studyPath;
    while (path.size() > 1 && (path.endsWith(QLatin1Char('/')) || path.endsWith(QLatin1Char('\\'))))
        path.chop(1);
    return path + QStringLiteral(".lrclr-review.json");
}

int ReviewDecisions::sentenceIndexOf(const QString& text) const
{
    if (!m_result)
        return -1;
    const std::string wanted = text.toStdString();
    for (std::size_t index = 0; index < m_result->sentences.size(); ++index) {
        if (m_result->sentences[index].text == wanted)
            return static_cast<int>(index);
    }
    return -1;
}

int ReviewDecisions::regionIndexOf(int patchIndex) const
{
    if (!m_result)
        return -1;
    for (std::size_t index = 0; index < m_result->regions.size(); ++index) {
        if (m_result->regions[index].patchIndex == patchIndex)
            return static_cast<int>(index);
    }
    return -1;
}

ReviewDecisions::Decision ReviewDecisions::decision(int sentence, int region) const
{
    if (!m_result || sentence < 0 || region < 0 || sentence >= static_cast<int>(m_result->sentences.size())
        || region >= static_cast<int>(m_result->regions.size()))
        return Decision::Undecided;
    const Key key { QString::fromStdString(m_result->sentences[static_cast<std::size_t>(sentence)].text),
        m_result->regions[static_cast<std::size_t>(region)].patchIndex };
    const auto found = m_decisions.find(key);
    return found == m_decisions.end() ? Decision::Undecided : found->second;
}

QList<ReviewDecisions::Entry> ReviewDecisions::allEntries() const
{
    QList<Entry> result;
    for (const auto& [key, decision] : m_decisions) {
        Entry entry;
        entry.sentenceText = key.first;
        entry.patchIndex = key.second;
        entry.sentence = sentenceIndexOf(key.first);
        entry.region = regionIndexOf(key.second);
        entry.decision = decision;
        result.append(entry);
    }
    std::stable_sort(result.begin(), result.end(), [](const Entry& a, const Entry& b) {
        return std::pair(a.sentence, a.region) < std::pair(b.sentence, b.region);
    });
    return result;
}

QList<ReviewDecisions::Entry> ReviewDecisions::entries() const
{
    QList<Entry> result = allEntries();
    result.erase(std::remove_if(result.begin(), result.end(),
                     [](const Entry& entry) { return entry.sentence < 0 || entry.region < 0; }),
        result.end());
    return result;
}

void ReviewDecisions::setResult(SharedAnalysisResult result)
{
    if (m_result == result)
        return;
    m_result = std::move(result);
    Q_EMIT decisionsReset();
}

void ReviewDecisions::forgetSentence(const QString& text)
{
    const auto before = m_decisions.size();
    std::erase_if(m_decisions, [&text](const auto& entry) { return entry.first.first == text; });
    if (m_decisions.size() == before)
        return;
    setModified(true);
    Q_EMIT decisionsReset();
}

void ReviewDecisions::setDecision(int sentence, int region, Decision decision)
{
    if (!m_result || sentence < 0 || region < 0 || sentence >= static_cast<int>(m_result->sentences.size())
        || region >= static_cast<int>(m_result->regions.size()))
        return;
    const Key key { QString::fromStdString(m_result->sentences[static_cast<std::size_t>(sentence)].text),
        m_result->regions[static_cast<std::size_t>(region)].patchIndex };
    const auto found = m_decisions.find(key);
    const Decision previous = found == m_decisions.end() ? Decision::Undecided : found->second;
    if (previous == decision)
        return;
    if (decision == Decision::Undecided)
        m_decisions.erase(found);
    else
        m_decisions[key] = decision;
    setModified(true);
    Q_EMIT decisionChanged(sentence, region, decision);
}

void ReviewDecisions::clear()
{
    if (m_decisions.empty())
        return;
    m_decisions.clear();
    setModified(true);
    Q_EMIT decisionsReset();
}

void ReviewDecisions::reset()
{
    m_decisions.clear();
    m_loadedIdentity = {};
    setModified(false);
    Q_EMIT decisionsReset();
}

void ReviewDecisions::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

bool ReviewDecisions::save(const QString& path, QString* error)
{
    if (!exportTo(path, error))
        return false;
    setModified(false);
    return true;
}

bool ReviewDecisions::exportTo(const QString& path, QString* error) const
{
    QJsonObject model;
    const AnalysisResult::ModelIdentity identity = m_result ? m_result->model : m_loadedIdentity;
    model.insert(QStringLiteral("name"), QString::fromStdString(identity.name));
    model.insert(QStringLiteral("sha256"), QString::fromStdString(identity.sha256));
    model.insert(QStringLiteral("device"), QString::fromStdString(identity.device));
    model.insert(QStringLiteral("preprocessing"), QString::fromStdString(identity.preprocessing));

    QJsonArray decisions;
    for (const Entry& entry : allEntries()) {
        QJsonObject object;
        object.insert(QStringLiteral("sentence"), entry.sentenceText);
        object.insert(QStringLiteral("patchIndex"), entry.patchIndex);
        // Indexes are informative (for people reading the file); matching on load uses text and patch index.
        object.insert(QStringLiteral("sentenceIndex"), entry.sentence);
        object.insert(QStringLiteral("regionIndex"), entry.region);
        object.insert(QStringLiteral("decision"), decisionName(entry.decision));
        decisions.append(object);
    }

    QJsonObject root;
    root.insert(QStringLiteral("format"), formatName);
    root.insert(QStringLiteral("version"), formatVersion);
    root.insert(QStringLiteral("savedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    root.insert(QStringLiteral("model"), model);
    root.insert(QStringLiteral("decisions"), decisions);

    // QSaveFile writes a temporary file beside the target and renames it on commit: a crash or full disk mid-write
    // leaves the previous decisions file as it was.
    QSaveFile file(path);
    // Unbuffered: Qt 6.4's buffered flush treats a short write (disk full, file size limit) as success, and commit()
    // would then replace the previous file with a truncated one. Unbuffered, write() reports the short count.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        setError(error, QStringLiteral("Cannot write review decisions to %1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Indented);
    const qint64 written = file.write(bytes);
    if (written != bytes.size()) {
        setError(error,
            QStringLiteral("Cannot write review decisions to %1: only %2 of %3 bytes written (disk full?)")
                .arg(path)
                .arg(std::max<qint64>(written, 0))
                .arg(bytes.size()));
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        setError(error, QStringLiteral("Cannot write review decisions to %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

bool ReviewDecisions::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!QFileInfo::exists(path)) {
        setError(error, QStringLiteral("No review decisions file at %1").arg(path));
        return false;
    }
    if (const QString problem = RegularFile::problem(path); !problem.isEmpty()) {
        setError(error, QStringLiteral("Cannot read %1: %2").arg(path, problem));
        return false;
    }
    // Decision files hold a few hundred entries at most; anything far larger is not one of ours.
    constexpr qint64 maximumSize = 16 * 1024 * 1024;
    if (QFileInfo(path).size() > maximumSize) {
        setError(error, QStringLiteral("%1 is too large to be a review decisions file").arg(path));
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setError(error,
            QStringLiteral("%1 is not valid JSON: %2 at byte %3")
                .arg(path, parseError.errorString())
                .arg(parseError.offset));
        return false;
    }
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value(QStringLiteral("format")).toString() != formatName) {
        setError(error,
            QStringLiteral("%1 is not an LRCLR review decisions file (no \"format\": \"%2\")").arg(path, formatName));
        return false;
    }
    const int version = root.value(QStringLiteral("version")).toInt(-1);
    if (version < 1 || version > formatVersion) {
        setError(error,
            QStringLiteral("%1 has review format version %2; this viewer reads version %3")
                .arg(path)
                .arg(version)
                .arg(formatVersion));
        return false;
    }
    if (!root.value(QStringLiteral("decisions")).isArray()) {
        setError(error, QStringLiteral("%1 has no \"decisions\" array").arg(path));
        return false;
    }

    std::map<Key, Decision> decisions;
    const QJsonArray array = root.value(QStringLiteral("decisions")).toArray();
    for (qsizetype index = 0; index < array.size(); ++index) {
        const QJsonObject object = array.at(index).toObject();
        const QJsonValue sentence = object.value(QStringLiteral("sentence"));
        const QJsonValue patch = object.value(QStringLiteral("patchIndex"));
        const QString decisionText = object.value(QStringLiteral("decision")).toString();
        Decision decision = Decision::Undecided;
        if (decisionText == QLatin1String("accepted"))
            decision = Decision::Accepted;
        else if (decisionText == QLatin1String("rejected"))
            decision = Decision::Rejected;
        if (!sentence.isString() || !patch.isDouble() || patch.toInt(-1) < 0 || decision == Decision::Undecided) {
            setError(error,
                QStringLiteral("%1: decision %2 is incomplete (needs \"sentence\", \"patchIndex\" and "
                               "\"decision\": \"accepted\" or \"rejected\")")
                    .arg(path)
                    .arg(index + 1));
            return false;
        }
        decisions[Key { sentence.toString(), patch.toInt() }] = decision;
    }

    const QJsonObject model = root.value(QStringLiteral("model")).toObject();
    m_loadedIdentity.name = model.value(QStringLiteral("name")).toString().toStdString();
    m_loadedIdentity.sha256 = model.value(QStringLiteral("sha256")).toString().toStdString();
    m_loadedIdentity.device = model.value(QStringLiteral("device")).toString().toStdString();
    m_loadedIdentity.preprocessing = model.value(QStringLiteral("preprocessing")).toString().toStdString();
    m_decisions = std::move(decisions);
    setModified(false);
    Q_EMIT decisionsReset();
    return true;
}

} // namespace lrclr
