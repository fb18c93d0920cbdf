#include "app/cli/AnonymizeCommand.h"

#include <iostream>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/CommandOptions.h"
#include "core/study/DeidentifiedExport.h"

namespace lrclr::cli {

namespace {

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

QString kindName(DeidentifiedExport::Item::Kind kind)
{
    switch (kind) {
    case DeidentifiedExport::Item::Kind::Dicom:
        return QStringLiteral("dicom");
    case DeidentifiedExport::Item::Kind::Report:
        return QStringLiteral("report");
    case DeidentifiedExport::Item::Kind::Text:
        return QStringLiteral("text");
    case DeidentifiedExport::Item::Kind::Skipped:
        break;
    }
    return QStringLiteral("skipped");
}

void printJson(const DeidentifiedExport::Outcome& outcome)
{
    QJsonArray files;
    for (const auto& item : outcome.items) {
        QJsonObject entry { { QStringLiteral("input"), item.input }, { QStringLiteral("kind"), kindName(item.kind) } };
        if (!item.output.isEmpty())
            entry[QStringLiteral("output")] = item.output;
        if (!item.error.isEmpty())
            entry[QStringLiteral("error")] = item.error;
        if (!item.warning.isEmpty())
            entry[QStringLiteral("warning")] = item.warning;
        files.append(entry);
    }
    const QJsonObject summary { { QStringLiteral("profile"),
                                    QStringLiteral("PS3.15 %1 Basic Application Confidentiality Profile")
                                        .arg(QString::fromStdString(DicomDeidentifier::profileEdition())) },
        { QStringLiteral("out"), outcome.folder }, { QStringLiteral("files"), files },
        { QStringLiteral("written"), outcome.written }, { QStringLiteral("failed"), outcome.failed },
        { QStringLiteral("skipped"), outcome.skipped } };
    std::cout << QJsonDocument(summary).toJson(QJsonDocument::Indented).toStdString();
}

void printText(const DeidentifiedExport::Outcome& outcome)
{
    for (const auto& item : outcome.items) {
        if (!item.error.isEmpty())
            std::cerr << "lrclr anonymize: " << item.error.toStdString() << '\n';
        if (!item.warning.isEmpty())
            std::cerr << "lrclr anonymize: " << item.input.toStdString() << ' ' << item.warning.toStdString() << '\n';
    }
    std::cout << "de-identified " << outcome.written << " file(s) into " << outcome.folder.toStdString() << " ("
              << outcome.failed << " failed, " << outcome.skipped << " skipped: not DICOM or .txt)\n";
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

    QStringList paths;
    for (const std::string& input : options.value<std::vector<std::string>>("inputs"))
        paths.append(QString::fromLocal8Bit(input));
    const DeidentifiedExport::Outcome outcome = DeidentifiedExport::run(DeidentifiedExport::gather(paths),
        QString::fromLocal8Bit(options.value<std::string>("out")), deidentifierOptions(options));
    if (!outcome.error.isEmpty())
        return options.error(outcome.error.toStdString(), 1);
    if (options.has("json"))
        printJson(outcome);
    else
        printText(outcome);
    return outcome.failed == 0 ? 0 : 1;
}

} // namespace lrclr::cli
