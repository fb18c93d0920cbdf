#include "core/pacs/internal/ScuConnection.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

namespace lrclr::internal {

namespace {

QString conditionDump(const OFCondition& condition)
{
    OFString text;
    DimseCondition::dump(text, condition);
    return QString::fromLocal8Bit(text.c_str()).simplified();
}

} // namespace

void ScuConnection::configure(DcmSCU& scu, const ScuSettings& settings)
{
    scu.setAETitle(settings.callingAeTitle.toStdString().c_str());
    scu.setPeerAETitle(settings.peer.aeTitle().toStdString().c_str());
    scu.setPeerHostName(settings.peer.host().toStdString().c_str());
    scu.setPeerPort(static_cast<Uint16>(settings.peer.port()));
    scu.setACSETimeout(static_cast<Uint32>(settings.associationTimeoutSeconds));
    // DCMTK keeps the connect timeout in one process-wide setting; every client sets it the same way.
    scu.setConnectionTimeout(settings.associationTimeoutSeconds);
    // The DIMSE timeout only applies in non-blocking mode; blocking mode would wait forever for a silent peer.
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(static_cast<Uint32>(settings.responseTimeoutSeconds));
}

QString ScuConnection::open(DcmSCU& scu, const ScuSettings& settings, const QString& service)
{
    OFCondition status = scu.initNetwork();
    if (status.bad())
        return QStringLiteral("cannot set up the network for %1: %2").arg(service, conditionDump(status));
    status = scu.negotiateAssociation();
    if (status.good())
        return {};
    const QString peer = settings.peer.toString();
    if (status == DUL_ASSOCIATIONREJECTED) {
        return QStringLiteral("%1 refused the association (A-ASSOCIATE-RJ): check that it knows the AE title '%2' "
                              "and that '%3' is its AE title")
            .arg(peer, settings.callingAeTitle, settings.peer.aeTitle());
    }
    if (status == NET_EC_NoAcceptablePresentationContexts) {
        return QStringLiteral("%1 accepted the association but none of the presentation contexts for %2: it does not "
                              "offer this service")
            .arg(peer, service);
    }
    const QString detail = conditionDump(status);
    if (status == DUL_READTIMEOUT || detail.contains(QStringLiteral("timeout"), Qt::CaseInsensitive)
        || detail.contains(QStringLiteral("timed out"), Qt::CaseInsensitive)) {
        return QStringLiteral("no answer from %1 to the association request within %2 s (timeout): %3")
            .arg(peer)
            .arg(settings.associationTimeoutSeconds)
            .arg(detail);
    }
    return QStringLiteral("cannot connect to %1: %2").arg(peer, detail);
}

void ScuConnection::close(DcmSCU& scu, bool release)
{
    if (!scu.isConnected())
        return;
    scu.closeAssociation(release ? DCMSCU_RELEASE_ASSOCIATION : DCMSCU_ABORT_ASSOCIATION);
}

QString ScuConnection::failureText(const OFCondition& condition, const ScuSettings& settings, const QString& operation)
{
    const QString peer = settings.peer.toString();
    if (condition == DIMSE_NODATAAVAILABLE || condition == DUL_READTIMEOUT) {
        return QStringLiteral("%1 on %2 timed out: no answer within %3 s")
            .arg(operation, peer)
            .arg(settings.responseTimeoutSeconds);
    }
    if (condition == DUL_PEERABORTEDASSOCIATION)
        return QStringLiteral("%1 on %2 failed: the peer aborted the association").arg(operation, peer);
    if (condition == DUL_PEERREQUESTEDRELEASE)
        return QStringLiteral("%1 on %2 failed: the peer closed the association early").arg(operation, peer);
    return QStringLiteral("%1 on %2 failed: %3").arg(operation, peer, conditionDump(condition));
}

} // namespace lrclr::internal
