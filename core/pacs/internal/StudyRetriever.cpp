#include "core/pacs/internal/StudyRetriever.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <QDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

#include "core/pacs/internal/ReceivedInstanceWriter.h"
#include "core/pacs/internal/StudyFinder.h"
#include "core/pacs/internal/TransferSyntaxes.h"

namespace lrclr::internal {

namespace {

// DICOM allows 128 presentation contexts in one association (odd IDs 1 to 255).
constexpr std::size_t maximumContexts = 128;

/// The storage classes a chest X-ray study holds, which get contexts for their compressed syntaxes too when the peer
/// does not say which classes the study holds.
const char* const radiographClasses[] = {
    UID_ComputedRadiographyImageStorage,
    UID_DigitalXRayImageStorageForPresentation,
    UID_DigitalXRayImageStorageForProcessing,
    UID_SecondaryCaptureImageStorage,
};

/// A DcmSCU that writes each C-STORE of a C-GET under our own name, reports progress and stops on cancel.
class GetScu : public DcmSCU {
public:
    GetScu(QString studyInstanceUid, QString folder, PacsProgress progress, const std::atomic<bool>* cancelled)
        : m_writer(std::move(studyInstanceUid), std::move(folder))
        , m_progress(std::move(progress))
        , m_cancelled(cancelled)
    {
    }

    OFCondition handleSTORERequest(const T_ASC_PresentationContextID, DcmDataset* incomingObject,
        OFBool& continueSession, Uint16& storeStatus) override
    {
        std::unique_ptr<DcmDataset> dataset(incomingObject);
        if (!dataset)
            return DIMSE_NULLKEY;
        if (isCancelled()) {
            m_wasCancelled = true;
            continueSession = OFFalse;
            storeStatus = STATUS_STORE_Refused_OutOfResources;
            return EC_IllegalCall;
        }
        storeStatus = storeInstance(std::move(dataset));
        if (m_progress)
            m_progress(m_writer.fileCount(), m_total);
        return EC_Normal;
    }

    OFCondition handleCGETResponse(
        const T_ASC_PresentationContextID, RetrieveResponse* response, OFBool& continueSession) override
    {
        continueSession = OFFalse;
        if (response == nullptr)
            return DIMSE_NULLKEY;
        m_failedCount = response->m_numberOfFailedSubops;
        m_warningCount = response->m_numberOfWarningSubops;
        if (response->m_status == STATUS_GET_Pending_SubOperationsAreContinuing) {
            m_total = response->m_numberOfRemainingSubops + response->m_numberOfCompletedSubops
                + response->m_numberOfFailedSubops + response->m_numberOfWarningSubops;
            if (m_progress)
                m_progress(m_writer.fileCount(), m_total);
            continueSession = !isCancelled();
            m_wasCancelled = isCancelled();
            return EC_Normal;
        }
        m_finished = true;
        m_finalStatus = response->m_status;
        return EC_Normal;
    }

    bool isCancelled() const { return m_cancelled && m_cancelled->load(); }
    bool wasCancelled() const { return m_wasCancelled; }
    bool finished() const { return m_finished; }
    Uint16 finalStatus() const { return m_finalStatus; }
    QStringList files() const { return m_writer.files(); }
    int failedCount() const { return m_failedCount; }
    int warningCount() const { return m_warningCount; }
    int refusedCount() const { return m_writer.refusedCount(); }
    const QString& writeError() const { return m_writer.writeError(); }

private:
    /// Writes one received instance; the C-STORE status to answer.
    Uint16 storeInstance(std::unique_ptr<DcmDataset> dataset)
    {
        DcmFileFormat file(dataset.release(), OFFalse);
        return m_writer.writeAndAnswer(file);
    }

