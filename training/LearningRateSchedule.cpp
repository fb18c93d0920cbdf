#include "training/LearningRateSchedule.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lrclr {

LearningRateSchedule::LearningRateSchedule(double peakRate, int warmupSteps, int totalSteps, double minimumRate)
    : m_peakRate(peakRate)
    , m_warmupSteps(warmupSteps)
    , m_totalSteps(totalSteps)
    , m_minimumRate(minimumRate)
{
    if (totalSteps <= 0 || warmupSteps < 0 || warmupSteps > totalSteps)
        throw std::invalid_argument("learning rate schedule: need 0 <= warm-up steps <= total steps and total > 0");
    if (!(peakRate >= 0.0) || !(minimumRate >= 0.0) || minimumRate > peakRate)
        throw std::invalid_argument("learning rate schedule: need 0 <= minimum rate <= peak rate");
}

double LearningRateSchedule::rate(int step) const
{
    if (step < 0)
        return 0.0;
    // Step k of the warm-up trains with (k + 1) / warmup of the peak, so the first step is not wasted at 0.
    if (step < m_warmupSteps)
        return m_peakRate * static_cast<double>(step + 1) / m_warmupSteps;
    const int decaySteps = m_totalSteps - m_warmupSteps;
    if (decaySteps <= 0 || step >= m_totalSteps)
        return m_minimumRate;
    const double progress = static_cast<double>(step - m_warmupSteps) / decaySteps;
    return m_minimumRate + (m_peakRate - m_minimumRate) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

} // namespace lrclr
