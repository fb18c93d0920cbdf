#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "core/pacs/PacsTypes.h"

namespace lrclr {

/// The studies a PACS search found, one row per study, most recent first: patient ("DOE, JANE  [ID]"), study date,
/// description, modalities and number of instances. The study's UID is under studyUidRole. Not thread-safe: GUI thread
/// only.
class PacsStudyRows : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { PatientColumn, DateColumn, DescriptionColumn, ModalityColumn, InstancesColumn, ColumnCount };
    static constexpr int studyUidRole = Qt::UserRole + 1;

    explicit PacsStudyRows(QObject* parent = nullptr);

    void setStudies(const QList<PacsStudy>& studies);
    void clear() { setStudies({}); }
    const QList<PacsStudy>& studies() const { return m_studies; }
    /// The study of `row`; a default PacsStudy when out of range.
    PacsStudy study(int row) const { return m_studies.value(row); }

    /// The patient as the browser shows it: "Family, Given  [ID]", the ID alone when there is no name.
    static QString patientLabel(const PacsStudy& study);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString text(const PacsStudy& study, int column) const;

    QList<PacsStudy> m_studies;
};

} // namespace lrclr
