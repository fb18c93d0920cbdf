#include "core/pacs/internal/QidoStudies.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QUrl>

#include "core/pacs/internal/StorageNames.h"

namespace lrclr::internal {

namespace {

/// The attributes a study answer should carry beyond the ones QIDO-RS returns by default.
const char* const includedFields[] = {
    "00100030", // Patient's Birth Date
    "00081030", // Study Description
    "00080061", // Modalities in Study
    "00201206", // Number of Study Related Series
    "00201208", // Number of Study Related Instances
};

QString dateText(const QDate& date)
{
    return date.isValid() ? date.toString(QStringLiteral("yyyyMMdd")) : QString();
}

QString dateRange(const QDate& from, const QDate& to)
{
    if (!from.isValid() && !to.isValid())
        return {};
    if (from == to)
        return dateText(from);
    return dateText(from) + u'-' + dateText(to);
}

/// The values of attribute `tag` ("0010,0020" as "00100020") of a DICOM JSON object, as texts.
QStringList valuesOf(const QJsonObject& object, const char* tag)
{
    QStringList values;
    const QJsonArray array = object.value(QLatin1String(tag)).toObject().value(QStringLiteral("Value")).toArray();
    for (const QJsonValue& value : array) {
        if (value.isString())
            values.append(value.toString());
        else if (value.isDouble())
            values.append(QString::number(value.toDouble(), 'g', 17));
        else if (value.isObject()) // a person name: {"Alphabetic": "DOE^JANE"}
            values.append(value.toObject().value(QStringLiteral("Alphabetic")).toString());
    }
    return values;
}

QString firstOf(const QJsonObject& object, const char* tag)
{
    const QStringList values = valuesOf(object, tag);
    return values.isEmpty() ? QString() : values.first().trimmed();
}

int numberOf(const QJsonObject& object, const char* tag)
{
    bool ok = false;
    const int number = firstOf(object, tag).toInt(&ok);
    return ok ? number : -1;
}

PacsStudy studyOf(const QJsonObject& object)
{
    PacsStudy study;
    study.studyInstanceUid = firstOf(object, "0020000D");
    study.patientId = firstOf(object, "00100020");
    study.patientName = firstOf(object, "00100010");
    study.patientBirthDate = StudyQuery::parseDate(firstOf(object, "00100030"));
    study.studyDate = StudyQuery::parseDate(firstOf(object, "00080020"));
    study.studyTime = firstOf(object, "00080030");
    study.accessionNumber = firstOf(object, "00080050");
    study.studyDescription = firstOf(object, "00081030");
    study.modalities = valuesOf(object, "00080061");
    study.seriesCount = numberOf(object, "00201206");
    study.instanceCount = numberOf(object, "00201208");
    return study;
}

bool isPlainQueryCharacter(QChar character)
{
    return (character >= u'a' && character <= u'z') || (character >= u'A' && character <= u'Z')
        || (character >= u'0' && character <= u'9') || QStringView(u"-._~*?").contains(character);
}

/// The name with every character that would need percent-encoding replaced by the one-character wildcard.
QString broadenedName(const QString& name)
{
    QString broadened = name;
    for (QChar& character : broadened) {
        if (!isPlainQueryCharacter(character))
            character = u'?';
    }
    return broadened;
}

} // namespace

bool QidoStudies::nameFilterNeeded(const StudyQuery& query)
{
    return broadenedName(query.patientName) != query.patientName;
}

bool QidoStudies::matchesName(const QString& pattern, const QString& name)
{
    QString expression;
    for (const QChar character : pattern) {
        if (character == u'*')
            expression += QStringLiteral(".*");
        else if (character == u'?')
            expression += u'.';
        else
            expression += QRegularExpression::escape(QString(character));
    }
    const QRegularExpression matcher(QRegularExpression::anchoredPattern(expression),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    return matcher.match(name.trimmed()).hasMatch();
}

QString QidoStudies::queryString(const StudyQuery& query, int limit)
{
    QStringList items;
    const auto add = [&items](const char* key, const QString& value) {
        if (!value.isEmpty())
            items.append(QLatin1String(key) + u'=' + QString::fromLatin1(QUrl::toPercentEncoding(value, "*?")));
    };
    add("PatientID", query.patientId);
    add("PatientName", broadenedName(query.patientName));
    add("PatientBirthDate", dateText(query.patientBirthDate));
    add("StudyDate", dateRange(query.studyDateFrom, query.studyDateTo));
    add("AccessionNumber", query.accessionNumber);
    add("ModalitiesInStudy", query.modality);
    for (const char* field : includedFields)
        add("includefield", QLatin1String(field));
    if (limit > 0)
        add("limit", QString::number(limit));
    return items.join(u'&');
}

std::optional<QList<PacsStudy>> QidoStudies::parse(const QByteArray& json, QString* error)
{
    // A server with no match may answer 204 with no body at all.
    if (json.trimmed().isEmpty())
        return QList<PacsStudy>();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray()) {
        *error = parseError.error != QJsonParseError::NoError
            ? QStringLiteral("the QIDO-RS answer is not JSON: %1 at byte %2")
                  .arg(parseError.errorString())
                  .arg(parseError.offset)
            : QStringLiteral("the QIDO-RS answer is not a JSON array of studies");
        return std::nullopt;
    }
    QList<PacsStudy> studies;
    for (const QJsonValue& value : document.array()) {
        PacsStudy study = studyOf(value.toObject());
        if (!StorageNames::isValidUid(study.studyInstanceUid)) {
            *error = QStringLiteral("the QIDO-RS answer holds a study without a valid Study Instance UID ('%1')")
                         .arg(study.studyInstanceUid.left(80));
            return std::nullopt;
        }
        studies.append(study);
    }
    return studies;
}

} // namespace lrclr::internal
