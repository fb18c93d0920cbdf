#pragma once

#include <QDate>
#include <QString>

namespace lrclr {

/// The filters of a study-level PACS query (C-FIND, Study Root). Empty fields match everything; the patient name may
/// use DICOM wildcards ('*' any run, '?' one character), as may the IDs. A plain value; thread-safe to copy and read.
struct StudyQuery {
    QString patientId;
    QString patientName;
    QDate patientBirthDate;
    QDate studyDateFrom; ///< invalid: open start
    QDate studyDateTo; ///< invalid: open end
    QString accessionNumber;
    QString modality; ///< matched against Modalities in Study, e.g. CR, DX
    int limit = 0; ///< most studies to return; 0: all the PACS sends

    /// Parses a study date range: "YYYYMMDD-YYYYMMDD", "YYYYMMDD-" (from), "-YYYYMMDD" (until) or "YYYYMMDD" (one
    /// day). False with a message in `error` when it is none of these, a date is invalid or FROM lies after TO.
    static bool parseDateRange(const QString& text, QDate* from, QDate* to, QString* error = nullptr);
    /// Parses "YYYYMMDD"; an invalid date when it is not one.
    static QDate parseDate(const QString& text);

    /// Why a field cannot be sent (a backslash, which DICOM reads as a value separator, a control character, or a
    /// value longer than its attribute allows); empty when the query can be sent.
    QString problem() const;
};

} // namespace lrclr
