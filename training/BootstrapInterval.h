#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace lrclr {

/// Percentile bootstrap confidence intervals (Efron): resample the cases with replacement `samples` times, compute
/// the statistic on each resample, and take the (1-level)/2 and (1+level)/2 quantiles (linear interpolation between
/// order statistics, numpy's default). Resamples where the statistic is undefined (NaN, e.g. an AUC of a resample
/// without positives) are skipped and counted. Seeded: the same inputs and seed give the same interval on every
/// platform (DeterministicRandom). Stateless; thread-safe.
class BootstrapInterval {
public:
    struct Result {
        double estimate = 0.0; ///< the statistic on all cases
        double lower = 0.0;
        double upper = 0.0;
        double level = 0.95;
        int samples = 0; ///< resamples drawn
        int valid = 0; ///< resamples where the statistic was defined
    };

    /// `statistic` receives the indices (0..count-1, with repeats) of one resample.
    static Result compute(int count, const std::function<double(const std::vector<int>&)>& statistic,
        int samples = 1000, std::uint64_t seed = 0, double level = 0.95);
    /// Interval of the ROC area (RocAnalysis::area) of paired scores and labels.
    static Result rocArea(const std::vector<double>& scores, const std::vector<int>& labels, int samples = 1000,
        std::uint64_t seed = 0, double level = 0.95);
    /// The q-quantile (0..1) of `values` with linear interpolation; NaN for an empty vector.
    static double quantile(std::vector<double> values, double q);
};

} // namespace lrclr
