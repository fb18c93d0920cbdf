#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "core/pacs/PacsNode.h"
#include "core/pacs/PacsTypes.h"
#include "core/pacs/StudyQuery.h"

namespace lrclr {

/// A DICOM client of one PACS node over DIMSE (DCMTK's DcmSCU): C-ECHO, C-FIND (studies; the series of a study),
/// C-GET of a study into a folder (or C-MOVE to our own storage SCP, DcmStorageSCP, when a move port is set),
/// C-STORE of files. Each call opens its own association and closes it before it
/// returns; every wait is bounded by the association and response timeouts, and failures come back as messages that
/// say what happened ("refused the association", "timed out: no answer within 30 s").
/// The calls block: run them off the GUI thread. One thread uses an instance at a time; cancel() alone may be called
/// from any thread.
class PacsClient {
public:
    /// How long to wait: for the TCP connection and association (ACSE), and for each answer (DIMSE), in seconds.
    struct Timeouts {
        int associationSeconds = 10;
        int responseSeconds = 30;
    };

    /// `callingAeTitle`: our own AE title, which the PACS must know for C-GET.
    explicit PacsClient(PacsNode peer, QString callingAeTitle = QStringLiteral("LRCLR"));
    ~PacsClient();
    PacsClient(const PacsClient&) = delete;
    PacsClient& operator=(const PacsClient&) = delete;

    const PacsNode& peer() const { return m_peer; }
    void setTimeouts(const Timeouts& timeouts) { m_timeouts = timeouts; }
    const Timeouts& timeouts() const { return m_timeouts; }
    /// Retrieve by C-MOVE instead of C-GET: retrieveStudy() then runs our storage SCP on `port` (every interface;
    /// DCMTK has no bind address) under our AE title for the duration of the retrieve, and asks the PACS to move the
    /// study there; the PACS must know our AE title with this machine's address and that port. 0: C-GET (default).
    void setMovePort(int port) { m_movePort = port; }
    int movePort() const { return m_movePort; }

    /// C-ECHO: true when the node answers; otherwise false with a message in `error`.
    bool echo(QString* error = nullptr);
    /// Studies matching `query` (at most query.limit when it is set).
    std::optional<PacsStudyList> findStudies(const StudyQuery& query, QString* error = nullptr);
    /// The series of one study.
    std::optional<QList<PacsSeries>> findSeries(const QString& studyInstanceUid, QString* error = nullptr);
    /// C-GET (or C-MOVE, see setMovePort()) of a study into <outputFolder>/<SHA-256 hex of the study UID>/<SHA-256
    /// hex of each SOP Instance UID>.dcm; instances of other studies are refused. `progress` (optional) is called on
    /// this thread as instances arrive (by C-MOVE: as the PACS reports them). Fails when nothing arrived, on cancel
    /// and on a write error; files received before a failure stay in the folder.
    std::optional<PacsRetrieveResult> retrieveStudy(const QString& studyInstanceUid, const QString& outputFolder,
        const PacsProgress& progress = {}, QString* error = nullptr);
    /// C-STORE of DICOM Part 10 files; fails only when the node cannot be reached or the association breaks, and
    /// lists the files it refused in the result.
    std::optional<PacsStoreResult> store(
        const QStringList& files, const PacsProgress& progress = {}, QString* error = nullptr);

    /// Stops the running retrieve, query or store at its next message (thread-safe). Sticky: later calls on this
    /// instance fail as cancelled.
    void cancel() { m_cancelled.store(true); }
    /// The folder retrieveStudy() writes study `studyInstanceUid` to, below `outputFolder`.
    static QString studyFolder(const QString& outputFolder, const QString& studyInstanceUid);

private:
    struct Settings;
    Settings settings() const;

    PacsNode m_peer;
    QString m_callingAeTitle;
    Timeouts m_timeouts;
    int m_movePort = 0;
    std::atomic<bool> m_cancelled { false };
};

} // namespace lrclr
