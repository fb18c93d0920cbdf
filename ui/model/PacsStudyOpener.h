#pragma once

#include <memory>
#include <optional>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "core/pacs/PacsClient.h"
#include "ui/model/PacsNodeSettings.h"

namespace lrclr {

class ViewerSession;

/// Opens a study of a PACS: C-GET on a worker thread into the StudyCache (a study already cached opens without the
/// network), with progress and cancel, then its first frontal image (PA or AP; else its first image) through
/// ViewerSession::openFile, so that from there on it is opened exactly like a local file. One retrieve at a time: a
/// new open() cancels the running one and starts once it has stopped (two retrieves never write the same cache
/// folder at once). Not thread-safe: GUI thread only.
class PacsStudyOpener : public QObject {
    Q_OBJECT

public:
    /// Retrieved studies go under `cacheFolder`, which is brought back under `cacheBytes` after each retrieve,
    /// least recently used studies first (0: no limit).
    PacsStudyOpener(QString cacheFolder, qint64 cacheBytes, QObject* parent = nullptr);
    ~PacsStudyOpener() override;

    /// The user's cache: QStandardPaths::CacheLocation + "/pacs-studies".
    static QString defaultCacheFolder();
    /// The default size limit of the cache (4 GiB).
    static constexpr qint64 defaultCacheBytes = qint64(4) << 30;

    /// The session that opens the retrieved image (not owned; may be null: then only opened() tells).
    void setSession(ViewerSession* session);
    void setTimeouts(const PacsClient::Timeouts& timeouts) { m_timeouts = timeouts; }
    const QString& cacheFolder() const { return m_cacheFolder; }

    /// True while a study is retrieved (or waits for a canceled one to stop).
    bool isRunning() const { return m_running != nullptr; }
    /// The study being retrieved (the one waiting, if any); empty when none.
    QString currentStudy() const;

    /// Retrieves study `studyInstanceUid` of `entry` (unless cached) and opens its first frontal image.
    void open(const PacsNodeEntry& entry, const QString& studyInstanceUid);
    /// Stops the retrieve in flight; canceled() follows once it has stopped. Files of a canceled retrieve are
    /// removed (the cache keeps complete studies only).
    void cancel();

    /// The image to open first among DICOM `files` of one study: the first PA or AP view in series and instance
    /// order, else the first image; empty when none is an image. Reads headers only. Thread-safe.
    static QString firstFrontalImage(const QStringList& files);

Q_SIGNALS:
    void started(const QString& studyInstanceUid);
    /// `done` instances of `total` (-1 while the node has not said).
    void progress(int done, int total);
    /// The study is in the cache and `imagePath` was handed to the session; `fromCache`: no network was used.
    void opened(const QString& studyInstanceUid, const QString& imagePath, bool fromCache);
    void failed(const QString& studyInstanceUid, const QString& message);
    void canceled(const QString& studyInstanceUid);
    /// A retrieve started (true) or ended (false).
    void runningChanged(bool running);

private:
    struct Request {
        PacsNodeEntry entry;
        QString studyInstanceUid;
    };
    struct Job;
    struct Outcome;

    /// The worker's part: the study from the cache, retrieved first when it is not there, and the image to open.
    static Outcome retrieve(PacsClient& client, const QString& studyInstanceUid, const QString& cacheFolder,
        qint64 cacheBytes, const PacsProgress& progress);
    void start(const Request& request);
    void onFinished(const Outcome& outcome);

    QString m_cacheFolder;
    qint64 m_cacheBytes = 0;
    PacsClient::Timeouts m_timeouts;
    QPointer<ViewerSession> m_session;
    std::shared_ptr<Job> m_running;
    std::optional<Request> m_pending;
};

} // namespace lrclr
