#include "core/pacs/internal/StudyFinder.h"

#include <functional>
#include <memory>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

namespace lrclr::internal {

namespace {

// A peer that ignores C-CANCEL gets this many more answers, then the association is aborted.
constexpr int maximumAnswersAfterCancel = 1000;

/// A DcmSCU whose C-FIND answers go to `onMatch` one by one (nothing is kept in DCMTK's lists), with a limit after
/// which it sends C-CANCEL and drops what still comes, and the final status kept for the caller.
class FindScu : public DcmSCU {
public:
    FindScu(int limit, const std::atomic<bool>* cancelled, std::function<void(DcmDataset&)> onMatch)
        : m_limit(limit)
        , m_cancelled(cancelled)
        , m_onMatch(std::move(onMatch))
    {
    }

    OFCondition handleFINDResponse(
        const T_ASC_PresentationContextID presentationContext, QRResponse* response, OFBool& waitForNext) override
    {
        waitForNext = OFFalse;
        if (response == nullptr)
            return DIMSE_NULLKEY;
        if (!DICOM_PENDING_STATUS(response->m_status)) {
            m_finalStatus = response->m_status;
            m_finished = true;
            return EC_Normal;
        }
        waitForNext = OFTrue;
        const bool full = m_limit > 0 && m_matchCount >= m_limit;
        const bool cancelled = m_cancelled && m_cancelled->load();
        if (!full && !cancelled && response->m_dataset != nullptr) {
            ++m_matchCount;
            m_onMatch(*response->m_dataset);
            return EC_Normal;
        }
        if (full)
            m_truncated = true;
        if (!m_cancelSent) {
            m_cancelSent = true;
            sendCANCELRequest(presentationContext);
        } else if (++m_answersAfterCancel > maximumAnswersAfterCancel) {
            m_flooded = true;
            waitForNext = OFFalse;
        }
        return EC_Normal;
    }

    bool truncated() const { return m_truncated; }
    bool flooded() const { return m_flooded; }
    bool finished() const { return m_finished; }
    Uint16 finalStatus() const { return m_finalStatus; }

private:
    int m_limit = 0;
    const std::atomic<bool>* m_cancelled = nullptr;
    std::function<void(DcmDataset&)> m_onMatch;
    int m_matchCount = 0;
    bool m_truncated = false;
    bool m_cancelSent = false;
    int m_answersAfterCancel = 0;
    bool m_flooded = false;
    bool m_finished = false;
    Uint16 m_finalStatus = 0;
};

QString stringOf(DcmDataset& dataset, const DcmTagKey& tag)
{
    OFString value;
    if (dataset.findAndGetOFStringArray(tag, value).bad())
        return {};
    return QString::fromUtf8(value.c_str()).trimmed();
}

int numberOf(DcmDataset& dataset, const DcmTagKey& tag)
{
    bool ok = false;
    const int value = stringOf(dataset, tag).toInt(&ok);
    return ok ? value : -1;
}

QDate dateOf(DcmDataset& dataset, const DcmTagKey& tag)
{
    return QDate::fromString(stringOf(dataset, tag), QStringLiteral("yyyyMMdd"));
}

/// Converts the answer's texts to UTF-8 (answers may come in any Specific Character Set); left as it is when the
/// conversion fails, so that an odd character set never loses the UIDs.
void decodeText(DcmDataset& dataset)
{
    OFString characterSet;
    if (dataset.findAndGetOFString(DCM_SpecificCharacterSet, characterSet).good() && !characterSet.empty())
        dataset.convertToUTF8();
}

PacsStudy studyOf(DcmDataset& dataset)
{
    decodeText(dataset);
    PacsStudy study;
    study.studyInstanceUid = stringOf(dataset, DCM_StudyInstanceUID);
    study.patientId = stringOf(dataset, DCM_PatientID);
    study.patientName = stringOf(dataset, DCM_PatientName);
    study.patientBirthDate = dateOf(dataset, DCM_PatientBirthDate);
    study.studyDate = dateOf(dataset, DCM_StudyDate);
    study.studyTime = stringOf(dataset, DCM_StudyTime);
    study.accessionNumber = stringOf(dataset, DCM_AccessionNumber);
    study.studyDescription = stringOf(dataset, DCM_StudyDescription);
    const QString modalities = stringOf(dataset, DCM_ModalitiesInStudy);
    if (!modalities.isEmpty())
        study.modalities = modalities.split(u'\\', Qt::SkipEmptyParts);
    study.seriesCount = numberOf(dataset, DCM_NumberOfStudyRelatedSeries);
    study.instanceCount = numberOf(dataset, DCM_NumberOfStudyRelatedInstances);
    return study;
}

PacsSeries seriesOf(DcmDataset& dataset)
{
    decodeText(dataset);
    PacsSeries series;
    series.seriesInstanceUid = stringOf(dataset, DCM_SeriesInstanceUID);
    series.modality = stringOf(dataset, DCM_Modality);
    series.seriesNumber = numberOf(dataset, DCM_SeriesNumber);
    series.seriesDescription = stringOf(dataset, DCM_SeriesDescription);
    series.instanceCount = numberOf(dataset, DCM_NumberOfSeriesRelatedInstances);
    return series;
}

QString dateRangeKey(const QDate& from, const QDate& to)
{
    if (!from.isValid() && !to.isValid())
        return {};
    const QString format = QStringLiteral("yyyyMMdd");
    if (from == to)
        return from.toString(format);
    return (from.isValid() ? from.toString(format) : QString()) + u'-'
        + (to.isValid() ? to.toString(format) : QString());
}

void putKey(DcmDataset& keys, const DcmTagKey& tag, const QString& value)
{
    keys.putAndInsertString(tag, value.toUtf8().constData());
}

void putStudyKeys(DcmDataset& keys, const StudyQuery& query)
{
    // The query may hold non-ASCII names; ISO_IR 192 tells the peer they are UTF-8.
    keys.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
    putKey(keys, DCM_StudyInstanceUID, {});
    putKey(keys, DCM_PatientID, query.patientId);
    putKey(keys, DCM_PatientName, query.patientName);
    putKey(keys, DCM_PatientBirthDate,
        query.patientBirthDate.isValid() ? query.patientBirthDate.toString(QStringLiteral("yyyyMMdd")) : QString());
    putKey(keys, DCM_StudyDate, dateRangeKey(query.studyDateFrom, query.studyDateTo));
    putKey(keys, DCM_StudyTime, {});
    putKey(keys, DCM_AccessionNumber, query.accessionNumber);
    putKey(keys, DCM_StudyDescription, {});
    putKey(keys, DCM_ModalitiesInStudy, query.modality);
    putKey(keys, DCM_NumberOfStudyRelatedSeries, {});
    putKey(keys, DCM_NumberOfStudyRelatedInstances, {});
}

void putSeriesKeys(DcmDataset& keys, const QString& studyInstanceUid)
{
    keys.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "SERIES");
    putKey(keys, DCM_StudyInstanceUID, studyInstanceUid);
    putKey(keys, DCM_SeriesInstanceUID, {});
    putKey(keys, DCM_Modality, {});
    putKey(keys, DCM_SeriesNumber, {});
    putKey(keys, DCM_SeriesDescription, {});
    putKey(keys, DCM_NumberOfSeriesRelatedInstances, {});
}

/// One C-FIND exchange: association, request, answers to `onMatch`, release. False with `error` set on failure.
bool runFind(const ScuSettings& settings, DcmDataset& keys, int limit, const std::function<void(DcmDataset&)>& onMatch,
    bool* truncated, QString* error)
{
    FindScu scu(limit, settings.cancelled, onMatch);
    ScuConnection::configure(scu, settings);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, syntaxes);
    if (QString message = ScuConnection::open(scu, settings, QStringLiteral("C-FIND")); !message.isEmpty()) {
        *error = message;
        return false;
    }
    const T_ASC_PresentationContextID context
        = scu.findPresentationContextID(UID_FINDStudyRootQueryRetrieveInformationModel, "");
    const OFCondition status = scu.sendFINDRequest(context, &keys, nullptr);
    if (status.bad() || !scu.finished()) {
        if (scu.flooded())
            *error = QStringLiteral("%1 kept sending matches after C-CANCEL (over %2 more); association aborted")
                         .arg(settings.peer.toString())
                         .arg(maximumAnswersAfterCancel);
        else if (status.bad())
            *error = ScuConnection::failureText(status, settings, QStringLiteral("C-FIND"));
        else
            *error = QStringLiteral("C-FIND on %1 ended without a final answer").arg(settings.peer.toString());
        ScuConnection::close(scu, false);
        return false;
    }
    ScuConnection::close(scu, true);
    const Uint16 finalStatus = scu.finalStatus();
    // Success, or Cancel after our own C-CANCEL (the limit was reached or the caller cancelled).
    if (finalStatus != STATUS_Success && finalStatus != STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest) {
        *error = QStringLiteral("%1 answered the C-FIND with status 0x%2 (%3)")
                     .arg(settings.peer.toString())
                     .arg(finalStatus, 4, 16, QLatin1Char('0'))
                     .arg(QString::fromLatin1(DU_cfindStatusString(finalStatus)));
        return false;
    }
    *truncated = scu.truncated();
    return true;
}

} // namespace

