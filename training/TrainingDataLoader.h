#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/model/ImagePreprocessor.h"
#include "training/DatasetManifest.h"
#include "training/RadiographAugmentation.h"

namespace lrclr {

/// Feeds the trainer. Construction decodes every study's image once into a cache of model-space 8-bit images (the
/// preprocessing's letterbox/crop and resampling already applied: 50 KB per study at 224 px instead of a decode per
/// step), splits the reports into sentences and maps the ground-truth boxes onto the patch grid. start() then runs
/// worker threads that build batches (augment, normalise, tokenise) into a bounded queue ordered by step. Batch k
/// is a function of (seed, k) alone, never of thread timing, so a resumed run sees exactly the batches the
/// uninterrupted run would have seen. next() is called from one consumer thread; the rest is internal.
class TrainingDataLoader {
public:
    struct Options {
        ImagePreprocessor::Settings preprocessing; ///< inputSize = the model's resolution
        int gridSize = 14; ///< patches per side (for the box masks)
        int contextLength = 77;
        std::string mergesPath; ///< the model's BPE merges
        int vocabularySize = 0;
        int batchSize = 32; ///< the global batch
        int rank = 0; ///< data-parallel rank: batches hold its slice (batchSize / worldSize studies) of each batch
        int worldSize = 1;
        int workerThreads = 2; ///< decode/augment/tokenise threads
        int prefetch = 4; ///< batches built ahead of the consumer
        std::uint64_t seed = 0;
        bool augment = true; ///< training: intensity jitter (and flips per `augmentation`); off for validation
        RadiographAugmentation::Options augmentation;
        int maxSentences = 12; ///< sentences per study in a batch (chosen at random when a report has more)
        /// Prompt sentences added per study from its labels (label 1: positive prompt, 0: negative prompt), e.g.
        /// {"Pleural Effusion", "pleural effusion", "no pleural effusion"}. Empty: none (the default).
        struct LabelPrompt {
            std::string finding;
            std::string positive;
            std::string negative;
        };
        std::vector<LabelPrompt> labelPrompts;
        /// Adds, for every report sentence that names a side or a level, the same sentence with its location
        /// swapped ("left" <-> "right", else "upper" <-> "lower", ...; RadiographAugmentation::locationSwapped):
        /// negatives that only a map looking at the right place can tell from the sentence.
        bool locationNegatives = false;
    };

    /// One batch, laid out for torch::from_blob.
    struct Batch {
        int step = 0;
        int size = 0; ///< studies B
        std::vector<int> studies; ///< indices into the loader's studies
        std::vector<float> images; ///< [B, 3, S, S], normalised
        std::vector<std::int64_t> reportTokens; ///< [B, C]: the report (sentences joined, order shuffled)
        std::vector<std::int64_t> sentenceTokens; ///< [M, C]
        std::vector<std::int64_t> owners; ///< [M]: the study (0..B-1) each sentence belongs to
        std::vector<float> boxMasks; ///< [M, P]: share of each patch covered by the sentence's boxes
        std::vector<std::uint8_t> hasBoxes; ///< [M]
        std::vector<std::int64_t> swappedTokens; ///< [K, C]: location-swapped sentences (Options::locationNegatives)
        std::vector<std::int64_t> swappedOf; ///< [K]: the sentence row (0..M-1) each swapped sentence negates
        std::vector<std::uint8_t> flatPatches; ///< [B, P]: 1 where ImagePreprocessor::flatPatches finds no content
        int sentenceCount() const { return static_cast<int>(owners.size()); }
    };

    /// Decodes and caches the images of `entries` (indices into `manifest`) on `options.workerThreads` threads.
    /// `progress(done, total)` is called from the constructing thread. Throws ManifestError naming the image or
    /// report that cannot be read; std::invalid_argument for bad options.
    TrainingDataLoader(const DatasetManifest& manifest, const std::vector<std::size_t>& entries, Options options,
        const std::function<void(int, int)>& progress = {});
    ~TrainingDataLoader();
    TrainingDataLoader(const TrainingDataLoader&) = delete;
    TrainingDataLoader& operator=(const TrainingDataLoader&) = delete;

    int studyCount() const;
    /// Full batches per epoch (the last partial batch is dropped so no study appears twice in a batch).
    int stepsPerEpoch() const;
    /// Bytes held by the image cache.
    std::size_t cacheBytes() const;

    /// Builds batch `step` in the calling thread (the same batch the workers would build).
    Batch batch(int step) const;
    /// The studies [first, first + count) in manifest order, without augmentation (validation).
    Batch sequentialBatch(int first, int count) const;

    /// Starts the workers on steps [firstStep, endStep).
    void start(int firstStep, int endStep);
    /// The next batch in step order; blocks until it is ready. Throws what a worker threw.
    Batch next();
    /// Stops and joins the workers (also done by the destructor).
    void stop();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr
