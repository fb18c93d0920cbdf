#include "training/BootstrapInterval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "training/DeterministicRandom.h"
#include "training/RocAnalysis.h"

namespace lrclr {

double BootstrapInterval::quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    std::sort(values.begin(), values.end());
    const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
    const std::size_t below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(values.size() - 1, below + 1);
    const double fraction = position - static_cast<double>(below);
    return values[below] + (values[above] - values[below]) * fraction;
}

BootstrapInterval::Result BootstrapInterval::compute(int count,
    const std::function<double(const std::vector<int>&)>& statistic, int samples, std::uint64_t seed, double level)
{
    if (count < 0 || samples < 0 || !(level > 0.0 && level < 1.0))
        throw std::invalid_argument("bootstrap: count and samples must be >= 0 and level in (0, 1)");
    Result result;
    result.level = level;
    result.samples = samples;
    std::vector<int> indices(static_cast<std::size_t>(count));
    std::iota(indices.begin(), indices.end(), 0);
    result.estimate = statistic(indices);
    DeterministicRandom random(seed);
    std::vector<double> statistics;
    statistics.reserve(static_cast<std::size_t>(samples));
    for (int s = 0; s < samples && count > 0; ++s) {
        for (auto& index : indices)
            index = random.integer(0, count - 1);
        const double value = statistic(indices);
        if (!std::isnan(value))
            statistics.push_back(value);
    }
    result.valid = static_cast<int>(statistics.size());
    result.lower = quantile(statistics, (1.0 - level) / 2.0);
    result.upper = quantile(statistics, (1.0 + level) / 2.0);
    return result;
}

BootstrapInterval::Result BootstrapInterval::rocArea(
    const std::vector<double>& scores, const std::vector<int>& labels, int samples, std::uint64_t seed, double level)
{
    if (scores.size() != labels.size())
        throw std::invalid_argument("bootstrap: scores and labels differ in size");
    std::vector<double> sampledScores(scores.size());
    std::vector<int> sampledLabels(labels.size());
    return compute(
        static_cast<int>(scores.size()),
        [&](const std::vector<int>& indices) {
            for (std::size_t i = 0; i < indices.size(); ++i) {
                sampledScores[i] = scores[static_cast<std::size_t>(indices[i])];
                sampledLabels[i] = labels[static_cast<std::size_t>(indices[i])];
            }
            return RocAnalysis::area(sampledScores, sampledLabels);
        },
        samples, seed, level);
}

} // namespace lrclr
