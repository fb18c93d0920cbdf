#pragma once

#include <QString>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "core/study/StudyIndex.h"

namespace lrclr::test {

/// A small 16-bit DX image for the indexing tests, written with DCMTK in any native transfer syntax.
struct DicomSpec {
    QString path;
    QString patientId = QStringLiteral("PID-1");
    QString patientName = QStringLiteral("Doe^Jane");
    QString studyUid = QStringLiteral("1.2.826.0.1.3680043.2.1125.1");
    QString seriesUid = QStringLiteral("1.2.826.0.1.3680043.2.1125.1.1");
    QString sopUid;
    QString modality = QStringLiteral("DX");
    QString viewPosition = QStringLiteral("PA");
    QString studyDate = QStringLiteral("20190314");
    QString accession = QStringLiteral("ACC1");
    int rows = 8;
    int columns = 6;
    int frames = 1;
    int instanceNumber = 1;
    int seriesNumber = 1;
    E_TransferSyntax transferSyntax = EXS_LittleEndianExplicit;
};

/// Writes `spec` to `spec.path`, creating its folder. False when DCMTK cannot write it.
bool writeDicom(const DicomSpec& spec);
/// Writes `bytes` to `path` as they are, creating its folder.
bool writeBytes(const QString& path, const QByteArray& bytes);
/// The index's problem whose file path ends with `pathEnd`; null when there is none.
const StudyIndexProblem* findProblem(const StudyIndex& index, const QString& pathEnd);
/// All problems, one "path: reason" a line, for failure messages.
QString describeProblems(const StudyIndex& index);

} // namespace lrclr::test
