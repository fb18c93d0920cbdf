#include "tests/pacs/PacsTestStudies.h"

#include <QDir>
#include <QFile>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include "tests/study/TestDicomFiles.h"

namespace lrclr::test {

namespace {

PacsTestStudy studyA()
{
    return { QStringLiteral("1.2.826.0.1.3680043.10.543.1"), QStringLiteral("PAT-A1"), QStringLiteral("DOE^JANE"),
        QStringLiteral("19700304"), QStringLiteral("20240115"), QStringLiteral("ACC-A"), QStringLiteral("CR"), {} };
}

PacsTestStudy studyB()
{
    return { QStringLiteral("1.2.826.0.1.3680043.10.543.2"), QStringLiteral("PAT-B2"), QStringLiteral("ROE^RICHARD"),
        QStringLiteral("19550811"), QStringLiteral("20240620"), QStringLiteral("ACC-B"), QStringLiteral("DX"), {} };
}

/// Writes instance `index` of `study`; an error text, empty on success.
std::string writeInstance(const QString& folder, PacsTestStudy& study, int index)
{
    SyntheticImage image;
    image.rows = 48 + 8 * index;
    image.columns = 40;
    image.samples = patternSamples(image);
    // A different pattern per instance, so that a mix-up of files would show in the pixel comparison.
    for (auto& sample : image.samples)
        sample = (sample + 97 * (index + 1)) % 4096;
    const QString sopInstanceUid = study.studyInstanceUid + QStringLiteral(".1.") + QString::number(index + 1);
    const auto text = [](const QString& value) { return value.toStdString(); };
    image.attributes = {
        { 0x0008, 0x0018, text(sopInstanceUid) },
        { 0x0020, 0x000D, text(study.studyInstanceUid) },
        { 0x0020, 0x000E, text(study.studyInstanceUid + QStringLiteral(".1")) },
        { 0x0010, 0x0020, text(study.patientId) },
        { 0x0010, 0x0010, text(study.patientName) },
        { 0x0010, 0x0030, text(study.patientBirthDate) },
        { 0x0008, 0x0020, text(study.studyDate) },
        { 0x0008, 0x0030, "101500" },
        { 0x0008, 0x0050, text(study.accessionNumber) },
        { 0x0008, 0x0060, text(study.modality) },
        { 0x0020, 0x0011, "1" },
        { 0x0020, 0x0013, std::to_string(index + 1) },
    };
    const QString path = QDir(folder).filePath(QStringLiteral("%1-%2.dcm").arg(study.patientId).arg(index + 1));
    if (std::string error = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path.toStdString()); !error.empty())
        return error;
    study.instances.append({ path, sopInstanceUid });
    return {};
}

} // namespace

QList<PacsTestStudy> writePacsTestStudies(const QString& folder, QString* error)
{
    QList<PacsTestStudy> studies { studyA(), studyB() };
    const int instanceCounts[] = { 2, 1 };
    for (int s = 0; s < studies.size(); ++s) {
        for (int i = 0; i < instanceCounts[s]; ++i) {
            if (std::string problem = writeInstance(folder, studies[s], i); !problem.empty()) {
                *error = QString::fromStdString(problem);
                return {};
            }
        }
    }
    return studies;
}

namespace {

/// The fragments (basic offset table included) of encapsulated pixel data, one after the other.
QByteArray encapsulatedBytes(DcmPixelData& pixelData, E_TransferSyntax syntax)
{
    DcmPixelSequence* sequence = nullptr;
    if (pixelData.getEncapsulatedRepresentation(syntax, nullptr, sequence).bad() || sequence == nullptr)
        return {};
    QByteArray bytes;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* data = nullptr;
        if (sequence->getItem(item, i).bad() || item->getUint8Array(data).bad())
            return {};
        if (data != nullptr)
            bytes.append(reinterpret_cast<const char*>(data), static_cast<qsizetype>(item->getLength()));
    }
    return bytes;
}

} // namespace

QByteArray pixelDataOf(const QString& path, QString* error)
{
    DcmFileFormat file;
    const QByteArray encoded = QFile::encodeName(path);
    if (const OFCondition status = file.loadFile(OFFilename(encoded.constData())); status.bad()) {
        *error = QStringLiteral("%1: %2").arg(path, QString::fromLatin1(status.text()));
        return {};
    }
    DcmDataset& dataset = *file.getDataset();
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element->ident() != EVR_PixelData) {
        *error = QStringLiteral("%1: no Pixel Data").arg(path);
        return {};
    }
    auto& pixelData = static_cast<DcmPixelData&>(*element);
    const E_TransferSyntax syntax = dataset.getOriginalXfer();
    QByteArray bytes;
    if (DcmXfer(syntax).isEncapsulated()) {
        bytes = encapsulatedBytes(pixelData, syntax);
    } else {
        Uint8* data = nullptr;
        if (pixelData.getUint8Array(data).good() && data != nullptr)
            bytes = QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(pixelData.getLength()));
    }
    if (bytes.isEmpty())
        *error = QStringLiteral("%1: cannot read the Pixel Data").arg(path);
    return bytes;
}

QString transferSyntaxOf(const QString& path)
{
    DcmFileFormat file;
    const QByteArray encoded = QFile::encodeName(path);
    OFString uid;
    if (file.loadFile(OFFilename(encoded.constData())).bad()
        || file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, uid).bad())
        return {};
    return QString::fromLatin1(uid.c_str());
}

QString sopInstanceUidOf(const QString& path)
{
    DcmFileFormat file;
    const QByteArray encoded = QFile::encodeName(path);
    OFString uid;
    if (file.loadFile(OFFilename(encoded.constData())).bad()
        || file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid).bad())
        return {};
    return QString::fromLatin1(uid.c_str());
}

QStringList filesOf(const QList<PacsTestStudy>& studies)
{
    QStringList files;
    for (const PacsTestStudy& study : studies)
        for (const PacsTestInstance& instance : study.instances)
            files.append(instance.path);
    return files;
}

} // namespace lrclr::test
