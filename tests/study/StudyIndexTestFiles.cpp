#include "tests/study/StudyIndexTestFiles.h"

#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace lrclr::test {

bool writeDicom(const DicomSpec& spec)
{
    QDir().mkpath(QFileInfo(spec.path).absolutePath());
    DcmFileFormat file;
    DcmDataset* data = file.getDataset();
    auto put = [data](const DcmTagKey& tag, const QString& value) {
        data->putAndInsertString(tag, value.toUtf8().constData());
    };
    put(DCM_SpecificCharacterSet, QStringLiteral("ISO_IR 192"));
    put(DCM_SOPClassUID, QString::fromLatin1(UID_DigitalXRayImageStorageForPresentation));
    put(DCM_SOPInstanceUID, spec.sopUid);
    put(DCM_PatientID, spec.patientId);
    put(DCM_PatientName, spec.patientName);
    put(DCM_PatientBirthDate, QStringLiteral("19500101"));
    put(DCM_PatientSex, QStringLiteral("F"));
    put(DCM_StudyInstanceUID, spec.studyUid);
    put(DCM_StudyID, QStringLiteral("S1"));
    put(DCM_StudyDate, spec.studyDate);
    put(DCM_StudyTime, QStringLiteral("101502.25"));
    put(DCM_AccessionNumber, spec.accession);
    put(DCM_StudyDescription, QStringLiteral("Chest PA"));
    put(DCM_SeriesInstanceUID, spec.seriesUid);
    put(DCM_SeriesNumber, QString::number(spec.seriesNumber));
    put(DCM_Modality, spec.modality);
    put(DCM_SeriesDescription, QStringLiteral("Thorax"));
    put(DCM_InstanceNumber, QString::number(spec.instanceNumber));
    put(DCM_ViewPosition, spec.viewPosition);
    put(DCM_PhotometricInterpretation, QStringLiteral("MONOCHROME2"));
    if (spec.frames > 1)
        put(DCM_NumberOfFrames, QString::number(spec.frames));
    data->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    data->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(spec.rows));
    data->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(spec.columns));
    data->putAndInsertUint16(DCM_BitsAllocated, 16);
    data->putAndInsertUint16(DCM_BitsStored, 12);
    data->putAndInsertUint16(DCM_HighBit, 11);
    data->putAndInsertUint16(DCM_PixelRepresentation, 0);
    std::vector<Uint16> pixels(static_cast<std::size_t>(spec.rows) * spec.columns * spec.frames, 1000);
    data->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
    return file.saveFile(QFile::encodeName(spec.path).constData(), spec.transferSyntax).good();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

const StudyIndexProblem* findProblem(const StudyIndex& index, const QString& pathEnd)
{
    for (const StudyIndexProblem& problem : index.problems()) {
        if (problem.filePath.endsWith(pathEnd))
            return &problem;
    }
    return nullptr;
}

QString describeProblems(const StudyIndex& index)
{
    QStringList lines;
    for (const StudyIndexProblem& problem : index.problems())
        lines.append(problem.filePath + QStringLiteral(": ") + problem.reason);
    return lines.join(u'\n');
}

} // namespace lrclr::test
