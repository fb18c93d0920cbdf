#include "core/inference/InferenceWorker.h"

#include <new>
#include <string>

#include "core/inference/InferenceJobTracker.h"

namespace lrclr {

InferenceWorker::InferenceWorker(std::unique_ptr<IAnalyzer> analyzer, std::shared_ptr<InferenceJobTracker> tracker)
    : m_analyzer(std::move(analyzer))
    , m_tracker(std::move(tracker))
{
}

InferenceWorker::~InferenceWorker() = default;

InferenceJobContext InferenceWorker::contextFor(quint64 jobId)
{
    // Progress of a stale job is not reported: the GUI has moved on and must not see it tick.
    return InferenceJobContext(
        [this, jobId](InferenceStage stage, double fraction) {
            if (!m_tracker->isStale(jobId))
                Q_EMIT progress(jobId, stage, fraction);
        },
        [tracker = m_tracker, jobId] { return tracker->isStale(jobId); });
}

bool InferenceWorker::ensureLoaded(quint64 jobId, const InferenceJobContext& context)
{
    if (!m_analyzer) {
        Q_EMIT failed(jobId, QStringLiteral("The inference service is shutting down."), InferenceFailure::Internal);
        return false;
    }
    if (m_analyzer->isLoaded())
        return true;
    context.reportProgress(InferenceStage::LoadingModel, 0.0);
    m_analyzer->load(context);
    Q_EMIT modelLoaded(m_analyzer->identity());
    return true;
}

template<typename Work> void InferenceWorker::runJob(quint64 jobId, Work&& work)
{
    // Jobs superseded or canceled while they waited in the queue never start.
    if (m_tracker->isStale(jobId)) {
        Q_EMIT canceled(jobId);
        return;
    }
    Q_EMIT started(jobId);
    const InferenceJobContext context = contextFor(jobId);
    try {
        if (!ensureLoaded(jobId, context))
            return;
        context.throwIfCanceled();
        work(context);
    } catch (const AnalysisCanceled&) {
        Q_EMIT canceled(jobId);
    } catch (const AnalyzerError& error) {
        Q_EMIT failed(jobId, QString::fromStdString(error.what()), error.kind());
    } catch (const std::bad_alloc&) {
        Q_EMIT failed(jobId, QStringLiteral("Not enough memory for the analysis."), InferenceFailure::OutOfMemory);
    } catch (const std::exception& error) {
        const std::string message = error.what();
        Q_EMIT failed(jobId, QString::fromStdString(message), failureFromMessage(message, InferenceFailure::Internal));
    } catch (...) {
        Q_EMIT failed(jobId, QStringLiteral("The analysis failed with an unknown error."), InferenceFailure::Internal);
    }
}

void InferenceWorker::preload()
{
    if (!m_analyzer || m_analyzer->isLoaded())
        return;
    try {
        m_analyzer->load(InferenceJobContext {});
        Q_EMIT modelLoaded(m_analyzer->identity());
    } catch (const AnalyzerError& error) {
        // The first job retries the load (the folder may have been fixed meanwhile) and fails with its own id.
        Q_EMIT modelLoadFailed(QString::fromStdString(error.what()), error.kind());
    } catch (const std::exception& error) {
        Q_EMIT modelLoadFailed(QString::fromStdString(error.what()), InferenceFailure::ModelUnavailable);
    }
}

void InferenceWorker::runAnalysis(quint64 jobId, const AnalysisRequest& request)
{
    runJob(jobId, [&](const InferenceJobContext& context) {
        AnalysisResult result = m_analyzer->analyze(request, context);
        // A forward pass cannot be interrupted; a result that became stale while it ran is dropped here.
        if (m_tracker->isStale(jobId)) {
            Q_EMIT canceled(jobId);
            return;
        }
        Q_EMIT analysisFinished(jobId, result);
    });
}

void InferenceWorker::runGrounding(quint64 jobId, const GroundingRequest& request)
{
    runJob(jobId, [&](const InferenceJobContext& context) {
        GroundedSentences sentences = m_analyzer->ground(request, context);
        if (m_tracker->isStale(jobId)) {
            Q_EMIT canceled(jobId);
            return;
        }
        Q_EMIT groundingFinished(jobId, sentences);
    });
}

void InferenceWorker::switchToCpu()
{
    if (m_analyzer)
        m_analyzer->switchToCpu();
}

void InferenceWorker::releaseAnalyzer()
{
    m_analyzer.reset();
}

} // namespace lrclr
