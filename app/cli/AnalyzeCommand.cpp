#include "app/cli/AnalyzeCommand.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include <QBuffer>
#include <QImage>
#include <QString>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelDevice.h"
#include "app/cli/ModelInput.h"
#include "app/support/SoftwareInventory.h"
#include "core/common/AtomicFile.h"
#include "core/model/AnalysisJson.h"
#include "core/model/LrclrModel.h"
#include "core/model/NpyArray.h"
#include "core/model/PatchMapResampler.h"
#include "core/results/OverlaySnapshotRenderer.h"
#include "core/results/ParametricMapWriter.h"
#include "core/results/ReviewDecisionsFile.h"
#include "core/results/SecondaryCaptureWriter.h"
#include "core/results/StructuredReportWriter.h"
#include "imaging/StudyReader.h"

namespace lrclr::cli {

namespace {

namespace fs = std::filesystem;

std::string slug(const std::string& text)
{
    std::string result;
    for (unsigned char c : text) {
        if (std::isalnum(c))
            result += static_cast<char>(std::tolower(c));
        else if (!result.empty() && result.back() != '-')
            result += '-';
    }
    while (!result.empty() && result.back() == '-')
        result.pop_back();
    return result.substr(0, 40);
}

// What `lrclr analyze` writes beside analysis.json for each map.
struct HeatmapOutput {
    int longestSide = 1024; ///< of the PNG, keeping the aspect ratio; 0 = the original size
    bool floatMaps = false; ///< also a float32 .npy at the original size
};

// Writes `map` as <stem>.png (8-bit: `scale`'s low..high when given, the model's shared overlay scale, so that grey
// levels mean the same cosine in every similarity map; else the map's min..max stretched; black outside the field of
// view) at output.longestSide at most, and with output.floatMaps <stem>.npy (float32 [H, W] at the original size, raw
// values, NaN outside the model's field of view); returns the file names relative to the output folder.
AnalysisJson::HeatmapFiles writeHeatmap(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry,
    const fs::path& folder, const std::string& stem, const HeatmapOutput& output,
    const std::optional<AnalysisResult::SimilarityScale>& scale = std::nullopt)
{
    AnalysisJson::HeatmapFiles files;
    if (output.floatMaps) {
        const auto pixels = PatchMapResampler::toPixels(map, geometry, geometry.originalWidth, geometry.originalHeight);
        AtomicFile::writeOrThrow(QString::fromStdString((folder / (stem + ".npy")).string()),
            NpyArray({ geometry.originalHeight, geometry.originalWidth }, pixels).toBytes());
        files.npy = stem + ".npy";
    }
    const auto [width, height] = output.longestSide > 0 ? PatchMapResampler::displaySize(geometry, output.longestSide)
                                                        : std::pair { geometry.originalWidth, geometry.originalHeight };
    const auto pixels = PatchMapResampler::toPixels(map, geometry, width, height);
    const auto [lowest, highest] = std::minmax_element(map.values.begin(), map.values.end());
    const float low = scale ? scale->low : *lowest;
    const float range = std::max((scale ? scale->high : *highest) - low, 1e-12f);
    QImage image(width, height, QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y) {
        auto* line = image.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const float value = (pixels[static_cast<std::size_t>(y) * width + x] - low) / range;
            line[x] = std::isnan(value) ? 0 : static_cast<uchar>(std::clamp(value, 0.0f, 1.0f) * 255.0f + 0.5f);
        }
    }
    QByteArray encoded;
    QBuffer buffer(&encoded);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw std::runtime_error((folder / (stem + ".png")).string() + ": cannot encode the heatmap");
    AtomicFile::writeOrThrow(QString::fromStdString((folder / (stem + ".png")).string()), encoded.toStdString());
    files.png = stem + ".png";
    return files;
}

// Whether `name` is one of the files `lrclr analyze` writes into its output folder (analysis.json and the heatmaps
// sentence-NN-... and finding-NN-..., .png or .npy).
bool isOwnOutput(const std::string& name)
{
    if (name == "analysis.json")
        return true;
    const bool heatmapName
        = (name.rfind("sentence-", 0) == 0 && name.size() > 11 && std::isdigit(static_cast<unsigned char>(name[9]))
              && std::isdigit(static_cast<unsigned char>(name[10])))
        || (name.rfind("finding-", 0) == 0 && name.size() > 10 && std::isdigit(static_cast<unsigned char>(name[8]))
            && std::isdigit(static_cast<unsigned char>(name[9])));
    const auto extension = fs::path(name).extension();
    return heatmapName && (extension == ".png" || extension == ".npy");
}

// Prepares `folder` for a new analysis: creates it, and removes what an earlier analysis wrote there (its own file
// names only; anything else in the folder is left alone), so that no heatmap of another study stays beside the new
// analysis.json.
void prepareOutputFolder(const fs::path& folder)
{
    fs::create_directories(folder);
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.is_regular_file() && isOwnOutput(entry.path().filename().string()))
            fs::remove(entry.path());
    }
}

