#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lrclr {

/// Fits the Platt scaling of one finding's zero-shot score on labelled studies (`lrclr calibrate`): a 1-D logistic
/// regression p = sigmoid(a * z + b), where z is the raw score's logit (for the combined score, the positive-minus-
/// negative cosine difference), plus the operating threshold on the calibrated probability that maximises Youden's
/// J = sensitivity + specificity - 1 on the same studies. Also the calibration metrics `lrclr evaluate` reports
/// (Brier score, expected calibration error). Plain C++; stateless; thread-safe.
class FindingCalibrator {
public:
    struct Options {
        /// L2 penalty (lambda / 2) * a^2 on the slope: keeps `a` finite when the classes are separable.
        double slopePenalty = 1e-3;
        int maximumIterations = 100;
        double tolerance = 1e-10; ///< stop when the Newton step is below this (in a and b)
    };

    struct Fit {
        bool calibrated = false; ///< false when the studies hold only one class (or none): then a = 1, b = 0
        double a = 1.0;
        double b = 0.0;
        double threshold = 0.0; ///< on the calibrated probability; predict positive when p >= threshold
        double youden = 0.0; ///< J at the threshold
        int positives = 0;
        int negatives = 0;
        int iterations = 0; ///< Newton steps taken
        std::string note; ///< why a finding was not calibrated
    };

    /// `scores` are the raw logits z, `labels` 1 (positive) or 0 (negative), index-aligned. Throws
    /// std::invalid_argument when the sizes differ or a label is not 0 or 1.
    static Fit fit(const std::vector<double>& scores, const std::vector<int>& labels, const Options& options);
    static Fit fit(const std::vector<double>& scores, const std::vector<int>& labels)
    {
        return fit(scores, labels, Options {});
    }

    /// sigmoid(a * z + b).
    static double apply(const Fit& fit, double z);

    /// The probability threshold t maximising sensitivity + specificity - 1 with "positive when p >= t"; candidates
    /// are the observed probabilities, and a tie keeps the higher threshold (fewer false positives). 0.5 without both
    /// classes. `youden` receives J at t when not null.
    static double youdenThreshold(
        const std::vector<double>& probabilities, const std::vector<int>& labels, double* youden = nullptr);

    /// Mean of (p - y)^2; NaN when empty.
    static double brierScore(const std::vector<double>& probabilities, const std::vector<int>& labels);
    /// Expected calibration error over `bins` equal-width bins of [0, 1] (p = 1 falls in the last): the sum over
    /// bins of (count / n) * |mean p - mean y|. NaN when empty.
    static double expectedCalibrationError(
        const std::vector<double>& probabilities, const std::vector<int>& labels, int bins = 10);
};

} // namespace lrclr
