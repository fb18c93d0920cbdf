#include "training/TrainingDataLoader.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include <QString>

#include "core/model/ClipTokenizer.h"
#include "core/report/Report.h"
#include "imaging/ModelInputReader.h"
#include "imaging/RasterImageReader.h"
#include "training/DeterministicRandom.h"

namespace lrclr {

namespace {

using Box = AnalysisResult::Box;

struct CachedStudy {
    std::vector<std::uint8_t> pixels; // S x S, model space, 0..255 before normalisation
    std::vector<std::string> sentences;
    std::vector<std::vector<Box>> boxes; // per sentence, model-space pixels
    std::map<std::string, int> labels;
};

// Share of each grid patch covered by `boxes` (the largest single-box share; boxes of one sentence rarely overlap).
void coverage(const std::vector<Box>& boxes, int inputSize, int grid, float* out)
{
    const double patch = static_cast<double>(inputSize) / grid;
    for (int row = 0; row < grid; ++row) {
        for (int column = 0; column < grid; ++column) {
            double best = 0.0;
            for (const auto& box : boxes) {
                const double width
                    = std::min((column + 1) * patch, box.x + box.width) - std::max(column * patch, box.x);
                const double height = std::min((row + 1) * patch, box.y + box.height) - std::max(row * patch, box.y);
                if (width > 0 && height > 0)
                    best = std::max(best, width * height / (patch * patch));
            }
            out[row * grid + column] = static_cast<float>(best);
        }
    }
}

constexpr std::uint64_t augmentationStream = 0x61756775ULL; // separate stream from the epoch shuffles

} // namespace

struct TrainingDataLoader::Private {
    Options options;
    std::vector<CachedStudy> studies;
    std::unique_ptr<ClipTokenizer> tokenizer;

    // Worker state.
    std::vector<std::thread> workers;
    std::mutex mutex;
    std::condition_variable changed;
    std::map<int, Batch> ready;
    int nextToBuild = 0;
    int nextToDeliver = 0;
    int endStep = 0;
    bool stopping = false;
    std::exception_ptr failure;

    int inputSize() const { return options.preprocessing.inputSize; }

    int stepsPerEpoch() const { return static_cast<int>(studies.size()) / options.batchSize; }

    std::vector<int> studiesOfStep(int step) const
    {
        const int perEpoch = stepsPerEpoch();
        const int epoch = step / perEpoch;
        const int position = step % perEpoch;
        std::vector<int> order(studies.size());
        std::iota(order.begin(), order.end(), 0);
        DeterministicRandom random(DeterministicRandom::derivedSeed(options.seed, static_cast<std::uint64_t>(epoch)));
        random.shuffle(order);
        const int local = options.batchSize / options.worldSize;
        const auto first = order.begin() + position * options.batchSize + options.rank * local;
        return { first, first + local };
    }

