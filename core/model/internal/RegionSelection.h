#pragma once

#include <vector>

#include "core/model/LrclrSettings.h"

namespace at {
class Tensor;
}

namespace lrclr::internal {

using lrclr::SelectionMode;

/// Selected patches of one image: indices into the patch grid (row-major, CLS excluded) with their scores, best first.
struct SelectedRegions {
    std::vector<int> patchIndices;
    std::vector<float> scores;
    /// Per region, every patch it covers (the cross-attention mode's 3x3 blocks); empty when each region is its patch.
    std::vector<std::vector<int>> members;
};

/// attention: per layer [B, heads, N, N] with N = 1 + patches (CLS first). `topK` is the number of patches for
/// Rollout (clamped to the patch count); PartSelection returns at most one patch per head. Throws
/// std::invalid_argument for inconsistent shapes. Thread-safe (pure function).
std::vector<SelectedRegions> selectRegions(const std::vector<at::Tensor>& attention, SelectionMode mode, int topK);

} // namespace lrclr::internal
