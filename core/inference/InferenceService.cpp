#include "core/inference/InferenceService.h"

#include <utility>

#include <QThread>

#include "core/inference/InferenceJobTracker.h"
#include "core/inference/InferenceWorker.h"

namespace lrclr {

InferenceService::InferenceService(std::unique_ptr<IAnalyzer> analyzer, QObject* parent)
    : QObject(parent)
    , m_tracker(std::make_shared<InferenceJobTracker>())
{
    registerInferenceMetaTypes();

    // Without a parent: the worker must live on m_thread, and is deleted explicitly once that thread has ended.
    m_worker = new InferenceWorker(std::move(analyzer), m_tracker);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("lrclr-inference"));
    m_worker->moveToThread(m_thread);

    connect(m_worker, &InferenceWorker::modelLoaded, this, [this](const AnalysisResult::ModelIdentity& identity) {
        m_identity = identity;
        Q_EMIT modelLoaded(identity);
    });
    connect(m_worker, &InferenceWorker::modelLoadFailed, this, &InferenceService::modelLoadFailed);
    connect(m_worker, &InferenceWorker::started, this, &InferenceService::onWorkerStarted);
    connect(m_worker, &InferenceWorker::progress, this, &InferenceService::onWorkerProgress);
    connect(m_worker, &InferenceWorker::analysisFinished, this, &InferenceService::onWorkerAnalysisFinished);
    connect(m_worker, &InferenceWorker::groundingFinished, this, &InferenceService::onWorkerGroundingFinished);
    connect(m_worker, &InferenceWorker::failed, this, &InferenceService::onWorkerFailed);
    connect(m_worker, &InferenceWorker::canceled, this, &InferenceService::onWorkerCanceled);

    m_thread->start();
}

InferenceService::~InferenceService()
{
    // Everything still queued becomes stale and is skipped; the running job stops at its next stage boundary.
    m_tracker->supersedeBefore(m_nextId);
    // The analyzer (and its model) is destroyed on the thread that loaded it. Blocking: this waits for the running
    // stage and the skipped queued jobs, whose end signals are dropped with this object.
    QMetaObject::invokeMethod(m_worker, &InferenceWorker::releaseAnalyzer, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    m_worker = nullptr;
}

quint64 InferenceService::submit(AnalysisRequest request)
{
    const quint64 jobId = m_nextId++;
    m_tracker->supersedeBefore(jobId);
    const bool wasBusy = isBusy();
    m_pending.append(jobId);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, jobId, request = std::move(request)] { worker->runAnalysis(jobId, request); },
        Qt::QueuedConnection);
    if (!wasBusy)
        Q_EMIT busyChanged(true);
    return jobId;
}

quint64 InferenceService::submitGrounding(GroundingRequest request)
{
    const quint64 jobId = m_nextId++;
    const bool wasBusy = isBusy();
    m_pending.append(jobId);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, jobId, request = std::move(request)] { worker->runGrounding(jobId, request); },
        Qt::QueuedConnection);
    if (!wasBusy)
        Q_EMIT busyChanged(true);
    return jobId;
}

bool InferenceService::isBusy() const
{
    return !m_pending.isEmpty();
}

QList<quint64> InferenceService::pendingJobs() const
{
    return m_pending;
}

AnalysisResult::ModelIdentity InferenceService::modelIdentity() const
{
    return m_identity;
}

void InferenceService::preload()
{
    QMetaObject::invokeMethod(m_worker, &InferenceWorker::preload, Qt::QueuedConnection);
}

void InferenceService::cancel(quint64 jobId)
{
    if (m_pending.contains(jobId))
        m_tracker->cancel(jobId);
}

void InferenceService::cancelAll()
{
    m_tracker->supersedeBefore(m_nextId);
}

void InferenceService::switchToCpu()
{
    QMetaObject::invokeMethod(m_worker, &InferenceWorker::switchToCpu, Qt::QueuedConnection);
}

bool InferenceService::endJob(quint64 jobId)
{
    if (!m_pending.removeOne(jobId))
        return false;
    m_tracker->forget(jobId);
    if (m_pending.isEmpty())
        Q_EMIT busyChanged(false);
    return true;
}

void InferenceService::onWorkerStarted(quint64 jobId)
{
    if (m_pending.contains(jobId) && !m_tracker->isStale(jobId))
        Q_EMIT started(jobId);
}

void InferenceService::onWorkerProgress(quint64 jobId, InferenceStage stage, double fraction)
{
    // Checked again here: the job may have been canceled after the worker posted this report.
    if (m_pending.contains(jobId) && !m_tracker->isStale(jobId))
        Q_EMIT progress(jobId, stage, fraction);
}

template<typename Publish> void InferenceService::finishJob(quint64 jobId, Publish&& publish)
{
    const bool stale = m_tracker->isStale(jobId);
    if (!endJob(jobId))
        return;
    if (stale)
        Q_EMIT canceled(jobId);
    else
        publish();
}

void InferenceService::onWorkerAnalysisFinished(quint64 jobId, const AnalysisResult& result)
{
    finishJob(jobId, [&] { Q_EMIT finished(jobId, result); });
}

void InferenceService::onWorkerGroundingFinished(quint64 jobId, const GroundedSentences& sentences)
{
    finishJob(jobId, [&] { Q_EMIT groundingFinished(jobId, sentences); });
}

void InferenceService::onWorkerFailed(quint64 jobId, const QString& message, InferenceFailure kind)
{
    const bool stale = m_tracker->isStale(jobId);
    if (!endJob(jobId))
        return;
    // A failure of a job nobody waits for any more is not worth an error dialog.
    if (stale)
        Q_EMIT canceled(jobId);
    else
        Q_EMIT failed(jobId, message, kind);
}

void InferenceService::onWorkerCanceled(quint64 jobId)
{
    if (endJob(jobId))
        Q_EMIT canceled(jobId);
}

} // namespace lrclr
