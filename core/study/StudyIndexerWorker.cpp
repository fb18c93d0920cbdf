#include "core/study/StudyIndexerWorker.h"

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

void StudyIndexerWorker::run(const QString& path, quint64 jobId)
{
    const StudyIndexScanner scanner(m_rasterProbe);
    QString error;
    const auto index = scanner.scan(
        path, [this, jobId] { return m_cancelledUpTo.load(std::memory_order_relaxed) >= jobId; },
        [&](int done, int total) { Q_EMIT progress(jobId, done, total); }, &error);
    if (index)
        Q_EMIT finished(jobId, *index);
    else
        Q_EMIT failed(jobId, error);
}

} // namespace lrclr
