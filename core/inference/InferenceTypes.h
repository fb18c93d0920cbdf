#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QMetaType>
#include <QString>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// Value types that cross the GUI/worker thread boundary of the InferenceService. All are plain values (or share
/// immutable data), so copies may be used from any thread.

/// Identifies one submitted job; ids grow monotonically per service, 0 is never a valid id.
using JobId = quint64;

/// Steps of a job, in the order they run; progress reports never go backwards in this order within one job.
enum class InferenceStage {
    LoadingModel, ///< only before the first job (or after a failed load)
    Preprocessing, ///< image resized/padded into the model's input
    EncodingImage, ///< vision transformer forward pass
    SelectingRegions, ///< region-selection layer
    EncodingText, ///< report sentences through the text transformer
    GroundingSentences, ///< cross-modal interaction, maps
    ScoringFindings, ///< zero-shot finding prompts
    Done
};

/// Why a job failed, so that the UI can offer the matching remedy (e.g. retry on the CPU after CUDA ran out of memory).
enum class InferenceFailure {
    ModelUnavailable, ///< model folder missing, unreadable or inconsistent
    OutOfMemory, ///< host or device memory exhausted
    InvalidInput, ///< the image or text cannot be analysed
    Internal ///< anything else; the message has the details
};

/// A full analysis of one image and (optionally) its report sentences.
struct AnalysisRequest {
    /// Shared and immutable: a 3000x3000 image is 36 MB of floats, so follow-up grounding jobs reuse it.
    std::shared_ptr<const GrayscaleImage> image;
    std::vector<std::string> sentences;
};

/// Re-grounding of a few (edited or typed) sentences against the image of an earlier analysis: the same request,
/// answered with GroundedSentences instead of a whole AnalysisResult.
using GroundingRequest = AnalysisRequest;

using GroundedSentences = std::vector<AnalysisResult::Sentence>;

/// Human-readable stage name for status bars ("Encoding image").
QString stageName(InferenceStage stage);
/// Human-readable failure kind ("Model unavailable").
QString failureName(InferenceFailure failure);
/// The failure an exception's message describes: OutOfMemory when it says so (LibTorch reports CUDA allocation
/// failures as c10::Error, "CUDA out of memory. Tried to allocate ..."), else `otherwise`.
InferenceFailure failureFromMessage(const std::string& message, InferenceFailure otherwise);

/// Registers the types above with Qt's meta-type system for queued connections; idempotent, thread-safe.
void registerInferenceMetaTypes();

} // namespace lrclr

Q_DECLARE_METATYPE(lrclr::InferenceStage)
Q_DECLARE_METATYPE(lrclr::InferenceFailure)
Q_DECLARE_METATYPE(lrclr::AnalysisRequest)
Q_DECLARE_METATYPE(lrclr::AnalysisResult)
Q_DECLARE_METATYPE(lrclr::AnalysisResult::ModelIdentity)
Q_DECLARE_METATYPE(lrclr::GroundedSentences)
