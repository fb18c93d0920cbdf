#include "core/pacs/internal/MoveReceiver.h"

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcobject.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dstorscp.h>

#include "core/pacs/internal/ReceivedInstanceWriter.h"
#include "core/pacs/internal/TransferSyntaxes.h"

namespace lrclr::internal {

namespace {

/// After the compressed syntaxes (TransferSyntaxes), the uncompressed ones.
const char* const uncompressedSyntaxes[] = {
    UID_LittleEndianExplicitTransferSyntax,
    UID_BigEndianExplicitTransferSyntax,
    UID_LittleEndianImplicitTransferSyntax,
};

// DCMTK's association profiles hold at most 128 presentation contexts; DcmStorageSCP adds Verification itself.
constexpr std::size_t maximumContexts = 127;

/// Storage classes a chest X-ray study holds, accepted before the others fill the profile.
const char* const radiographClasses[] = {
    UID_ComputedRadiographyImageStorage,
    UID_DigitalXRayImageStorageForPresentation,
    UID_DigitalXRayImageStorageForProcessing,
    UID_SecondaryCaptureImageStorage,
    UID_GrayscaleSoftcopyPresentationStateStorage,
    UID_BasicTextSRStorage,
    UID_EnhancedSRStorage,
    UID_ComprehensiveSRStorage,
};

/// The storage classes the SCP accepts: the radiograph classes, then DCMTK's list of storage classes up to the
/// profile's limit.
std::vector<std::string> acceptedClasses()
{
    std::vector<std::string> classes;
    std::set<std::string> added;
    for (const char* sopClass : radiographClasses) {
        if (added.insert(sopClass).second)
            classes.push_back(sopClass);
    }
    for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs && classes.size() < maximumContexts; ++i) {
        if (added.insert(dcmAllStorageSOPClassUIDs[i]).second)
            classes.push_back(dcmAllStorageSOPClassUIDs[i]);
    }
    return classes;
}

QString conditionText(const OFCondition& condition)
{
    OFString text;
    DimseCondition::dump(text, condition);
    return QString::fromLocal8Bit(text.c_str()).simplified();
}

} // namespace

/// The DcmStorageSCP: every storage class in every syntax above, our own writing, a stop flag checked once a second.
class MoveReceiver::StorageScp : public DcmStorageSCP {
public:
    StorageScp(QString studyInstanceUid, QString folder)
        : m_writer(std::move(studyInstanceUid), std::move(folder))
    {
    }

    ~StorageScp() override { stopAndJoin(); }

    QString start(const ScuSettings& settings, int port)
    {
        setAETitle(settings.callingAeTitle.toStdString().c_str());
        setPort(static_cast<Uint16>(port));
        setConnectionBlockingMode(DUL_NOBLOCK);
        setConnectionTimeout(1); // how often the accepting loop looks at the stop flag
        setDIMSEBlockingMode(DIMSE_NONBLOCKING);
        setDIMSETimeout(static_cast<Uint32>(settings.responseTimeoutSeconds));
        setACSETimeout(static_cast<Uint32>(settings.associationTimeoutSeconds));
        setHostLookupEnabled(OFFalse);
        m_cancelled = settings.cancelled;
        OFList<OFString> syntaxes;
        for (const char* syntax : compressedTransferSyntaxes())
            syntaxes.push_back(syntax);
        for (const char* syntax : uncompressedSyntaxes)
            syntaxes.push_back(syntax);
        OFCondition opened = EC_Normal;
        for (const std::string& sopClass : acceptedClasses()) {
            if (opened.good())
                opened = addPresentationContext(sopClass.c_str(), syntaxes);
        }
        if (opened.good()) {
            // openListenPort() turns off DCMTK's process-wide input data correction; the rest of the process (and
            // C-GET, which receives the same instances) reads with it on, so it is put back.
            const OFBool correction = dcmEnableAutomaticInputDataCorrection.get();
            opened = openListenPort();
            dcmEnableAutomaticInputDataCorrection.set(correction);
        }
        if (opened.bad()) {
            return QStringLiteral("cannot listen on port %1 for the C-MOVE (our storage SCP '%2'): %3")
                .arg(port)
                .arg(settings.callingAeTitle, conditionText(opened));
        }
        m_thread = std::thread([this] { acceptAssociations(); });
        return {};
    }

    void stopAndJoin()
    {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
    }

    template<typename Function> auto locked(Function function) const
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        return function(m_writer);
    }

    bool sawCancel() const { return m_sawCancel.load(); }

protected:
    Uint16 checkAndProcessSTORERequest(const T_DIMSE_C_StoreRQ&, DcmFileFormat& fileformat) override
    {
        if (m_cancelled && m_cancelled->load()) {
            m_sawCancel.store(true);
            return STATUS_STORE_Refused_OutOfResources;
        }
        const std::lock_guard<std::mutex> lock(m_mutex);
        return m_writer.writeAndAnswer(fileformat);
    }

    OFBool stopAfterConnectionTimeout() override { return m_stop.load(); }
    OFBool stopAfterCurrentAssociation() override { return m_stop.load(); }

private:
    mutable std::mutex m_mutex;
    ReceivedInstanceWriter m_writer;
    const std::atomic<bool>* m_cancelled = nullptr;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_sawCancel { false };
    std::thread m_thread;
};

MoveReceiver::MoveReceiver(QString studyInstanceUid, QString folder)
    : m_scp(std::make_unique<StorageScp>(std::move(studyInstanceUid), std::move(folder)))
{
}

MoveReceiver::~MoveReceiver() = default;

QString MoveReceiver::start(const ScuSettings& settings, int port)
{
    return m_scp->start(settings, port);
}

void MoveReceiver::stop()
{
    m_scp->stopAndJoin();
}

int MoveReceiver::fileCount() const
{
    return m_scp->locked([](const ReceivedInstanceWriter& writer) { return writer.fileCount(); });
}

QStringList MoveReceiver::files() const
{
    return m_scp->locked([](const ReceivedInstanceWriter& writer) { return writer.files(); });
}

int MoveReceiver::refusedCount() const
{
    return m_scp->locked([](const ReceivedInstanceWriter& writer) { return writer.refusedCount(); });
}

QString MoveReceiver::writeError() const
{
    return m_scp->locked([](const ReceivedInstanceWriter& writer) { return writer.writeError(); });
}

bool MoveReceiver::sawCancel() const
{
    return m_scp->sawCancel();
}

} // namespace lrclr::internal