    ReceivedInstanceWriter m_writer;
    PacsProgress m_progress;
    const std::atomic<bool>* m_cancelled = nullptr;
    int m_total = -1;
    int m_failedCount = 0;
    int m_warningCount = 0;
    bool m_wasCancelled = false;
    bool m_finished = false;
    Uint16 m_finalStatus = 0;
};

OFList<OFString> uncompressedSyntaxes()
{
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    return syntaxes;
}

/// The C-GET context, then storage contexts in the SCP role: each of `studyClasses` (what the peer said the study
/// holds; else the radiograph classes) uncompressed and, while there is room, in each compressed syntax; then other
/// storage classes (uncompressed) up to the limit of the association, for peers that did not say.
void addContexts(DcmSCU& scu, const QStringList& studyClasses)
{
    const OFList<OFString> uncompressed = uncompressedSyntaxes();
    scu.addPresentationContext(UID_GETStudyRootQueryRetrieveInformationModel, uncompressed);
    std::size_t count = 1;
    std::vector<std::string> classes;
    for (const QString& sopClass : studyClasses)
        classes.push_back(sopClass.toStdString());
    if (classes.empty())
        classes.assign(std::begin(radiographClasses), std::end(radiographClasses));
    std::set<std::string> added;
    for (const std::string& sopClass : classes) {
        if (count < maximumContexts && added.insert(sopClass).second) {
            scu.addPresentationContext(sopClass.c_str(), uncompressed, ASC_SC_ROLE_SCP);
            ++count;
        }
    }
    for (const std::string& sopClass : added) {
        for (const char* syntax : compressedTransferSyntaxes()) { // one per context, beside the uncompressed one
            if (count >= maximumContexts)
                break;
            OFList<OFString> single;
            single.push_back(syntax);
            scu.addPresentationContext(sopClass.c_str(), single, ASC_SC_ROLE_SCP);
            ++count;
        }
    }
    for (int i = 0; i < numberOfDcmLongSCUStorageSOPClassUIDs && count < maximumContexts; ++i) {
        if (added.insert(dcmLongSCUStorageSOPClassUIDs[i]).second) {
            scu.addPresentationContext(dcmLongSCUStorageSOPClassUIDs[i], uncompressed, ASC_SC_ROLE_SCP);
            ++count;
        }
    }
}

QString statusText(Uint16 status)
{
    return QStringLiteral("0x%1 (%2)")
        .arg(status, 4, 16, QLatin1Char('0'))
        .arg(QString::fromLatin1(DU_cgetStatusString(status)));
}

/// The outcome once the exchange is over: a result, or std::nullopt with `error` set.
std::optional<PacsRetrieveResult> outcome(
    const GetScu& scu, const OFCondition& status, const ScuSettings& settings, const QString& folder, QString* error)
{
    const QString peer = settings.peer.toString();
    if (scu.wasCancelled()) {
        *error = QStringLiteral("C-GET from %1 cancelled after %2 instance(s)").arg(peer).arg(scu.files().size());
        return std::nullopt;
    }
    if (!scu.writeError().isEmpty()) {
        *error = scu.writeError();
        return std::nullopt;
    }
    if (status.bad() || !scu.finished()) {
        *error = status.bad() ? ScuConnection::failureText(status, settings, QStringLiteral("C-GET"))
                              : QStringLiteral("C-GET from %1 ended without a final answer").arg(peer);
        return std::nullopt;
    }
    const Uint16 finalStatus = scu.finalStatus();
    const bool usable
        = finalStatus == STATUS_Success || finalStatus == STATUS_GET_Warning_SubOperationsCompleteOneOrMoreFailures;
    if (!usable || scu.files().isEmpty()) {
        *error = scu.files().isEmpty() && usable
            ? QStringLiteral("%1 sent no instance of the study").arg(peer)
            : QStringLiteral("%1 answered the C-GET with status %2").arg(peer, statusText(finalStatus));
        return std::nullopt;
    }
    PacsRetrieveResult result;
    result.folder = folder;
    result.files = scu.files();
    result.failedCount = scu.failedCount();
    result.warningCount = scu.warningCount();
    result.refusedCount = scu.refusedCount();
    return result;
}

} // namespace

std::optional<PacsRetrieveResult> StudyRetriever::retrieve(const ScuSettings& settings, const QString& studyInstanceUid,
    const QString& folder, const PacsProgress& progress, QString* error)
{
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("cannot create the folder %1").arg(folder);
        return std::nullopt;
    }
    // Which classes the study holds decides which contexts to offer; a peer that cannot say gets a broad list.
    QString findError;
    const QStringList studyClasses
        = StudyFinder::findSopClasses(settings, studyInstanceUid, &findError).value_or(QStringList());
    GetScu scu(studyInstanceUid, QDir(folder).absolutePath(), progress, settings.cancelled);
    ScuConnection::configure(scu, settings);
    addContexts(scu, studyClasses);
    if (QString message = ScuConnection::open(scu, settings, QStringLiteral("C-GET")); !message.isEmpty()) {
        *error = message;
        return std::nullopt;
    }
    const T_ASC_PresentationContextID context
        = scu.findPresentationContextID(UID_GETStudyRootQueryRetrieveInformationModel, "");
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyInstanceUid.toLatin1().constData());
    const OFCondition status = scu.sendCGETRequest(context, &keys, nullptr);
    auto result = outcome(scu, status, settings, QDir(folder).absolutePath(), error);
    ScuConnection::close(scu, status.good() && scu.finished() && !scu.wasCancelled());
    return result;
}

} // namespace lrclr::internal
