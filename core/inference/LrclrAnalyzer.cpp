#include "core/inference/LrclrAnalyzer.h"

#include <new>
#include <utility>

namespace lrclr {

namespace {

void checkImage(const AnalysisRequest& request)
{
    if (!request.image || !request.image->isValid())
        throw AnalyzerError(InferenceFailure::InvalidInput, "The image to analyse is empty or inconsistent.");
}

InferenceStage inferenceStage(LrclrModel::Stage stage)
{
    switch (stage) {
    case LrclrModel::Stage::Preprocessing:
        return InferenceStage::Preprocessing;
    case LrclrModel::Stage::EncodingImage:
        return InferenceStage::EncodingImage;
    case LrclrModel::Stage::SelectingRegions:
        return InferenceStage::SelectingRegions;
    case LrclrModel::Stage::EncodingText:
        return InferenceStage::EncodingText;
    case LrclrModel::Stage::GroundingSentences:
        return InferenceStage::GroundingSentences;
    case LrclrModel::Stage::ScoringFindings:
        return InferenceStage::ScoringFindings;
    }
    return InferenceStage::Preprocessing;
}

} // namespace

LrclrAnalyzer::LrclrAnalyzer(std::string modelDirectory, LrclrModel::Options options)
    : m_directory(std::move(modelDirectory))
    , m_options(options)
{
}

LrclrAnalyzer::~LrclrAnalyzer() = default;

void LrclrAnalyzer::load(const InferenceJobContext& /*context*/)
{
    try {
        m_model = LrclrModel::load(m_directory, m_options);
    } catch (const ModelError& error) {
        throw AnalyzerError(InferenceFailure::ModelUnavailable, error.what());
    } catch (const std::bad_alloc&) {
        throw AnalyzerError(InferenceFailure::OutOfMemory, "Not enough memory to load the model in " + m_directory);
    } catch (const std::exception& error) {
        const std::string message = error.what();
        throw AnalyzerError(failureFromMessage(message, InferenceFailure::ModelUnavailable),
            "Cannot load the model in " + m_directory + ": " + message);
    }
}

bool LrclrAnalyzer::isLoaded() const
{
    return m_model != nullptr;
}

AnalysisResult::ModelIdentity LrclrAnalyzer::identity() const
{
    return m_model ? m_model->identity() : AnalysisResult::ModelIdentity {};
}

AnalysisResult LrclrAnalyzer::analyze(const AnalysisRequest& request, const InferenceJobContext& context)
{
    checkImage(request);
    if (!m_model)
        throw AnalyzerError(InferenceFailure::ModelUnavailable, "The model in " + m_directory + " is not loaded.");
    // The model announces each stage as it starts; that is also where a canceled job stops (a forward pass that
    // is running is not interrupted).
    context.throwIfCanceled();
    const LrclrModel::StageObserver observer = [&context](LrclrModel::Stage stage, double fraction) {
        if (context.isCanceled())
            return false;
        context.reportProgress(inferenceStage(stage), fraction);
        return true;
    };
    try {
        AnalysisResult result = m_model->analyze(*request.image, request.sentences, observer);
        context.reportProgress(InferenceStage::Done, 1.0);
        return result;
    } catch (const AnalysisStopped&) {
        throw AnalysisCanceled();
    } catch (const ModelError& error) {
        throw AnalyzerError(InferenceFailure::InvalidInput, error.what());
    }
}

GroundedSentences LrclrAnalyzer::ground(const GroundingRequest& request, const InferenceJobContext& context)
{
    if (!request.image || !request.image->isValid())
        throw AnalyzerError(
            InferenceFailure::InvalidInput, "The image to ground sentences in is empty or inconsistent.");
    if (!m_model)
        throw AnalyzerError(InferenceFailure::ModelUnavailable, "The model in " + m_directory + " is not loaded.");
    context.throwIfCanceled();
    context.reportProgress(InferenceStage::GroundingSentences, 0.1);
    try {
        GroundedSentences sentences = m_model->ground(*request.image, request.sentences);
        context.reportProgress(InferenceStage::Done, 1.0);
        return sentences;
    } catch (const ModelError& error) {
        throw AnalyzerError(InferenceFailure::InvalidInput, error.what());
    }
}

bool LrclrAnalyzer::switchToCpu()
{
    if (m_options.device == LrclrModel::Options::Device::Cpu)
        return false;
    m_options.device = LrclrModel::Options::Device::Cpu;
    m_model.reset();
    return true;
}

} // namespace lrclr
