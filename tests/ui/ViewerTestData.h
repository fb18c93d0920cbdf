#pragma once

// Synthetic studies and analyses for the widget tests: values chosen so expected pixels can be computed by hand.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/study/XrayImage.h"

namespace lrclr::testing {

/// A 12-bit ramp image (value = (x + y) * 4095 / (width + height - 2)), 0.2 mm pixels, rescale 2x - 1000 ("US"),
/// with two window presets.
inline XrayImage rampImage(int width = 320, int height = 240)
{
    std::vector<std::uint16_t> samples(static_cast<std::size_t>(width) * height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            samples[static_cast<std::size_t>(y) * width + x]
                = static_cast<std::uint16_t>((x + y) * 4095 / (width + height - 2));
    XrayImage image = XrayImage::fromUnsigned16(height, width, std::move(samples), 12);
    image.rescaleSlope = 2.0;
    image.rescaleIntercept = -1000.0;
    image.rescaleType = "US";
    image.columnSpacingMm = 0.2;
    image.rowSpacingMm = 0.2;
    image.pixelSpacingSource = PixelSpacingSource::PixelSpacing;
    image.windowPresets = { { 3000.0, 4000.0, "FULL" }, { 1500.0, 1000.0, "NARROW" } };
    return image;
}

/// A uniform mid-gray 8-bit image, so overlay colours can be read back undisturbed.
inline XrayImage flatImage(int width, int height, std::uint8_t value = 40)
{
    return XrayImage::fromUnsigned8(
        height, width, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, value));
}

/// Letterbox geometry of a width x height image into a 224 x 224 model input.
inline AnalysisResult::Geometry letterboxGeometry(int width, int height)
{
    AnalysisResult::Geometry geometry;
    geometry.originalWidth = width;
    geometry.originalHeight = height;
    geometry.inputSize = 224;
    geometry.scale = 224.0 / std::max(width, height);
    geometry.offsetX = (224 - width * geometry.scale) / 2.0;
    geometry.offsetY = (224 - height * geometry.scale) / 2.0;
    geometry.mode = "letterbox";
    return geometry;
}

/// The original-image centre of patch (row, column) of a 7 x 7 grid under `geometry`.
inline std::pair<double, double> patchCentre(const AnalysisResult::Geometry& geometry, int row, int column)
{
    const double cell = 224.0 / 7.0;
    return { ((column + 0.5) * cell - geometry.offsetX) / geometry.scale,
        ((row + 0.5) * cell - geometry.offsetY) / geometry.scale };
}

/// Two sentences on a 7 x 7 grid with one hot patch each (sentence 0: row 1, column 1; sentence 1: row 5,
/// column 4), three regions (0 under sentence 0's hot patch, 1 under sentence 1's, 2 elsewhere), and one finding
/// hot at row 3, column 5. Sentence 0 attends region 0 (0.8), sentence 1 region 1 (0.9); region 2 is weak for both.
inline std::shared_ptr<const AnalysisResult> twoSentenceAnalysis(int width, int height)
{
    auto result = std::make_shared<AnalysisResult>();
    result->model = { "synthetic", "0123", "cpu", "letterbox 224" };
    result->geometry = letterboxGeometry(width, height);
    const auto hotMap = [](int row, int column) {
        AnalysisResult::PatchMap map { 7, 7, std::vector<float>(49, 0.0f) };
        map.values[static_cast<std::size_t>(row * 7 + column)] = 1.0f;
        return map;
    };
    const int patches[][2] = { { 1, 1 }, { 5, 4 }, { 3, 0 } };
    const float scores[] = { 0.5f, 0.3f, 0.2f };
    for (int k = 0; k < 3; ++k) {
        AnalysisResult::Region region;
        region.row = patches[k][0];
        region.column = patches[k][1];
        region.patchIndex = region.row * 7 + region.column;
        region.score = scores[k];
        const double cell = 224.0 / 7.0 / result->geometry.scale;
        const auto [cx, cy] = patchCentre(result->geometry, region.row, region.column);
        region.box = { cx - cell / 2, cy - cell / 2, cell, cell };
        result->regions.push_back(region);
    }
    const char* texts[] = { "Patchy opacity in the right upper zone.", "Blunted left costophrenic angle." };
    const std::vector<std::vector<float>> weights { { 0.8f, 0.1f, 0.1f }, { 0.05f, 0.9f, 0.05f } };
    std::size_t offset = 0;
    for (int k = 0; k < 2; ++k) {
        AnalysisResult::Sentence sentence;
        sentence.text = texts[k];
        sentence.begin = offset;
        sentence.end = offset + sentence.text.size();
        offset = sentence.end + 1;
        sentence.globalSimilarity = 0.2f;
        sentence.localSimilarity = k == 0 ? 0.32f : 0.24f;
        sentence.regionWeights = weights[static_cast<std::size_t>(k)];
        sentence.similarityMap = hotMap(patches[k][0], patches[k][1]);
        sentence.attentionMap = sentence.similarityMap;
        result->sentences.push_back(sentence);
    }
    AnalysisResult::Finding finding;
    finding.name = "Consolidation";
    finding.globalProbability = 0.7f;
    finding.localProbability = 0.6f;
    finding.combinedProbability = 0.65f;
    finding.map = hotMap(3, 5);
    result->findings.push_back(finding);
    return result;
}

/// The report text matching twoSentenceAnalysis's sentence offsets.
inline const char* twoSentenceReport()
{
    return "Patchy opacity in the right upper zone. Blunted left costophrenic angle.";
}

} // namespace lrclr::testing
