#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "core/study/StudyIndex.h"
#include "core/study/StudyIndexScanner.h"

namespace lrclr {

class StudyIndexRasterProbe;

/// The part of StudyIndexer that lives on the worker thread: runs StudyIndexScanner for one path per run() call.
/// run() executes on the worker's thread (invoked through a queued connection); cancel() may be called from any
/// thread and lands between files.
class StudyIndexerWorker : public QObject {
    Q_OBJECT

public:
    explicit StudyIndexerWorker(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe, QObject* parent = nullptr);

    /// Cancels job `jobId` and every earlier one, whether running or still queued. Thread-safe.
    void cancel(quint64 jobId);

public Q_SLOTS:
    void run(const QString& path, quint64 jobId, const lrclr::StudyIndexScanner::FolderScope& scope = {});

Q_SIGNALS:
    void progress(quint64 jobId, int done, int total);
    void finished(quint64 jobId, const lrclr::StudyIndex& index);
    void failed(quint64 jobId, const QString& message);

private:
    std::shared_ptr<const StudyIndexRasterProbe> m_rasterProbe;
    std::atomic<quint64> m_cancelledUpTo { 0 };
};

} // namespace lrclr
