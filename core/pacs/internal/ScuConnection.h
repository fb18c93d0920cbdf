#pragma once

#include <atomic>

#include <QString>

#include "core/pacs/PacsNode.h"

class DcmSCU;
class OFCondition;

namespace lrclr::internal {

/// Who calls whom, and how long to wait: what every DIMSE operation of PacsClient needs.
struct ScuSettings {
    PacsNode peer;
    QString callingAeTitle;
    int associationTimeoutSeconds = 10; ///< TCP connect and association negotiation (ACSE)
    int responseTimeoutSeconds = 30; ///< each DIMSE message awaited from the peer
    const std::atomic<bool>* cancelled = nullptr; ///< set from another thread to stop a retrieve or query
};

/// Opens and closes a DcmSCU's association with the settings' peer, and turns DCMTK's conditions into messages that
/// say what failed (refused, timed out, closed port) and where. Stateless; thread-safe (each DcmSCU belongs to one
/// thread).
class ScuConnection {
public:
    /// Sets AE titles, peer address, timeouts and the non-blocking DIMSE mode that makes the response timeout count.
    static void configure(DcmSCU& scu, const ScuSettings& settings);
    /// initNetwork() and negotiateAssociation(); an error message (naming `service`, e.g. "C-FIND"), empty on success.
    static QString open(DcmSCU& scu, const ScuSettings& settings, const QString& service);
    /// Releases the association after a good exchange, aborts it otherwise (a peer in an unknown state).
    static void close(DcmSCU& scu, bool release);
    /// "C-FIND on ORTHANC@host:port failed: ...", with timeouts and a peer that closed the connection said plainly.
    static QString failureText(const OFCondition& condition, const ScuSettings& settings, const QString& operation);
};

} // namespace lrclr::internal
