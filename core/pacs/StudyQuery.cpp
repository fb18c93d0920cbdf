#include "core/pacs/StudyQuery.h"

namespace lrclr {

namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

/// Why `value` cannot be the value of attribute `name` of at most `maximumLength` characters; empty when it can.
QString valueProblem(const QString& name, const QString& value, int maximumLength)
{
    if (value.size() > maximumLength)
        return QStringLiteral("the %1 is longer than %2 characters").arg(name).arg(maximumLength);
    for (const QChar character : value) {
        if (character == u'\\')
            return QStringLiteral("the %1 contains a backslash (DICOM's value separator)").arg(name);
        if (character.unicode() < 0x20)
            return QStringLiteral("the %1 contains a control character").arg(name);
    }
    return {};
}

} // namespace

QDate StudyQuery::parseDate(const QString& text)
{
    if (text.size() != 8)
        return {};
    for (const QChar character : text) {
        if (!character.isDigit())
            return {};
    }
    return QDate::fromString(text, QStringLiteral("yyyyMMdd"));
}

bool StudyQuery::parseDateRange(const QString& text, QDate* from, QDate* to, QString* error)
{
    const QString usage = QStringLiteral(" (expected FROM-TO as YYYYMMDD-YYYYMMDD, YYYYMMDD-, -YYYYMMDD or YYYYMMDD)");
    const QString trimmed = text.trimmed();
    const qsizetype dash = trimmed.indexOf(u'-');
    if (trimmed.isEmpty() || trimmed == QStringLiteral("-") || (dash >= 0 && trimmed.indexOf(u'-', dash + 1) >= 0)) {
        setError(error, QStringLiteral("'%1' is not a date range").arg(text) + usage);
        return false;
    }
    const QString fromText = dash < 0 ? trimmed : trimmed.left(dash);
    const QString toText = dash < 0 ? trimmed : trimmed.mid(dash + 1);
    const QDate fromDate = fromText.isEmpty() ? QDate() : parseDate(fromText);
    const QDate toDate = toText.isEmpty() ? QDate() : parseDate(toText);
    if ((!fromText.isEmpty() && !fromDate.isValid()) || (!toText.isEmpty() && !toDate.isValid())) {
        setError(error, QStringLiteral("'%1' holds a date that is not a valid YYYYMMDD").arg(text) + usage);
        return false;
    }
    if (fromDate.isValid() && toDate.isValid() && fromDate > toDate) {
        setError(error, QStringLiteral("the range '%1' starts after it ends").arg(text));
        return false;
    }
    *from = fromDate;
    *to = toDate;
    return true;
}

QString StudyQuery::problem() const
{
    // Maximum lengths of the attributes' VRs: LO 64, PN 64 per component group, SH 16, CS 16.
    for (const QString& problem : { valueProblem(QStringLiteral("patient ID"), patientId, 64),
             valueProblem(QStringLiteral("patient name"), patientName, 64),
             valueProblem(QStringLiteral("accession number"), accessionNumber, 16),
             valueProblem(QStringLiteral("modality"), modality, 16) }) {
        if (!problem.isEmpty())
            return problem;
    }
    if (limit < 0)
        return QStringLiteral("the result limit is negative");
    return {};
}

} // namespace lrclr
