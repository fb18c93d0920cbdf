#include "core/study/StudyIndexer.h"

#include <QMetaObject>
#include <QThread>

#include "core/study/StudyIndexRasterProbe.h"
#include "core/study/StudyIndexerWorker.h"

namespace lrclr {

StudyIndexer::StudyIndexer(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe, QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new StudyIndexerWorker(std::move(rasterProbe)))
{
    qRegisterMetaType<lrclr::StudyIndex>();
    m_thread->setObjectName(QStringLiteral("StudyIndexer"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &StudyIndexerWorker::progress, this, [this](quint64 jobId, int done, int total) {
        if (jobId == m_jobId)
            Q_EMIT progress(done, total);
    });
    connect(m_worker, &StudyIndexerWorker::finished, this, [this](quint64 jobId, const StudyIndex& index) {
        if (jobId != m_jobId)
            return;
        m_running = false;
        Q_EMIT finished(index);
    });
    connect(m_worker, &StudyIndexerWorker::failed, this, [this](quint64 jobId, const QString& message) {
        if (jobId != m_jobId)
            return;
        m_running = false;
        Q_EMIT failed(message);
    });
    m_thread->start();
}

StudyIndexer::~StudyIndexer()
{
    m_worker->cancel(m_jobId);
    m_thread->quit();
    if (m_thread->wait(shutdownWaitMilliseconds))
        return;
    // Stuck in a read: destroying a running QThread aborts, so the thread (and its worker, deleted when the thread
    // finishes) is let go; the cancelled scan stops at its next file if the read ever returns.
    m_thread->setParent(nullptr);
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
}

void StudyIndexer::start(const QString& path, const StudyIndexScanner::FolderScope& scope)
{
    if (m_running)
        m_worker->cancel(m_jobId);
    m_running = true;
    const quint64 jobId = ++m_jobId;
    // Queued: runs on the worker thread after any scan already running there returns.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, path, jobId, scope] { worker->run(path, jobId, scope); }, Qt::QueuedConnection);
}

void StudyIndexer::cancel()
{
    m_worker->cancel(m_jobId);
}

} // namespace lrclr
