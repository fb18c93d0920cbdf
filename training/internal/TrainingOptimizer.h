#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace lrclr::internal {

struct TrainingRun;

/// AdamW over the trainable parameters of a TrainingRun's network: all, or only lrclr.* with the backbone frozen;
/// weight decay only on backbone matrices; the backbone's learning rate scaled by backboneLearningRateScale. In a
/// data-parallel run it also reduces the gradients over the ranks. The run must outlive it; training thread only.
class TrainingOptimizer {
public:
    /// Marks the trainable parameters, sets the run's temperatures, gives a fresh data-parallel run rank 0's
    /// weights and, when resuming, loads the checkpoint's optimizer state.
    explicit TrainingOptimizer(TrainingRun& run);

    /// Starts a step at the scheduled learning rate `rate`: sets each group's share of it, zeroes the gradients.
    void beginStep(double rate);
    /// Back-propagates `loss` (when it has a gradient), reduces the gradients over the ranks, clips them, steps,
    /// and clamps the temperatures.
    void finishStep(torch::Tensor& loss);
    void save(const std::string& path);

private:
    void chooseParameters(std::vector<torch::Tensor>& decayed, std::vector<torch::Tensor>& undecayed,
        std::vector<torch::Tensor>& newLayers);
    void createOptimizer(
        std::vector<torch::Tensor> decayed, std::vector<torch::Tensor> undecayed, std::vector<torch::Tensor> newLayers);

    TrainingRun& m_run;
    std::vector<torch::Tensor> m_trainable;
    // Data-parallel: the encoders see only this rank's rows before the gather, so their gradients are summed over
    // ranks; the temperature and the interaction layers work on the gathered batch, so every rank already has their
    // whole-batch gradient, which is averaged instead (summing would count it once per rank).
    std::vector<torch::Tensor> m_beforeGather;
    std::vector<torch::Tensor> m_afterGather;
    std::vector<double> m_rateShares; ///< each group's share of the scheduled rate
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
};

} // namespace lrclr::internal
