#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr::testing {

/// A hand-made AnalysisResult whose links are easy to reason about in tests:
/// a 400 x 300 image on a 4 x 4 patch grid (cells of 100 x 75 pixels), three regions and three sentences.
///
///   region 0: patch 5  (row 1, col 1), box (100, 75)  score 0.9
///   region 1: patch 10 (row 2, col 2), box (200, 150) score 0.6
///   region 2: patch 3  (row 0, col 3), box (300, 0)   score 0.4
///
///   sentence weights on regions 0, 1, 2        local similarity
///   0 "Opacity in the right mid zone."   0.70 0.25 0.05   0.31
///   1 "Small left pleural effusion."     0.10 0.85 0.05   0.27
///   2 "Heart size is normal."            0.40 0.35 0.25   0.19
///
/// Sentence s's similarity map is s + patch / 100; its attention map puts its weights on the regions' patches.
/// Finding f's map is 1 at patch f + 1 and 0 elsewhere; its attention map is 0.9 at patch 15 - f.
inline std::shared_ptr<const AnalysisResult> syntheticAnalysis()
{
    auto result = std::make_shared<AnalysisResult>();
    result->model = { "synthetic", "abc123", "cpu", "center-crop 224" };
    result->geometry = { 400, 300, 224, 224.0 / 300.0, -37.33, 0.0, "center-crop" };

    const int patches[] = { 5, 10, 3 };
    const float scores[] = { 0.9f, 0.6f, 0.4f };
    for (int index = 0; index < 3; ++index) {
        AnalysisResult::Region region;
        region.patchIndex = patches[index];
        region.row = patches[index] / 4;
        region.column = patches[index] % 4;
        region.score = scores[index];
        region.box = { region.column * 100.0, region.row * 75.0, 100.0, 75.0 };
        result->regions.push_back(region);
    }

    const char* texts[] = { "Opacity in the right mid zone.", "Small left pleural effusion.", "Heart size is normal." };
    const std::vector<std::vector<float>> weights { { 0.70f, 0.25f, 0.05f }, { 0.10f, 0.85f, 0.05f },
        { 0.40f, 0.35f, 0.25f } };
    const float local[] = { 0.31f, 0.27f, 0.19f };
    std::size_t offset = 0;
    for (int index = 0; index < 3; ++index) {
        AnalysisResult::Sentence sentence;
        sentence.text = texts[index];
        sentence.begin = offset;
        sentence.end = offset + sentence.text.size();
        offset = sentence.end + 1;
        sentence.globalSimilarity = 0.2f;
        sentence.localSimilarity = local[index];
        sentence.regionWeights = weights[static_cast<std::size_t>(index)];
        sentence.similarityMap = { 4, 4, {} };
        sentence.attentionMap = { 4, 4, std::vector<float>(16, 0.0f) };
        for (int patch = 0; patch < 16; ++patch)
            sentence.similarityMap.values.push_back(static_cast<float>(index) + patch / 100.0f);
        for (int region = 0; region < 3; ++region)
            sentence.attentionMap.values[static_cast<std::size_t>(patches[region])]
                = weights[static_cast<std::size_t>(index)][static_cast<std::size_t>(region)];
        result->sentences.push_back(sentence);
    }

    for (int index = 0; index < 2; ++index) {
        AnalysisResult::Finding finding;
        finding.name = index == 0 ? "Pleural Effusion" : "Cardiomegaly";
        finding.globalProbability = 0.6f - index * 0.3f;
        finding.localProbability = 0.5f - index * 0.3f;
        finding.combinedProbability = 0.55f - index * 0.3f;
        finding.map = { 4, 4, std::vector<float>(16, 0.0f) };
        finding.map.values[static_cast<std::size_t>(index + 1)] = 1.0f;
        // Its cross-attention peaks elsewhere: at patch 15 - f.
        finding.attentionMap = { 4, 4, std::vector<float>(16, 0.0f) };
        finding.attentionMap.values[static_cast<std::size_t>(15 - index)] = 0.9f;
        result->findings.push_back(finding);
    }
    return result;
}

} // namespace lrclr::testing
