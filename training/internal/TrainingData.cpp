#include "training/internal/TrainingData.h"

#include <algorithm>

#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

namespace {

FindingCatalog catalogOf(const TrainingRun& run)
{
    return run.findingsPath.empty() ? FindingCatalog::chexpert() : FindingCatalog::fromFile(run.findingsPath);
}

} // namespace

TrainingData::TrainingData(TrainingRun& run)
    : manifest(DatasetManifest::load(run.options.manifestPath))
    , catalog(catalogOf(run))
{
    splitEntries();
    createLoaders(run, loaderOptions(run));
    if (loader->stepsPerEpoch() < 1)
        throw TrainingError(run.options.manifestPath + ": " + std::to_string(trainEntries.size())
            + " training studies are fewer than one batch of " + std::to_string(run.options.batchSize));
}

void TrainingData::splitEntries()
{
    const bool anyTrain = std::any_of(manifest.entries().begin(), manifest.entries().end(),
        [](const ManifestEntry& entry) { return entry.split == "train"; });
    for (std::size_t i = 0; i < manifest.entries().size(); ++i) {
        const auto& split = manifest.entries()[i].split;
        if (split == "validate")
            validationEntries.push_back(i);
        else if (anyTrain ? split == "train" : split != "test")
            trainEntries.push_back(i);
    }
}

TrainingDataLoader::Options TrainingData::loaderOptions(TrainingRun& run) const
{
    const auto& options = run.options;
    TrainingDataLoader::Options loaderOptions;
    loaderOptions.preprocessing = run.preprocessing;
    loaderOptions.gridSize = run.config.gridSize();
    loaderOptions.contextLength = run.config.contextLength;
    loaderOptions.mergesPath = run.mergesPath;
    loaderOptions.vocabularySize = run.config.vocabularySize;
    loaderOptions.batchSize = options.batchSize;
    loaderOptions.rank = options.rank;
    loaderOptions.worldSize = options.worldSize;
    loaderOptions.workerThreads = std::max(1, options.loaderThreads);
    loaderOptions.prefetch = std::max(1, options.prefetch);
    loaderOptions.seed = options.seed;
    loaderOptions.augment = options.augment;
    loaderOptions.augmentation.flipProbability = options.flipProbability;
    loaderOptions.maxSentences = options.maxSentences;
    loaderOptions.locationNegatives = options.locationWeight > 0.0;
    if (options.labelPrompts) {
        for (const auto& finding : catalog.findings()) {
            // The first template pair, lower-cased as the tokenizer would: the phrasing zero-shot scoring uses.
            const auto& pair = catalog.templates().front();
            loaderOptions.labelPrompts.push_back({ finding, FindingCatalog::fill(pair.positive, finding),
                FindingCatalog::fill(pair.negative, finding) });
        }
        run.paddingPrompts = static_cast<int>(loaderOptions.labelPrompts.size());
    }
    return loaderOptions;
}

void TrainingData::createLoaders(const TrainingRun& run, const TrainingDataLoader::Options& options)
{
    run.report(
        Trainer::Progress::Phase::Caching, "caching " + std::to_string(trainEntries.size()) + " training images");
    const auto& progress = run.progress;
    loader = std::make_unique<TrainingDataLoader>(manifest, trainEntries, options, [&](int done, int total) {
        if (progress && done % 64 == 0) {
            Trainer::Progress update;
            update.phase = Trainer::Progress::Phase::Caching;
            update.step = done;
            update.totalSteps = total;
            update.message = "caching training images";
            progress(update);
        }
    });
    if (!validationEntries.empty() && run.writesFiles()) {
        auto validationOptions = options;
        validationOptions.augment = false;
        validationOptions.rank = 0;
        validationOptions.worldSize = 1;
        validationOptions.batchSize = std::min<int>(run.options.batchSize, static_cast<int>(validationEntries.size()));
        validationLoader = std::make_unique<TrainingDataLoader>(manifest, validationEntries, validationOptions);
    }
}

} // namespace lrclr::internal
