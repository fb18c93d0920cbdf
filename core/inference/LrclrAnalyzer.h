#pragma once

#include <memory>
#include <string>

#include "core/inference/IAnalyzer.h"
#include "core/model/LrclrModel.h"

namespace lrclr {

/// The real analyzer: an LrclrModel loaded from a model directory, created lazily on the worker thread.
/// Not thread-safe (see IAnalyzer): construct anywhere, then use from the one worker thread only.
class LrclrAnalyzer : public IAnalyzer {
public:
    explicit LrclrAnalyzer(std::string modelDirectory, LrclrModel::Options options = {});
    ~LrclrAnalyzer() override;

    const std::string& modelDirectory() const { return m_directory; }

    void load(const InferenceJobContext& context) override;
    bool isLoaded() const override;
    AnalysisResult::ModelIdentity identity() const override;
    AnalysisResult analyze(const AnalysisRequest& request, const InferenceJobContext& context) override;
    GroundedSentences ground(const GroundingRequest& request, const InferenceJobContext& context) override;
    bool switchToCpu() override;

private:
    std::string m_directory;
    LrclrModel::Options m_options;
    std::unique_ptr<LrclrModel> m_model;
};

} // namespace lrclr