    Batch build(int step, const std::vector<int>& members, bool augment) const
    {
        const int size = inputSize();
        const int grid = options.gridSize;
        const std::size_t plane = static_cast<std::size_t>(size) * size;
        Batch batch;
        batch.step = step;
        batch.size = static_cast<int>(members.size());
        batch.studies = members;
        batch.images.resize(members.size() * 3 * plane);
        std::vector<std::string> reports;
        std::vector<std::string> sentenceTexts;
        std::vector<std::string> swappedTexts;
        const double mean = options.preprocessing.mean;
        const double deviation = options.preprocessing.standardDeviation;
        for (std::size_t b = 0; b < members.size(); ++b) {
            const auto& study = studies[static_cast<std::size_t>(members[b])];
            // Seeded by the study's place in the global batch, so that data-parallel ranks augment as one process.
            const std::size_t globalIndex = static_cast<std::size_t>(options.rank) * members.size() + b;
            DeterministicRandom random(DeterministicRandom::derivedSeed(
                DeterministicRandom::derivedSeed(options.seed ^ augmentationStream, static_cast<std::uint64_t>(step)),
                globalIndex));
            RadiographAugmentation::Sample sample;
            sample.image.width = size;
            sample.image.height = size;
            sample.image.pixels.assign(study.pixels.begin(), study.pixels.end());
            sample.sentences = study.sentences;
            sample.boxes = study.boxes;
            if (augment)
                sample = RadiographAugmentation::apply(sample, options.augmentation, random);
            const auto flat = ImagePreprocessor::flatPatches(sample.image.pixels.data(), size, grid);
            batch.flatPatches.insert(batch.flatPatches.end(), flat.begin(), flat.end());
            float* image = batch.images.data() + b * 3 * plane;
            for (std::size_t i = 0; i < plane; ++i)
                image[i] = static_cast<float>((sample.image.pixels[i] - mean) / deviation);
            std::copy(image, image + plane, image + plane);
            std::copy(image, image + plane, image + 2 * plane);

            // Sentences: all, or a random subset when the report is long; the report text joins them in a random
            // order (training) so that truncation to the context length does not always drop the same ones.
            std::vector<std::size_t> chosen(sample.sentences.size());
            std::iota(chosen.begin(), chosen.end(), std::size_t(0));
            if (augment)
                random.shuffle(chosen);
            std::string report;
            for (const auto index : chosen)
                report += (report.empty() ? "" : " ") + sample.sentences[index];
            reports.push_back(report);
            if (chosen.size() > static_cast<std::size_t>(options.maxSentences))
                chosen.resize(static_cast<std::size_t>(options.maxSentences));
            if (augment)
                std::sort(chosen.begin(), chosen.end());
            for (const auto index : chosen) {
                if (options.locationNegatives) {
                    if (auto swapped = RadiographAugmentation::locationSwapped(sample.sentences[index]);
                        !swapped.empty()) {
                        swappedTexts.push_back(std::move(swapped));
                        batch.swappedOf.push_back(static_cast<std::int64_t>(sentenceTexts.size()));
                    }
                }
                sentenceTexts.push_back(sample.sentences[index]);
                batch.owners.push_back(static_cast<std::int64_t>(b));
                const auto offset = batch.boxMasks.size();
                batch.boxMasks.resize(offset + static_cast<std::size_t>(grid) * grid);
                coverage(sample.boxes[index], size, grid, batch.boxMasks.data() + offset);
                batch.hasBoxes.push_back(sample.boxes[index].empty() ? 0 : 1);
            }
            for (const auto& prompt : options.labelPrompts) {
                const auto label = study.labels.find(prompt.finding);
                if (label == study.labels.end() || (label->second != 0 && label->second != 1))
                    continue;
                sentenceTexts.push_back(label->second == 1 ? prompt.positive : prompt.negative);
                batch.owners.push_back(static_cast<std::int64_t>(b));
                batch.boxMasks.resize(batch.boxMasks.size() + static_cast<std::size_t>(grid) * grid, 0.0f);
                batch.hasBoxes.push_back(0);
            }
        }
        const auto flatten = [&](const std::vector<std::string>& texts, std::vector<std::int64_t>& out) {
            for (const auto& row : tokenizer->tokenize(texts, options.contextLength))
                out.insert(out.end(), row.begin(), row.end());
        };
        flatten(reports, batch.reportTokens);
        if (!sentenceTexts.empty())
            flatten(sentenceTexts, batch.sentenceTokens);
        if (!swappedTexts.empty())
            flatten(swappedTexts, batch.swappedTokens);
        return batch;
    }

    void work()
    {
        for (;;) {
            int step = 0;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] {
                    return stopping || failure
                        || (nextToBuild < endStep && nextToBuild < nextToDeliver + options.prefetch);
                });
                if (stopping || failure)
                    return;
                step = nextToBuild++;
            }
            try {
                auto batch = build(step, studiesOfStep(step), options.augment);
                std::lock_guard lock(mutex);
                ready.emplace(step, std::move(batch));
            } catch (...) {
                std::lock_guard lock(mutex);
                failure = std::current_exception();
            }
            changed.notify_all();
        }
    }
};

