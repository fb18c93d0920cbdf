#include "core/study/StudyIndexerWorker.h"

#include <QElapsedTimer>

#include "core/study/StudyIndexRasterProbe.h"
#include "core/study/StudyIndexScanner.h"

namespace lrclr {

StudyIndexerWorker::StudyIndexerWorker(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe, QObject* parent)
    : QObject(parent)
    , m_rasterProbe(std::move(rasterProbe))
{
}

void StudyIndexerWorker::cancel(quint64 jobId)
{
    quint64 current = m_cancelledUpTo.load();
    while (current < jobId && !m_cancelledUpTo.compare_exchange_weak(current, jobId)) { }
}

void StudyIndexerWorker::run(const QString& path, quint64 jobId, const StudyIndexScanner::FolderScope& scope)
{
    const StudyIndexScanner scanner(m_rasterProbe);
    QString error;
    // A folder of 100,000 files must not queue 100,000 signals on the GUI thread: at most ~30 updates a second,
    // plus the first and the last.
    QElapsedTimer sinceLastUpdate;
    sinceLastUpdate.start();
    const auto reportProgress = [&](int done, int total) {
        if (done == 0 || done == total || sinceLastUpdate.elapsed() >= 33) {
            sinceLastUpdate.restart();
            Q_EMIT progress(jobId, done, total);
        }
    };
    const auto index = scanner.scan(
        path, scope, [this, jobId] { return m_cancelledUpTo.load(std::memory_order_relaxed) >= jobId; }, reportProgress,
        &error);
    if (index)
        Q_EMIT finished(jobId, *index);
    else
        Q_EMIT failed(jobId, error);
}

} // namespace lrclr
