#include "core/pacs/internal/StudyMover.h"

#include <QDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

#include "core/pacs/internal/MoveReceiver.h"

namespace lrclr::internal {

namespace {

/// A DcmSCU that follows the C-MOVE responses: progress from what our SCP has written, stop on cancel.
class MoveScu : public DcmSCU {
public:
    MoveScu(const MoveReceiver& receiver, PacsProgress progress, const std::atomic<bool>* cancelled)
        : m_receiver(receiver)
        , m_progress(std::move(progress))
        , m_cancelled(cancelled)
    {
    }

    OFCondition handleMOVEResponse(
        const T_ASC_PresentationContextID, RetrieveResponse* response, OFBool& waitForNextResponse) override
    {
        waitForNextResponse = OFFalse;
        if (response == nullptr)
            return DIMSE_NULLKEY;
        m_failedCount = response->m_numberOfFailedSubops;
        m_warningCount = response->m_numberOfWarningSubops;
        if (response->m_status == STATUS_MOVE_Pending_SubOperationsAreContinuing) {
            m_total = response->m_numberOfRemainingSubops + response->m_numberOfCompletedSubops
                + response->m_numberOfFailedSubops + response->m_numberOfWarningSubops;
            if (m_progress)
                m_progress(m_receiver.fileCount(), m_total);
            m_wasCancelled = m_cancelled && m_cancelled->load();
            waitForNextResponse = !m_wasCancelled;
            return EC_Normal;
        }
        m_finished = true;
        m_finalStatus = response->m_status;
        if (m_total < 0 && response->m_numberOfCompletedSubops + m_failedCount + m_warningCount > 0)
            m_total = response->m_numberOfCompletedSubops + m_failedCount + m_warningCount;
        if (m_progress)
            m_progress(m_receiver.fileCount(), m_total);
        return EC_Normal;
    }

    bool wasCancelled() const { return m_wasCancelled; }
    bool finished() const { return m_finished; }
    Uint16 finalStatus() const { return m_finalStatus; }
    int failedCount() const { return m_failedCount; }
    int warningCount() const { return m_warningCount; }

private:
    const MoveReceiver& m_receiver;
    PacsProgress m_progress;
    const std::atomic<bool>* m_cancelled = nullptr;
    int m_total = -1;
    int m_failedCount = 0;
    int m_warningCount = 0;
    bool m_wasCancelled = false;
    bool m_finished = false;
    Uint16 m_finalStatus = 0;
};

QString statusText(Uint16 status)
{
    return QStringLiteral("0x%1 (%2)")
        .arg(status, 4, 16, QLatin1Char('0'))
        .arg(QString::fromLatin1(DU_cmoveStatusString(status)));
}

/// The error when the exchange ended without a usable result; empty when it gave one.
QString failure(const MoveScu& scu, const MoveReceiver& receiver, const OFCondition& status,
    const ScuSettings& settings, int storagePort)
{
    const QString peer = settings.peer.toString();
    const int received = receiver.fileCount();
    if (scu.wasCancelled() || receiver.sawCancel())
        return QStringLiteral("C-MOVE from %1 cancelled after %2 instance(s)").arg(peer).arg(received);
    if (!receiver.writeError().isEmpty())
        return receiver.writeError();
    if (status.bad())
        return ScuConnection::failureText(status, settings, QStringLiteral("C-MOVE"));
    if (!scu.finished())
        return QStringLiteral("C-MOVE from %1 ended without a final answer").arg(peer);
    const Uint16 finalStatus = scu.finalStatus();
    const bool usable
        = finalStatus == STATUS_Success || finalStatus == STATUS_MOVE_Warning_SubOperationsCompleteOneOrMoreFailures;
    if (usable && received > 0)
        return {};
    if (finalStatus == STATUS_MOVE_Refused_MoveDestinationUnknown) {
        return QStringLiteral("%1 does not know the move destination '%2': register it there with this machine's "
                              "address and port %3")
            .arg(peer, settings.callingAeTitle)
            .arg(storagePort);
    }
    if (received == 0 && (scu.failedCount() > 0 || !usable)) {
        const QString failed = scu.failedCount() > 0 ? QStringLiteral(", %1 failed").arg(scu.failedCount()) : QString();
        return QStringLiteral("%1 could not send the study to our storage SCP '%2' on port %3 (status %4%5): check "
                              "that it knows '%2' with this machine's address and port %3, and that nothing blocks "
                              "the connection")
            .arg(peer, settings.callingAeTitle)
            .arg(storagePort)
            .arg(statusText(finalStatus), failed);
    }
    if (!usable)
        return QStringLiteral("%1 answered the C-MOVE with status %2").arg(peer, statusText(finalStatus));
    return QStringLiteral("%1 sent no instance of the study").arg(peer);
}

} // namespace

std::optional<PacsRetrieveResult> StudyMover::retrieve(const ScuSettings& settings, const QString& studyInstanceUid,
    const QString& folder, int storagePort, const PacsProgress& progress, QString* error)
{
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("cannot create the folder %1").arg(folder);
        return std::nullopt;
    }
    const QString absoluteFolder = QDir(folder).absolutePath();
    MoveReceiver receiver(studyInstanceUid, absoluteFolder);
    if (QString message = receiver.start(settings, storagePort); !message.isEmpty()) {
        *error = message;
        return std::nullopt;
    }
    MoveScu scu(receiver, progress, settings.cancelled);
    ScuConnection::configure(scu, settings);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(UID_MOVEStudyRootQueryRetrieveInformationModel, syntaxes);
    if (QString message = ScuConnection::open(scu, settings, QStringLiteral("C-MOVE")); !message.isEmpty()) {
        *error = message;
        return std::nullopt;
    }
    const T_ASC_PresentationContextID context
        = scu.findPresentationContextID(UID_MOVEStudyRootQueryRetrieveInformationModel, "");
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyInstanceUid.toLatin1().constData());
    const OFCondition status
        = scu.sendMOVERequest(context, settings.callingAeTitle.toStdString().c_str(), &keys, nullptr);
    ScuConnection::close(scu, status.good() && scu.finished() && !scu.wasCancelled());
    // The peer's storage association is over (or idle until the SCP's timeout aborts it) once the move has ended.
    receiver.stop();
    if (QString message = failure(scu, receiver, status, settings, storagePort); !message.isEmpty()) {
        *error = message;
        return std::nullopt;
    }
    PacsRetrieveResult result;
    result.folder = absoluteFolder;
    result.files = receiver.files();
    result.failedCount = scu.failedCount();
    result.warningCount = scu.warningCount();
    result.refusedCount = receiver.refusedCount();
    return result;
}

} // namespace lrclr::internal
