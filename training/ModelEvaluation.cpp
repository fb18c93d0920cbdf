#include "training/ModelEvaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include <QString>

#include "core/model/PatchMapResampler.h"
#include "imaging/ModelInputReader.h"
#include "imaging/RasterImageReader.h"
#include "training/Observations.h"

namespace lrclr {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// DICOM Part 10 files carry "DICM" after a 128-byte preamble; files without it are read as DICOM by extension.

std::vector<float> normalized(std::vector<float> vector)
{
    double norm = 0.0;
    for (const float value : vector)
        norm += static_cast<double>(value) * value;
    norm = std::sqrt(norm);
    if (norm > 0.0)
        for (float& value : vector)
            value = static_cast<float>(value / norm);
    return vector;
}

// The report the retrieval task matches against: the manifest's sentences as one text, else the report itself.
std::string reportFor(const DatasetManifest& manifest, const ManifestEntry& entry)
{
    std::string text;
    for (const auto& sentence : entry.sentences) {
        if (!text.empty())
            text += ' ';
        text += sentence.text;
    }
    return text.empty() ? manifest.reportText(entry) : text;
}

std::string describe(const std::string& manifestName, std::size_t row, const ManifestEntry& entry)
{
    std::string text = manifestName + " entry " + std::to_string(row) + " (";
    if (!entry.studyId.empty())
        text += "study " + entry.studyId + ", ";
    return text + (entry.image.empty() ? "no image" : entry.image) + ")";
}

// A study's output before its sentences are grounded: the image size and every finding's scores.
Evaluator::StudyOutput findingOutput(
    const AnalysisResult& result, const GrayscaleImage& image, const ManifestEntry& entry, bool attentionGrounding)
{
    Evaluator::StudyOutput output;
    output.width = image.width;
    output.height = image.height;
    for (const auto& finding : result.findings) {
        output.findingScores[finding.name]
            = { finding.globalProbability, finding.localProbability, finding.combinedProbability };
        output.findingProbabilities[finding.name] = { finding.probability, finding.calibrated };
    }
    output.sentenceHeatmaps.resize(entry.sentences.size());
    output.sentenceGrounding.resize(entry.sentences.size());
    if (attentionGrounding)
        output.attentionGrounding.resize(entry.sentences.size());
    return output;
}

// [n, n] image x report cosine similarity of the kept studies (the embeddings are normalised).
std::vector<double> similarityMatrix(const std::vector<std::vector<float>>& imageEmbeddings,
    const std::vector<std::vector<float>>& reportEmbeddings, const std::vector<std::size_t>& kept)
{
    const int n = static_cast<int>(kept.size());
    std::vector<double> similarity(static_cast<std::size_t>(n) * n);
    for (int a = 0; a < n; ++a) {
        const auto& image = imageEmbeddings[kept[static_cast<std::size_t>(a)]];
        for (int b = 0; b < n; ++b) {
            const auto& report = reportEmbeddings[kept[static_cast<std::size_t>(b)]];
            double dot = 0.0;
            for (std::size_t e = 0; e < image.size() && e < report.size(); ++e)
                dot += static_cast<double>(image[e]) * report[e];
            similarity[static_cast<std::size_t>(a) * n + b] = dot;
        }
    }
    return similarity;
}

void reportProgress(const ModelEvaluation::ProgressCallback& progress, std::size_t done, std::size_t total,
    std::chrono::steady_clock::time_point start)
{
    if (!progress)
        return;
    ModelEvaluation::Progress report;
    report.done = static_cast<int>(done);
    report.total = static_cast<int>(total);
    const double elapsed = secondsSince(start);
    report.imagesPerSecond = elapsed > 0 ? report.done / elapsed : 0.0;
    report.secondsLeft = report.imagesPerSecond > 0 ? (report.total - report.done) / report.imagesPerSecond : 0.0;
    progress(report);
}

} // namespace

ModelEvaluation::ModelEvaluation(Options options)
    : m_options(std::move(options))
{
}

void ModelEvaluation::loadManifest(const std::string& path)
{
    m_skipped.clear();
    const auto manifest = m_options.skipBad ? DatasetManifest::load(path, m_skipped) : DatasetManifest::load(path);
    m_manifestName = path;
    selectStudies(manifest);
}

void ModelEvaluation::setManifest(const DatasetManifest& manifest, const std::string& name)
{
    m_skipped.clear();
    m_manifestName = name;
    selectStudies(manifest);
}

