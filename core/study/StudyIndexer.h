#pragma once

#include <memory>

#include <QObject>
#include <QString>

#include "core/study/StudyIndex.h"
#include "core/study/StudyIndexScanner.h"

class QThread;

namespace lrclr {

class StudyIndexRasterProbe;
class StudyIndexerWorker;

/// Indexes a folder or DICOMDIR on a worker thread (CTK's ctkDICOMIndexer pattern: this facade lives on the caller's
/// thread, a StudyIndexerWorker on its own QThread). Signals arrive on the facade's thread.
///
/// start() while a scan runs cancels it and starts the new one; signals of the superseded scan are dropped, so a
/// receiver only ever sees the latest scan. cancel() lands between files; the scan then finishes with the files
/// indexed so far and StudyIndex::isCancelled() set. The destructor cancels and waits for the thread at most
/// shutdownWaitMilliseconds: a scan stuck in a read that never returns (a special file under /proc, a hung network
/// mount) must not keep the application from quitting, so such a thread is left to the process's exit.
/// Use from one thread (the one that created it).
class StudyIndexer : public QObject {
    Q_OBJECT

public:
    explicit StudyIndexer(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe = {}, QObject* parent = nullptr);
    ~StudyIndexer() override;

    bool isRunning() const { return m_running; }

    static constexpr int shutdownWaitMilliseconds = 300;

public Q_SLOTS:
    void start(const QString& path) { start(path, StudyIndexScanner::FolderScope {}); }
    void start(const QString& path, const lrclr::StudyIndexScanner::FolderScope& scope);
    void cancel();

Q_SIGNALS:
    /// Files done out of total: once at 0, at most ~30 times a second while scanning, and once at total.
    void progress(int done, int total);
    void finished(const lrclr::StudyIndex& index);
    void failed(const QString& message);

private:
    QThread* m_thread = nullptr;
    StudyIndexerWorker* m_worker = nullptr;
    quint64 m_jobId = 0;
    bool m_running = false;
};

} // namespace lrclr
