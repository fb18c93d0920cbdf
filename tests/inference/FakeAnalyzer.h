#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/inference/IAnalyzer.h"
#include "core/model/ImagePreprocessor.h"

namespace lrclr::testing {

/// Knobs and counters of a FakeAnalyzer, shared with the test because the service owns the analyzer.
/// Thread-safe: written by the test before submitting, read/written by the worker thread through atomics.
struct FakeAnalyzerControl {
    std::atomic<int> stageMilliseconds { 0 }; ///< time each of the analysis stages takes
    std::atomic<bool> busyWait { false }; ///< burn CPU during a stage (like a forward pass) instead of sleeping
    std::atomic<bool> honorCancel { true }; ///< check the cancel flag between stages
    std::atomic<int> loadMilliseconds { 0 };
    std::atomic<int> failLoadTimes { 0 }; ///< the next n loads throw ModelUnavailable
    std::atomic<bool> throwOutOfMemory { false };

    std::atomic<int> loadCount { 0 };
    std::atomic<int> analyzeCount { 0 };
    std::atomic<int> groundCount { 0 };
    std::atomic<int> destroyedCount { 0 };
    std::atomic<bool> destroyedOnWorkerThread { false };

    std::mutex mutex;
    std::vector<std::thread::id> threads; ///< thread of every call (load/analyze/ground)

    void recordThread()
    {
        const std::lock_guard lock(mutex);
        threads.push_back(std::this_thread::get_id());
    }
    std::vector<std::thread::id> callThreads()
    {
        const std::lock_guard lock(mutex);
        return threads;
    }
};

/// The analysis stages the fake reports, in order; tests compare against this list.
inline const std::vector<InferenceStage>& fakeAnalysisStages()
{
    static const std::vector<InferenceStage> stages { InferenceStage::Preprocessing, InferenceStage::EncodingImage,
        InferenceStage::SelectingRegions, InferenceStage::EncodingText, InferenceStage::GroundingSentences,
        InferenceStage::ScoringFindings };
    return stages;
}

constexpr int fakeGridSize = 4;
constexpr int fakeRegionCount = 3;

/// Mean pixel value of an image: the fake's results are computed from it so that a test can tell which request a
/// result belongs to.
inline double fakeImageMean(const GrayscaleImage& image)
{
    if (image.pixels.empty())
        return 0.0;
    return std::accumulate(image.pixels.begin(), image.pixels.end(), 0.0) / static_cast<double>(image.pixels.size());
}

/// A deterministic stand-in for LrclrAnalyzer: results derived from the input, stage timing and failures controlled
/// by FakeAnalyzerControl. Regions are the `fakeRegionCount` brightest cells of a 4x4 grid over the image; sentence
/// i weighs region (i mod 3) most (0.7, the others 0.15 each).
class FakeAnalyzer : public IAnalyzer {
public:
    explicit FakeAnalyzer(std::shared_ptr<FakeAnalyzerControl> control)
        : m_control(std::move(control))
    {
    }
    ~FakeAnalyzer() override
    {
        m_control->destroyedOnWorkerThread
            = m_loadThread != std::thread::id {} && std::this_thread::get_id() == m_loadThread;
        ++m_control->destroyedCount;
    }

    void load(const InferenceJobContext& /*context*/) override
    {
        m_control->recordThread();
        std::this_thread::sleep_for(std::chrono::milliseconds(m_control->loadMilliseconds.load()));
        ++m_control->loadCount;
        if (m_control->failLoadTimes > 0) {
            --m_control->failLoadTimes;
            throw AnalyzerError(InferenceFailure::ModelUnavailable, "Cannot load /models/fake/manifest.json: missing");
        }
        m_loadThread = std::this_thread::get_id();
        m_loaded = true;
    }
    bool isLoaded() const override { return m_loaded; }
    AnalysisResult::ModelIdentity identity() const override
    {
        return { "fake", "00ff", m_onCpu ? "cpu" : "cuda", "center-crop 224" };
    }
    bool switchToCpu() override
    {
        if (m_onCpu)
            return false;
        m_onCpu = true;
        m_loaded = false;
        return true;
    }

    AnalysisResult analyze(const AnalysisRequest& request, const InferenceJobContext& context) override
    {
        m_control->recordThread();
        ++m_control->analyzeCount;
        if (!request.image || !request.image->isValid())
            throw AnalyzerError(InferenceFailure::InvalidInput, "empty image");
        const auto& stages = fakeAnalysisStages();
        for (std::size_t index = 0; index < stages.size(); ++index) {
            if (m_control->honorCancel)
                context.throwIfCanceled();
            context.reportProgress(stages[index], static_cast<double>(index) / static_cast<double>(stages.size()));
            spendStage();
            if (m_control->throwOutOfMemory && stages[index] == InferenceStage::EncodingImage)
                throw std::runtime_error("CUDA out of memory. Tried to allocate 2.00 GiB");
        }
        context.reportProgress(InferenceStage::Done, 1.0);
        return compute(*request.image, request.sentences);
    }

