#pragma once

#include <string>
#include <vector>

namespace lrclr {

/// The trainer's log: one row per logged step (losses, learning rate, throughput) and one per validation pass,
/// plus a free JSON summary; written as CSV (one row per step, validation columns filled where a pass ran) and
/// as JSON. Kept in checkpoints so that a resumed run's log continues the interrupted one. Not thread-safe.
class TrainingLog {
public:
    struct StepRow {
        int step = 0;
        double epoch = 0.0;
        double loss = 0.0;
        double globalLoss = 0.0;
        double localLoss = 0.0;
        double boxLoss = 0.0;
        double learningRate = 0.0;
        double imagesPerSecond = 0.0;
        double elapsedSeconds = 0.0;
    };
    struct ValidationRow {
        int step = 0;
        double loss = 0.0;
        double pointingGameSimilarity = -1.0; ///< -1: not measured
        double pointingGameAttention = -1.0;
        double meanAuc = -1.0;
    };

    void addStep(int step, double epoch, double loss, double globalLoss, double localLoss, double boxLoss,
        double learningRate, double imagesPerSecond, double elapsedSeconds);
    void addValidation(
        int step, double loss, double pointingGameSimilarity, double pointingGameAttention, double meanAuc);
    /// A JSON object stored as "summary" (settings, wall time, ...).
    void setSummary(const std::string& json);

    const std::vector<StepRow>& steps() const { return m_steps; }
    const std::vector<ValidationRow>& validations() const { return m_validations; }

    std::string toJson() const;
    /// Parses toJson()'s output; throws std::runtime_error for malformed text.
    static TrainingLog fromJson(const std::string& text);
    /// Writes both files (each atomically); throws std::runtime_error naming the file that failed.
    void write(const std::string& csvPath, const std::string& jsonPath) const;

private:
    std::vector<StepRow> m_steps;
    std::vector<ValidationRow> m_validations;
    std::string m_summary = "{}";
};

} // namespace lrclr
