#pragma once

// Two synthetic chest studies stored into the tests' own Orthanc, for the viewer's PACS source tests. Study A has a
// lateral first and the PA second, so that "the first frontal image" differs from "the first image".
#include <QDir>
#include <QList>
#include <QString>
#include <QStringList>

#include "core/pacs/PacsClient.h"
#include "tests/study/TestDicomFiles.h"

namespace lrclr::test {

struct ViewerPacsStudy {
    QString studyInstanceUid;
    QString patientId;
    QString patientName;
    QString studyDate; ///< YYYYMMDD
    QString description;
    QString modality;
    QStringList viewPositions; ///< one instance per view, instance numbers 1, 2, ...
    QStringList sopInstanceUids; ///< filled by writeViewerPacsStudies
    QStringList files;
};

inline QList<ViewerPacsStudy> viewerPacsStudies()
{
    return {
        { QStringLiteral("1.2.826.0.1.3680043.10.543.71"), QStringLiteral("VIEW-A1"), QStringLiteral("DOE^JANE"),
            QStringLiteral("20240115"), QStringLiteral("Chest PA and lateral"), QStringLiteral("CR"),
            { QStringLiteral("LL"), QStringLiteral("PA") }, {}, {} },
        { QStringLiteral("1.2.826.0.1.3680043.10.543.72"), QStringLiteral("VIEW-B2"), QStringLiteral("ROE^RICHARD"),
            QStringLiteral("20240620"), QStringLiteral("Chest AP portable"), QStringLiteral("DX"),
            { QStringLiteral("AP") }, {}, {} },
    };
}

/// Writes the studies' files into `folder`; an error text, empty on success.
inline QString writeViewerPacsStudies(const QString& folder, QList<ViewerPacsStudy>& studies)
{
    for (ViewerPacsStudy& study : studies) {
        for (int k = 0; k < study.viewPositions.size(); ++k) {
            SyntheticImage image;
            image.rows = 64 + 8 * k;
            image.columns = 56;
            image.samples = patternSamples(image);
            const QString sop = study.studyInstanceUid + QStringLiteral(".1.%1").arg(k + 1);
            const auto text = [](const QString& value) { return value.toStdString(); };
            image.attributes = {
                { 0x0008, 0x0018, text(sop) },
                { 0x0020, 0x000D, text(study.studyInstanceUid) },
                { 0x0020, 0x000E, text(study.studyInstanceUid + QStringLiteral(".1")) },
                { 0x0010, 0x0020, text(study.patientId) },
                { 0x0010, 0x0010, text(study.patientName) },
                { 0x0008, 0x0020, text(study.studyDate) },
                { 0x0008, 0x1030, text(study.description) },
                { 0x0008, 0x0060, text(study.modality) },
                { 0x0020, 0x0011, "1" },
                { 0x0020, 0x0013, std::to_string(k + 1) },
                { 0x0018, 0x5101, text(study.viewPositions[k]) },
            };
            const QString path = QDir(folder).filePath(QStringLiteral("%1-%2.dcm").arg(study.patientId).arg(k + 1));
            const std::string error = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path.toStdString());
            if (!error.empty())
                return QString::fromStdString(error);
            study.sopInstanceUids.append(sop);
            study.files.append(path);
        }
    }
    return {};
}

/// Stores every file of `studies` with `client`; an error text, empty on success.
inline QString storeViewerPacsStudies(PacsClient& client, const QList<ViewerPacsStudy>& studies)
{
    QStringList files;
    for (const ViewerPacsStudy& study : studies)
        files += study.files;
    QString error;
    const auto stored = client.store(files, {}, &error);
    if (!stored)
        return error;
    if (!stored->failures.isEmpty())
        return stored->failures.join(u'\n');
    return stored->storedCount == files.size()
        ? QString()
        : QStringLiteral("stored %1 of %2").arg(stored->storedCount).arg(files.size());
}

} // namespace lrclr::test
