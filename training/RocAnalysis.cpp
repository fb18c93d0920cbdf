#include "training/RocAnalysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace lrclr {

namespace {

void validate(const std::vector<double>& scores, const std::vector<int>& labels)
{
    if (scores.size() != labels.size())
        throw std::invalid_argument(
            "ROC: " + std::to_string(scores.size()) + " scores but " + std::to_string(labels.size()) + " labels");
    for (const int label : labels)
        if (label != 0 && label != 1)
            throw std::invalid_argument("ROC: labels must be 0 or 1");
    for (const double score : scores)
        if (std::isnan(score))
            throw std::invalid_argument("ROC: a score is NaN");
}

} // namespace

double RocAnalysis::area(const std::vector<double>& scores, const std::vector<int>& labels)
{
    validate(scores, labels);
    const std::size_t n = scores.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&scores](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Average ranks (1-based) over runs of equal scores: the tie correction of the Mann–Whitney statistic.
    double positiveRankSum = 0.0;
    double positives = 0.0;
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i;
        while (j + 1 < n && scores[order[j + 1]] == scores[order[i]])
            ++j;
        const double averageRank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
        for (std::size_t k = i; k <= j; ++k) {
            if (labels[order[k]] == 1) {
                positiveRankSum += averageRank;
                positives += 1.0;
            }
        }
        i = j + 1;
    }
    const double negatives = static_cast<double>(n) - positives;
    if (positives == 0.0 || negatives == 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    const double u = positiveRankSum - positives * (positives + 1.0) / 2.0;
    return u / (positives * negatives);
}

std::vector<RocAnalysis::Point> RocAnalysis::curve(const std::vector<double>& scores, const std::vector<int>& labels)
{
    validate(scores, labels);
    const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
    const double negatives = static_cast<double>(labels.size()) - positives;
    if (positives == 0.0 || negatives == 0.0)
        return {};
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&scores](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<Point> points { { 0.0, 0.0, std::numeric_limits<double>::infinity() } };
    double truePositives = 0.0;
    double falsePositives = 0.0;
    std::size_t i = 0;
    while (i < order.size()) {
        const double threshold = scores[order[i]];
        while (i < order.size() && scores[order[i]] == threshold) {
            (labels[order[i]] == 1 ? truePositives : falsePositives) += 1.0;
            ++i;
        }
        points.push_back({ falsePositives / negatives, truePositives / positives, threshold });
    }
    return points;
}

} // namespace lrclr
