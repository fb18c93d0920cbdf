#include "ui/model/WorklistRows.h"

#include <algorithm>

#include <QObject>

namespace lrclr {

namespace {

QString patientName(const StudyIndexPatient& patient)
{
    QString name = patient.patientName;
    name.replace(QLatin1Char('^'), QStringLiteral(", "));
    return name.isEmpty() ? QObject::tr("(no patient name)") : name;
}

bool isFrontal(const QString& view)
{
    return view.compare(QStringLiteral("PA"), Qt::CaseInsensitive) == 0
        || view.compare(QStringLiteral("AP"), Qt::CaseInsensitive) == 0;
}

/// The row of one study; images == 0 when it has no image (an SR alone).
WorklistRow rowOf(const StudyIndexPatient& patient, const StudyIndexStudy& study)
{
    WorklistRow row;
    row.patient = patientName(patient);
    row.patientId = patient.patientId;
    row.date = study.date;
    row.description = study.description;
    row.reportPath = study.reportPaths.value(0);
    QString firstImage;
    for (const auto& series : study.series) {
        for (const auto& instance : series.instances) {
            if (instance.kind != StudyIndexInstance::Kind::DicomImage
                && instance.kind != StudyIndexInstance::Kind::Raster)
                continue;
            ++row.images;
            row.views << (instance.viewPosition.isEmpty() ? QStringLiteral("?") : instance.viewPosition);
            if (firstImage.isEmpty())
                firstImage = instance.filePath;
            if (row.imagePath.isEmpty() && isFrontal(instance.viewPosition))
                row.imagePath = instance.filePath;
        }
    }
    if (row.imagePath.isEmpty())
        row.imagePath = firstImage;
    return row;
}

} // namespace

QString WorklistRow::toolTip() const
{
    QStringList lines { patient + (patientId.isEmpty() ? QString() : QStringLiteral("  [%1]").arg(patientId)),
        (date.isValid() ? date.toString(Qt::ISODate) : QObject::tr("(no date)"))
            + (description.isEmpty() ? QString() : QStringLiteral("  ") + description),
        QObject::tr("%n image(s): %1", nullptr, images).arg(views.join(QStringLiteral(", "))), imagePath };
    if (!reportPath.isEmpty())
        lines << QObject::tr("Report: %1").arg(reportPath);
    return lines.join(QLatin1Char('\n'));
}

bool WorklistRow::matches(const QString& filter) const
{
    const QString haystack
        = QStringList { patient, patientId, date.toString(Qt::ISODate), description, views.join(QLatin1Char(' ')) }
              .join(QLatin1Char(' '));
    const QStringList words = filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return std::all_of(words.begin(), words.end(),
        [&haystack](const QString& word) { return haystack.contains(word, Qt::CaseInsensitive); });
}

QList<WorklistRow> WorklistRows::fromIndex(const StudyIndex& index)
{
    QList<WorklistRow> rows;
    for (const auto& patient : index.patients())
        for (const auto& study : patient.studies)
            if (WorklistRow row = rowOf(patient, study); row.images > 0)
                rows << row;
    return rows;
}

bool WorklistRows::naturalLess(const QString& left, const QString& right)
{
    // Runs of digits compare as numbers (by length without leading zeros, then digit by digit), everything else
    // case-insensitively; QCollator's numeric mode is not available on every Qt build (POSIX backend).
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < left.size() && j < right.size()) {
        if (left[i].isDigit() && right[j].isDigit()) {
            qsizetype endLeft = i;
            qsizetype endRight = j;
            while (endLeft < left.size() && left[endLeft].isDigit())
                ++endLeft;
            while (endRight < right.size() && right[endRight].isDigit())
                ++endRight;
            QStringView a = QStringView(left).mid(i, endLeft - i);
            QStringView b = QStringView(right).mid(j, endRight - j);
            while (a.size() > 1 && a.front() == QLatin1Char('0'))
                a = a.mid(1);
            while (b.size() > 1 && b.front() == QLatin1Char('0'))
                b = b.mid(1);
            if (a.size() != b.size())
                return a.size() < b.size();
            if (const int order = a.compare(b); order != 0)
                return order < 0;
            i = endLeft;
            j = endRight;
            continue;
        }
        const QChar x = left[i].toCaseFolded();
        const QChar y = right[j].toCaseFolded();
        if (x != y)
            return x < y;
        ++i;
        ++j;
    }
    return left.size() - i < right.size() - j;
}

} // namespace lrclr
