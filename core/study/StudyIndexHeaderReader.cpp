#include "core/study/StudyIndexHeaderReader.h"

#include <cstdint>

#include <QFile>
#include <QFileInfo>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/DicomPreScanner.h"
#include "core/report/DicomSrReportReader.h"
#include "core/study/StudyFileType.h"

namespace lrclr {

namespace {

void setError(QString* errorMessage, const QString& message)
{
    if (errorMessage)
        *errorMessage = message;
}

class StringReader {
public:
    StringReader(DcmItem& item, bool utf8)
        : m_item(item)
        , m_utf8(utf8)
    {
    }

    QString operator()(const DcmTagKey& tag) const
    {
        OFString value;
        if (m_item.findAndGetOFStringArray(tag, value).bad())
            return {};
        const auto size = static_cast<qsizetype>(value.length());
        return (m_utf8 ? QString::fromUtf8(value.c_str(), size) : QString::fromLatin1(value.c_str(), size)).trimmed();
    }

    int integer(const DcmTagKey& tag, int fallback = 0) const
    {
        bool ok = false;
        const int value = operator()(tag).toInt(&ok);
        return ok ? value : fallback;
    }

    int unsignedShort(const DcmTagKey& tag) const
    {
        Uint16 value = 0;
        return m_item.findAndGetUint16(tag, value).good() ? value : 0;
    }

private:
    DcmItem& m_item;
    bool m_utf8;
};

QDate parseDate(const QString& value)
{
    QDate date = QDate::fromString(value.left(8), QStringLiteral("yyyyMMdd"));
    if (!date.isValid()) // ACR-NEMA style "yyyy.MM.dd", still found in old archives
        date = QDate::fromString(value.left(10), QStringLiteral("yyyy.MM.dd"));
    return date;
}

QTime parseTime(const QString& value)
{
    const QString digits = value.left(value.indexOf(u'.') < 0 ? value.size() : value.indexOf(u'.')).remove(u':');
    if (digits.size() >= 6)
        return QTime::fromString(digits.left(6), QStringLiteral("HHmmss"));
    if (digits.size() >= 4)
        return QTime::fromString(digits.left(4), QStringLiteral("HHmm"));
    if (digits.size() >= 2)
        return QTime::fromString(digits.left(2), QStringLiteral("HH"));
    return {};
}

} // namespace

QString StudyIndexHeaderReader::mediaStorageDirectorySopClass()
{
    return QString::fromLatin1(UID_MediaStorageDirectoryStorage);
}

bool StudyIndexHeaderReader::hasDicomPreamble(const QString& path)
{
    return StudyFileType::hasDicomPreamble(path);
}

std::optional<StudyIndexRecord> StudyIndexHeaderReader::read(
    const QString& path, QString* errorMessage, bool* isDicomdir)
{
    if (isDicomdir)
        *isDicomdir = false;
    DicomLibrary::initialize();
    if (!QFileInfo(path).isFile()) {
        setError(errorMessage,
            QStringLiteral("%1: %2").arg(
                path, QFileInfo::exists(path) ? QStringLiteral("not a regular file") : QStringLiteral("no such file")));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(errorMessage, QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    if (file.size() < 8) {
        setError(errorMessage, QStringLiteral("%1: too short to be DICOM (%2 bytes)").arg(path).arg(file.size()));
        return std::nullopt;
    }
    // Mapped, not read: the pre-scan jumps over pixel data by its length, so those pages are never touched.
    const auto scan = internal::DicomPreScanner::scanMapped(file, maximumSequenceDepth, std::size_t { 256 } << 20);
    if (!scan.accepted) {
        setError(errorMessage, QStringLiteral("%1: %2").arg(path, QString::fromStdString(scan.problem)));
        return std::nullopt;
    }
    file.close();

    DcmFileFormat format;
    const QByteArray encodedPath = QFile::encodeName(path);
    const OFCondition status = format.loadFileUntilTag(OFFilename(encodedPath.constData()), EXS_Unknown, EGL_noChange,
        maximumValueLength, ERM_autoDetect, DCM_PixelData);
    if (status.bad()) {
        setError(errorMessage,
            QStringLiteral("%1: not readable as DICOM: %2").arg(path, QString::fromLatin1(status.text())));
        return std::nullopt;
    }
    DcmDataset& dataset = *format.getDataset();
    const bool utf8 = dataset.convertToUTF8().good();
    const StringReader text(dataset, utf8);

    StudyIndexRecord record;
    const QString absolutePath = QFileInfo(path).absoluteFilePath();
    record.patient.patientId = text(DCM_PatientID);
    record.patient.patientName = text(DCM_PatientName);
    record.patient.birthDate = parseDate(text(DCM_PatientBirthDate));
    record.patient.sex = text(DCM_PatientSex);

    record.study.studyInstanceUid = text(DCM_StudyInstanceUID);
    record.study.studyId = text(DCM_StudyID);
    record.study.accessionNumber = text(DCM_AccessionNumber);
    record.study.date = parseDate(text(DCM_StudyDate));
    record.study.time = parseTime(text(DCM_StudyTime));
    record.study.description = text(DCM_StudyDescription);

    record.series.seriesInstanceUid = text(DCM_SeriesInstanceUID);
    record.series.seriesNumber = text.integer(DCM_SeriesNumber);
    record.series.modality = text(DCM_Modality);
    record.series.description = text(DCM_SeriesDescription);

    StudyIndexInstance& instance = record.instance;
    instance.filePath = absolutePath;
    instance.sopInstanceUid = text(DCM_SOPInstanceUID);
    instance.sopClassUid = text(DCM_SOPClassUID);
    if (instance.sopClassUid.isEmpty()) {
        // Bare datasets may lack it; the meta header's copy is as good.
        OFString metaClass;
        if (format.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, metaClass).good())
            instance.sopClassUid = QString::fromLatin1(metaClass.c_str()).trimmed();
    }
    instance.instanceNumber = text.integer(DCM_InstanceNumber);
    instance.viewPosition = text(DCM_ViewPosition);
    instance.rows = text.unsignedShort(DCM_Rows);
    instance.columns = text.unsignedShort(DCM_Columns);
    instance.frameCount = std::max(1, text.integer(DCM_NumberOfFrames, 1));

    OFString transferSyntax;
    if (format.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, transferSyntax).good()
        && !transferSyntax.empty()) {
        instance.transferSyntaxUid = QString::fromLatin1(transferSyntax.c_str()).trimmed();
        const DcmXfer xfer(transferSyntax.c_str());
        instance.transferSyntaxName = QString::fromLatin1(xfer.getXferName());
    } else {
        const DcmXfer xfer(dataset.getOriginalXfer());
        instance.transferSyntaxUid = QString::fromLatin1(xfer.getXferID());
        instance.transferSyntaxName = QString::fromLatin1(xfer.getXferName());
    }

    if (instance.sopClassUid == mediaStorageDirectorySopClass()) {
        if (isDicomdir)
            *isDicomdir = true;
        setError(errorMessage, QStringLiteral("%1: a DICOMDIR, not an instance").arg(path));
        return std::nullopt;
    }
    if (DicomSrReportReader::isSrSopClass(instance.sopClassUid))
        instance.kind = StudyIndexInstance::Kind::DicomSr;
    else if (instance.rows > 0 && instance.columns > 0)
        instance.kind = StudyIndexInstance::Kind::DicomImage;
    else
        instance.kind = StudyIndexInstance::Kind::DicomOther;

    // DICOM requires these UIDs; files without them still belong somewhere, so group them by folder and file.
    if (record.study.studyInstanceUid.isEmpty())
        record.study.studyInstanceUid = QStringLiteral("missing-study-uid:") + QFileInfo(path).absolutePath();
    if (record.series.seriesInstanceUid.isEmpty())
        record.series.seriesInstanceUid = QStringLiteral("missing-series-uid:") + QFileInfo(path).absolutePath();
    return record;
}

} // namespace lrclr
