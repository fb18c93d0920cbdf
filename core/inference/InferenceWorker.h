#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "core/inference/IAnalyzer.h"
#include "core/inference/InferenceTypes.h"

namespace lrclr {

/// Shared between the InferenceService (GUI thread) and its worker: which jobs are still wanted.
/// Thread-safe: every member is an atomic or guarded by a mutex.
class InferenceJobTracker;

/// Runs jobs of the InferenceService on its one long-lived worker thread; internal to the service.
/// Lives on the worker thread (moved there by the service); its slots run only there, invoked through queued calls
/// so that the thread's own event queue is the job queue. Signals are received by the service on the GUI thread.
class InferenceWorker : public QObject {
    Q_OBJECT

public:
    InferenceWorker(std::unique_ptr<IAnalyzer> analyzer, std::shared_ptr<InferenceJobTracker> tracker);
    ~InferenceWorker() override;

public Q_SLOTS:
    void preload();
    void runAnalysis(quint64 jobId, const lrclr::AnalysisRequest& request);
    void runGrounding(quint64 jobId, const lrclr::GroundingRequest& request);
    void switchToCpu();
    /// Destroys the analyzer (and the model) on the worker thread, where it was loaded; called before the thread quits.
    void releaseAnalyzer();

Q_SIGNALS:
    void modelLoaded(const lrclr::AnalysisResult::ModelIdentity& identity);
    void modelLoadFailed(const QString& message, lrclr::InferenceFailure kind);
    void started(quint64 jobId);
    void progress(quint64 jobId, lrclr::InferenceStage stage, double fraction);
    void analysisFinished(quint64 jobId, const lrclr::AnalysisResult& result);
    void groundingFinished(quint64 jobId, const lrclr::GroundedSentences& sentences);
    void failed(quint64 jobId, const QString& message, lrclr::InferenceFailure kind);
    void canceled(quint64 jobId);

private:
    template<typename Work> void runJob(quint64 jobId, Work&& work);
    bool ensureLoaded(quint64 jobId, const InferenceJobContext& context);
    InferenceJobContext contextFor(quint64 jobId);

    std::unique_ptr<IAnalyzer> m_analyzer;
    std::shared_ptr<InferenceJobTracker> m_tracker;
};

} // namespace lrclr
