#include "training/SynthesisJob.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include "training/DatasetManifest.h"
#include "training/DeterministicRandom.h"
#include "training/ExternalPhantomGenerator.h"
#include "training/PhantomImageWriter.h"

namespace lrclr {

namespace {

QJsonArray boxArray(const std::vector<PhantomCase::Box>& boxes)
{
    QJsonArray array;
    for (const auto& box : boxes)
        array.append(QJsonArray { box.x, box.y, box.width, box.height });
    return array;
}

QJsonObject labelObject(const std::map<std::string, int>& labels)
{
    QJsonObject object;
    for (const auto& [name, value] : labels)
        object.insert(QString::fromStdString(name), value);
    return object;
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream output(path, std::ios::binary | std::ios::trunc);
    output << text;
    output.flush();
    if (!output)
        throw std::runtime_error(path + ": cannot write");
}

} // namespace

SynthesisJob::SynthesisJob(Options options)
    : m_options(std::move(options))
{
    if (m_options.count < 0 || m_options.count > 10'000'000)
        throw std::invalid_argument("count must be 0..10000000");
    if (m_options.writeFiles && m_options.outputDirectory.empty())
        throw std::invalid_argument("an output folder is required");
}

std::string SynthesisJob::baseName(int index)
{
    char name[32];
    std::snprintf(name, sizeof name, "phantom-%06d", index);
    return name;
}

std::string SynthesisJob::splitFor(std::uint64_t seed, int index)
{
    const std::uint64_t bucket
        = DeterministicRandom::derivedSeed(seed ^ 0x73706C6974ULL, static_cast<std::uint64_t>(index)) % 10;
    return bucket < 8 ? "train" : (bucket == 8 ? "validate" : "test");
}

std::string SynthesisJob::styleName(Style style)
{
    return style == Style::External ? "external" : "training";
}

SynthesisJob::Style SynthesisJob::parseStyle(const std::string& name)
{
    if (name == "training")
        return Style::Training;
    if (name == "external")
        return Style::External;
    throw std::invalid_argument("style must be 'training' or 'external', not '" + name + "'");
}

std::string SynthesisJob::groundTruthJson(const PhantomCase& phantom, Style style)
{
    QJsonObject root;
    root.insert(QStringLiteral("generator"),
        style == Style::External ? QStringLiteral("lrclr synth --style external (external phantom model 1)")
                                 : QStringLiteral("lrclr synth (phantom model 1)"));
    root.insert(QStringLiteral("style"), QString::fromStdString(styleName(style)));
    if (style == Style::External)
        root.insert(QStringLiteral("purpose"), QStringLiteral("external validation only: never train on this set"));
    root.insert(QStringLiteral("note"), QStringLiteral("Synthetic phantom. Not a patient. Not for clinical use."));
    root.insert(QStringLiteral("seed"), QString::number(phantom.seed)); // a string: 64 bits do not fit a double
    root.insert(QStringLiteral("index"), phantom.index);
    root.insert(QStringLiteral("width"), phantom.width);
    root.insert(QStringLiteral("height"), phantom.height);
    root.insert(QStringLiteral("pixel_spacing_mm"), phantom.pixelSpacingMm);
    root.insert(QStringLiteral("bits_stored"), phantom.bitsStored);
    root.insert(QStringLiteral("photometric_interpretation"),
        phantom.monochrome1 ? QStringLiteral("MONOCHROME1") : QStringLiteral("MONOCHROME2"));
    root.insert(QStringLiteral("window_center"), phantom.windowCenter);
    root.insert(QStringLiteral("window_width"), phantom.windowWidth);
    root.insert(QStringLiteral("sex"), QString::fromStdString(phantom.sex));
    root.insert(QStringLiteral("age"), phantom.age);
    QJsonArray findings;
    for (const auto& finding : phantom.findings) {
        findings.append(QJsonObject { { QStringLiteral("kind"), QString::fromStdString(finding.kind) },
            { QStringLiteral("side"), QString::fromStdString(finding.side) },
            { QStringLiteral("location"), QString::fromStdString(finding.location) },
            { QStringLiteral("size"), QString::fromStdString(finding.size) },
            { QStringLiteral("subtle"), finding.subtle }, { QStringLiteral("boxes"), boxArray(finding.boxes) } });
    }
    root.insert(QStringLiteral("findings"), findings);
    QJsonArray sentences;
    for (const auto& sentence : phantom.sentences) {
        sentences.append(QJsonObject { { QStringLiteral("text"), QString::fromStdString(sentence.text) },
            { QStringLiteral("section"), QString::fromStdString(sentence.section) },
            { QStringLiteral("begin"), static_cast<qint64>(sentence.begin) },
            { QStringLiteral("end"), static_cast<qint64>(sentence.end) },
            { QStringLiteral("boxes"), boxArray(sentence.boxes) },
            { QStringLiteral("labels"), labelObject(sentence.labels) } });
    }
    root.insert(QStringLiteral("sentences"), sentences);
    root.insert(QStringLiteral("labels"), labelObject(phantom.labels));
    root.insert(QStringLiteral("report"), QString::fromStdString(phantom.report));
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

ManifestEntry SynthesisJob::manifestEntry(const PhantomCase& phantom, Format format, Style style)
{
    ManifestEntry entry;
    const std::string name = baseName(phantom.index);
    entry.image = "images/" + name + (format == Format::Dicom ? ".dcm" : ".png");
    entry.report = "reports/" + name + ".txt";
    entry.labels = phantom.labels;
    const bool external = style == Style::External;
    entry.split = external ? "test" : splitFor(phantom.seed, phantom.index);
    entry.subjectId
        = (external ? "EXTERNAL-" : "PHANTOM-") + std::to_string(phantom.seed) + "-" + std::to_string(phantom.index);
    entry.studyId = name;
    entry.view = "PA";
    entry.width = phantom.width;
    entry.height = phantom.height;
    for (const auto& sentence : phantom.sentences)
        entry.sentences.push_back({ sentence.text, sentence.boxes });
    return entry;
}

SynthesisJob::Summary SynthesisJob::run(const Progress& progress, const std::atomic<bool>* cancel) const
{
    namespace fs = std::filesystem;
    const auto started = std::chrono::steady_clock::now();
    const bool external = m_options.style == Style::External;
    const PhantomGenerator generator(m_options.generator);
    ExternalPhantomGenerator::Options externalOptions;
    externalOptions.normalFraction = m_options.generator.normalFraction;
    externalOptions.subtleFraction = m_options.generator.subtleFraction;
    externalOptions.deviceFraction = m_options.generator.deviceFraction;
    externalOptions.findings = m_options.generator.findings;
    const ExternalPhantomGenerator externalGenerator(externalOptions);
    const fs::path root(m_options.outputDirectory);
    if (m_options.writeFiles) {
        for (const char* folder : { "images", "reports", "ground-truth" }) {
            std::error_code error;
            fs::create_directories(root / folder, error);
            if (error)
                throw std::runtime_error((root / folder).string() + ": cannot create (" + error.message() + ")");
        }
    }

    std::vector<int> indices(static_cast<std::size_t>(m_options.count));
    for (int i = 0; i < m_options.count; ++i)
        indices[static_cast<std::size_t>(i)] = i;
    std::vector<ManifestEntry> entries(indices.size());
    std::vector<char> done(indices.size(), 0);
    std::mutex progressMutex;
    int finished = 0;
    std::string firstError;

    QThreadPool pool;
    pool.setMaxThreadCount(
        m_options.threads > 0 ? m_options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
    QtConcurrent::blockingMap(&pool, indices, [&](const int index) {
        if (cancel && cancel->load())
            return;
        {
            std::lock_guard lock(progressMutex);
            if (!firstError.empty())
                return;
        }
        try {
            const PhantomCase phantom = external ? externalGenerator.generate(m_options.seed, index)
                                                 : generator.generate(m_options.seed, index);
            if (m_options.writeFiles) {
                const std::string name = baseName(index);
                if (m_options.format == Format::Dicom)
                    PhantomImageWriter::writeDicom(phantom, (root / "images" / (name + ".dcm")).string());
                else
                    PhantomImageWriter::writePng(phantom, (root / "images" / (name + ".png")).string());
                writeText((root / "reports" / (name + ".txt")).string(), phantom.report);
                writeText(
                    (root / "ground-truth" / (name + ".json")).string(), groundTruthJson(phantom, m_options.style));
            }
            entries[static_cast<std::size_t>(index)] = manifestEntry(phantom, m_options.format, m_options.style);
            done[static_cast<std::size_t>(index)] = 1;
            std::lock_guard lock(progressMutex);
            ++finished;
            if (progress)
                progress(finished, m_options.count);
        } catch (const std::exception& error) {
            std::lock_guard lock(progressMutex);
            if (firstError.empty())
                firstError = error.what();
        }
    });
    if (!firstError.empty())
        throw std::runtime_error(firstError);

    Summary summary;
    summary.generated = finished;
    summary.cancelled = cancel && cancel->load();
    if (m_options.writeFiles) {
        DatasetManifest manifest;
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (done[i])
                manifest.add(std::move(entries[i]));
        summary.manifestPath = (root / "manifest.jsonl").string();
        manifest.save(summary.manifestPath);
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

} // namespace lrclr