// The source of `lrclr analyze --dicom`: the image must be DICOM, so that the results can join its study.
DicomResultSource readDicomSource(const std::string& imagePath)
{
    QString error;
    const auto image = StudyReader::readImage(QString::fromStdString(imagePath), &error);
    if (!image)
        throw std::runtime_error(error.toStdString());
    const auto source = DicomResultSource::fromImage(*image);
    if (image->transferSyntaxUid.empty() || !source.isDicom())
        throw std::runtime_error("--dicom needs a DICOM image, so that the results join its study; " + imagePath
            + (image->transferSyntaxUid.empty() ? std::string(" is not DICOM")
                                                : " lacks " + source.missingAttributes()));
    return source;
}

// Writes the SR, the overlay Secondary Capture and (unless `withHeatmaps` is false) the Parametric Map into `folder`.
void writeDicomResults(const AnalysisResult& result, const GrayscaleImage& image, const DicomResultSource& source,
    const fs::path& folder, bool withHeatmaps, const std::string& reviewPath)
{
    fs::create_directories(folder);
    DicomSeriesOptions series;
    series.softwareVersion = SoftwareInventory::applicationVersion();
    StructuredReportWriter::Options report;
    report.series = series;
    if (!reviewPath.empty())
        report.decisions = ReviewDecisionsFile::read(reviewPath, result);
    const auto sr = StructuredReportWriter::write(result, source, (folder / "lrclr-report-sr.dcm").string(), report);
    const auto overlay = OverlaySnapshotRenderer::render(image, result, report.regionWeightThreshold);
    const auto sc = SecondaryCaptureWriter::write(overlay, source, (folder / "lrclr-overlay-sc.dcm").string(), series);
    std::string written = sr.path + " and " + sc.path;
    if (withHeatmaps)
        written += " and "
            + ParametricMapWriter::write(result, source, (folder / "lrclr-heatmaps-pm.dcm").string(), series).path;
    std::cerr << "lrclr analyze: wrote " << written << " (study " << source.identity.studyInstanceUid << ")\n";
}

} // namespace

AnalyzeCommand::AnalyzeCommand()
    : Command("analyze", std::string(modelCommandSummary("analyze")))
{
}

int AnalyzeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr analyze --model DIR IMAGE [--report FILE] [--text T]... --out DIR");
    std::string device;
    options.add()("model", po::value<std::string>(), "model directory")(
        "image", po::value<std::string>(), "image file (DICOM, PNG, JPEG, ...)")(
        "report", po::value<std::string>(), "plain-text report; each sentence is grounded")(
        "text", po::value<std::vector<std::string>>(), "extra sentence to ground (repeatable)")("out",
        po::value<std::string>(), "output folder (created): analysis.json (maps on the patch grid) and heatmap PNGs")(
        "no-heatmaps", "write only analysis.json (and, with --dicom, no Parametric Map)")("heatmap-size",
        po::value<int>()->default_value(1024),
        "longest side of the heatmap PNGs in pixels, keeping the aspect ratio (0: the image's own size)")("float-maps",
        "also write each heatmap as float32 .npy at the image's own size (large: 36 MB per map at 3000^2)")("dicom",
        po::value<std::string>(),
        "also write the results as DICOM into this folder (SR, overlay Secondary Capture, heatmap Parametric Map), "
        "a new series each in the source study; needs a DICOM image")("review", po::value<std::string>(),
        "with --dicom: the viewer's review decisions (File > Export Review Decisions) to put in the SR");
    options.addDevice(device);
    options.add()("quiet,q", "do not print the JSON");
    options.addPositional("image");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    const auto& values = options.values();
    if (!values.count("model") || !values.count("image") || !values.count("out"))
        return options.usageError("needs --model, an IMAGE and --out");
    if (values.count("review") && !values.count("dicom"))
        return options.usageError("--review goes with --dicom");
    HeatmapOutput heatmapOutput;
    heatmapOutput.longestSide = values["heatmap-size"].as<int>();
    heatmapOutput.floatMaps = values.count("float-maps") > 0;
    if (heatmapOutput.longestSide < 0 || heatmapOutput.longestSide > PatchMapResampler::maximumSide)
        return options.usageError("--heatmap-size must be 0.." + std::to_string(PatchMapResampler::maximumSide));
    LrclrModel::Options modelOptions;
    modelOptions.device = ModelDevice::fromName(device);
    try {
        std::optional<DicomResultSource> dicomSource;
        if (values.count("dicom"))
            dicomSource = readDicomSource(values["image"].as<std::string>());
        const auto image = ModelInput::readImage(values["image"].as<std::string>());
        std::vector<ModelInput::Sentence> sentences;
        if (values.count("report"))
            sentences = ModelInput::readReport(values["report"].as<std::string>());
        if (values.count("text")) {
            for (const auto& text : values["text"].as<std::vector<std::string>>())
                sentences.push_back({ text, 0, 0 });
        }
        std::vector<std::string> texts;
        for (const auto& sentence : sentences)
            texts.push_back(sentence.text);

        const auto model = LrclrModel::load(values["model"].as<std::string>(), modelOptions);
        auto result = model->analyze(image, texts);
        for (std::size_t i = 0; i < sentences.size(); ++i) {
            result.sentences[i].begin = sentences[i].begin;
            result.sentences[i].end = sentences[i].end;
        }

        const fs::path folder(values["out"].as<std::string>());
        prepareOutputFolder(folder);
        AnalysisJson::Attachments attachments;
        if (!values.count("no-heatmaps")) {
            for (std::size_t i = 0; i < result.sentences.size(); ++i) {
                std::ostringstream stem;
                stem << "sentence-" << std::setw(2) << std::setfill('0') << i + 1;
                attachments.sentenceSimilarity.push_back(writeHeatmap(result.sentences[i].similarityMap,
                    result.geometry, folder, stem.str() + "-similarity", heatmapOutput, result.similarityScale));
                attachments.sentenceAttention.push_back(writeHeatmap(result.sentences[i].attentionMap, result.geometry,
                    folder, stem.str() + "-attention", heatmapOutput));
            }
            for (std::size_t i = 0; i < result.findings.size(); ++i) {
                std::ostringstream stem;
                stem << "finding-" << std::setw(2) << std::setfill('0') << i + 1 << '-'
                     << slug(result.findings[i].name);
                attachments.findingMaps.push_back(writeHeatmap(result.findings[i].map, result.geometry, folder,
                    stem.str(), heatmapOutput, result.similarityScale));
            }
        }
        const auto json = AnalysisJson::toJson(result, attachments);
        const auto jsonPath = folder / "analysis.json";
        AtomicFile::writeOrThrow(QString::fromStdString(jsonPath.string()), json + '\n');
        if (dicomSource)
            writeDicomResults(result, image, *dicomSource, values["dicom"].as<std::string>(),
                !values.count("no-heatmaps"), values.count("review") ? values["review"].as<std::string>() : "");
        if (!values.count("quiet"))
            std::cout << json << '\n';
        std::cerr << "lrclr analyze: " << result.findings.size() << " findings, " << result.regions.size()
                  << " regions, " << result.sentences.size() << " sentences in " << std::fixed << std::setprecision(2)
                  << result.seconds << " s on " << result.model.device << "; wrote " << jsonPath.string() << '\n';
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr analyze: " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
