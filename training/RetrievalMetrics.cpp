#include "training/RetrievalMetrics.h"

#include <stdexcept>
#include <string>

namespace lrclr {

namespace {

double recall(const std::vector<double>& similarity, int n, int k, bool rows)
{
    if (n <= 0 || similarity.size() != static_cast<std::size_t>(n) * n)
        throw std::invalid_argument("retrieval: similarity must be n x n with n = " + std::to_string(n));
    if (k <= 0)
        throw std::invalid_argument("retrieval: k must be positive");
    int hits = 0;
    for (int query = 0; query < n; ++query) {
        const auto at = [&](int candidate) {
            return rows ? similarity[static_cast<std::size_t>(query) * n + candidate]
                        : similarity[static_cast<std::size_t>(candidate) * n + query];
        };
        const double match = at(query);
        int ahead = 0;
        for (int candidate = 0; candidate < n; ++candidate)
            if (candidate != query && at(candidate) >= match)
                ++ahead;
        if (ahead < k)
            ++hits;
    }
    return static_cast<double>(hits) / n;
}

} // namespace

double RetrievalMetrics::imageToReportRecall(const std::vector<double>& similarity, int n, int k)
{
    return recall(similarity, n, k, true);
}

double RetrievalMetrics::reportToImageRecall(const std::vector<double>& similarity, int n, int k)
{
    return recall(similarity, n, k, false);
}

} // namespace lrclr
