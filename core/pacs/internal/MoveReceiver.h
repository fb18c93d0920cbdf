#pragma once

#include <memory>

#include <QString>
#include <QStringList>

#include "core/pacs/internal/ScuConnection.h"

namespace lrclr::internal {

/// Our storage SCP for one C-MOVE: DCMTK's DcmStorageSCP listening on a port of ours under our AE title for as long
/// as the retrieve runs, on a thread of its own. It writes each instance of the study asked for through
/// ReceivedInstanceWriter (names made from hashed UIDs), refuses instances of other studies, and refuses everything
/// once the settings' cancel flag is set.
/// start() and stop() belong to one thread; the counts may be read from any thread while it runs (they are locked).
class MoveReceiver {
public:
    MoveReceiver(QString studyInstanceUid, QString folder);
    ~MoveReceiver(); ///< stops it
    MoveReceiver(const MoveReceiver&) = delete;
    MoveReceiver& operator=(const MoveReceiver&) = delete;

    /// Opens `port` on every interface (DCMTK's acceptor has no bind address) and starts accepting associations
    /// for `settings.callingAeTitle`; an error message when the port cannot be opened, empty on success.
    QString start(const ScuSettings& settings, int port);
    /// Stops accepting and waits for an association in progress to end (at most the response timeout, after which
    /// DCMTK aborts an idle one).
    void stop();

    int fileCount() const;
    QStringList files() const;
    int refusedCount() const;
    QString writeError() const;
    /// True when an instance was refused because of the cancel flag.
    bool sawCancel() const;

private:
    class StorageScp;
    std::unique_ptr<StorageScp> m_scp;
};

} // namespace lrclr::internal