void ModelEvaluation::selectStudies(const DatasetManifest& manifest)
{
    m_studies = DatasetManifest();
    m_studies.setBaseDirectory(manifest.baseDirectory());
    m_rows.clear();
    std::map<std::string, int> splits;
    const auto& entries = manifest.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        ++splits[entries[i].split.empty() ? "unassigned" : entries[i].split];
        if (m_options.split != "all" && entries[i].split != m_options.split)
            continue;
        if (m_options.limit > 0 && static_cast<int>(m_rows.size()) >= m_options.limit)
            continue;
        m_studies.add(entries[i]);
        m_rows.push_back(i + 1);
    }
    if (m_rows.empty()) {
        std::string counts;
        for (const auto& [name, count] : splits)
            counts += (counts.empty() ? "" : ", ") + name + ": " + std::to_string(count);
        throw ManifestError(m_manifestName + ": no studies in split \"" + m_options.split + "\" ("
            + (counts.empty() ? "the manifest is empty" : counts) + "); choose another split, or \"all\"");
    }
}

GrayscaleImage ModelEvaluation::readImage(const std::string& path)
{
    return ModelInputReader::read(path);
}

// One model being evaluated and what it has produced so far.
struct ModelEvaluation::LoadedModel {
    std::unique_ptr<LrclrModel> model;
    std::string name;
    std::string directory;
    std::vector<Evaluator::StudyOutput> outputs;
    std::vector<std::vector<float>> imageEmbeddings;
    std::vector<std::vector<float>> reportEmbeddings;
    int exampleStudies = 0; ///< studies whose image and heatmap are kept for the report
    double seconds = 0.0; ///< time spent on this model's studies, image reading included
};

// The next study's image is read on a worker thread while the models analyse the current one (decoding a large
// DICOM costs about as much as a forward pass); at most two images are in memory.
struct ModelEvaluation::StudyInput {
    GrayscaleImage image;
    std::string report;
};

// What the pass over the studies leaves besides the models' outputs.
struct ModelEvaluation::StudyPass {
    std::vector<bool> evaluated; ///< per study: every model finished it
    std::vector<std::string> skipped;
    bool withReports = true;
    bool cancelled = false;
};

EvaluationResults ModelEvaluation::run(const std::vector<Model>& models, const ProgressCallback& progress,
    const StudyCallback& studyCallback, const std::atomic<bool>* cancel)
{
    if (models.empty())
        throw std::invalid_argument("ModelEvaluation::run: no model given");
    if (m_rows.empty())
        throw std::logic_error("ModelEvaluation::run: no manifest loaded");
    auto loaded = loadModels(models);
    const auto pass = analyzeStudies(loaded, progress, studyCallback, cancel);
    return collectResults(loaded, pass);
}

std::vector<ModelEvaluation::LoadedModel> ModelEvaluation::loadModels(const std::vector<Model>& models)
{
    const std::size_t count = m_studies.entries().size();
    std::vector<LoadedModel> loaded;
    m_runNames.clear();
    for (const auto& model : models) {
        LoadedModel item;
        item.model = LrclrModel::load(model.directory, m_options.model);
        item.directory = model.directory;
        item.name = model.name.empty() ? item.model->identity().name : model.name;
        // Two runs with one name could not be told apart side by side.
        for (int suffix = 2; std::any_of(
                 loaded.begin(), loaded.end(), [&](const LoadedModel& other) { return other.name == item.name; });
             ++suffix)
            item.name
                = (model.name.empty() ? item.model->identity().name : model.name) + " (" + std::to_string(suffix) + ")";
        m_runNames.push_back(item.name);
        item.outputs.resize(count);
        item.imageEmbeddings.resize(count);
        item.reportEmbeddings.resize(count);
        loaded.push_back(std::move(item));
    }
    return loaded;
}

ModelEvaluation::StudyInput ModelEvaluation::readStudy(std::size_t index) const
{
    const auto& entry = m_studies.entries()[index];
    StudyInput input;
    input.image = readImage(m_studies.resolve(entry.image));
    if (entry.width > 0 && entry.height > 0 && (entry.width != input.image.width || entry.height != input.image.height))
        throw std::runtime_error("the image is " + std::to_string(input.image.width) + " x "
            + std::to_string(input.image.height) + " pixels but the manifest says " + std::to_string(entry.width)
            + " x " + std::to_string(entry.height) + " (its boxes would not fit)");
    // The report text is only embedded for retrieval; grounding takes the manifest's sentences.
    if (!m_options.findingsOnly && m_options.retrieval)
        input.report = reportFor(m_studies, entry);
    return input;
}

