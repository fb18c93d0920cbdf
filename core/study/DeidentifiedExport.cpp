#include "core/study/DeidentifiedExport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>

#include "core/common/AtomicFile.h"
#include "core/study/StudyFileType.h"

namespace lrclr {

namespace {

using Item = DeidentifiedExport::Item;

void addInput(const QString& path, DeidentifiedExport::Inputs& inputs)
{
    if (path.endsWith(QStringLiteral(".txt"), Qt::CaseInsensitive))
        inputs.reports.append(path);
    else if (StudyFileType::of(path) == StudyFileType::Kind::Dicom)
        inputs.dicom.append(path);
    else
        inputs.skipped.append(path);
}

/// The folder to write into, absolute; empty with `error` set when it holds files or is where an input lies.
QString prepareFolder(const QString& path, const DeidentifiedExport::Inputs& inputs, QString& error)
{
    const QFileInfo info(path);
    const QString folder = info.absoluteFilePath();
    if (info.exists() && !QDir(folder).isEmpty()) {
        error = folder + QStringLiteral(" is not empty; give a new or empty folder");
        return {};
    }
    for (const QStringList* list : { &inputs.dicom, &inputs.reports })
        for (const QString& input : *list)
            if (QFileInfo(input).absolutePath() == folder) {
                error = QStringLiteral("the output folder must not be a folder the inputs are in");
                return {};
            }
    if (!QDir().mkpath(folder)) {
        error = QStringLiteral("cannot create ") + folder;
        return {};
    }
    return folder;
}

QString outputBase(int index)
{
    return QStringLiteral("IM%1").arg(index + 1, 4, 10, QLatin1Char('0'));
}

/// How a report is matched to its image: the file name without its suffix (images/IM.dcm and reports/IM.txt, or
/// both in one folder).
QString stemOf(const QString& path)
{
    return QFileInfo(path).completeBaseName();
}

void record(DeidentifiedExport::Outcome& outcome, Item item)
{
    if (!item.output.isEmpty())
        ++outcome.written;
    if (!item.error.isEmpty())
        ++outcome.failed;
    if (item.kind == Item::Kind::Skipped)
        ++outcome.skipped;
    outcome.items.append(std::move(item));
}

/// De-identifies every DICOM input into IM0001.dcm, ...; returns the output base name by input stem.
QHash<QString, QString> writeDicomFiles(
    DicomDeidentifier& deidentifier, const QStringList& dicom, DeidentifiedExport::Outcome& outcome)
{
    // Every file's identity first, so that each SR and report is scrubbed of all of it.
    QStringList readable;
    std::string error;
    for (const QString& input : dicom) {
        if (deidentifier.collectIdentity(QFile::encodeName(input).toStdString(), &error))
            readable.append(input);
        else
            record(outcome, { input, Item::Kind::Dicom, {}, QString::fromStdString(error), {} });
    }
    QHash<QString, QString> baseByStem;
    for (int i = 0; i < readable.size(); ++i) {
        const QString output = outcome.folder + QLatin1Char('/') + outputBase(i) + QStringLiteral(".dcm");
        if (!deidentifier.deidentifyFile(
                QFile::encodeName(readable[i]).toStdString(), QFile::encodeName(output).toStdString(), &error)) {
            record(outcome, { readable[i], Item::Kind::Dicom, {}, QString::fromStdString(error), {} });
            continue;
        }
        record(outcome,
            { readable[i], Item::Kind::Dicom, output, {},
                deidentifier.burnedInAnnotation()
                    ? QStringLiteral("declares text burned into its pixels (not examined)")
                    : QString() });
        if (!baseByStem.contains(stemOf(readable[i])))
            baseByStem.insert(stemOf(readable[i]), outputBase(i));
    }
    return baseByStem;
}

/// Scrubs every report into the name of its image (IM0001.txt), else report0001.txt, ...
void writeReports(const DicomDeidentifier& deidentifier, const QStringList& reports,
    const QHash<QString, QString>& baseByStem, DeidentifiedExport::Outcome& outcome)
{
    for (int i = 0; i < reports.size(); ++i) {
        const QString base
            = baseByStem.value(stemOf(reports[i]), QStringLiteral("report%1").arg(i + 1, 4, 10, QLatin1Char('0')));
        const QString output = outcome.folder + QLatin1Char('/') + base + QStringLiteral(".txt");
        QFile source(reports[i]);
        std::string error;
        if (!source.open(QIODevice::ReadOnly))
            error = reports[i].toStdString() + ": " + source.errorString().toStdString();
        else
            AtomicFile::write(output, deidentifier.scrubText(source.readAll().toStdString()), &error);
        record(outcome,
            { reports[i], Item::Kind::Report, error.empty() ? output : QString(), QString::fromStdString(error), {} });
    }
}

/// Each named text scrubbed into the folder under its name (a name cannot leave the folder).
void writeTexts(const DicomDeidentifier& deidentifier, const QList<DeidentifiedExport::Inputs::NamedText>& texts,
    DeidentifiedExport::Outcome& outcome)
{
    for (const auto& text : texts) {
        const QString output = outcome.folder + QLatin1Char('/') + QFileInfo(text.fileName).fileName();
        std::string error;
        AtomicFile::write(output, deidentifier.scrubText(text.contents), &error);
        record(outcome,
            { text.fileName, Item::Kind::Text, error.empty() ? output : QString(), QString::fromStdString(error), {} });
    }
}

} // namespace

DeidentifiedExport::Inputs DeidentifiedExport::gather(const QStringList& paths)
{
    Inputs inputs;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            addInput(info.absoluteFilePath(), inputs);
            continue;
        }
        QStringList files;
        QDirIterator it(info.absoluteFilePath(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        files.sort();
        for (const QString& file : files)
            addInput(file, inputs);
    }
    for (QStringList* list : { &inputs.dicom, &inputs.reports, &inputs.skipped })
        list->removeDuplicates();
    return inputs;
}

DeidentifiedExport::Outcome DeidentifiedExport::run(
    const Inputs& inputs, const QString& folder, const DicomDeidentifier::Options& options)
{
    Outcome outcome;
    if (inputs.dicom.isEmpty() && inputs.reports.isEmpty() && inputs.texts.isEmpty()) {
        outcome.error = QStringLiteral("no DICOM files or .txt reports to de-identify");
        return outcome;
    }
    outcome.folder = prepareFolder(folder, inputs, outcome.error);
    if (outcome.folder.isEmpty())
        return outcome;
    DicomDeidentifier deidentifier(options);
    const QHash<QString, QString> baseByStem = writeDicomFiles(deidentifier, inputs.dicom, outcome);
    writeReports(deidentifier, inputs.reports, baseByStem, outcome);
    writeTexts(deidentifier, inputs.texts, outcome);
    for (const QString& skipped : inputs.skipped)
        record(outcome, { skipped, Item::Kind::Skipped, {}, {}, {} });
    return outcome;
}

} // namespace lrclr
