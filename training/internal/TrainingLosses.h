#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "training/TrainingDataLoader.h"

namespace lrclr::internal {

struct TrainingRun;

/// What one step (or one validation chunk) computes, before weighting.
struct Losses {
    torch::Tensor global;
    torch::Tensor local;
    torch::Tensor box;
    torch::Tensor similarityMaps; ///< [M, P], text . normalised patch tokens (what the viewer shows)
    torch::Tensor attentionMaps; ///< [M, P] or undefined
};

/// The trainer's forward pass and losses for one batch (this rank's slice, gathered over ranks when distributed):
/// CLIP's global loss (and its sentence-level variant), LRCLR's local sentence<->region loss, the report-only
/// pooled objective and the supervised box loss, with the weights of Trainer::Options. Reads the network and the
/// temperatures of the TrainingRun it was made for, which must outlive it. Used from the training thread only.
class TrainingLosses {
public:
    explicit TrainingLosses(const TrainingRun& run);

    /// keepMaps: also return the detached similarity and attention maps (validation's pointing game).
    Losses compute(const TrainingDataLoader::Batch& batch, bool keepMaps) const;

private:
    struct EncodedImages;
    struct SentenceRows;
    struct Sentences;

    EncodedImages encodeImagesAndReports(const TrainingDataLoader::Batch& batch) const;
    SentenceRows paddedSentenceRows(const TrainingDataLoader::Batch& batch) const;
    Losses globalLossOnly(const EncodedImages& encoded, const torch::Tensor& scale) const;
    Sentences encodeSentences(const SentenceRows& rows) const;
    void gatherOverRanks(EncodedImages& encoded, Sentences& sentences) const;
    torch::Tensor globalLoss(const EncodedImages& encoded, const Sentences& sentences,
        const TrainingDataLoader::Batch& batch, const torch::Tensor& scale) const;
    torch::Tensor localLoss(const EncodedImages& encoded, const Sentences& sentences, const torch::Tensor& scale,
        torch::Tensor& attentionWeights) const;
    torch::Tensor encodeDistinctSentences(const std::vector<std::int64_t>& tokens, std::int64_t rows, int context,
        std::vector<std::int64_t>& inverse) const;
    torch::Tensor boxLoss(const torch::Tensor& hasBoxes, const torch::Tensor& coverageMasks,
        const torch::Tensor& similarityMaps, const torch::Tensor& attentionMaps) const;
    bool usesPooledObjective() const;
    torch::Tensor pooledScore(const torch::Tensor& maps, const torch::Tensor& content) const;
    torch::Tensor contentMask(const TrainingDataLoader::Batch& batch, std::int64_t patchCount) const;
    torch::Tensor swappedSentences(const TrainingDataLoader::Batch& batch) const;
    torch::Tensor pooledLosses(const Sentences& sentences, const torch::Tensor& patches,
        const TrainingDataLoader::Batch& batch, const torch::Tensor& content, const torch::Tensor& scale) const;
    torch::Tensor intraImageLoss(const Sentences& sentences, const torch::Tensor& patches, const torch::Tensor& ownMaps,
        const torch::Tensor& ownContent, const torch::Tensor& scale) const;

    const TrainingRun& m_run;
};

} // namespace lrclr::internal
