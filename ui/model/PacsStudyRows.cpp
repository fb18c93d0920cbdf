#include "ui/model/PacsStudyRows.h"

#include <algorithm>
#include <tuple>

namespace lrclr {

PacsStudyRows::PacsStudyRows(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void PacsStudyRows::setStudies(const QList<PacsStudy>& studies)
{
    beginResetModel();
    m_studies = studies;
    // Most recent first, as reading lists are; studies without a date last.
    std::stable_sort(m_studies.begin(), m_studies.end(), [](const PacsStudy& a, const PacsStudy& b) {
        return std::tie(a.studyDate, a.studyTime) > std::tie(b.studyDate, b.studyTime);
    });
    endResetModel();
}

QString PacsStudyRows::patientLabel(const PacsStudy& study)
{
    QString name = study.patientName.trimmed();
    while (name.endsWith(u'^'))
        name.chop(1);
    name.replace(u'^', QStringLiteral(", "));
    if (name.isEmpty())
        return study.patientId.isEmpty() ? tr("(no patient name)") : study.patientId;
    return study.patientId.isEmpty() ? name : QStringLiteral("%1  [%2]").arg(name, study.patientId);
}

int PacsStudyRows::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_studies.size());
}

int PacsStudyRows::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PacsStudyRows::text(const PacsStudy& study, int column) const
{
    switch (column) {
    case PatientColumn:
        return patientLabel(study);
    case DateColumn:
        return study.studyDate.isValid() ? study.studyDate.toString(Qt::ISODate) : QString();
    case DescriptionColumn:
        return study.studyDescription;
    case ModalityColumn:
        return study.modalities.join(u'/');
    case InstancesColumn:
        return study.instanceCount >= 0 ? QString::number(study.instanceCount) : QString();
    default:
        return {};
    }
}

QVariant PacsStudyRows::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_studies.size())
        return {};
    const PacsStudy& study = m_studies[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return text(study, index.column());
    case Qt::ToolTipRole:
        return tr("%1\nAccession %2\nStudy UID %3")
            .arg(patientLabel(study), study.accessionNumber.isEmpty() ? tr("(none)") : study.accessionNumber,
                study.studyInstanceUid);
    case Qt::TextAlignmentRole:
        return index.column() == InstancesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case studyUidRole:
        return study.studyInstanceUid;
    default:
        return {};
    }
}

QVariant PacsStudyRows::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == ModalityColumn)
        return tr("Modalities in the study");
    if (role == Qt::ToolTipRole && section == InstancesColumn)
        return tr("Number of instances (images) in the study");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PatientColumn:
        return tr("Patient");
    case DateColumn:
        return tr("Date");
    case DescriptionColumn:
        return tr("Description");
    case ModalityColumn:
        return tr("Mod.");
    case InstancesColumn:
        return tr("Images");
    default:
        return {};
    }
}

} // namespace lrclr
