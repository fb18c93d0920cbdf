#include "app/cli/AuditCommand.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <QCryptographicHash>
#include <QFileInfo>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelDevice.h"
#include "app/cli/ModelInput.h"
#include "core/common/AtomicFile.h"
#include "core/model/AlignmentAudit.h"
#include "core/model/AnalysisJson.h"
#include "core/model/LrclrModel.h"
#include "core/study/StudyIndexScanner.h"
#include "imaging/RasterImageReader.h"
#include "imaging/StudyReader.h"
#include "training/AuditReportWriter.h"
#include "training/DatasetManifest.h"
#include "training/StudyAudit.h"

namespace lrclr::cli {

namespace {

namespace fs = std::filesystem;
using Row = StudyAudit::Row;

/// What the audit reads of each study; `reportText` for manifests that carry the report inline.
struct AuditStudy {
    Row row;
    std::string reportText;
};

/// A study read ahead of the model: its image and sentences, or why it could not be read.
struct StudyInput {
    GrayscaleImage image;
    std::vector<ModelInput::Sentence> sentences;
    std::string error;
};

/// Stable across runs for the same image path, so an interrupted audit resumes into the same folders.
std::string studyKey(const QString& imagePath)
{
    const QByteArray digest
        = QCryptographicHash::hash(QFileInfo(imagePath).absoluteFilePath().toUtf8(), QCryptographicHash::Sha256);
    return "study-" + digest.toHex().left(16).toStdString();
}

/// The image of a study the audit reads: the first frontal (PA/AP) image, else the first image.
const StudyIndexInstance* auditedImage(const StudyIndexStudy& study)
{
    const StudyIndexInstance* first = nullptr;
    for (const auto& series : study.series)
        for (const auto& instance : series.instances) {
            if (instance.kind != StudyIndexInstance::Kind::DicomImage
                && instance.kind != StudyIndexInstance::Kind::Raster)
                continue;
            if (instance.viewPosition == QStringLiteral("PA") || instance.viewPosition == QStringLiteral("AP"))
                return &instance;
            if (!first)
                first = &instance;
        }
    return first;
}

/// One row per study of the folder with an image, in index order.
std::vector<AuditStudy> studiesInFolder(const std::string& folder, std::string& error)
{
    QString message;
    const StudyIndexScanner scanner(std::make_shared<RasterImageReader>());
    const auto index = scanner.scan(QString::fromLocal8Bit(folder), {}, {}, &message);
    if (!index) {
        error = message.toStdString();
        return {};
    }
    std::vector<AuditStudy> studies;
    for (const auto& patient : index->patients())
        for (const auto& study : patient.studies) {
            const StudyIndexInstance* image = auditedImage(study);
            if (!image)
                continue;
            Row row;
            row.key = studyKey(image->filePath);
            row.image = image->filePath.toStdString();
            // The index's own reports first, else where the viewer looks (also reports/ beside images/).
            const QString report
                = study.reportPaths.isEmpty() ? StudyReader::findReportFor(image->filePath) : study.reportPaths.first();
            row.report = report.toStdString();
            studies.push_back({ std::move(row), {} });
        }
    return studies;
}

/// One row per manifest entry (dataset manifests name each image's report, wherever it lies).
std::vector<AuditStudy> studiesInManifest(const std::string& path)
{
    const DatasetManifest manifest = DatasetManifest::load(path);
    std::vector<AuditStudy> studies;
    for (const ManifestEntry& entry : manifest.entries()) {
        AuditStudy study;
        study.row.image = manifest.resolve(entry.image);
        study.row.key = studyKey(QString::fromStdString(study.row.image));
        if (!entry.report.empty())
            study.row.report = manifest.resolve(entry.report);
        study.reportText = entry.reportText;
        studies.push_back(std::move(study));
    }
    return studies;
}

StudyInput readStudy(const AuditStudy& study)
{
    StudyInput input;
    try {
        input.image = ModelInput::readImage(study.row.image);
        if (!study.row.report.empty())
            input.sentences = ModelInput::readReport(study.row.report);
        else if (!study.reportText.empty())
            input.sentences = ModelInput::reportSentences(study.reportText);
    } catch (const std::exception& error) {
        input.error = error.what();
    }
    return input;
}

/// An earlier run's analysis of this study, audited again; false when there is none (or it cannot be read).
bool resume(const fs::path& out, double threshold, Row& row)
{
    const fs::path json = out / "studies" / row.key / "analysis.json";
    std::ifstream stream(json, std::ios::binary);
    if (!stream)
        return false;
    std::ostringstream text;
    text << stream.rdbuf();
    try {
        const AnalysisResult result = AnalysisJson::fromJson(text.str(), json.string());
        StudyAudit::audit(result, threshold, row);
    } catch (const std::exception&) {
        return false; // an unreadable earlier result is analysed again
    }
    row.status = "resumed";
    row.analysis = "studies/" + row.key + "/analysis.json";
    if (fs::exists(out / "studies" / row.key / "regions.png"))
        row.overlay = "studies/" + row.key + "/regions.png";
    return true;
}

void analyzeStudy(LrclrModel& model, const StudyInput& input, const fs::path& out, double threshold, Row& row)
{
    std::vector<std::string> texts;
    for (const auto& sentence : input.sentences)
        texts.push_back(sentence.text);
    AnalysisResult result = model.analyze(input.image, texts);
    for (std::size_t i = 0; i < input.sentences.size() && i < result.sentences.size(); ++i) {
        result.sentences[i].begin = input.sentences[i].begin;
        result.sentences[i].end = input.sentences[i].end;
    }
    StudyAudit::audit(result, threshold, row);
    row.seconds = result.seconds;
    const fs::path folder = out / "studies" / row.key;
    fs::create_directories(folder);
    const QImage thumbnail = StudyAudit::thumbnail(input.image, result, row);
    if (!thumbnail.isNull() && thumbnail.save(QString::fromStdString((folder / "regions.png").string()), "PNG"))
        row.overlay = "studies/" + row.key + "/regions.png";
    // analysis.json last: its presence is what marks the study done for a resumed run.
    AtomicFile::writeOrThrow(
        QString::fromStdString((folder / "analysis.json").string()), AnalysisJson::toJson(result, -1) + "\n");
    row.analysis = "studies/" + row.key + "/analysis.json";
    row.status = "analyzed";
}

/// "[12/300] study-... 1.4 s/study, about 7 min left" on stderr.
class Progress {
public:
    explicit Progress(std::size_t total)
        : m_total(total)
        , m_start(std::chrono::steady_clock::now())
    {
    }

