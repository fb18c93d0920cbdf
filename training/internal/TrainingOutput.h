#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model/ModelDirectory.h"
#include "training/Trainer.h"

namespace lrclr {
class TrainingLog;
}

namespace lrclr::internal {

struct TrainingData;
class TrainingOptimizer;
struct TrainingRun;

/// What a training run writes into its output directory (rank 0 only; on other ranks every call does nothing):
/// checkpoints (DIR/checkpoint: the model, the optimizer state and state.json with the log, replaced atomically),
/// the training log (training-log.csv/.json) and the final model directory with its manifest (provenance, the
/// training settings, the last validation). Creates the directory. Training thread only.
class TrainingOutput {
public:
    TrainingOutput(const TrainingRun& run, const TrainingData& data, int totalSteps, int warmup);

    void saveCheckpoint(int step, double seconds, const std::vector<Trainer::Validation>& validations,
        TrainingOptimizer& optimizer, const TrainingLog& log) const;
    /// Writes the log with a summary of `result` (its seconds, steps and throughput).
    void writeLog(TrainingLog& log, const Trainer::Result& result) const;
    /// Writes the trained model into the output directory and removes the checkpoint.
    void saveModel(double seconds, int steps, const std::vector<Trainer::Validation>& validations) const;

private:
    ModelManifest manifest(double seconds, int steps, const std::vector<Trainer::Validation>& validations) const;
    nlohmann::json trainingNotes(double seconds, int steps) const;

    const TrainingRun& m_run;
    const TrainingData& m_data;
    const int m_totalSteps;
    const std::filesystem::path m_directory;
    const std::string m_manifestSha256;
    const nlohmann::json m_settings; ///< the training options, as the manifest and the log record them
};

} // namespace lrclr::internal
