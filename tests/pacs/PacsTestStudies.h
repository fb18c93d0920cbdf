#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace lrclr::test {

/// One generated instance of a test study.
struct PacsTestInstance {
    QString path;
    QString sopInstanceUid;
};

/// A generated study, with the identity the queries look for.
struct PacsTestStudy {
    QString studyInstanceUid;
    QString patientId;
    QString patientName;
    QString patientBirthDate; ///< YYYYMMDD
    QString studyDate; ///< YYYYMMDD
    QString accessionNumber;
    QString modality;
    QList<PacsTestInstance> instances;
};

/// Writes two studies of two patients into `folder` (test::writeSyntheticDicom, explicit VR little endian): study A,
/// DOE^JANE, CR, 2024-01-15, two instances; study B, ROE^RICHARD, DX, 2024-06-20, one instance. Empty list with
/// `error` on failure.
QList<PacsTestStudy> writePacsTestStudies(const QString& folder, QString* error);
/// Every instance file of `studies`, study by study.
QStringList filesOf(const QList<PacsTestStudy>& studies);

/// The bytes of the Pixel Data element of `path` (read with DCMTK): the value of native pixel data, the fragments of
/// encapsulated pixel data one after the other; empty with `error` when there are none.
QByteArray pixelDataOf(const QString& path, QString* error);
/// The Transfer Syntax UID in the meta header of `path`; empty when it cannot be read.
QString transferSyntaxOf(const QString& path);
/// The SOP Instance UID of `path`; empty when it cannot be read.
QString sopInstanceUidOf(const QString& path);

} // namespace lrclr::test
