#include "ui/model/PacsStudyOpener.h"

#include <algorithm>
#include <tuple>

#include <QDir>
#include <QFutureWatcher>
#include <QPromise>
#include <QStandardPaths>
#include <QtConcurrent>

#include "core/pacs/StudyCache.h"
#include "core/study/StudyIndexHeaderReader.h"
#include "ui/model/ViewerSession.h"
#include "ui/model/internal/PacsWorkerPool.h"

namespace lrclr {

struct PacsStudyOpener::Job {
    Request request;
    std::shared_ptr<PacsClient> client;
    bool canceled = false; ///< by cancel() or a newer open(); GUI thread only
};

struct PacsStudyOpener::Outcome {
    std::optional<QStringList> files;
    QString imagePath;
    QString error;
    bool fromCache = false;
};

PacsStudyOpener::PacsStudyOpener(QString cacheFolder, qint64 cacheBytes, QObject* parent)
    : QObject(parent)
    , m_cacheFolder(std::move(cacheFolder))
    , m_cacheBytes(cacheBytes)
{
}

PacsStudyOpener::~PacsStudyOpener()
{
    // The worker keeps its own client and stops at its next message; nobody waits for it.
    if (m_running)
        m_running->client->cancel();
}

void PacsStudyOpener::setSession(ViewerSession* session)
{
    m_session = session;
}

QString PacsStudyOpener::defaultCacheFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QStringLiteral("pacs-studies"));
}

QString PacsStudyOpener::currentStudy() const
{
    if (m_pending)
        return m_pending->studyInstanceUid;
    return m_running ? m_running->request.studyInstanceUid : QString();
}

void PacsStudyOpener::open(const PacsNodeEntry& entry, const QString& studyInstanceUid)
{
    const Request request { entry, studyInstanceUid };
    if (m_running) {
        // The running retrieve may be writing the cache: the new one starts when it has stopped.
        m_running->canceled = true;
        m_running->client->cancel();
        m_pending = request;
        return;
    }
    Q_EMIT runningChanged(true);
    start(request);
}

void PacsStudyOpener::cancel()
{
    m_pending.reset();
    if (m_running) {
        m_running->canceled = true;
        m_running->client->cancel();
    }
}

void PacsStudyOpener::start(const Request& request)
{
    auto job = std::make_shared<Job>();
    job->request = request;
    job->client = std::make_shared<PacsClient>(request.entry.node, request.entry.callingAeTitle);
    job->client->setTimeouts(m_timeouts);
    m_running = job;
    Q_EMIT started(request.studyInstanceUid);

    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::progressTextChanged, this, [this, job](const QString& text) {
        if (job != m_running || job->canceled)
            return;
        const QStringList parts = text.split(u'/');
        if (parts.size() == 2)
            Q_EMIT progress(parts[0].toInt(), parts[1].toInt());
    });
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, job] {
        watcher->deleteLater();
        if (job == m_running)
            onFinished(watcher->result());
    });
    const std::shared_ptr<PacsClient> client = job->client;
    watcher->setFuture(QtConcurrent::run(internal::pacsWorkerPool(),
        [client, uid = request.studyInstanceUid, folder = m_cacheFolder, bytes = m_cacheBytes](
            QPromise<Outcome>& promise) {
            // Progress crosses to the GUI thread through the future ("done/total"; QFutureWatcher delivers it).
            const auto progress = [&promise](int done, int total) {
                promise.setProgressValueAndText(done, QStringLiteral("%1/%2").arg(done).arg(total));
            };
            promise.addResult(retrieve(*client, uid, folder, bytes, progress));
        }));
}

PacsStudyOpener::Outcome PacsStudyOpener::retrieve(PacsClient& client, const QString& studyInstanceUid,
    const QString& cacheFolder, qint64 cacheBytes, const PacsProgress& progress)
{
    StudyCache cache(cacheFolder, cacheBytes);
    Outcome outcome;
    outcome.fromCache = cache.contains(studyInstanceUid);
    outcome.files = cache.open(client, studyInstanceUid, progress, &outcome.error);
    if (outcome.files) {
        outcome.imagePath = firstFrontalImage(*outcome.files);
        if (outcome.imagePath.isEmpty())
            outcome.error = tr("the study has no image the viewer can show");
    }
    return outcome;
}

void PacsStudyOpener::onFinished(const Outcome& outcome)
{
    const std::shared_ptr<Job> job = std::move(m_running);
    m_running.reset();
    if (m_pending) {
        const Request next = *m_pending;
        m_pending.reset();
        start(next);
        return;
    }
    Q_EMIT runningChanged(false);
    const QString uid = job->request.studyInstanceUid;
    if (job->canceled) {
        Q_EMIT canceled(uid);
        return;
    }
    if (!outcome.files || outcome.imagePath.isEmpty()) {
        Q_EMIT failed(
            uid, tr("Cannot open the study from %1: %2").arg(job->request.entry.node.toString(), outcome.error));
        return;
    }
    if (m_session)
        m_session->openFile(outcome.imagePath);
    Q_EMIT opened(uid, outcome.imagePath, outcome.fromCache);
}

QString PacsStudyOpener::firstFrontalImage(const QStringList& files)
{
    struct Candidate {
        bool frontal = false;
        int seriesNumber = 0;
        int instanceNumber = 0;
        QString path;
    };
    QList<Candidate> candidates;
    for (const QString& path : files) {
        const std::optional<StudyIndexRecord> record = StudyIndexHeaderReader::read(path);
        if (!record || record->instance.kind != StudyIndexInstance::Kind::DicomImage)
            continue;
        const QString view = record->instance.viewPosition.trimmed().toUpper();
        candidates.append({ view == QLatin1String("PA") || view == QLatin1String("AP"), record->series.seriesNumber,
            record->instance.instanceNumber, path });
    }
    const auto order = [](const Candidate& a, const Candidate& b) {
        return std::tie(a.seriesNumber, a.instanceNumber, a.path) < std::tie(b.seriesNumber, b.instanceNumber, b.path);
    };
    std::sort(candidates.begin(), candidates.end(), order);
    const auto frontal
        = std::find_if(candidates.begin(), candidates.end(), [](const Candidate& c) { return c.frontal; });
    if (frontal != candidates.end())
        return frontal->path;
    return candidates.isEmpty() ? QString() : candidates.first().path;
}

} // namespace lrclr
