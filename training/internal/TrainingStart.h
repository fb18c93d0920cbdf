#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lrclr::internal {

struct TrainingRun;

/// Where a training run starts: a checkpoint to resume, a model directory to fine-tune, or an architecture to
/// train from scratch. prepare() fills the TrainingRun with the model's configuration, files and provenance and
/// builds its network on its device, in its data-parallel group.
struct TrainingStart {
    int step = 0; ///< steps done before this run (the resumed checkpoint's)
    nlohmann::json resumedState; ///< the checkpoint's state.json; empty when not resuming

    bool resuming() const { return !resumedState.empty(); }

    /// Throws TrainingError (or ModelError) for a start that does not fit the options.
    static TrainingStart prepare(TrainingRun& run);
};

} // namespace lrclr::internal