std::optional<QStringList> StudyFinder::findSopClasses(
    const ScuSettings& settings, const QString& studyInstanceUid, QString* error)
{
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
    putKey(keys, DCM_StudyInstanceUID, studyInstanceUid);
    putKey(keys, DCM_SOPClassesInStudy, {});
    QStringList classes;
    const auto onMatch = [&classes, &studyInstanceUid](DcmDataset& answer) {
        if (stringOf(answer, DCM_StudyInstanceUID) != studyInstanceUid)
            return;
        for (const QString& sopClass : stringOf(answer, DCM_SOPClassesInStudy).split(u'\\', Qt::SkipEmptyParts)) {
            if (!classes.contains(sopClass.trimmed()))
                classes.append(sopClass.trimmed());
        }
    };
    bool truncated = false;
    if (!runFind(settings, keys, 1, onMatch, &truncated, error))
        return std::nullopt;
    return classes;
}

std::optional<PacsStudyList> StudyFinder::findStudies(
    const ScuSettings& settings, const StudyQuery& query, QString* error)
{
    DcmDataset keys;
    putStudyKeys(keys, query);
    PacsStudyList list;
    const auto onMatch = [&list](DcmDataset& answer) { list.studies.append(studyOf(answer)); };
    if (!runFind(settings, keys, query.limit, onMatch, &list.truncated, error))
        return std::nullopt;
    return list;
}

std::optional<QList<PacsSeries>> StudyFinder::findSeries(
    const ScuSettings& settings, const QString& studyInstanceUid, QString* error)
{
    DcmDataset keys;
    putSeriesKeys(keys, studyInstanceUid);
    QList<PacsSeries> series;
    const auto onMatch = [&series](DcmDataset& answer) { series.append(seriesOf(answer)); };
    bool truncated = false;
    if (!runFind(settings, keys, 0, onMatch, &truncated, error))
        return std::nullopt;
    return series;
}

} // namespace lrclr::internal
