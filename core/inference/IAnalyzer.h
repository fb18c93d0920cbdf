#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "core/inference/InferenceTypes.h"

namespace lrclr {

/// Thrown by an analyzer for a failure the user can act on; `kind` selects the remedy the UI offers.
class AnalyzerError : public std::runtime_error {
public:
    AnalyzerError(InferenceFailure kind, const std::string& message)
        : std::runtime_error(message)
        , m_kind(kind)
    {
    }
    InferenceFailure kind() const { return m_kind; }

private:
    InferenceFailure m_kind;
};

/// Thrown by an analyzer that noticed, between two stages, that its job was canceled or superseded.
class AnalysisCanceled : public std::exception {
public:
    const char* what() const noexcept override { return "analysis canceled"; }
};

/// What a running job may do besides computing: report stage progress and ask whether it is still wanted.
/// Both callbacks are invoked on the worker thread; `isCanceled` is cheap (an atomic read) and may be polled often.
class InferenceJobContext {
public:
    using ProgressCallback = std::function<void(InferenceStage stage, double fraction)>;
    using CancelCheck = std::function<bool()>;

    InferenceJobContext() = default;
    InferenceJobContext(ProgressCallback progress, CancelCheck canceled)
        : m_progress(std::move(progress))
        , m_canceled(std::move(canceled))
    {
    }

    /// `fraction` is the share of the whole job done, 0..1.
    void reportProgress(InferenceStage stage, double fraction) const
    {
        if (m_progress)
            m_progress(stage, fraction);
    }
    bool isCanceled() const { return m_canceled && m_canceled(); }
    /// Call between stages: a running forward pass cannot be interrupted, but the next one need not start.
    void throwIfCanceled() const
    {
        if (isCanceled())
            throw AnalysisCanceled();
    }

private:
    ProgressCallback m_progress;
    CancelCheck m_canceled;
};

/// The model behind the InferenceService, as an interface so that tests can run the service with a fake.
/// Not thread-safe: the service constructs it on the GUI thread, then calls every other member on its one worker
/// thread only (models hold per-thread state such as LibTorch's InferenceMode), so load lazily in load().
class IAnalyzer {
public:
    IAnalyzer() = default;
    virtual ~IAnalyzer() = default;
    IAnalyzer(const IAnalyzer&) = delete;
    IAnalyzer& operator=(const IAnalyzer&) = delete;

    /// Loads the model. Called once before the first job, and again only if an earlier load threw. The worker reports
    /// the LoadingModel stage itself; `context` lets a long load report finer progress or notice a cancel.
    /// Throws AnalyzerError (kind ModelUnavailable / OutOfMemory) with a message naming the file and the problem.
    virtual void load(const InferenceJobContext& context) = 0;
    virtual bool isLoaded() const = 0;
    /// Valid after load().
    virtual AnalysisResult::ModelIdentity identity() const = 0;

    /// Full analysis. Throws AnalyzerError, AnalysisCanceled (between stages), or std::exception.
    virtual AnalysisResult analyze(const AnalysisRequest& request, const InferenceJobContext& context) = 0;
    /// Grounding of a few sentences only (live re-grounding); region weights refer to the regions of the last
    /// analysis of the same image.
    virtual GroundedSentences ground(const GroundingRequest& request, const InferenceJobContext& context) = 0;

    /// Makes the next load() use the CPU (after CUDA ran out of memory); unloads the current model.
    /// Returns false when the analyzer already runs on the CPU or cannot switch.
    virtual bool switchToCpu() { return false; }
};

} // namespace lrclr
