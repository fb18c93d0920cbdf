#include "app/cli/AnonymizeCommand.h"

#include <iostream>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/CommandOptions.h"
#include "core/common/AtomicFile.h"
#include "core/dicom/DicomDeidentifier.h"
#include "core/study/StudyFileType.h"

namespace lrclr::cli {

namespace {

/// What the command was given, sorted by kind.
struct Inputs {
    QStringList dicom;
    QStringList reports;
    QStringList skipped;
};

void addInput(const QString& path, Inputs& inputs)
{
    if (path.endsWith(QStringLiteral(".txt"), Qt::CaseInsensitive))
        inputs.reports.append(path);
    else if (StudyFileType::of(path) == StudyFileType::Kind::Dicom)
        inputs.dicom.append(path);
    else
        inputs.skipped.append(path);
}

/// Files given and files in the folders given (recursively), each once, in a stable order.
Inputs gatherInputs(const std::vector<std::string>& paths)
{
    Inputs inputs;
    for (const std::string& argument : paths) {
        const QFileInfo info(QString::fromLocal8Bit(argument));
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

/// A folder to write into: created when missing; refused when it holds files (nothing is overwritten) or is where
/// an input lies.
QString prepareOutput(const QString& path, const Inputs& inputs, std::string& error)
{
    const QFileInfo info(path);
    const QString folder = info.absoluteFilePath();
    if (info.exists() && !QDir(folder).isEmpty()) {
        error = folder.toStdString() + " is not empty; give a new or empty folder";
        return {};
    }
    for (const QStringList* list : { &inputs.dicom, &inputs.reports })
        for (const QString& input : *list)
            if (QFileInfo(input).absolutePath() == folder) {
                error = "--out must not be a folder the inputs are in";
                return {};
            }
    if (!QDir().mkpath(folder)) {
        error = "cannot create " + folder.toStdString();
        return {};
    }
    return folder;
}

/// Reads a report, writes it scrubbed; false with `error` set on failure.
bool writeScrubbedReport(
    const DicomDeidentifier& deidentifier, const QString& input, const QString& output, std::string& error)
{
    QFile source(input);
    if (!source.open(QIODevice::ReadOnly)) {
        error = input.toStdString() + ": " + source.errorString().toStdString();
        return false;
    }
    return AtomicFile::write(output, deidentifier.scrubText(source.readAll().toStdString()), &error);
}

/// The output base name of each DICOM input (IM0001, ...), by the input's path without its suffix, so that a report
/// named like its image follows it.
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

DicomDeidentifier::Options deidentifierOptions(const CommandOptions& options)
{
    DicomDeidentifier::Options result;
    result.retainLongitudinalFullDates = options.has("retain-dates");
    result.cleanDescriptors = options.has("clean-descriptors");
    result.cleanStructuredContent = !options.has("no-structured-content");
    result.uidKey = options.valueOr("key", "");
    result.patientName = options.valueOr("patient-name", "");
    result.patientId = options.valueOr("patient-id", "");
    return result;
}

/// What happened to each input, printed at the end (errors also on stderr as they happen, unless JSON was asked).
struct Outcome {
    bool json = false;
    QJsonArray files;
    int written = 0;
    int failures = 0;
    int skipped = 0;

    void record(const QString& input, const QString& kind, const QString& output, const std::string& error,
        const QString& warning = {})
    {
        QJsonObject entry { { QStringLiteral("input"), input }, { QStringLiteral("kind"), kind } };
        if (!output.isEmpty()) {
            entry[QStringLiteral("output")] = output;
            ++written;
        }
        if (!warning.isEmpty())
            entry[QStringLiteral("warning")] = warning;
        if (!error.empty()) {
            entry[QStringLiteral("error")] = QString::fromStdString(error);
            ++failures;
            if (!json)
                std::cerr << "lrclr anonymize: " << error << '\n';
        }
        files.append(entry);
    }
};

/// De-identifies every DICOM input into IM0001.dcm, ...; returns the output base name by input stem.
QHash<QString, QString> writeDicomFiles(
    DicomDeidentifier& deidentifier, const QStringList& dicom, const QString& folder, Outcome& outcome)
{
    // Every file's identity first, so that each SR and report is scrubbed of all of it.
    QStringList readable;
    std::string error;
    for (const QString& input : dicom) {
        if (deidentifier.collectIdentity(QFile::encodeName(input).toStdString(), &error))
            readable.append(input);
        else
            outcome.record(input, QStringLiteral("dicom"), {}, error);
    }
    QHash<QString, QString> baseByInput;
    for (int i = 0; i < readable.size(); ++i) {
        const QString output = folder + QLatin1Char('/') + outputBase(i) + QStringLiteral(".dcm");
        if (!deidentifier.deidentifyFile(
                QFile::encodeName(readable[i]).toStdString(), QFile::encodeName(output).toStdString(), &error)) {
            outcome.record(readable[i], QStringLiteral("dicom"), {}, error);
            continue;
        }
        outcome.record(readable[i], QStringLiteral("dicom"), output, {},
            deidentifier.burnedInAnnotation() ? QStringLiteral("declares text burned into its pixels (not examined)")
                                              : QString());
        if (!baseByInput.contains(stemOf(readable[i])))
            baseByInput.insert(stemOf(readable[i]), outputBase(i));
    }
    return baseByInput;
}

/// Scrubs every report into the name of the image it lies beside (IM0001.txt), else report0001.txt, ...
void writeReports(const DicomDeidentifier& deidentifier, const QStringList& reports,
    const QHash<QString, QString>& baseByInput, const QString& folder, Outcome& outcome)
{
    for (int i = 0; i < reports.size(); ++i) {
        const QString base
            = baseByInput.value(stemOf(reports[i]), QStringLiteral("report%1").arg(i + 1, 4, 10, QLatin1Char('0')));
        const QString output = folder + QLatin1Char('/') + base + QStringLiteral(".txt");
        std::string error;
        const bool written = writeScrubbedReport(deidentifier, reports[i], output, error);
        outcome.record(reports[i], QStringLiteral("report"), written ? output : QString(), error);
    }
}

void printSummary(const Outcome& outcome, const QString& folder)
{
    if (outcome.json) {
        const QJsonObject summary { { QStringLiteral("profile"),
                                        QStringLiteral("PS3.15 %1 Basic Application Confidentiality Profile")
                                            .arg(QString::fromStdString(DicomDeidentifier::profileEdition())) },
            { QStringLiteral("out"), folder }, { QStringLiteral("files"), outcome.files },
            { QStringLiteral("written"), outcome.written }, { QStringLiteral("failed"), outcome.failures },
            { QStringLiteral("skipped"), outcome.skipped } };
        std::cout << QJsonDocument(summary).toJson(QJsonDocument::Indented).toStdString();
        return;
    }
    std::cout << "de-identified " << outcome.written << " file(s) into " << folder.toStdString() << " ("
              << outcome.failures << " failed, " << outcome.skipped << " skipped: not DICOM or .txt)\n";
}

} // namespace

AnonymizeCommand::AnonymizeCommand()
    : Command("anonymize", "De-identify DICOM files and reports (PS3.15 Annex E Basic Profile)")
{
}

int AnonymizeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr anonymize FILES|DIRS... --out DIR [options]");
    options.add()("out,o", po::value<std::string>(), "new or empty folder for the de-identified files")("retain-dates",
        "keep dates and times (Retain Longitudinal Temporal Information Full Dates Option)")("clean-descriptors",
        "keep descriptions, scrubbed (Clean Descriptors Option); default: removed")("no-structured-content",
        "replace SR content instead of keeping it scrubbed (Clean Structured Content)")("key", po::value<std::string>(),
        "secret for the UID remapping: the same key gives the same new UIDs in every run (default: random)")(
        "patient-name", po::value<std::string>(), "pseudonym to write as Patient's Name (default: empty)")("patient-id",
        po::value<std::string>(),
        "pseudonym to write as Patient ID (default: empty)")("json", "print what was written as JSON");
    options.addHidden()("inputs", po::value<std::vector<std::string>>());
    options.addPositional("inputs", -1);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("inputs") || !options.has("out"))
        return options.usageError("FILES or DIRS and --out DIR are required");

    const Inputs inputs = gatherInputs(options.value<std::vector<std::string>>("inputs"));
    if (inputs.dicom.isEmpty() && inputs.reports.isEmpty())
        return options.error("no DICOM files or .txt reports among the inputs", 1);
    std::string error;
    const QString folder = prepareOutput(QString::fromLocal8Bit(options.value<std::string>("out")), inputs, error);
    if (folder.isEmpty())
        return options.error(error, 1);

    DicomDeidentifier deidentifier(deidentifierOptions(options));
    Outcome outcome;
    outcome.json = options.has("json");
    const QHash<QString, QString> baseByInput = writeDicomFiles(deidentifier, inputs.dicom, folder, outcome);
    writeReports(deidentifier, inputs.reports, baseByInput, folder, outcome);
    for (const QString& skipped : inputs.skipped)
        outcome.record(skipped, QStringLiteral("skipped"), {}, {});
    outcome.skipped = int(inputs.skipped.size());
    printSummary(outcome, folder);
    return outcome.failures == 0 ? 0 : 1;
}

} // namespace lrclr::cli
