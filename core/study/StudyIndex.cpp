#include "core/study/StudyIndex.h"

#include <algorithm>
#include <tuple>

namespace lrclr {

int StudyIndexStudy::instanceCount() const
{
    int count = 0;
    for (const StudyIndexSeries& s : series)
        count += static_cast<int>(s.instances.size());
    return count;
}

namespace {

QString patientKey(const QString& id, const QString& name)
{
    return id + QChar(0x1F) + name;
}

QString childKey(const QString& parent, const QString& uid)
{
    return parent + QChar(0x1E) + uid;
}

} // namespace

void StudyIndex::insert(const StudyIndexRecord& record)
{
    const QString pKey = patientKey(record.patient.patientId, record.patient.patientName);
    auto patientAt = m_patientLookup.constFind(pKey);
    if (patientAt == m_patientLookup.constEnd()) {
        StudyIndexPatient added = record.patient;
        added.studies.clear();
        m_patients.append(added);
        patientAt = m_patientLookup.insert(pKey, m_patients.size() - 1);
    }
    const qsizetype p = *patientAt;
    StudyIndexPatient& patient = m_patients[p];

    const QString sKey = childKey(pKey, record.study.studyInstanceUid);
    auto studyAt = m_studyLookup.constFind(sKey);
    if (studyAt == m_studyLookup.constEnd()) {
        StudyIndexStudy added = record.study;
        added.series.clear();
        added.reportPaths.clear();
        patient.studies.append(added);
        studyAt = m_studyLookup.insert(sKey, { p, patient.studies.size() - 1 });
    }
    StudyIndexStudy& study = patient.studies[studyAt->second];
    for (const QString& report : record.study.reportPaths) {
        if (!study.reportPaths.contains(report))
            study.reportPaths.append(report);
    }

    const QString seKey = childKey(sKey, record.series.seriesInstanceUid);
    auto seriesAt = m_seriesLookup.constFind(seKey);
    if (seriesAt == m_seriesLookup.constEnd()) {
        StudyIndexSeries added = record.series;
        added.instances.clear();
        study.series.append(added);
        seriesAt = m_seriesLookup.insert(seKey, { p, studyAt->second, study.series.size() - 1 });
    }
    StudyIndexSeries& series = study.series[std::get<2>(*seriesAt)];

    if (!record.instance.sopInstanceUid.isEmpty()) {
        const QString iKey = childKey(seKey, record.instance.sopInstanceUid);
        const auto duplicate = m_instanceLookup.constFind(iKey);
        if (duplicate != m_instanceLookup.constEnd()) {
            m_problems.append({ StudyIndexProblem::Kind::Ignored, record.instance.filePath,
                QStringLiteral("duplicate of %1 (same SOP Instance UID)").arg(*duplicate) });
            return;
        }
        m_instanceLookup.insert(iKey, record.instance.filePath);
    }
    series.instances.append(record.instance);
}

void StudyIndex::rebuildLookup()
{
    m_patientLookup.clear();
    m_studyLookup.clear();
    m_seriesLookup.clear();
    m_instanceLookup.clear();
    for (qsizetype p = 0; p < m_patients.size(); ++p) {
        const StudyIndexPatient& patient = m_patients[p];
        const QString pKey = patientKey(patient.patientId, patient.patientName);
        m_patientLookup.insert(pKey, p);
        for (qsizetype s = 0; s < patient.studies.size(); ++s) {
            const StudyIndexStudy& study = patient.studies[s];
            const QString sKey = childKey(pKey, study.studyInstanceUid);
            m_studyLookup.insert(sKey, { p, s });
            for (qsizetype se = 0; se < study.series.size(); ++se) {
                const StudyIndexSeries& series = study.series[se];
                const QString seKey = childKey(sKey, series.seriesInstanceUid);
                m_seriesLookup.insert(seKey, { p, s, se });
                for (const StudyIndexInstance& instance : series.instances) {
                    if (!instance.sopInstanceUid.isEmpty())
                        m_instanceLookup.insert(childKey(seKey, instance.sopInstanceUid), instance.filePath);
                }
            }
        }
    }
}

bool StudyIndex::addReport(const QString& studyInstanceUid, const QString& reportPath)
{
    for (StudyIndexPatient& patient : m_patients) {
        for (StudyIndexStudy& study : patient.studies) {
            if (study.studyInstanceUid == studyInstanceUid) {
                if (!study.reportPaths.contains(reportPath))
                    study.reportPaths.append(reportPath);
                return true;
            }
        }
    }
    return false;
}

int StudyIndex::studyCount() const
{
    int count = 0;
    for (const StudyIndexPatient& patient : m_patients)
        count += static_cast<int>(patient.studies.size());
    return count;
}

int StudyIndex::seriesCount() const
{
    int count = 0;
    for (const StudyIndexPatient& patient : m_patients) {
        for (const StudyIndexStudy& study : patient.studies)
            count += static_cast<int>(study.series.size());
    }
    return count;
}

int StudyIndex::instanceCount() const
{
    int count = 0;
    for (const StudyIndexPatient& patient : m_patients) {
        for (const StudyIndexStudy& study : patient.studies)
            count += study.instanceCount();
    }
    return count;
}

QList<const StudyIndexStudy*> StudyIndex::studies() const
{
    QList<const StudyIndexStudy*> all;
    for (const StudyIndexPatient& patient : m_patients) {
        for (const StudyIndexStudy& study : patient.studies)
            all.append(&study);
    }
    return all;
}

void StudyIndex::sort()
{
    for (StudyIndexPatient& patient : m_patients) {
        for (StudyIndexStudy& study : patient.studies) {
            for (StudyIndexSeries& series : study.series) {
                std::sort(series.instances.begin(), series.instances.end(),
                    [](const StudyIndexInstance& a, const StudyIndexInstance& b) {
                        return std::tie(a.instanceNumber, a.filePath) < std::tie(b.instanceNumber, b.filePath);
                    });
            }
            std::sort(
                study.series.begin(), study.series.end(), [](const StudyIndexSeries& a, const StudyIndexSeries& b) {
                    return std::tie(a.seriesNumber, a.seriesInstanceUid)
                        < std::tie(b.seriesNumber, b.seriesInstanceUid);
                });
            study.reportPaths.sort();
        }
        std::sort(
            patient.studies.begin(), patient.studies.end(), [](const StudyIndexStudy& a, const StudyIndexStudy& b) {
                return std::tie(a.date, a.time, a.studyInstanceUid) < std::tie(b.date, b.time, b.studyInstanceUid);
            });
    }
    std::sort(m_patients.begin(), m_patients.end(), [](const StudyIndexPatient& a, const StudyIndexPatient& b) {
        return std::tie(a.patientName, a.patientId) < std::tie(b.patientName, b.patientId);
    });
    std::sort(m_problems.begin(), m_problems.end(),
        [](const StudyIndexProblem& a, const StudyIndexProblem& b) { return a.filePath < b.filePath; });
}

} // namespace lrclr