    GroundedSentences ground(const GroundingRequest& request, const InferenceJobContext& context) override
    {
        m_control->recordThread();
        ++m_control->groundCount;
        if (m_control->honorCancel)
            context.throwIfCanceled();
        context.reportProgress(InferenceStage::GroundingSentences, 0.0);
        spendStage();
        context.reportProgress(InferenceStage::Done, 1.0);
        return compute(*request.image, request.sentences).sentences;
    }

    /// The result for `image` and `sentences`, as analyze() computes it (without delays).
    static AnalysisResult compute(const GrayscaleImage& image, const std::vector<std::string>& sentences)
    {
        AnalysisResult result;
        result.model = { "fake", "00ff", "cpu", "center-crop 224" };
        // A real placement, so that viewers resample the fake's patch maps as they do a model's.
        result.geometry = ImagePreprocessor::geometry(image.width, image.height, 224, "letterbox");
        const double mean = fakeImageMean(image);

        const double cellWidth = static_cast<double>(image.width) / fakeGridSize;
        const double cellHeight = static_cast<double>(image.height) / fakeGridSize;
        std::vector<std::pair<double, int>> cells;
        for (int row = 0; row < fakeGridSize; ++row) {
            for (int column = 0; column < fakeGridSize; ++column) {
                double sum = 0.0;
                int count = 0;
                for (int y = static_cast<int>(row * cellHeight); y < static_cast<int>((row + 1) * cellHeight); ++y)
                    for (int x = static_cast<int>(column * cellWidth); x < static_cast<int>((column + 1) * cellWidth);
                         ++x, ++count)
                        sum += image.at(x, y);
                cells.emplace_back(count > 0 ? sum / count : 0.0, row * fakeGridSize + column);
            }
        }
        std::stable_sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (int index = 0; index < fakeRegionCount; ++index) {
            AnalysisResult::Region region;
            region.patchIndex = cells[static_cast<std::size_t>(index)].second;
            region.row = region.patchIndex / fakeGridSize;
            region.column = region.patchIndex % fakeGridSize;
            region.score = static_cast<float>(cells[static_cast<std::size_t>(index)].first / 255.0);
            region.box = { region.column * cellWidth, region.row * cellHeight, cellWidth, cellHeight };
            result.regions.push_back(region);
        }

        for (std::size_t index = 0; index < sentences.size(); ++index) {
            AnalysisResult::Sentence sentence;
            sentence.text = sentences[index];
            sentence.globalSimilarity = static_cast<float>(mean / 255.0);
            sentence.localSimilarity = static_cast<float>(sentences[index].size()) / 100.0f;
            sentence.regionWeights.assign(fakeRegionCount, 0.15f);
            sentence.regionWeights[index % fakeRegionCount] = 0.7f;
            sentence.similarityMap = { fakeGridSize, fakeGridSize, {} };
            sentence.attentionMap
                = { fakeGridSize, fakeGridSize, std::vector<float>(fakeGridSize * fakeGridSize, 0.0f) };
            for (int patch = 0; patch < fakeGridSize * fakeGridSize; ++patch)
                sentence.similarityMap.values.push_back(static_cast<float>(index) + patch / 100.0f);
            for (int region = 0; region < fakeRegionCount; ++region)
                sentence.attentionMap
                    .values[static_cast<std::size_t>(result.regions[static_cast<std::size_t>(region)].patchIndex)]
                    = sentence.regionWeights[static_cast<std::size_t>(region)];
            result.sentences.push_back(sentence);
        }

        for (const char* name : { "Effusion", "Pneumothorax" }) {
            AnalysisResult::Finding finding;
            finding.name = name;
            finding.globalProbability = static_cast<float>(mean / 255.0);
            finding.localProbability = finding.globalProbability / 2.0f;
            finding.combinedProbability = (finding.globalProbability + finding.localProbability) / 2.0f;
            finding.map = { fakeGridSize, fakeGridSize, std::vector<float>(fakeGridSize * fakeGridSize, 0.0f) };
            finding.map.values[result.findings.size()] = 1.0f;
            result.findings.push_back(finding);
        }
        return result;
    }

private:
    void spendStage() const
    {
        const auto duration = std::chrono::milliseconds(m_control->stageMilliseconds.load());
        if (!m_control->busyWait) {
            std::this_thread::sleep_for(duration);
            return;
        }
        // Like a forward pass: the worker thread computes without yielding.
        const auto end = std::chrono::steady_clock::now() + duration;
        volatile double sink = 0.0;
        while (std::chrono::steady_clock::now() < end) {
            for (int step = 0; step < 1000; ++step)
                sink = sink + step * 0.5;
        }
    }

    std::shared_ptr<FakeAnalyzerControl> m_control;
    bool m_loaded = false;
    bool m_onCpu = false;
    std::thread::id m_loadThread;
};

/// An image of constant value `value` (size width x height), shared as a request expects.
inline std::shared_ptr<const GrayscaleImage> makeImage(int width, int height, float value)
{
    auto image = std::make_shared<GrayscaleImage>();
    image->width = width;
    image->height = height;
    image->pixels.assign(static_cast<std::size_t>(width) * height, value);
    return image;
}

} // namespace lrclr::testing
