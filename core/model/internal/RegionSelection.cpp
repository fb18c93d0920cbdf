#include "core/model/internal/RegionSelection.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <torch/torch.h>

namespace lrclr::internal {

namespace {

void checkShapes(const std::vector<torch::Tensor>& attention)
{
    if (attention.empty())
        throw std::invalid_argument("region selection needs the attention of at least one layer");
    const auto& first = attention.front();
    if (first.dim() != 4 || first.size(2) != first.size(3) || first.size(2) < 2)
        throw std::invalid_argument(
            "region selection expects attention [B, heads, N, N] with N >= 2, got " + c10::str(first.sizes()));
    for (const auto& layer : attention) {
        if (layer.sizes() != first.sizes())
            throw std::invalid_argument("region selection: attention layers differ in shape");
    }
}

std::vector<SelectedRegions> partSelection(const std::vector<torch::Tensor>& attention)
{
    // TransFG multiplies the maps of every layer but the last (the last re-attends over the selected parts only).
    const std::size_t used = attention.size() > 1 ? attention.size() - 1 : 1;
    auto joint = attention[0].to(torch::kDouble);
    for (std::size_t i = 1; i < used; ++i)
        joint = torch::matmul(attention[i].to(torch::kDouble), joint);
    const auto clsRow = joint.select(2, 0).slice(2, 1); // [B, H, patches]
    const auto best = clsRow.max(2);
    const auto scores = std::get<0>(best).to(torch::kCPU).contiguous();
    const auto indices = std::get<1>(best).to(torch::kCPU).contiguous();
    std::vector<SelectedRegions> result(static_cast<std::size_t>(clsRow.size(0)));
    for (int64_t b = 0; b < clsRow.size(0); ++b) {
        std::map<int, float> bestPerPatch;
        for (int64_t h = 0; h < clsRow.size(1); ++h) {
            const int patch = static_cast<int>(indices[b][h].item<int64_t>());
            const float score = static_cast<float>(scores[b][h].item<double>());
            auto [it, inserted] = bestPerPatch.emplace(patch, score);
            if (!inserted)
                it->second = std::max(it->second, score);
        }
        std::vector<std::pair<int, float>> ordered(bestPerPatch.begin(), bestPerPatch.end());
        std::stable_sort(
            ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [patch, score] : ordered) {
            result[static_cast<std::size_t>(b)].patchIndices.push_back(patch);
            result[static_cast<std::size_t>(b)].scores.push_back(score);
        }
    }
    return result;
}

std::vector<SelectedRegions> rollout(const std::vector<torch::Tensor>& attention, int topK)
{
    const auto length = attention[0].size(2);
    const auto identity
        = torch::eye(length, torch::TensorOptions().dtype(torch::kDouble).device(attention[0].device()));
    torch::Tensor joint;
    for (const auto& layer : attention) {
        auto fused = 0.5 * layer.to(torch::kDouble).mean(1) + 0.5 * identity; // [B, N, N]
        fused = fused / fused.sum(-1, true);
        joint = joint.defined() ? torch::matmul(fused, joint) : fused;
    }
    const auto clsRow = joint.select(1, 0).slice(1, 1).to(torch::kCPU); // [B, patches]
    const auto k = std::clamp<int64_t>(topK, 1, clsRow.size(1));
    const auto top = clsRow.topk(k, 1, true, true);
    const auto scores = std::get<0>(top).contiguous();
    const auto indices = std::get<1>(top).contiguous();
    std::vector<SelectedRegions> result(static_cast<std::size_t>(clsRow.size(0)));
    for (int64_t b = 0; b < clsRow.size(0); ++b) {
        for (int64_t i = 0; i < k; ++i) {
            result[static_cast<std::size_t>(b)].patchIndices.push_back(static_cast<int>(indices[b][i].item<int64_t>()));
            result[static_cast<std::size_t>(b)].scores.push_back(static_cast<float>(scores[b][i].item<double>()));
        }
    }
    return result;
}

} // namespace

std::vector<SelectedRegions> selectRegions(const std::vector<at::Tensor>& attention, SelectionMode mode, int topK)
{
    if (mode == SelectionMode::CrossAttention)
        throw std::invalid_argument("cross-attention regions come from the finding prompts (LrclrModel), not from the "
                                    "vision tower's attention");
    checkShapes(attention);
    c10::InferenceMode guard;
    return mode == SelectionMode::PartSelection ? partSelection(attention) : rollout(attention, topK);
}

} // namespace lrclr::internal
