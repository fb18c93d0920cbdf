#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/model/ClipConfig.h"
#include "core/model/ImagePreprocessor.h"
#include "core/model/LrclrSettings.h"
#include "core/model/internal/ClipNetwork.h"
#include "training/DistributedGroup.h"
#include "training/Trainer.h"

namespace lrclr::internal {

/// CLIP clamps exp(logit_scale) at 100 for stability; the trainer clamps both of its temperatures there.
constexpr double maximumLogitScale = 100.0;

/// x normalised to unit L2 norm along its last dimension.
torch::Tensor normalized(const torch::Tensor& x);
/// `values` as a [rows, -1] long tensor on `device` (token rows for the text tower).
torch::Tensor longTensor(const std::vector<std::int64_t>& values, std::int64_t rows, torch::Device device);

/// What one Trainer::run works on, shared by its steps (TrainingStart fills it, TrainingLosses, TrainingOptimizer,
/// TrainingValidation and TrainingOutput read it): the options, the model being trained (architecture, LRCLR
/// settings, preprocessing, tokenizer and findings files, provenance), its device and the data-parallel group.
/// Used from the training thread only.
struct TrainingRun {
    TrainingRun(const Trainer::Options& options, const std::function<void(const Trainer::Progress&)>& progress);

    const Trainer::Options& options;
    const std::function<void(const Trainer::Progress&)>& progress;
    ClipConfig config;
    LrclrSettings settings;
    ImagePreprocessor::Settings preprocessing;
    std::string mergesPath;
    std::string findingsPath;
    std::string sourceModel;
    std::string sourceSha256;
    std::unique_ptr<ClipNetwork> network;
    torch::Device device { torch::kCPU };
    bool useCuda = false;
    torch::Tensor logitScale; ///< the backbone's CLIP temperature (log)
    torch::Tensor attentionScale; ///< the interaction's (log)
    std::unique_ptr<DistributedGroup> group;
    int paddingPrompts = 0; ///< label prompts per study, for the distributed sentence padding

    /// Only rank 0 writes files.
    bool writesFiles() const { return options.rank == 0; }
    int patchCount() const { return config.gridSize() * config.gridSize(); }
    /// Calls `progress` (when set) with a phase other than Training and its message.
    void report(Trainer::Progress::Phase phase, const std::string& message) const;

    /// The network's parameter `name`; throws TrainingError when it has none.
    torch::Tensor parameter(const std::string& name) const;
    /// `local` gathered over the ranks (with gradient); `local` itself without a group.
    torch::Tensor gather(const torch::Tensor& local) const;
    /// Keys of the cross-attention per image: every patch, or the regions the selection picks (padded, masked).
    std::pair<torch::Tensor, torch::Tensor> interactionKeys(
        const torch::Tensor& patches, const std::vector<torch::Tensor>& attention) const;
};

} // namespace lrclr::internal
