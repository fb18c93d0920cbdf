#include "core/inference/InferenceTypes.h"

#include <mutex>

namespace lrclr {

QString stageName(InferenceStage stage)
{
    switch (stage) {
    case InferenceStage::LoadingModel:
        return QStringLiteral("Loading model");
    case InferenceStage::Preprocessing:
        return QStringLiteral("Preprocessing");
    case InferenceStage::EncodingImage:
        return QStringLiteral("Encoding image");
    case InferenceStage::SelectingRegions:
        return QStringLiteral("Selecting regions");
    case InferenceStage::EncodingText:
        return QStringLiteral("Encoding report");
    case InferenceStage::GroundingSentences:
        return QStringLiteral("Grounding sentences");
    case InferenceStage::ScoringFindings:
        return QStringLiteral("Scoring findings");
    case InferenceStage::Done:
        return QStringLiteral("Done");
    }
    return QStringLiteral("Unknown stage");
}

QString failureName(InferenceFailure failure)
{
    switch (failure) {
    case InferenceFailure::ModelUnavailable:
        return QStringLiteral("Model unavailable");
    case InferenceFailure::OutOfMemory:
        return QStringLiteral("Out of memory");
    case InferenceFailure::InvalidInput:
        return QStringLiteral("Invalid input");
    case InferenceFailure::Internal:
        return QStringLiteral("Internal error");
    }
    return QStringLiteral("Unknown error");
}

void registerInferenceMetaTypes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        qRegisterMetaType<InferenceStage>("lrclr::InferenceStage");
        qRegisterMetaType<InferenceFailure>("lrclr::InferenceFailure");
        qRegisterMetaType<AnalysisRequest>("lrclr::AnalysisRequest");
        qRegisterMetaType<AnalysisRequest>("lrclr::GroundingRequest"); // the alias, for string-based connections
        qRegisterMetaType<AnalysisResult>("lrclr::AnalysisResult");
        qRegisterMetaType<AnalysisResult::ModelIdentity>("lrclr::AnalysisResult::ModelIdentity");
        qRegisterMetaType<GroundedSentences>("lrclr::GroundedSentences");
    });
}

InferenceFailure failureFromMessage(const std::string& message, InferenceFailure otherwise)
{
    const bool outOfMemory
        = message.find("out of memory") != std::string::npos || message.find("Out of memory") != std::string::npos;
    return outOfMemory ? InferenceFailure::OutOfMemory : otherwise;
}

} // namespace lrclr
