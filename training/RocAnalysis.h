#pragma once

#include <vector>

namespace lrclr {

/// Receiver operating characteristic of scores against binary labels. The area is the Mann–Whitney U statistic
/// divided by n_pos * n_neg: the probability that a random positive scores above a random negative, ties counting
/// one half (the trapezoidal area under the empirical curve). Stateless; thread-safe.
class RocAnalysis {
public:
    struct Point {
        double falsePositiveRate = 0.0;
        double truePositiveRate = 0.0;
        double threshold = 0.0; ///< scores >= threshold count as positive
    };

    /// NaN when there is no positive or no negative (the area is undefined). `labels` are 0 or 1; the two vectors
    /// must have the same size (std::invalid_argument otherwise).
    static double area(const std::vector<double>& scores, const std::vector<int>& labels);
    /// The empirical curve from (0, 0) to (1, 1), one point per distinct score (tied scores make one diagonal
    /// step). Empty when the area is undefined.
    static std::vector<Point> curve(const std::vector<double>& scores, const std::vector<int>& labels);
};

} // namespace lrclr
