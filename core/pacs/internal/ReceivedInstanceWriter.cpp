#include "core/pacs/internal/ReceivedInstanceWriter.h"

#include <utility>

#include <QFile>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmnet/dimse.h>

#include "core/pacs/internal/StorageNames.h"

namespace lrclr::internal {

ReceivedInstanceWriter::ReceivedInstanceWriter(QString studyInstanceUid, QString folder)
    : m_studyInstanceUid(std::move(studyInstanceUid))
    , m_folder(std::move(folder))
{
}

ReceivedInstanceWriter::Outcome ReceivedInstanceWriter::write(DcmFileFormat& file)
{
    DcmDataset* dataset = file.getDataset();
    OFString studyUid;
    OFString instanceUid;
    if (dataset) {
        dataset->findAndGetOFString(DCM_StudyInstanceUID, studyUid);
        dataset->findAndGetOFString(DCM_SOPInstanceUID, instanceUid);
    }
    if (!dataset || QString::fromLatin1(studyUid.c_str()) != m_studyInstanceUid || instanceUid.empty()) {
        ++m_refusedCount;
        return Outcome::Refused;
    }
    const QString path = m_folder + u'/' + StorageNames::instanceFileName(QString::fromLatin1(instanceUid.c_str()));
    const QString partialPath = path + QStringLiteral(".part");
    const QByteArray encodedPartial = QFile::encodeName(partialPath);
    // EXS_Unknown: the dataset keeps the transfer syntax it arrived in, so pixel data stay byte for byte.
    const OFCondition status = file.saveFile(OFFilename(encodedPartial.constData()), EXS_Unknown);
    const bool written = status.good();
    if (!written || (QFile::exists(path) && !QFile::remove(path)) || !QFile::rename(partialPath, path)) {
        QFile::remove(partialPath);
        if (m_writeError.isEmpty()) {
            m_writeError
                = QStringLiteral("cannot write %1: %2")
                      .arg(path,
                          written ? QStringLiteral("cannot replace the file") : QString::fromLatin1(status.text()));
        }
        return Outcome::WriteFailed;
    }
    m_files.insert(path);
    return Outcome::Written;
}

std::uint16_t ReceivedInstanceWriter::writeAndAnswer(DcmFileFormat& file)
{
    switch (write(file)) {
    case Outcome::Written:
        return STATUS_Success;
    case Outcome::Refused:
        return STATUS_STORE_Error_CannotUnderstand;
    case Outcome::WriteFailed:
        break;
    }
    return STATUS_STORE_Refused_OutOfResources;
}

} // namespace lrclr::internal