TrainingDataLoader::TrainingDataLoader(const DatasetManifest& manifest, const std::vector<std::size_t>& entries,
    Options options, const std::function<void(int, int)>& progress)
    : d(std::make_unique<Private>())
{
    if (options.batchSize < 1 || options.workerThreads < 1 || options.prefetch < 1 || options.gridSize < 1
        || options.preprocessing.inputSize < options.gridSize || options.maxSentences < 0 || options.worldSize < 1
        || options.rank < 0 || options.rank >= options.worldSize || options.batchSize % options.worldSize != 0)
        throw std::invalid_argument("TrainingDataLoader: invalid options");
    d->options = std::move(options);
    d->tokenizer = std::make_unique<ClipTokenizer>(d->options.mergesPath, d->options.vocabularySize);
    d->studies.resize(entries.size());

    const ImagePreprocessor preprocessor(d->options.preprocessing);
    std::atomic<std::size_t> nextEntry { 0 };
    std::atomic<int> done { 0 };
    std::mutex failureMutex;
    std::exception_ptr failure;
    const auto decode = [&](bool reportProgress) {
        for (std::size_t i = nextEntry++; i < entries.size(); i = nextEntry++) {
            if (reportProgress && progress)
                progress(done, static_cast<int>(entries.size()));
            try {
                const auto& entry = manifest.entries().at(entries[i]);
                auto& study = d->studies[i];
                AnalysisResult::Geometry geometry;
                const auto path = manifest.resolve(entry.image);
                std::vector<float> input;
                try {
                    input = preprocessor.apply(ModelInputReader::read(path), &geometry);
                } catch (const std::invalid_argument& error) {
                    throw ManifestError(path + ": " + error.what());
                } catch (const std::runtime_error& error) {
                    throw ManifestError(error.what());
                }
                const std::size_t plane = static_cast<std::size_t>(d->inputSize()) * d->inputSize();
                study.pixels.resize(plane);
                for (std::size_t p = 0; p < plane; ++p) {
                    const double value
                        = input[p] * d->options.preprocessing.standardDeviation + d->options.preprocessing.mean;
                    study.pixels[p] = static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
                }
                study.labels = entry.labels;
                const auto toModel = [&](const Box& box) {
                    return Box { box.x * geometry.scale + geometry.offsetX, box.y * geometry.scale + geometry.offsetY,
                        box.width * geometry.scale, box.height * geometry.scale };
                };
                if (!entry.sentences.empty()) {
                    for (const auto& sentence : entry.sentences) {
                        study.sentences.push_back(sentence.text);
                        std::vector<Box> boxes;
                        for (const auto& box : sentence.boxes)
                            boxes.push_back(toModel(box));
                        study.boxes.push_back(std::move(boxes));
                    }
                } else {
                    const auto text = manifest.reportText(entry);
                    const auto report = Report::fromText(QString::fromStdString(text));
                    for (qsizetype s = 0; s < report.sentences().size(); ++s) {
                        study.sentences.push_back(report.sentenceText(s).toStdString());
                        study.boxes.emplace_back();
                    }
                }
                ++done;
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure)
                    failure = std::current_exception();
                nextEntry = entries.size();
            }
        }
    };
    RasterImageReader::loadPlugins(); // before images are read on plain std::threads
    std::vector<std::thread> threads;
    for (int t = 1; t < d->options.workerThreads; ++t)
        threads.emplace_back(decode, false);
    // The constructing thread decodes too, and reports progress between its own images.
    decode(true);
    for (auto& thread : threads)
        thread.join();
    if (progress)
        progress(done, static_cast<int>(entries.size()));
    if (failure)
        std::rethrow_exception(failure);
}

TrainingDataLoader::~TrainingDataLoader()
{
    stop();
}

int TrainingDataLoader::studyCount() const
{
    return static_cast<int>(d->studies.size());
}

int TrainingDataLoader::stepsPerEpoch() const
{
    return d->stepsPerEpoch();
}

std::size_t TrainingDataLoader::cacheBytes() const
{
    std::size_t bytes = 0;
    for (const auto& study : d->studies)
        bytes += study.pixels.size();
    return bytes;
}

TrainingDataLoader::Batch TrainingDataLoader::batch(int step) const
{
    if (d->stepsPerEpoch() < 1)
        throw std::invalid_argument("TrainingDataLoader: fewer studies than one batch");
    return d->build(step, d->studiesOfStep(step), d->options.augment);
}

TrainingDataLoader::Batch TrainingDataLoader::sequentialBatch(int first, int count) const
{
    std::vector<int> members;
    for (int i = first; i < std::min(first + count, studyCount()); ++i)
        members.push_back(i);
    return d->build(-1, members, false);
}

void TrainingDataLoader::start(int firstStep, int endStep)
{
    stop();
    if (d->stepsPerEpoch() < 1)
        throw std::invalid_argument("TrainingDataLoader: " + std::to_string(studyCount())
            + " studies are fewer than one batch of " + std::to_string(d->options.batchSize));
    {
        std::lock_guard lock(d->mutex);
        d->stopping = false;
        d->failure = nullptr;
        d->ready.clear();
        d->nextToBuild = firstStep;
        d->nextToDeliver = firstStep;
        d->endStep = endStep;
    }
    for (int t = 0; t < d->options.workerThreads; ++t)
        d->workers.emplace_back([this] { d->work(); });
}

TrainingDataLoader::Batch TrainingDataLoader::next()
{
    std::unique_lock lock(d->mutex);
    if (d->workers.empty() || d->nextToDeliver >= d->endStep)
        throw std::logic_error("TrainingDataLoader::next: no batch left (start() not called or all delivered)");
    d->changed.wait(lock, [&] { return d->failure || d->ready.count(d->nextToDeliver) != 0; });
    if (d->failure)
        std::rethrow_exception(d->failure);
    auto node = d->ready.extract(d->nextToDeliver);
    ++d->nextToDeliver;
    lock.unlock();
    d->changed.notify_all();
    return std::move(node.mapped());
}

void TrainingDataLoader::stop()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->changed.notify_all();
    for (auto& worker : d->workers)
        worker.join();
    d->workers.clear();
}

} // namespace lrclr
