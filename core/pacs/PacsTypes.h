#pragma once

#include <functional>

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

namespace lrclr {

/// One study as a PACS describes it in a study-level C-FIND answer. Texts are UTF-8-decoded; a count is -1 when the
/// PACS did not say. Plain values, safe to copy across threads.
struct PacsStudy {
    QString studyInstanceUid;
    QString patientId;
    QString patientName; ///< DICOM person name form, "Family^Given"
    QDate patientBirthDate;
    QDate studyDate;
    QString studyTime;
    QString accessionNumber;
    QString studyDescription;
    QStringList modalities; ///< Modalities in Study
    int seriesCount = -1;
    int instanceCount = -1;
};

/// One series of a study, from a series-level C-FIND answer.
struct PacsSeries {
    QString seriesInstanceUid;
    QString modality;
    int seriesNumber = -1;
    QString seriesDescription;
    int instanceCount = -1;
};

/// What a study-level query found. `truncated`: the PACS had more matches than the query's limit; the client asked it
/// to stop (C-CANCEL) and kept the first ones.
struct PacsStudyList {
    QList<PacsStudy> studies;
    bool truncated = false;
};

/// What a C-GET of one study brought. Files lie in `folder`, under names the client made (never received strings).
struct PacsRetrieveResult {
    QString folder;
    QStringList files;
    int failedCount = 0; ///< sub-operations the PACS reported as failed
    int warningCount = 0; ///< sub-operations the PACS reported with a warning
    int refusedCount = 0; ///< instances received that did not belong to the study asked for, not written
};

/// What a C-STORE of files did: how many the PACS accepted, and one message per file that it did not.
struct PacsStoreResult {
    int storedCount = 0;
    QStringList failures;
};

/// Progress of a retrieve or store: `done` instances so far out of `total` (-1 while the peer has not said).
/// Called on the thread that runs the operation.
using PacsProgress = std::function<void(int done, int total)>;

} // namespace lrclr
