#include "app/cli/PacsCommand.h"

#include <iostream>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/CommandOptions.h"
#include "core/pacs/DicomWebClient.h"
#include "core/pacs/PacsClient.h"

namespace lrclr::cli {

namespace po = boost::program_options;

namespace {

/// What every subcommand shares: the node, our AE title, timeouts and the output form.
struct CommonOptions {
    std::string pacs;
    std::string dicomWeb;
    std::string aeTitle = "LRCLR";
    int associationTimeout = 10;
    int responseTimeout = 30;
};

void addCommonOptions(CommandOptions& options, CommonOptions& common)
{
    options.add()("pacs", po::value(&common.pacs), "the PACS node, AET@HOST:PORT")(
        "dicomweb", po::value(&common.dicomWeb), "a DICOMweb service root instead, http://HOST:PORT/dicom-web")(
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

/// The client a subcommand talks through: DIMSE (--pacs) or DICOMweb (--dicomweb). DICOMweb runs Qt's event
/// system, which needs a QCoreApplication; the transport makes one when the process has none.
struct Transport {
    std::unique_ptr<QCoreApplication> application;
    std::unique_ptr<PacsClient> dimse;
    std::unique_ptr<DicomWebClient> web;

    /// {"pacs": "AET@HOST:PORT"} or {"dicomweb": "URL"} followed by `fields`.
    QJsonObject json(QJsonObject fields) const
    {
        if (dimse)
            fields.insert(QStringLiteral("pacs"), dimse->peer().toString());
        else
            fields.insert(QStringLiteral("dicomweb"), web->baseUrl().toString());
        return fields;
    }
    QString name() const { return dimse ? dimse->peer().toString() : web->baseUrl().toString(); }
    std::optional<PacsStudyList> findStudies(const StudyQuery& query, QString* error) const
    {
        return dimse ? dimse->findStudies(query, error) : web->findStudies(query, error);
    }
    std::optional<PacsRetrieveResult> retrieveStudy(
        const QString& studyUid, const QString& folder, const PacsProgress& progress, QString* error) const
    {
        return dimse ? dimse->retrieveStudy(studyUid, folder, progress, error)
                     : web->retrieveStudy(studyUid, folder, progress, error);
    }
    std::optional<PacsStoreResult> store(const QStringList& files, QString* error) const
    {
        return dimse ? dimse->store(files, {}, error) : web->store(files, {}, error);
    }
};

/// The DICOMweb side of transportFor(); false after reporting bad usage.
bool webTransport(const CommandOptions& options, const CommonOptions& common, Transport& transport, int* exitCode)
{
    QString error;
    const auto url = DicomWebClient::parseUrl(QString::fromStdString(common.dicomWeb), &error);
    if (!url) {
        *exitCode = options.usageError("--dicomweb: " + error.toStdString());
        return false;
    }
    if (!QCoreApplication::instance()) {
        static int argumentCount = 1;
        static char programName[] = "lrclr";
        static char* arguments[] = { programName, nullptr };
        transport.application = std::make_unique<QCoreApplication>(argumentCount, arguments);
    }
    transport.web = std::make_unique<DicomWebClient>(*url);
    transport.web->setTimeoutSeconds(common.responseTimeout);
    return true;
}

/// A transport for the options (DICOMweb unless `webRefusal` says why not), or std::nullopt after reporting bad
/// usage (the exit code is then in `exitCode`).
std::optional<Transport> transportFor(
    const CommandOptions& options, const CommonOptions& common, const char* webRefusal, int* exitCode)
{
    if (options.has("unexpected")) {
        *exitCode = options.usageError(
            "unexpected argument '" + options.value<std::vector<std::string>>("unexpected").front() + "'");
        return std::nullopt;
    }
    if (common.pacs.empty() == common.dicomWeb.empty()) {
        *exitCode = options.usageError(common.pacs.empty() ? "--pacs AET@HOST:PORT is required (or --dicomweb URL)"
                                                           : "give --pacs or --dicomweb, not both");
        return std::nullopt;
    }
    if (common.associationTimeout < 1 || common.responseTimeout < 1) {
        *exitCode = options.usageError("timeouts must be at least 1 second");
        return std::nullopt;
    }
    Transport transport;
    if (!common.dicomWeb.empty()) {
        if (webRefusal) {
            *exitCode = options.usageError(webRefusal);
            return std::nullopt;
        }
        if (!webTransport(options, common, transport, exitCode))
            return std::nullopt;
        return transport;
    }
    QString error;
    const auto node = PacsNode::parse(QString::fromStdString(common.pacs), &error);
    if (!node) {
        *exitCode = options.usageError("--pacs: " + error.toStdString());
        return std::nullopt;
    }
    const QString aeTitle = QString::fromStdString(common.aeTitle);
    if (const QString problem = PacsNode::aeTitleProblem(aeTitle); !problem.isEmpty()) {
        *exitCode = options.usageError("--aet: " + problem.toStdString());
        return std::nullopt;
    }
    transport.dimse = std::make_unique<PacsClient>(*node, aeTitle);
    transport.dimse->setTimeouts({ common.associationTimeout, common.responseTimeout });
    return transport;
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
    const auto transport = transportFor(options, common,
        "--dicomweb: echo is C-ECHO, a DIMSE service; use --pacs (or find to try a server)", &exitCode);
    if (!transport)
        return exitCode;
    QString error;
    if (!transport->dimse->echo(&error))
        return options.error(error.toStdString(), 1);
    if (options.has("json"))
        printJson(transport->json({ { QStringLiteral("echo"), true } }));
    else
        std::cout << transport->name().toStdString() << ": C-ECHO answered\n";
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
    CommandOptions options("pacs find", "lrclr pacs find --pacs AET@HOST:PORT|--dicomweb URL [filters] [options]");
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
    const auto transport = transportFor(options, common,
        options.has("study") ? "--dicomweb: the series of a study (--study) are listed over DIMSE only; use --pacs"
                             : nullptr,
        &exitCode);
    if (!transport)
        return exitCode;
    QString error;
    if (options.has("study")) {
        const QString studyUid = QString::fromStdString(options.value<std::string>("study"));
        const auto series = transport->dimse->findSeries(studyUid, &error);
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
            printJson(transport->json(
                { { QStringLiteral("studyInstanceUid"), studyUid }, { QStringLiteral("series"), items } }));
        return 0;
    }
    StudyQuery query;
    if (const std::string problem = readFilters(options, query); !problem.empty())
        return options.usageError(problem);
    const auto studies = transport->findStudies(query, &error);
    if (!studies)
        return options.error(error.toStdString(), 1);
    if (!options.has("json")) {
        printStudies(*studies);
        return 0;
    }
    QJsonArray items;
    for (const PacsStudy& study : studies->studies)
        items.append(studyJson(study));
    printJson(
        transport->json({ { QStringLiteral("studies"), items }, { QStringLiteral("truncated"), studies->truncated } }));
    return 0;
}

int runGet(const std::vector<std::string>& arguments)
{
    CommandOptions options(
        "pacs get", "lrclr pacs get --pacs AET@HOST:PORT|--dicomweb URL --study UID --out DIR [options]");
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
    const auto transport = transportFor(options, common,
        options.has("move-port") ? "--move-port is C-MOVE, a DIMSE service: use it with --pacs" : nullptr, &exitCode);
    if (!transport)
        return exitCode;
    if (options.has("move-port")) {
        const int movePort = options.value<int>("move-port");
        if (movePort < 1 || movePort > 65535)
            return options.usageError("--move-port: expected a TCP port, 1 to 65535");
        transport->dimse->setMovePort(movePort);
    }
    const QString method = transport->web ? QStringLiteral("WADO-RS")
        : options.has("move-port")        ? QStringLiteral("C-MOVE")
                                          : QStringLiteral("C-GET");
    const bool showProgress = !options.has("quiet");
    const auto progress = [showProgress](int done, int total) {
        if (showProgress)
            std::cerr << "received " << done << (total >= 0 ? " of " + std::to_string(total) : std::string()) << '\n';
    };
    QString error;
    const QString studyUid = QString::fromStdString(options.value<std::string>("study"));
    const auto result = transport->retrieveStudy(
        studyUid, QString::fromLocal8Bit(options.value<std::string>("out")), progress, &error);
    if (!result)
        return options.error(error.toStdString(), 1);
    if (options.has("json")) {
        printJson(transport->json({ { QStringLiteral("studyInstanceUid"), studyUid },
            { QStringLiteral("method"), method }, { QStringLiteral("folder"), result->folder },
            { QStringLiteral("files"), QJsonArray::fromStringList(result->files) },
            { QStringLiteral("failed"), result->failedCount }, { QStringLiteral("warnings"), result->warningCount },
            { QStringLiteral("refused"), result->refusedCount } }));
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
    CommandOptions options("pacs store", "lrclr pacs store --pacs AET@HOST:PORT|--dicomweb URL FILE|DIR... [options]");
    CommonOptions common;
    addCommonOptions(options, common);
    options.addHidden()("files", po::value<std::vector<std::string>>(), "DICOM files or folders to send");
    options.addPositional("files", -1);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("files"))
        return options.usageError("at least one FILE or DIR is required");
    int exitCode = 0;
    const auto transport = transportFor(options, common, nullptr, &exitCode);
    if (!transport)
        return exitCode;
    const QStringList files = expandFiles(options.value<std::vector<std::string>>("files"));
    if (files.isEmpty())
        return options.error("no files in the folders given", 1);
    QString error;
    const auto result = transport->store(files, &error);
    if (!result)
        return options.error(error.toStdString(), 1);
    if (options.has("json")) {
        printJson(transport->json({ { QStringLiteral("stored"), result->storedCount },
            { QStringLiteral("failures"), QJsonArray::fromStringList(result->failures) } }));
    } else {
        std::cout << result->storedCount << " of " << files.size() << " file(s) stored on "
                  << transport->name().toStdString() << '\n';
        for (const QString& failure : result->failures)
            std::cerr << "lrclr pacs store: " << failure.toStdString() << '\n';
    }
    return result->failures.isEmpty() ? 0 : 1;
}

void printUsage(std::ostream& stream)
{
    stream << "Usage: lrclr pacs echo|find|get|store --pacs AET@HOST:PORT [options]\n"
              "       lrclr pacs find|get|store --dicomweb http://HOST:PORT/dicom-web [options]\n\n"
              "  echo   check the node with C-ECHO\n"
              "  find   list studies (C-FIND or QIDO-RS) matching --patient-id, --patient-name, --birth-date,\n"
              "         --study-date, --accession, --modality; or the series of --study UID (C-FIND)\n"
              "  get    retrieve a study (C-GET, C-MOVE with --move-port N, or WADO-RS) into --out DIR\n"
              "  store  send DICOM files or folders (C-STORE or STOW-RS)\n\n"
              "'lrclr pacs <subcommand> --help' describes its options.\n";
}

} // namespace

PacsCommand::PacsCommand()
    : Command("pacs", "Query, retrieve and store studies on a PACS over DIMSE or DICOMweb (echo, find, get, store)")
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
