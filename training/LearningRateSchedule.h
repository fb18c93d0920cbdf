#pragma once

namespace lrclr {

/// The trainer's learning rate per optimisation step: linear warm-up from 0 to the peak over `warmupSteps`, then a
/// cosine decay from the peak to `minimumRate` at `totalSteps` (Loshchilov & Hutter, SGDR, without restarts), as
/// CLIP and CheXzero fine-tuning use. Steps past the end stay at the minimum. A value type; thread-safe.
class LearningRateSchedule {
public:
    /// Throws std::invalid_argument unless 0 <= warmupSteps <= totalSteps, totalSteps > 0, rates >= 0 and
    /// minimumRate <= peakRate.
    LearningRateSchedule(double peakRate, int warmupSteps, int totalSteps, double minimumRate = 0.0);

    /// The rate for 0-based step `step`.
    double rate(int step) const;

    double peakRate() const { return m_peakRate; }
    int warmupSteps() const { return m_warmupSteps; }
    int totalSteps() const { return m_totalSteps; }

private:
    double m_peakRate;
    int m_warmupSteps;
    int m_totalSteps;
    double m_minimumRate;
};

} // namespace lrclr
