#include "core/report/PlainTextReportReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include "core/common/RegularFile.h"

namespace lrclr {

namespace {

void setError(QString* errorMessage, const QString& message)
{
    if (errorMessage)
        *errorMessage = message;
}

} // namespace

std::optional<Report> PlainTextReportReader::read(const QString& path, QString* errorMessage)
{
    if (const QString problem = RegularFile::problem(path); !problem.isEmpty()) {
        setError(errorMessage, QStringLiteral("%1: cannot open report: %2").arg(path, problem));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(errorMessage, QStringLiteral("%1: cannot open report: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    if (file.size() > maximumFileSize) {
        setError(errorMessage,
            QStringLiteral("%1: %2 bytes is too large for a report (limit %3 bytes)")
                .arg(path)
                .arg(file.size())
                .arg(maximumFileSize));
        return std::nullopt;
    }
    // Read one byte past the limit: a file growing while we read it must not slip through.
    const QByteArray bytes = file.read(maximumFileSize + 1);
    if (bytes.size() > maximumFileSize) {
        setError(
            errorMessage, QStringLiteral("%1: too large for a report (limit %2 bytes)").arg(path).arg(maximumFileSize));
        return std::nullopt;
    }
    if (bytes.contains('\0')) {
        setError(errorMessage, QStringLiteral("%1: contains NUL bytes; not a text report").arg(path));
        return std::nullopt;
    }
    QStringDecoder utf8(QStringConverter::Utf8);
    QString text = utf8.decode(bytes);
    if (utf8.hasError()) {
        QStringDecoder latin1(QStringConverter::Latin1);
        text = latin1.decode(bytes);
    }
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    return Report::fromText(text, Report::Source::PlainText, QFileInfo(path).absoluteFilePath());
}

Report PlainTextReportReader::fromPastedText(const QString& text)
{
    return Report::fromText(text, Report::Source::PlainText);
}

bool PlainTextReportReader::isMimicStudyFolder(const QString& directoryPath)
{
    static const QRegularExpression study(QStringLiteral("^s\\d{6,10}$"));
    static const QRegularExpression patient(QStringLiteral("^p\\d{6,10}$"));
    const QFileInfo info(directoryPath);
    const QString parent = QFileInfo(info.absolutePath()).fileName();
    return study.match(info.fileName()).hasMatch() && patient.match(parent).hasMatch();
}

QString PlainTextReportReader::findReportFor(const QString& imagePath)
{
    const QFileInfo image(imagePath);
    const QDir directory = image.absoluteDir();
    const QString stem = image.completeBaseName();
    for (const QString& extension : { QStringLiteral(".txt"), QStringLiteral(".TXT"), QStringLiteral(".Txt") }) {
        const QFileInfo sidecar(directory.filePath(stem + extension));
        if (sidecar.isFile())
            return sidecar.absoluteFilePath();
    }
    const QString studyFolder = directory.absolutePath();
    if (isMimicStudyFolder(studyFolder)) {
        const QFileInfo report(studyFolder + QStringLiteral(".txt"));
        if (report.isFile())
            return report.absoluteFilePath();
    }
    // The layout `lrclr synth` writes and resources/demo uses: images/<stem>.dcm beside reports/<stem>.txt.
    const QFileInfo synthesised(directory.filePath(QStringLiteral("../reports/") + stem + QStringLiteral(".txt")));
    return synthesised.isFile() ? synthesised.absoluteFilePath() : QString();
}

} // namespace lrclr
