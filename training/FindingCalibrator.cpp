#include "training/FindingCalibrator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace lrclr {

namespace {

double sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

// log(1 + exp(x)) without overflow.
double softplus(double x)
{
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

void checkLabels(std::size_t scores, const std::vector<int>& labels)
{
    if (scores != labels.size())
        throw std::invalid_argument("FindingCalibrator: " + std::to_string(scores) + " scores but "
            + std::to_string(labels.size()) + " labels");
    for (const int label : labels)
        if (label != 0 && label != 1)
            throw std::invalid_argument("FindingCalibrator: label " + std::to_string(label) + " is not 0 or 1");
}

} // namespace

double FindingCalibrator::apply(const Fit& fit, double z)
{
    return sigmoid(fit.a * z + fit.b);
}

FindingCalibrator::Fit FindingCalibrator::fit(
    const std::vector<double>& scores, const std::vector<int>& labels, const Options& options)
{
    checkLabels(scores.size(), labels);
    Fit result;
    result.positives = static_cast<int>(std::count(labels.begin(), labels.end(), 1));
    result.negatives = static_cast<int>(labels.size()) - result.positives;
    if (result.positives == 0 || result.negatives == 0) {
        result.note = "only " + std::string(result.positives == 0 ? "negative" : "positive")
            + " studies (a logistic fit needs both classes); left uncalibrated";
        return result;
    }
    const double lambda = std::max(0.0, options.slopePenalty);
    const auto loss = [&](double a, double b) {
        double total = 0.5 * lambda * a * a;
        for (std::size_t i = 0; i < scores.size(); ++i) {
            const double eta = a * scores[i] + b;
            total += softplus(eta) - labels[i] * eta;
        }
        return total;
    };
    // Start from the prevalence (a = 0): the fit of a score that says nothing.
    double a = 0.0;
    double b = std::log(static_cast<double>(result.positives) / result.negatives);
    double current = loss(a, b);
    for (int iteration = 0; iteration < options.maximumIterations; ++iteration) {
        double ga = lambda * a;
        double gb = 0.0;
        double haa = lambda;
        double hab = 0.0;
        double hbb = 1e-12; // keeps the system solvable if every weight underflows
        for (std::size_t i = 0; i < scores.size(); ++i) {
            const double z = scores[i];
            const double p = sigmoid(a * z + b);
            const double w = p * (1.0 - p);
            ga += (p - labels[i]) * z;
            gb += p - labels[i];
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        const double determinant = haa * hbb - hab * hab;
        if (!(determinant > 0.0))
            break;
        const double stepA = (hbb * ga - hab * gb) / determinant;
        const double stepB = (haa * gb - hab * ga) / determinant;
        // Newton with step halving: IRLS can overshoot when the classes are (nearly) separable.
        double scale = 1.0;
        double next = loss(a - stepA, b - stepB);
        for (int halving = 0; halving < 40 && !(next <= current); ++halving) {
            scale *= 0.5;
            next = loss(a - scale * stepA, b - scale * stepB);
        }
        if (!(next <= current))
            break;
        a -= scale * stepA;
        b -= scale * stepB;
        current = next;
        result.iterations = iteration + 1;
        if (std::max(std::abs(scale * stepA), std::abs(scale * stepB)) < options.tolerance)
            break;
    }
    result.calibrated = std::isfinite(a) && std::isfinite(b);
    if (!result.calibrated) {
        result.note = "the logistic fit did not converge; left uncalibrated";
        return result;
    }
    result.a = a;
    result.b = b;
    std::vector<double> probabilities(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i)
        probabilities[i] = apply(result, scores[i]);
    result.threshold = youdenThreshold(probabilities, labels, &result.youden);
    return result;
}

double FindingCalibrator::youdenThreshold(
    const std::vector<double>& probabilities, const std::vector<int>& labels, double* youden)
{
    checkLabels(probabilities.size(), labels);
    const auto positives = std::count(labels.begin(), labels.end(), 1);
    const auto negatives = static_cast<std::ptrdiff_t>(labels.size()) - positives;
    if (youden)
        *youden = 0.0;
    if (positives == 0 || negatives == 0)
        return 0.5;
    std::vector<std::size_t> order(probabilities.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(),
        [&probabilities](std::size_t x, std::size_t y) { return probabilities[x] > probabilities[y]; });
    // Lower the threshold through the observed probabilities, highest first; tied probabilities enter together.
    double best = -std::numeric_limits<double>::infinity();
    double threshold = 0.5;
    std::ptrdiff_t truePositives = 0;
    std::ptrdiff_t falsePositives = 0;
    for (std::size_t k = 0; k < order.size();) {
        const double value = probabilities[order[k]];
        for (; k < order.size() && probabilities[order[k]] == value; ++k)
            (labels[order[k]] == 1 ? truePositives : falsePositives) += 1;
        const double j = static_cast<double>(truePositives) / static_cast<double>(positives)
            - static_cast<double>(falsePositives) / static_cast<double>(negatives);
        if (j > best) { // strict: a tie keeps the higher threshold
            best = j;
            threshold = value;
        }
    }
    if (youden)
        *youden = best;
    return threshold;
}

double FindingCalibrator::brierScore(const std::vector<double>& probabilities, const std::vector<int>& labels)
{
    checkLabels(probabilities.size(), labels);
    if (probabilities.empty())
        return std::numeric_limits<double>::quiet_NaN();
    double total = 0.0;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const double error = probabilities[i] - labels[i];
        total += error * error;
    }
    return total / static_cast<double>(probabilities.size());
}

double FindingCalibrator::expectedCalibrationError(
    const std::vector<double>& probabilities, const std::vector<int>& labels, int bins)
{
    checkLabels(probabilities.size(), labels);
    if (probabilities.empty() || bins <= 0)
        return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> sumProbability(static_cast<std::size_t>(bins), 0.0);
    std::vector<double> sumLabel(static_cast<std::size_t>(bins), 0.0);
    std::vector<int> count(static_cast<std::size_t>(bins), 0);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const double p = std::clamp(probabilities[i], 0.0, 1.0);
        const auto bin = static_cast<std::size_t>(std::min(bins - 1, static_cast<int>(p * bins)));
        sumProbability[bin] += p;
        sumLabel[bin] += labels[i];
        ++count[bin];
    }
    double error = 0.0;
    for (std::size_t bin = 0; bin < count.size(); ++bin)
        if (count[bin] > 0)
            error += std::abs(sumProbability[bin] - sumLabel[bin]); // = count * |mean p - mean y|
    return error / static_cast<double>(probabilities.size());
}

} // namespace lrclr
