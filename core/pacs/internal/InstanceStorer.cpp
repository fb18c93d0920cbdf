#include "core/pacs/internal/InstanceStorer.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <QFile>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

#include "core/dicom/internal/DicomPreScanner.h"

namespace lrclr::internal {

namespace {

// Two contexts per (class, syntax) pair; DICOM allows 128 per association.
constexpr std::size_t maximumPairsPerAssociation = 60;
constexpr int maximumSequenceDepth = 64;
constexpr std::size_t maximumInflatedBytes = std::size_t { 256 } << 20;

/// One file to send: its path and what its meta header says.
struct StoreItem {
    QString path;
    std::string sopClassUid;
    std::string transferSyntaxUid;
};

bool isUncompressedLittleEndian(const std::string& syntax)
{
    return syntax == UID_LittleEndianExplicitTransferSyntax || syntax == UID_LittleEndianImplicitTransferSyntax;
}

/// Reads the meta header of `path` after the pre-scan; an error text, empty on success.
QString describeFile(const QString& path, StoreItem* item)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
    const auto scan = DicomPreScanner::scanMapped(file, maximumSequenceDepth, maximumInflatedBytes);
    if (!scan.accepted)
        return QStringLiteral("%1: refused: %2").arg(path, QString::fromStdString(scan.problem));
    file.close();
    DcmFileFormat format;
    const QByteArray encoded = QFile::encodeName(path);
    const OFCondition status
        = format.loadFile(OFFilename(encoded.constData()), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_metaOnly);
    OFString sopClass;
    OFString syntax;
    if (status.bad())
        return QStringLiteral("%1: not readable as DICOM: %2").arg(path, QString::fromLatin1(status.text()));
    format.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sopClass);
    format.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, syntax);
    if (sopClass.empty() || syntax.empty())
        return QStringLiteral("%1: no SOP class or transfer syntax in the meta header (not a DICOM Part 10 file)")
            .arg(path);
    item->path = path;
    item->sopClassUid = sopClass.c_str();
    item->transferSyntaxUid = syntax.c_str();
    return {};
}

/// Splits the files into batches that fit one association's presentation contexts.
std::vector<std::vector<StoreItem>> batchesOf(const std::vector<StoreItem>& items)
{
    std::vector<std::vector<StoreItem>> batches;
    std::set<std::pair<std::string, std::string>> pairs;
    for (const StoreItem& item : items) {
        const auto pair = std::make_pair(item.sopClassUid, item.transferSyntaxUid);
        if (batches.empty() || (!pairs.contains(pair) && pairs.size() >= maximumPairsPerAssociation)) {
            batches.emplace_back();
            pairs.clear();
        }
        pairs.insert(pair);
        batches.back().push_back(item);
    }
    return batches;
}

void addContexts(DcmSCU& scu, const std::vector<StoreItem>& batch)
{
    std::set<std::pair<std::string, std::string>> added;
    for (const StoreItem& item : batch) {
        if (!isUncompressedLittleEndian(item.transferSyntaxUid)
            && added.insert({ item.sopClassUid, item.transferSyntaxUid }).second) {
            OFList<OFString> own;
            own.push_back(item.transferSyntaxUid.c_str());
            scu.addPresentationContext(item.sopClassUid.c_str(), own);
        }
        if (added.insert({ item.sopClassUid, std::string() }).second) {
            OFList<OFString> uncompressed;
            uncompressed.push_back(UID_LittleEndianExplicitTransferSyntax);
            uncompressed.push_back(UID_LittleEndianImplicitTransferSyntax);
            scu.addPresentationContext(item.sopClassUid.c_str(), uncompressed);
        }
    }
}

/// The context to send `item` on: one in its own syntax, else an uncompressed one (DCMTK then converts).
T_ASC_PresentationContextID contextFor(DcmSCU& scu, const StoreItem& item)
{
    T_ASC_PresentationContextID context
        = scu.findPresentationContextID(item.sopClassUid.c_str(), item.transferSyntaxUid.c_str());
    if (context == 0)
        context = scu.findPresentationContextID(item.sopClassUid.c_str(), UID_LittleEndianExplicitTransferSyntax);
    if (context == 0)
        context = scu.findPresentationContextID(item.sopClassUid.c_str(), UID_LittleEndianImplicitTransferSyntax);
    return context;
}

bool isStoredStatus(Uint16 status)
{
    return status == STATUS_Success || status == STATUS_STORE_Warning_CoercionOfDataElements
        || status == STATUS_STORE_Warning_DataSetDoesNotMatchSOPClass
        || status == STATUS_STORE_Warning_ElementsDiscarded;
}

/// Sends one batch on one association; false with `error` when the association failed or broke.
bool storeBatch(const ScuSettings& settings, const std::vector<StoreItem>& batch, PacsStoreResult& result,
    const std::function<void()>& onFileDone, QString* error)
{
    DcmSCU scu;
    ScuConnection::configure(scu, settings);
    scu.setDatasetConversionMode(OFTrue);
    addContexts(scu, batch);
    if (QString message = ScuConnection::open(scu, settings, QStringLiteral("C-STORE")); !message.isEmpty()) {
        *error = message;
        return false;
    }
    for (const StoreItem& item : batch) {
        const T_ASC_PresentationContextID context = contextFor(scu, item);
        if (context == 0) {
            result.failures.append(
                QStringLiteral("%1: %2 does not accept SOP class %3")
                    .arg(item.path, settings.peer.toString(), QString::fromStdString(item.sopClassUid)));
            onFileDone();
            continue;
        }
        Uint16 status = 0;
        const QByteArray encoded = QFile::encodeName(item.path);
        const OFCondition sent = scu.sendSTORERequest(context, OFFilename(encoded.constData()), nullptr, status);
        if (sent.bad() && !scu.isConnected()) {
            *error = ScuConnection::failureText(sent, settings, QStringLiteral("C-STORE of ") + item.path);
            ScuConnection::close(scu, false);
            return false;
        }
        if (sent.bad()) {
            result.failures.append(
                ScuConnection::failureText(sent, settings, QStringLiteral("C-STORE of ") + item.path));
        } else if (isStoredStatus(status)) {
            ++result.storedCount;
        } else {
            result.failures.append(QStringLiteral("%1: %2 refused it with status 0x%3 (%4)")
                                       .arg(item.path, settings.peer.toString())
                                       .arg(status, 4, 16, QLatin1Char('0'))
                                       .arg(QString::fromLatin1(DU_cstoreStatusString(status))));
        }
        onFileDone();
    }
    ScuConnection::close(scu, true);
    return true;
}

} // namespace

std::optional<PacsStoreResult> InstanceStorer::store(
    const ScuSettings& settings, const QStringList& files, const PacsProgress& progress, QString* error)
{
    PacsStoreResult result;
    std::vector<StoreItem> items;
    for (const QString& path : files) {
        StoreItem item;
        if (QString problem = describeFile(path, &item); !problem.isEmpty())
            result.failures.append(problem);
        else
            items.push_back(std::move(item));
    }
    int done = static_cast<int>(result.failures.size());
    const int total = static_cast<int>(files.size());
    const auto onFileDone = [&done, total, &progress] {
        ++done;
        if (progress)
            progress(done, total);
    };
    for (const auto& batch : batchesOf(items)) {
        if (settings.cancelled && settings.cancelled->load()) {
            *error = QStringLiteral("C-STORE to %1 cancelled").arg(settings.peer.toString());
            return std::nullopt;
        }
        if (!storeBatch(settings, batch, result, onFileDone, error))
            return std::nullopt;
    }
    return result;
}

} // namespace lrclr::internal
