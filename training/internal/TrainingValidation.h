#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "training/Trainer.h"
#include "training/TrainingDataLoader.h"

namespace lrclr {
class ClipTokenizer;
class TrainingLog;
} // namespace lrclr

namespace lrclr::internal {

struct TrainingData;
class TrainingLosses;
struct TrainingRun;
struct Losses;

/// The trainer's validation pass on the manifest's validate split: the weighted loss, the pointing game of the
/// similarity and attention maps on the patch grid, and the zero-shot AUC of the findings' prompts with the
/// evaluator's "combined" score. The run, the losses and the data must outlive it; training thread only.
class TrainingValidation {
public:
    TrainingValidation(const TrainingRun& run, const TrainingLosses& losses, const TrainingData& data);

    /// Validates the network as it is after `step` steps; adds the pass to `log` and reports its summary.
    /// Without a validation loader (no validate split, or ranks > 0): nothing measured, nothing logged.
    Trainer::Validation validate(int step, TrainingLog& log) const;

private:
    struct PointingGame {
        int boxed = 0;
        int hitsSimilarity = 0;
        int hitsAttention = 0;
    };

    torch::Tensor promptEmbeddings() const;
    torch::Tensor embedPrompts(const ClipTokenizer& tokenizer, bool positive) const;
    torch::Tensor findingScores(const TrainingDataLoader::Batch& batch, const torch::Tensor& prompts) const;
    void countPointingGame(const TrainingDataLoader::Batch& batch, const Losses& losses, PointingGame& game) const;
    double meanAuc(const std::vector<torch::Tensor>& chunkScores) const;
    static std::string summary(const Trainer::Validation& validation);

    const TrainingRun& m_run;
    const TrainingLosses& m_losses;
    const TrainingData& m_data;
};

} // namespace lrclr::internal
