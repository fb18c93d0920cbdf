#pragma once

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include "core/study/StudyIndex.h"

namespace lrclr {

/// One study of the worklist: who, when, which views, and the image to open (the first frontal view, PA or AP, else
/// the first image).
struct WorklistRow {
    QString patient; ///< "DOE, JANE"; "(no patient name)" when unnamed
    QString patientId;
    QDate date; ///< invalid when unknown
    QString description;
    QStringList views; ///< view positions of its images in order ("PA", "LL"); "?" for an unknown one
    int images = 0;
    QString imagePath; ///< the image activating the row opens
    QString reportPath; ///< the study's first report; empty when none

    /// Everything on the row, for the tooltip of a truncated cell: patient, ID, date, description, views, files.
    QString toolTip() const;
    /// Whether `filter` (case-insensitive, any of its space-separated words) matches the patient, ID, date,
    /// description or views; an empty filter matches every row.
    bool matches(const QString& filter) const;
};

/// The worklist of a StudyIndex: one row per study with an image, patients in index order and their studies by
/// date; plus the comparison the worklist sorts its text columns with. Stateless; thread-safe.
class WorklistRows {
public:
    static QList<WorklistRow> fromIndex(const StudyIndex& index);
    /// Numeric-aware, case-insensitive order ("3-2" before "3-10", "img9" before "IMG10"), as a reader expects.
    static bool naturalLess(const QString& left, const QString& right);
};

} // namespace lrclr
