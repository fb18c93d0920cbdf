#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "core/model/FindingCatalog.h"
#include "training/DatasetManifest.h"
#include "training/TrainingDataLoader.h"

namespace lrclr::internal {

struct TrainingRun;

/// The data of a training run: the manifest's training studies (split train, or all but validate/test when none
/// is marked train) in a TrainingDataLoader, its validate split in a second, unaugmented loader (rank 0 only), and
/// the findings catalog of the prompts. Training thread only.
struct TrainingData {
    /// Loads the manifest and caches the images (reporting progress through the run); sets run.paddingPrompts.
    /// Throws TrainingError when there is not one batch of training studies (ManifestError for unreadable data).
    explicit TrainingData(TrainingRun& run);

    DatasetManifest manifest;
    FindingCatalog catalog;
    std::vector<std::size_t> trainEntries;
    std::vector<std::size_t> validationEntries;
    std::unique_ptr<TrainingDataLoader> loader;
    std::unique_ptr<TrainingDataLoader> validationLoader; ///< null without a validate split and on ranks > 0

private:
    void splitEntries();
    TrainingDataLoader::Options loaderOptions(TrainingRun& run) const;
    void createLoaders(const TrainingRun& run, const TrainingDataLoader::Options& options);
};

} // namespace lrclr::internal
