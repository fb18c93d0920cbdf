#pragma once

#include <vector>

namespace lrclr {

/// Cross-modal retrieval recall@k from a square similarity matrix: similarity[i * n + j] compares image i with
/// report j, and report i belongs to image i. Recall@k is the share of queries whose match ranks within the top k;
/// ties are counted against the match (a tied candidate ranks above it), so a constant matrix scores as badly as
/// it can. Stateless; thread-safe.
class RetrievalMetrics {
public:
    /// Each image queries the n reports (rows).
    static double imageToReportRecall(const std::vector<double>& similarity, int n, int k);
    /// Each report queries the n images (columns).
    static double reportToImageRecall(const std::vector<double>& similarity, int n, int k);
};

} // namespace lrclr