    void report(std::size_t done, const Row& row, bool analyzed)
    {
        m_analyzed += analyzed;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        const double perStudy = m_analyzed > 0 ? elapsed / double(m_analyzed) : 0.0;
        std::cerr << "lrclr audit: [" << done << '/' << m_total << "] " << row.key << ' ' << row.status;
        if (m_analyzed > 0)
            std::cerr << ", " << std::fixed << std::setprecision(2) << perStudy << " s/study, about "
                      << std::setprecision(0) << perStudy * double(m_total - done) << " s left";
        std::cerr << '\n';
    }

private:
    std::size_t m_total;
    std::size_t m_analyzed = 0;
    std::chrono::steady_clock::time_point m_start;
};

/// Every study in order, the next one decoded on a worker while the model analyses the current one.
void auditStudies(LrclrModel& model, std::vector<AuditStudy>& studies, const fs::path& out, double threshold)
{
    Progress progress(studies.size());
    std::future<StudyInput> next;
    const auto prefetch = [&](std::size_t index) {
        for (; index < studies.size(); ++index) {
            if (!fs::exists(out / "studies" / studies[index].row.key / "analysis.json")) {
                next = std::async(std::launch::async, readStudy, studies[index]);
                return;
            }
        }
    };
    prefetch(0);
    for (std::size_t i = 0; i < studies.size(); ++i) {
        Row& row = studies[i].row;
        if (resume(out, threshold, row)) {
            progress.report(i + 1, row, false);
            continue;
        }
        const StudyInput input = next.valid() ? next.get() : readStudy(studies[i]);
        prefetch(i + 1);
        try {
            if (!input.error.empty())
                throw std::runtime_error(input.error);
            analyzeStudy(model, input, out, threshold, row);
        } catch (const std::exception& error) {
            row.status = "failed";
            row.error = error.what();
        }
        progress.report(i + 1, row, row.status == "analyzed");
    }
}

} // namespace

AuditCommand::AuditCommand()
    : Command("audit", std::string(modelCommandSummary("audit")))
{
}

int AuditCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr audit --model DIR --folder DIR --out DIR [options]");
    std::string device;
    options.add()("model", po::value<std::string>(), "model directory")(
        "folder", po::value<std::string>(), "folder of studies (DICOM or PNG/JPEG images with their reports)")(
        "manifest", po::value<std::string>(), "dataset manifest (JSON Lines) instead of --folder")("out",
        po::value<std::string>(), "audit folder (created; an earlier audit there is resumed)")("region-threshold",
        po::value<double>()->default_value(AlignmentAudit::defaultThreshold),
        "cross-attention weight for a region to support a sentence (as the viewer)");
    options.addDevice(device);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("model") || !options.has("out") || options.has("folder") == options.has("manifest"))
        return options.usageError("needs --model, --out and one of --folder or --manifest");
    const double threshold = options.value<double>("region-threshold");
    if (!(threshold >= 0.0 && threshold <= 1.0))
        return options.usageError("--region-threshold is a weight from 0 to 1");

    const std::string source = options.valueOr("folder", options.valueOr("manifest", ""));
    try {
        std::string error;
        std::vector<AuditStudy> studies
            = options.has("folder") ? studiesInFolder(source, error) : studiesInManifest(source);
        if (!error.empty())
            return options.error(error, 1);
        if (studies.empty())
            return options.error("no studies with an image in " + source, 1);
        RasterImageReader::loadPlugins(); // before the decoding thread starts
        const fs::path out(options.value<std::string>("out"));
        fs::create_directories(out / "studies");
        LrclrModel::Options modelOptions;
        modelOptions.device = ModelDevice::fromName(device);
        const auto model = LrclrModel::load(options.value<std::string>("model"), modelOptions);
        auditStudies(*model, studies, out, threshold);
        std::vector<Row> rows;
        for (const AuditStudy& study : studies)
            rows.push_back(study.row);
        AuditReportWriter::Summary summary;
        summary.title = source;
        summary.model = model->identity().name + " (" + model->identity().sha256.substr(0, 12) + ")";
        summary.regionThreshold = threshold;
        AuditReportWriter::writeCsv(rows, (out / "audit.csv").string());
        AuditReportWriter::writeHtml(rows, summary, (out / "audit.html").string());
        const auto failed
            = std::count_if(rows.begin(), rows.end(), [](const Row& row) { return row.status == "failed"; });
        std::cout << "lrclr audit: " << rows.size() << " studies (" << failed << " failed); wrote "
                  << (out / "audit.html").string() << " and audit.csv\n";
        return 0;
    } catch (const std::exception& exception) {
        return options.error(exception.what(), 1);
    }
}

} // namespace lrclr::cli
