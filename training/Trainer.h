#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/ClipConfig.h"
#include "core/model/LrclrSettings.h"

namespace lrclr {

/// Thrown for training that cannot start or continue (bad options, unreadable data, a checkpoint that does not
/// fit); the message names the file or option at fault.
class TrainingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Fine-tunes an LRCLR model (or trains one from scratch) on a dataset manifest: CLIP's symmetric InfoNCE on the
/// global embeddings plus LRCLR's local sentence<->region loss (ContrastiveLoss), optionally an auxiliary grounding
/// loss on ground-truth boxes; AdamW with warm-up + cosine (LearningRateSchedule), gradient clipping, deterministic
/// batches (TrainingDataLoader), checkpoints and resume, CSV/JSON log, validation on the manifest's `validate`
/// split, data-parallel over DistributedGroup when worldSize > 1. The result is a normal model directory
/// (ModelStore) that LrclrModel loads. Runs in the calling thread; one run per process at a time (LibTorch's
/// thread settings are global).
class Trainer {
public:
    struct Options {
        std::string manifestPath;
        std::string initModel; ///< model directory to fine-tune; empty: from scratch with `architecture`
        ClipConfig architecture; ///< from scratch (vocabularySize 0: taken from the merges file)
        std::string mergesPath; ///< BPE merges; default: the initial model's
        std::string findingsPath; ///< findings/prompt file to ship; default: the initial model's
        std::string outputDirectory;
        std::string name; ///< model name in the manifest
        LrclrSettings settings; ///< LRCLR layer settings written to the output (from scratch; else the model's)
        std::string preprocessingMode = "letterbox";

        int steps = 0; ///< optimisation steps; 0: `epochs` x steps per epoch
        double epochs = 1.0;
        int batchSize = 32;
        double learningRate = 1e-4;
        double minimumLearningRate = 0.0;
        int warmupSteps = -1; ///< -1: 5 % of the steps
        double weightDecay = 0.1; ///< on matrices of the backbone (not on gains, biases, embeddings or lrclr.*)
        double gradientClip = 1.0; ///< max global L2 norm; 0 = off
        double globalWeight = 1.0; ///< CLIP loss
        double localWeight = 1.0; ///< LRCLR local loss (0: the global-only baseline)
        double boxWeight = 0.0; ///< auxiliary grounding loss on ground-truth boxes (supervised; off by default)
        bool labelPrompts = false; ///< add the findings' prompts, per the study's labels, as extra sentences
        /// The report-only local objective (0 = off; see docs/MODEL.md "Local objective"): pooled sentence<->image
        /// contrast on the text . patch map, within-report competition of the sentences' attended regions, and
        /// location-swapped negatives. Not available with worldSize > 1 yet.
        double pooledWeight = 0.0;
        /// Global loss at sentence level (each sentence vs every study's CLS embedding, multi-positive), added to
        /// the report-level CLIP loss: a sharper signal per pair from the same reports. Not with worldSize > 1.
        double sentenceGlobalWeight = 0.0;
        double intraImageWeight = 0.0;
        double locationWeight = 0.0;
        /// Layers of a new locality-restricted patch head for the maps (LocalPatchHead; -1: keep the model's,
        /// 0: none, the vision tower's tokens). The report-only objective above acts on its map.
        int localHeadLayers = -1;
        double poolingSharpness = 10.0; ///< log-mean-exp pooling of the map (higher: closer to the maximum)
        /// Sets lrclr.interaction.gate before training when >= 0 (a fine-tuning start whose gate is 0 gives the
        /// output projection no gradient until the gate moves); -1: keep the model's.
        double gateInit = -1.0;
        bool freezeBackbone = false; ///< train only the lrclr.* parameters
        /// The backbone's learning rate as a share of the LRCLR layers' (fine-tuning: < 1 keeps the backbone
        /// close to where it started while the new layers learn at the full rate).
        double backboneLearningRateScale = 1.0;
        std::uint64_t seed = 0;
        int threads = 0; ///< LibTorch intra-op threads; 0 = one per core
        int loaderThreads = 2;
        int prefetch = 4;
        bool augment = true;
        double flipProbability = 0.0; ///< horizontal flips (with side words swapped)
        int maxSentences = 12;
        std::string device = "cpu"; ///< "cpu", "cuda" or "auto"
        bool mixedPrecision = true; ///< on CUDA: bfloat16 autocast (lrclr::MixedPrecision); ignored on the CPU
        int checkpointEvery = 0; ///< steps between checkpoints; 0: only at the end
        std::string resumeDirectory; ///< checkpoint to continue from
        int validateEvery = 0; ///< steps between validation passes; 0: only at the end
        int logEvery = 1;
        int stopAfter = 0; ///< stop (with a checkpoint, as if interrupted) after this step; 0: run to the end

        int rank = 0; ///< data-parallel rank; only rank 0 writes files
        int worldSize = 1;
        std::string masterHost = "127.0.0.1";
        int masterPort = 29500;

        std::string commandLine; ///< for provenance
        std::string toolVersion;
        std::string
            description; ///< free text for the manifest's notes (e.g. "synthetic phantoms, not for clinical use")
    };

    struct Progress {
        enum class Phase { Caching, Training, Validating, Saving };
        Phase phase = Phase::Training;
        int step = 0; ///< steps done
        int totalSteps = 0;
        double loss = 0.0;
        double globalLoss = 0.0;
        double localLoss = 0.0;
        double boxLoss = 0.0;
        double learningRate = 0.0;
        double imagesPerSecond = 0.0;
        double etaSeconds = 0.0;
        std::string message; ///< for phases other than Training
    };

    struct Validation {
        int step = 0;
        double loss = -1.0; ///< -1: not measured
        double pointingGameSimilarity = -1.0; ///< share of boxed sentences whose text·patch argmax lies in a box
        double pointingGameAttention = -1.0; ///< the same for the cross-attention weights
        double meanAuc = -1.0; ///< zero-shot AUC (global prompt score) averaged over findings with both classes
        int studies = 0;
    };

    struct Result {
        std::string directory; ///< the written model directory (empty on ranks > 0)
        int steps = 0; ///< steps done in total (including those before a resume)
        int stepsPerEpoch = 0;
        double seconds = 0.0; ///< wall time of this run (training + validation + saving)
        double imagesPerSecond = 0.0;
        double firstLoss = 0.0; ///< mean of the first logged steps of this run
        double lastLoss = 0.0; ///< mean of the last logged steps
        bool stoppedEarly = false; ///< stopAfter or cancellation
        std::vector<Validation> validations;
    };

    /// The small from-scratch architecture of `--architecture tiny` (for tests and CI): 64 px, patch 8, widths 64.
    static ClipConfig tinyArchitecture();
    /// Parses a ClipConfig JSON object with the manifest's CLIP key names (embed_dim, image_resolution, ...);
    /// vision_heads/transformer_heads default to width / 64; vocab_size may be absent. Throws TrainingError.
    static ClipConfig architectureFromJson(const std::string& text, const std::string& origin);

    /// Trains. `progress` is called from this thread; `cancel` (optional) stops after the current step with a
    /// checkpoint. Throws TrainingError (or ManifestError / ModelError from the data and the model).
    static Result run(const Options& options, const std::function<void(const Progress&)>& progress = {},
        const std::atomic<bool>* cancel = nullptr);
};

} // namespace lrclr