// Only sentences with boxes are grounded: the others take no part in any metric, and LRCLR grounds each sentence
// independently of the others. Returns their indices; `texts` receives their texts.
std::vector<std::size_t> ModelEvaluation::groundedSentences(
    const ManifestEntry& entry, std::vector<std::string>& texts) const
{
    std::vector<std::size_t> grounded;
    for (std::size_t s = 0; s < entry.sentences.size() && !m_options.findingsOnly; ++s) {
        if (!entry.sentences[s].boxes.empty()) {
            grounded.push_back(s);
            texts.push_back(entry.sentences[s].text);
        }
    }
    return grounded;
}

ModelEvaluation::StudyPass ModelEvaluation::analyzeStudies(std::vector<LoadedModel>& loaded,
    const ProgressCallback& progress, const StudyCallback& studyCallback, const std::atomic<bool>* cancel)
{
    const auto& entries = m_studies.entries();
    const std::size_t count = entries.size();
    StudyPass pass;
    pass.evaluated.assign(count, false);
    pass.skipped = m_skipped;
    const bool findingsOnly = m_options.findingsOnly;
    const auto read = [this](std::size_t index) { return readStudy(index); };
    RasterImageReader::loadPlugins(); // before images are read on std::async threads
    std::future<StudyInput> next = std::async(std::launch::async, read, std::size_t(0));
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        if (cancel && cancel->load()) {
            pass.cancelled = true;
            break;
        }
        const auto& entry = entries[i];
        try {
            const auto waitStart = Clock::now();
            std::future<StudyInput> current = std::move(next);
            if (i + 1 < count)
                next = std::async(std::launch::async, read, i + 1);
            const StudyInput input = current.get();
            const GrayscaleImage& image = input.image;
            const std::string& report = input.report;
            pass.withReports = pass.withReports && !report.empty();
            const double readSeconds = secondsSince(waitStart);
            std::vector<std::string> texts;
            const auto grounded = groundedSentences(entry, texts);
            for (std::size_t m = 0; m < loaded.size(); ++m) {
                auto& item = loaded[m];
                const auto modelStart = Clock::now();
                const auto result = item.model->analyze(image, texts);
                auto output = findingOutput(result, image, entry, m_options.attentionGrounding);
                for (std::size_t k = 0; k < grounded.size(); ++k) {
                    const std::size_t s = grounded[k];
                    const auto& boxes = entry.sentences[s].boxes;
                    const auto& sentence = result.sentences[k];
                    auto heatmap = PatchMapResampler::toPixels(
                        sentence.similarityMap, result.geometry, image.width, image.height);
                    output.sentenceGrounding[s] = Evaluator::groundSentence(heatmap, image.width, image.height, boxes);
                    output.sentenceHeatmaps[s] = std::move(heatmap);
                    if (m_options.attentionGrounding)
                        output.attentionGrounding[s]
                            = Evaluator::groundSentence(PatchMapResampler::toPixels(sentence.attentionMap,
                                                            result.geometry, image.width, image.height),
                                image.width, image.height, boxes);
                }
                if (!findingsOnly && m_options.retrieval) {
                    // The analysis's own global embedding: no second pass through the vision tower.
                    item.imageEmbeddings[i] = result.imageEmbedding;
                    item.reportEmbeddings[i] = normalized(item.model->encodeTexts({ report }).front().embedding);
                }
                item.seconds += secondsSince(modelStart) + readSeconds;
                if (studyCallback) {
                    output.image = image;
                    studyCallback(m, i, output);
                }
                keepExampleOnly(item, output, grounded, image);
                item.outputs[i] = std::move(output);
            }
            pass.evaluated[i] = true;
        } catch (const std::exception& error) {
            const std::string message = describe(m_manifestName, m_rows[i], entry) + ": " + error.what();
            if (!m_options.skipBad)
                throw std::runtime_error(message);
            pass.skipped.push_back(message);
            for (auto& item : loaded)
                item.outputs[i] = Evaluator::StudyOutput();
        }
        reportProgress(progress, i + 1, count, start);
    }
    return pass;
}

// Keeps the image and the first grounded sentence's heatmap of the first studies for the example overlays
// (Evaluator shows one sentence per study) and drops the rest: every metric is already in sentenceGrounding.
void ModelEvaluation::keepExampleOnly(LoadedModel& item, Evaluator::StudyOutput& output,
    const std::vector<std::size_t>& grounded, const GrayscaleImage& image) const
{
    const bool example = !grounded.empty() && item.exampleStudies < m_options.evaluator.examples;
    std::vector<float> kept;
    if (example) {
        ++item.exampleStudies;
        output.image = image;
        kept = std::move(output.sentenceHeatmaps[grounded.front()]);
    } else {
        output.image = GrayscaleImage();
    }
    std::vector<std::vector<float>>(output.sentenceHeatmaps.size()).swap(output.sentenceHeatmaps);
    if (example)
        output.sentenceHeatmaps[grounded.front()] = std::move(kept);
}

EvaluationResults ModelEvaluation::collectResults(std::vector<LoadedModel>& loaded, const StudyPass& pass) const
{
    // The studies every model finished, in manifest order.
    const auto& entries = m_studies.entries();
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (pass.evaluated[i])
            kept.push_back(i);
    DatasetManifest manifest;
    manifest.setBaseDirectory(m_studies.baseDirectory());
    for (const std::size_t i : kept)
        manifest.add(entries[i]);

    EvaluationResults results;
    results.manifest = m_manifestName;
    results.split = m_options.split;
    results.studies = static_cast<int>(kept.size());
    results.uncertaintyPolicy = Observations::policyName(m_options.evaluator.uncertaintyPolicy);
    results.skipped = pass.skipped;
    const bool phantoms = !kept.empty() && std::all_of(kept.begin(), kept.end(), [&](std::size_t i) {
        return entries[i].subjectId.rfind("PHANTOM", 0) == 0;
    });
    if (phantoms)
        results.notes.push_back("Synthetic phantom data: these numbers measure the software on phantoms with known "
                                "ground truth and say nothing about clinical performance.");
    addNotes(results, pass, results.studies);

    const int n = results.studies;
    std::vector<std::vector<Evaluator::StudyOutput>> runOutputs;
    for (auto& item : loaded) {
        std::vector<Evaluator::StudyOutput> outputs;
        outputs.reserve(kept.size());
        for (const std::size_t i : kept)
            outputs.push_back(std::move(item.outputs[i]));
        const auto similarity = evaluatesRetrieval(pass, n)
            ? similarityMatrix(item.imageEmbeddings, item.reportEmbeddings, kept)
            : std::vector<double>();
        auto run = Evaluator::evaluate(item.name, manifest, outputs, similarity, m_options.evaluator);
        const auto identity = item.model->identity();
        run.model = item.directory + " (" + identity.name + ", sha256 " + identity.sha256.substr(0, 12) + ")";
        run.device = identity.device;
        run.imagesPerSecond = item.seconds > 0 ? n / item.seconds : 0.0;
        results.runs.push_back(std::move(run));
        runOutputs.push_back(std::move(outputs));
    }
    // Every other model against the first (the baseline of an ablation), on the same studies.
    for (std::size_t m = 1; m < loaded.size(); ++m)
        results.comparisons.push_back(Evaluator::compare(results.runs.front().name, results.runs[m].name, manifest,
            runOutputs.front(), runOutputs[m], m_options.evaluator));
    return results;
}

// Notes on what the run left out: a cancelled pass, and grounding or retrieval not evaluated.
void ModelEvaluation::addNotes(EvaluationResults& results, const StudyPass& pass, int studies) const
{
    if (pass.cancelled)
        results.notes.push_back("Cancelled after " + std::to_string(studies) + " of "
            + std::to_string(m_studies.entries().size()) + " studies.");
    if (m_options.findingsOnly)
        results.notes.push_back("Findings only: grounding and retrieval not evaluated.");
    else if (!m_options.retrieval)
        results.notes.push_back("Retrieval not evaluated (switched off).");
    else if (!pass.withReports)
        results.notes.push_back("Retrieval not evaluated: some studies have no report text.");
    else if (studies > m_options.maximumRetrievalStudies)
        results.notes.push_back(
            "Retrieval not evaluated: more than " + std::to_string(m_options.maximumRetrievalStudies) + " studies.");
}

bool ModelEvaluation::evaluatesRetrieval(const StudyPass& pass, int studies) const
{
    return !m_options.findingsOnly && m_options.retrieval && pass.withReports && studies > 0
        && studies <= m_options.maximumRetrievalStudies;
}

} // namespace lrclr
