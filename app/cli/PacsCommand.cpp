#include "app/cli/PacsCommand.h"

#include <iostream>
#include <memory>
#include <optional>

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/CommandOptions.h"
#include "core/pacs/PacsClient.h"

namespace lrclr::cli {

namespace po = boost::program_options;

namespace {

/// What every subcommand shares: the node, our AE title, timeouts and the output form.
struct CommonOptions {
    std::string pacs;
    std::string aeTitle = "LRCLR";
    int associationTimeout = 10;
    int responseTimeout = 30;
};

void addCommonOptions(CommandOptions& options, CommonOptions& common)
{
    options.add()("pacs", po::value(&common.pacs), "the PACS node, AET@HOST:PORT")(
        "aet", po::value(&common.aeTitle)->default_value(common.aeTitle), "our AE title")("timeout",
        po::value(&common.associationTimeout)->default_value(common.associationTimeout),
        "seconds to wait for the connection and association")("response-timeout",
        po::value(&common.responseTimeout)->default_value(common.responseTimeout),
        "seconds to wait for each answer")("json", "print JSON instead of text");
}

/// Subcommands without positional arguments declare them anyway, so that a stray word is refused, not ignored.
void refusePositionals(CommandOptions& options)
{
    options.addHidden()("unexpected", po::value<std::vector<std::string>>(), "");
    options.addPositional("unexpected", -1);
}

/// A client for the options, or nullptr after reporting bad usage (the exit code is then in `exitCode`).
std::unique_ptr<PacsClient> clientFor(const CommandOptions& options, const CommonOptions& common, int* exitCode)
{
    if (options.has("unexpected")) {
        *exitCode = options.usageError(
            "unexpected argument '" + options.value<std::vector<std::string>>("unexpected").front() + "'");
        return nullptr;
    }
    if (common.pacs.empty()) {
        *exitCode = options.usageError("--pacs AET@HOST:PORT is required");
        return nullptr;
    }
    QString error;
    const auto node = PacsNode::parse(QString::fromStdString(common.pacs), &error);
    if (!node) {
        *exitCode = options.usageError("--pacs: " + error.toStdString());
        return nullptr;
    }
    const QString aeTitle = QString::fromStdString(common.aeTitle);
    if (const QString problem = PacsNode::aeTitleProblem(aeTitle); !problem.isEmpty()) {
        *exitCode = options.usageError("--aet: " + problem.toStdString());
        return nullptr;
    }
    if (common.associationTimeout < 1 || common.responseTimeout < 1) {
        *exitCode = options.usageError("timeouts must be at least 1 second");
        return nullptr;
    }
    auto client = std::make_unique<PacsClient>(*node, aeTitle);
    client->setTimeouts({ common.associationTimeout, common.responseTimeout });
    return client;
}

void printJson(const QJsonObject& object)
{
    std::cout << QJsonDocument(object).toJson(QJsonDocument::Indented).toStdString();
}

QString isoDate(const QDate& date)
{
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

QJsonObject studyJson(const PacsStudy& study)
{
    return QJsonObject { { QStringLiteral("studyInstanceUid"), study.studyInstanceUid },
        { QStringLiteral("patientId"), study.patientId }, { QStringLiteral("patientName"), study.patientName },
        { QStringLiteral("patientBirthDate"), isoDate(study.patientBirthDate) },
        { QStringLiteral("studyDate"), isoDate(study.studyDate) }, { QStringLiteral("studyTime"), study.studyTime },
        { QStringLiteral("accessionNumber"), study.accessionNumber },
        { QStringLiteral("studyDescription"), study.studyDescription },
        { QStringLiteral("modalities"), QJsonArray::fromStringList(study.modalities) },
        { QStringLiteral("seriesCount"), study.seriesCount },
        { QStringLiteral("instanceCount"), study.instanceCount } };
}

QJsonObject seriesJson(const PacsSeries& series)
{
    return QJsonObject { { QStringLiteral("seriesInstanceUid"), series.seriesInstanceUid },
        { QStringLiteral("modality"), series.modality }, { QStringLiteral("seriesNumber"), series.seriesNumber },
        { QStringLiteral("seriesDescription"), series.seriesDescription },
        { QStringLiteral("instanceCount"), series.instanceCount } };
}

QString orDash(const QString& text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

QString countText(int count)
{
    return count < 0 ? QStringLiteral("?") : QString::number(count);
}

void printStudies(const PacsStudyList& list)
{
    for (const PacsStudy& study : list.studies) {
        std::cout << orDash(isoDate(study.studyDate)).toStdString() << "  " << orDash(study.patientName).toStdString()
                  << "  ID " << orDash(study.patientId).toStdString() << "  "
                  << orDash(study.modalities.join(u'/')).toStdString() << "  accession "
                  << orDash(study.accessionNumber).toStdString() << "  " << countText(study.seriesCount).toStdString()
                  << " series, " << countText(study.instanceCount).toStdString() << " instance(s)  "
                  << orDash(study.studyDescription).toStdString() << "  UID " << study.studyInstanceUid.toStdString()
                  << '\n';
    }
    std::cout << list.studies.size() << " study(ies)"
              << (list.truncated ? " (more matched: raise --limit or narrow the filters)" : "") << '\n';
}

int runEcho(const std::vector<std::string>& arguments)
{
    CommandOptions options("pacs echo", "lrclr pacs echo --pacs AET@HOST:PORT [options]");
    CommonOptions common;
    addCommonOptions(options, common);
    refusePositionals(options);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    int exitCode = 0;
    const auto client = clientFor(options, common, &exitCode);
    if (!client)
        return exitCode;
    QString error;
    if (!client->echo(&error))
        return options.error(error.toStdString(), 1);
    if (options.has("json"))
        printJson({ { QStringLiteral("pacs"), client->peer().toString() }, { QStringLiteral("echo"), true } });
    else
        std::cout << client->peer().toString().toStdString() << ": C-ECHO answered\n";
    return 0;
}

/// Fills `query` from the filter options; an error text, empty when they are valid.
std::string readFilters(const CommandOptions& options, StudyQuery& query)
{
    const auto text = [&options](const char* name) { return QString::fromStdString(options.valueOr(name, "")); };
    query.patientId = text("patient-id");
    query.patientName = text("patient-name");
    query.accessionNumber = text("accession");
    query.modality = text("modality").toUpper();
    if (options.has("birth-date")) {
        query.patientBirthDate = StudyQuery::parseDate(text("birth-date"));
        if (!query.patientBirthDate.isValid())
            return "--birth-date: expected YYYYMMDD";
    }
    QString error;
    if (options.has("study-date")
        && !StudyQuery::parseDateRange(text("study-date"), &query.studyDateFrom, &query.studyDateTo, &error))
        return "--study-date: " + error.toStdString();
    query.limit = options.value<int>("limit");
    return query.problem().toStdString();
}

int runFind(const std::vector<std::string>& arguments)
{
    CommandOptions options("pacs find", "lrclr pacs find --pacs AET@HOST:PORT [filters] [options]");
    CommonOptions common;
    addCommonOptions(options, common);
    options.add()("patient-id", po::value<std::string>(), "Patient ID (wildcards * and ?)")(
        "patient-name", po::value<std::string>(), "Patient's Name, e.g. 'DOE^J*'")("birth-date",
        po::value<std::string>(), "Patient's Birth Date, YYYYMMDD")("study-date", po::value<std::string>(),
        "Study Date range FROM-TO (YYYYMMDD-YYYYMMDD, YYYYMMDD-, -YYYYMMDD, YYYYMMDD)")("accession",
        po::value<std::string>(),
        "Accession Number")("modality", po::value<std::string>(), "a modality in the study, e.g. CR, DX")(
        "limit", po::value<int>()->default_value(100), "most studies to list (0: all)")(
        "study", po::value<std::string>(), "list the series of this Study Instance UID instead");
    refusePositionals(options);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    int exitCode = 0;
    const auto client = clientFor(options, common, &exitCode);
    if (!client)
        return exitCode;
    QString error;
    if (options.has("study")) {
        const QString studyUid = QString::fromStdString(options.value<std::string>("study"));
        const auto series = client->findSeries(studyUid, &error);
        if (!series)
            return options.error(error.toStdString(), 1);
        QJsonArray items;
        for (const PacsSeries& item : *series) {
            items.append(seriesJson(item));
            if (!options.has("json"))
                std::cout << item.seriesNumber << "  " << orDash(item.modality).toStdString() << "  "
                          << countText(item.instanceCount).toStdString() << " instance(s)  "
                          << orDash(item.seriesDescription).toStdString() << "  UID "
                          << item.seriesInstanceUid.toStdString() << '\n';
        }
        if (options.has("json"))
            printJson({ { QStringLiteral("pacs"), client->peer().toString() },
                { QStringLiteral("studyInstanceUid"), studyUid }, { QStringLiteral("series"), items } });
        return 0;
    }
    StudyQuery query;
    if (const std::string problem = readFilters(options, query); !problem.empty())
        return options.usageError(problem);
    const auto studies = client->findStudies(query, &error);
    if (!studies)
        return options.error(error.toStdString(), 1);
    if (!options.has("json")) {
        printStudies(*studies);
        return 0;
    }
    QJsonArray items;
    for (const PacsStudy& study : studies->studies)
        items.append(studyJson(study));
    printJson({ { QStringLiteral("pacs"), client->peer().toString() }, { QStringLiteral("studies"), items },
        { QStringLiteral("truncated"), studies->truncated } });
    return 0;
}

int runGet(const std::vector<std::string>& arguments)
{
    CommandOptions options("pacs get", "lrclr pacs get --pacs AET@HOST:PORT --study UID --out DIR [options]");
    CommonOptions common;
    addCommonOptions(options, common);
    options.add()("study", po::value<std::string>(), "the Study Instance UID to retrieve")("out",
        po::value<std::string>(),
        "folder to write into; the study goes to DIR/<SHA-256 of its UID>/")("move-port", po::value<int>(),
        "retrieve by C-MOVE to our own storage SCP listening on this port while the retrieve runs (the PACS must "
        "know --aet with this machine's address and this port); without it, C-GET")("quiet", "no progress on stderr");
    refusePositionals(options);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("study") || !options.has("out"))
        return options.usageError("--study UID and --out DIR are required");
    int exitCode = 0;
    const auto client = clientFor(options, common, &exitCode);
    if (!client)
        return exitCode;
    if (options.has("move-port")) {
        const int movePort = options.value<int>("move-port");
        if (movePort < 1 || movePort > 65535)
            return options.usageError("--move-port: expected a TCP port, 1 to 65535");
        client->setMovePort(movePort);
    }
    const bool showProgress = !options.has("quiet");
    const auto progress = [showProgress](int done, int total) {
        if (showProgress)
            std::cerr << "received " << done << (total >= 0 ? " of " + std::to_string(total) : std::string()) << '\n';
    };
    QString error;
    const QString studyUid = QString::fromStdString(options.value<std::string>("study"));
    const auto result
        = client->retrieveStudy(studyUid, QString::fromLocal8Bit(options.value<std::string>("out")), progress, &error);
    if (!result)
        return options.error(error.toStdString(), 1);
    if (options.has("json")) {
        printJson({ { QStringLiteral("pacs"), client->peer().toString() },
            { QStringLiteral("studyInstanceUid"), studyUid },
            { QStringLiteral("method"), client->movePort() > 0 ? QStringLiteral("C-MOVE") : QStringLiteral("C-GET") },
            { QStringLiteral("folder"), result->folder },
            { QStringLiteral("files"), QJsonArray::fromStringList(result->files) },
            { QStringLiteral("failed"), result->failedCount }, { QStringLiteral("warnings"), result->warningCount },
            { QStringLiteral("refused"), result->refusedCount } });
    } else {
        std::cout << result->files.size() << " instance(s) in " << result->folder.toStdString() << '\n';
        if (result->failedCount > 0 || result->refusedCount > 0)
            std::cout << result->failedCount << " failed on the PACS, " << result->refusedCount
                      << " refused (not of this study)\n";
    }
    return result->failedCount > 0 ? 1 : 0;
}

/// The files named on the command line, folders expanded to every file below them, sorted.
QStringList expandFiles(const std::vector<std::string>& paths)
{
    QStringList files;
    for (const std::string& path : paths) {
        const QString name = QString::fromLocal8Bit(path);
        if (!QFileInfo(name).isDir()) {
            files.append(name);
            continue;
        }
        QStringList below;
        QDirIterator iterator(name, QDir::Files, QDirIterator::Subdirectories);
        while (iterator.hasNext())
            below.append(iterator.next());
        below.sort();
        files += below;
    }
    return files;
}

int runStore(const std::vector<std::string>& arguments)
{
    CommandOptions options("pacs store", "lrclr pacs store --pacs AET@HOST:PORT FILE|DIR... [options]");
    CommonOptions common;
    addCommonOptions(options, common);
    options.addHidden()("files", po::value<std::vector<std::string>>(), "DICOM files or folders to send");
    options.addPositional("files", -1);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("files"))
        return options.usageError("at least one FILE or DIR is required");
    int exitCode = 0;
    const auto client = clientFor(options, common, &exitCode);
    if (!client)
        return exitCode;
    const QStringList files = expandFiles(options.value<std::vector<std::string>>("files"));
    if (files.isEmpty())
        return options.error("no files in the folders given", 1);
    QString error;
    const auto result = client->store(files, {}, &error);
    if (!result)
        return options.error(error.toStdString(), 1);
    if (options.has("json")) {
        printJson(
            { { QStringLiteral("pacs"), client->peer().toString() }, { QStringLiteral("stored"), result->storedCount },
                { QStringLiteral("failures"), QJsonArray::fromStringList(result->failures) } });
    } else {
        std::cout << result->storedCount << " of " << files.size() << " file(s) stored on "
                  << client->peer().toString().toStdString() << '\n';
        for (const QString& failure : result->failures)
            std::cerr << "lrclr pacs store: " << failure.toStdString() << '\n';
    }
    return result->failures.isEmpty() ? 0 : 1;
}

void printUsage(std::ostream& stream)
{
    stream << "Usage: lrclr pacs echo|find|get|store --pacs AET@HOST:PORT [options]\n\n"
              "  echo   check the node with C-ECHO\n"
              "  find   list studies (C-FIND) matching --patient-id, --patient-name, --birth-date, --study-date,\n"
              "         --accession, --modality; or the series of --study UID\n"
              "  get    retrieve a study (C-GET, or C-MOVE with --move-port N) into --out DIR\n"
              "  store  send DICOM files or folders (C-STORE)\n\n"
              "'lrclr pacs <subcommand> --help' describes its options.\n";
}

} // namespace

PacsCommand::PacsCommand()
    : Command("pacs", "Query, retrieve and store studies on a PACS over DICOM (echo, find, get, store)")
{
}

int PacsCommand::run(const std::vector<std::string>& arguments)
{
    if (arguments.empty()) {
        printUsage(std::cerr);
        return 2;
    }
    const std::string& subcommand = arguments.front();
    const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
    if (subcommand == "--help" || subcommand == "-h" || subcommand == "help") {
        printUsage(std::cout);
        return 0;
    }
    if (subcommand == "echo")
        return runEcho(rest);
    if (subcommand == "find")
        return runFind(rest);
    if (subcommand == "get")
        return runGet(rest);
    if (subcommand == "store")
        return runStore(rest);
    std::cerr << "lrclr pacs: unknown subcommand '" << subcommand << "'\n";
    printUsage(std::cerr);
    return 2;
}

} // namespace lrclr::cli
