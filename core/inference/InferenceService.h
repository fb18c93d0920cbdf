#pragma once

#include <memory>

#include <QList>
#include <QObject>
#include <QString>

#include "core/inference/IAnalyzer.h"
#include "core/inference/InferenceTypes.h"

class QThread;

namespace lrclr {

class InferenceJobTracker;
class InferenceWorker;

/// Runs LRCLR analyses in the background: the GUI-thread facade over one worker object on one long-lived QThread,
/// where the analyzer loads its model once and then serves every job (CTK's ctkDICOMIndexer pattern).
///
/// Every submitted job ends with exactly one of finished / groundingFinished, failed or canceled (unless the service
/// is destroyed first). A running forward pass cannot be interrupted, so stale jobs are dropped instead: a job is
/// stale once cancel()ed, or superseded: a new analysis supersedes every earlier job (analyses and groundings alike;
/// groundings are independent of each other, cancel one explicitly to replace it). Stale jobs still queued never run; a
/// stale running job stops at its next stage boundary or its result is discarded, and canceled() is emitted. After
/// cancel(id) returns, no finished/progress for id follows.
///
/// Thread-safety: not thread-safe; create, call and destroy it on one thread (the GUI thread), whose event loop
/// delivers the signals. The destructor cancels everything and waits for the running stage to end.
class InferenceService : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    /// Takes ownership of `analyzer`; its model is loaded lazily on the worker thread (call preload() to start early).
    explicit InferenceService(std::unique_ptr<IAnalyzer> analyzer, QObject* parent = nullptr);
    ~InferenceService() override;

    InferenceService(const InferenceService&) = delete;
    InferenceService& operator=(const InferenceService&) = delete;

    /// Queues a full analysis; supersedes every earlier job. Returns its id (never 0).
    quint64 submit(AnalysisRequest request);
    /// Queues a re-grounding of a few sentences against the image of the latest analysis; supersedes nothing.
    quint64 submitGrounding(GroundingRequest request);

    /// True while any submitted job has not yet ended.
    bool isBusy() const;
    /// Ids of jobs submitted and not yet ended, oldest first.
    QList<quint64> pendingJobs() const;
    /// Identity of the loaded model; empty name until modelLoaded() was emitted.
    AnalysisResult::ModelIdentity modelIdentity() const;

public Q_SLOTS:
    /// Loads the model now instead of at the first job (e.g. at application start).
    void preload();
    /// Marks the job stale; emits canceled(jobId) once the worker has let go of it. Unknown ids are ignored.
    void cancel(quint64 jobId);
    void cancelAll();
    /// After an OutOfMemory failure on CUDA: reloads the model on the CPU before the next job.
    void switchToCpu();

Q_SIGNALS:
    void modelLoaded(const lrclr::AnalysisResult::ModelIdentity& identity);
    /// Only from preload(): the model could not be loaded (jobs report their own failures through failed()).
    void modelLoadFailed(const QString& message, lrclr::InferenceFailure kind);
    void started(quint64 jobId);
    void progress(quint64 jobId, lrclr::InferenceStage stage, double fraction);
    void finished(quint64 jobId, const lrclr::AnalysisResult& result);
    void groundingFinished(quint64 jobId, const lrclr::GroundedSentences& sentences);
    void failed(quint64 jobId, const QString& message, lrclr::InferenceFailure kind);
    void canceled(quint64 jobId);
    void busyChanged(bool busy);

private:
    void onWorkerProgress(quint64 jobId, InferenceStage stage, double fraction);
    void onWorkerStarted(quint64 jobId);
    void onWorkerAnalysisFinished(quint64 jobId, const AnalysisResult& result);
    void onWorkerGroundingFinished(quint64 jobId, const GroundedSentences& sentences);
    void onWorkerFailed(quint64 jobId, const QString& message, InferenceFailure kind);
    void onWorkerCanceled(quint64 jobId);
    /// Removes the job from the pending list; returns false if it had already ended (then emit nothing).
    bool endJob(quint64 jobId);
    /// Ends a job the worker finished: canceled() when it went stale meanwhile, else `publish` emits its result.
    template<typename Publish> void finishJob(quint64 jobId, Publish&& publish);

    std::shared_ptr<InferenceJobTracker> m_tracker;
    QThread* m_thread = nullptr;
    InferenceWorker* m_worker = nullptr;
    QList<quint64> m_pending;
    quint64 m_nextId = 1;
    AnalysisResult::ModelIdentity m_identity;
};

} // namespace lrclr
