#include "app/cli/InfoCommand.h"

#include <iostream>
#include <memory>
#include <optional>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/CommandOptions.h"
#include "core/report/ReportReader.h"
#include "core/study/StudyIndexScanner.h"
#include "imaging/RasterImageReader.h"

namespace lrclr::cli {

namespace {

QString kindName(StudyIndexInstance::Kind kind)
{
    switch (kind) {
    case StudyIndexInstance::Kind::DicomImage:
        return QStringLiteral("dicom-image");
    case StudyIndexInstance::Kind::DicomSr:
        return QStringLiteral("dicom-sr");
    case StudyIndexInstance::Kind::DicomOther:
        return QStringLiteral("dicom-other");
    case StudyIndexInstance::Kind::Raster:
        return QStringLiteral("raster");
    }
    return {};
}

QString problemKindName(StudyIndexProblem::Kind kind)
{
    switch (kind) {
    case StudyIndexProblem::Kind::Unreadable:
        return QStringLiteral("unreadable");
    case StudyIndexProblem::Kind::Ignored:
        return QStringLiteral("ignored");
    case StudyIndexProblem::Kind::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

QJsonObject reportJson(const QString& path)
{
    QJsonObject object { { QStringLiteral("path"), path } };
    QString error;
    const auto report = ReportReader::read(path, &error);
    if (!report) {
        object.insert(QStringLiteral("error"), error);
        return object;
    }
    object.insert(QStringLiteral("source"),
        report->source() == Report::Source::DicomSr ? QStringLiteral("dicom-sr") : QStringLiteral("text"));
    QJsonArray sections;
    for (const ReportSection& section : report->sections()) {
        sections.append(QJsonObject { { QStringLiteral("name"), section.name },
            { QStringLiteral("kind"), ReportSection::kindName(section.kind) } });
    }
    object.insert(QStringLiteral("sections"), sections);
    object.insert(QStringLiteral("sentences"), static_cast<int>(report->sentences().size()));
    // Offsets are UTF-16 code units into the report text (Report's convention), for checking the splitter.
    QJsonArray sentences;
    for (qsizetype i = 0; i < report->sentences().size(); ++i) {
        const ReportSentence& sentence = report->sentences()[i];
        sentences.append(QJsonObject { { QStringLiteral("text"), report->sentenceText(i) },
            { QStringLiteral("begin"), static_cast<qint64>(sentence.begin) },
            { QStringLiteral("end"), static_cast<qint64>(sentence.end) },
            { QStringLiteral("section"), sentence.section } });
    }
    object.insert(QStringLiteral("sentenceList"), sentences);
    return object;
}

QString isoDate(const QDate& date)
{
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

QJsonObject indexJson(const StudyIndex& index)
{
    QJsonArray patients;
    for (const StudyIndexPatient& patient : index.patients()) {
        QJsonArray studies;
        for (const StudyIndexStudy& study : patient.studies) {
            QJsonArray seriesList;
            for (const StudyIndexSeries& series : study.series) {
                QJsonArray instances;
                for (const StudyIndexInstance& instance : series.instances) {
                    QJsonObject item { { QStringLiteral("kind"), kindName(instance.kind) },
                        { QStringLiteral("path"), instance.filePath }, { QStringLiteral("rows"), instance.rows },
                        { QStringLiteral("columns"), instance.columns },
                        { QStringLiteral("frames"), instance.frameCount },
                        { QStringLiteral("instanceNumber"), instance.instanceNumber } };
                    if (!instance.sopInstanceUid.isEmpty())
                        item.insert(QStringLiteral("sopInstanceUid"), instance.sopInstanceUid);
                    if (!instance.sopClassUid.isEmpty())
                        item.insert(QStringLiteral("sopClassUid"), instance.sopClassUid);
                    if (!instance.viewPosition.isEmpty())
                        item.insert(QStringLiteral("viewPosition"), instance.viewPosition);
                    if (!instance.transferSyntaxUid.isEmpty()) {
                        item.insert(QStringLiteral("transferSyntaxUid"), instance.transferSyntaxUid);
                        item.insert(QStringLiteral("transferSyntax"), instance.transferSyntaxName);
                    }
                    if (!instance.rasterFormat.isEmpty())
                        item.insert(QStringLiteral("format"), instance.rasterFormat);
                    instances.append(item);
                }
                seriesList.append(QJsonObject { { QStringLiteral("seriesInstanceUid"), series.seriesInstanceUid },
                    { QStringLiteral("seriesNumber"), series.seriesNumber },
                    { QStringLiteral("modality"), series.modality },
                    { QStringLiteral("description"), series.description },
                    { QStringLiteral("instances"), instances } });
            }
            QJsonArray reports;
            for (const QString& report : study.reportPaths)
                reports.append(reportJson(report));
            studies.append(QJsonObject { { QStringLiteral("studyInstanceUid"), study.studyInstanceUid },
                { QStringLiteral("studyId"), study.studyId },
                { QStringLiteral("accessionNumber"), study.accessionNumber },
                { QStringLiteral("date"), isoDate(study.date) },
                { QStringLiteral("time"), study.time.isValid() ? study.time.toString(Qt::ISODate) : QString() },
                { QStringLiteral("description"), study.description }, { QStringLiteral("series"), seriesList },
                { QStringLiteral("reports"), reports } });
        }
        patients.append(QJsonObject { { QStringLiteral("patientId"), patient.patientId },
            { QStringLiteral("patientName"), patient.patientName },
            { QStringLiteral("birthDate"), isoDate(patient.birthDate) }, { QStringLiteral("sex"), patient.sex },
            { QStringLiteral("studies"), studies } });
    }
    QJsonArray problems;
    for (const StudyIndexProblem& problem : index.problems()) {
        problems.append(QJsonObject { { QStringLiteral("path"), problem.filePath },
            { QStringLiteral("kind"), problemKindName(problem.kind) }, { QStringLiteral("reason"), problem.reason } });
    }
    return QJsonObject { { QStringLiteral("root"), index.rootPath() },
        { QStringLiteral("counts"),
            QJsonObject { { QStringLiteral("patients"), index.patientCount() },
                { QStringLiteral("studies"), index.studyCount() }, { QStringLiteral("series"), index.seriesCount() },
                { QStringLiteral("instances"), index.instanceCount() },
                { QStringLiteral("problems"), static_cast<int>(index.problems().size()) } } },
        { QStringLiteral("patients"), patients }, { QStringLiteral("problems"), problems } };
}

/// A header value as a terminal shows it safely: control and format characters (escape sequences a hostile file
/// may carry) written as \xNN / \uNNNN, and values longer than 200 characters cut with their length said.
std::string shown(const QString& text)
{
    constexpr qsizetype longest = 200;
    QString safe;
    for (const QChar c : text.left(longest)) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            safe += c.unicode() < 0x100 ? QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'))
                                        : QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            safe += c;
    }
    if (text.size() > longest)
        safe += QStringLiteral("... (%1 characters)").arg(text.size());
    return safe.toStdString();
}

std::string orDash(const QString& text)
{
    return text.isEmpty() ? std::string("-") : shown(text);
}

void printText(const StudyIndex& index)
{
    std::cout << shown(index.rootPath()) << ": " << index.patientCount() << " patient(s), " << index.studyCount()
              << " study(ies), " << index.seriesCount() << " series, " << index.instanceCount() << " instance(s), "
              << index.problems().size() << " file(s) not indexed\n";
    for (const StudyIndexPatient& patient : index.patients()) {
        std::cout << "Patient " << orDash(patient.patientName) << "  ID " << orDash(patient.patientId);
        if (patient.birthDate.isValid())
            std::cout << "  born " << isoDate(patient.birthDate).toStdString();
        if (!patient.sex.isEmpty())
            std::cout << "  " << shown(patient.sex);
        std::cout << '\n';
        for (const StudyIndexStudy& study : patient.studies) {
            std::cout << "  Study " << orDash(isoDate(study.date)) << "  " << orDash(study.description) << "  UID "
                      << shown(study.studyInstanceUid);
            if (!study.accessionNumber.isEmpty())
                std::cout << "  accession " << shown(study.accessionNumber);
            std::cout << '\n';
            for (const StudyIndexSeries& series : study.series) {
                std::cout << "    Series " << series.seriesNumber << "  " << orDash(series.modality) << "  "
                          << orDash(series.description) << "  (" << series.instances.size() << " instance(s))\n";
                for (const StudyIndexInstance& instance : series.instances) {
                    std::cout << "      " << kindName(instance.kind).toStdString();
                    if (!instance.viewPosition.isEmpty())
                        std::cout << ' ' << shown(instance.viewPosition);
                    std::cout << "  " << instance.columns << 'x' << instance.rows;
                    if (instance.frameCount > 1)
                        std::cout << "  " << instance.frameCount << " frames";
                    if (!instance.transferSyntaxName.isEmpty())
                        std::cout << "  " << shown(instance.transferSyntaxName);
                    if (!instance.rasterFormat.isEmpty())
                        std::cout << "  " << shown(instance.rasterFormat);
                    std::cout << "  " << shown(instance.filePath) << '\n';
                }
            }
            for (const QString& reportPath : study.reportPaths) {
                const QJsonObject report = reportJson(reportPath);
                std::cout << "    Report " << shown(reportPath);
                if (report.contains(QStringLiteral("error"))) {
                    std::cout << "  (unreadable: " << shown(report[QStringLiteral("error")].toString()) << ")\n";
                    continue;
                }
                QStringList sections;
                for (const auto& section : report[QStringLiteral("sections")].toArray())
                    sections.append(section.toObject()[QStringLiteral("name")].toString());
                std::cout << "  " << report[QStringLiteral("sentences")].toInt() << " sentence(s)";
                if (!sections.isEmpty())
                    std::cout << "; sections: " << shown(sections.join(QStringLiteral(", ")));
                std::cout << '\n';
            }
        }
    }
    if (!index.problems().isEmpty()) {
        std::cout << "Not indexed:\n";
        for (const StudyIndexProblem& problem : index.problems())
            std::cout << "  " << problemKindName(problem.kind).toStdString() << ": " << shown(problem.reason)
                      << (problem.reason.contains(problem.filePath) ? "" : "  [")
                      << (problem.reason.contains(problem.filePath) ? "" : shown(problem.filePath) + "]") << '\n';
    }
}

/// A report on its own (a .txt file): its sentences and sections; returns the exit code.
int describeReport(const QString& path, bool json)
{
    const QJsonObject report = reportJson(path);
    if (json) {
        std::cout << QJsonDocument(report).toJson(QJsonDocument::Indented).toStdString();
    } else if (report.contains(QStringLiteral("error"))) {
        std::cerr << "lrclr info: " << report[QStringLiteral("error")].toString().toStdString() << '\n';
    } else {
        std::cout << path.toStdString() << ": report, " << report[QStringLiteral("sentences")].toInt()
                  << " sentence(s)\n";
    }
    return report.contains(QStringLiteral("error")) ? 1 : 0;
}

} // namespace

InfoCommand::InfoCommand()
    : Command("info", "Show the studies, series and reports in a file, folder or DICOMDIR")
{
}

int InfoCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr info FILE|DIR [options]");
    options.add()("json", "print JSON instead of text")(
        "path", po::value<std::string>(), "file, folder or DICOMDIR to describe");
    options.addPositional("path");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("path"))
        return options.usageError("a FILE or DIR is required");
    const QString path = QString::fromLocal8Bit(options.value<std::string>("path"));
    const bool json = options.has("json");

    const QFileInfo info(path);
    if (info.isFile() && info.suffix().compare(QStringLiteral("txt"), Qt::CaseInsensitive) == 0)
        return describeReport(info.absoluteFilePath(), json);
    QString error;
    const StudyIndexScanner scanner(std::make_shared<RasterImageReader>());
    const std::optional<StudyIndex> index = scanner.scan(path, {}, {}, &error);
    if (!index)
        return options.error(error.toStdString(), 1);
    if (json)
        std::cout << QJsonDocument(indexJson(*index)).toJson(QJsonDocument::Indented).toStdString();
    else
        printText(*index);
    // A single file that could not be indexed is a failure; a folder with some bad files is not.
    if (info.isFile() && index->instanceCount() == 0) {
        std::cerr << "lrclr info: " << shown(path)
                  << ": no image could be indexed from it (an empty DICOMDIR, or a file that is not an image)\n";
        return 1;
    }
    return 0;
}

} // namespace lrclr::cli
