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

void StudyIndex::insert(const StudyIndexRecord& record)
{
    auto patient = std::find_if(m_patients.begin(), m_patients.end(), [&](const StudyIndexPatient& p) {
        return p.patientId == record.patient.patientId && p.patientName == record.patient.patientName;
    });
    if (patient == m_patients.end()) {
        StudyIndexPatient added = record.patient;
        added.studies.clear();
        m_patients.append(added);
        patient = std::prev(m_patients.end());
    }
    auto study = std::find_if(patient->studies.begin(), patient->studies.end(),
        [&](const StudyIndexStudy& s) { return s.studyInstanceUid == record.study.studyInstanceUid; });
    if (study == patient->studies.end()) {
        StudyIndexStudy added = record.study;
        added.series.clear();
        patient->studies.append(added);
        study = std::prev(patient->studies.end());
    }
    for (const QString& report : record.study.reportPaths) {
        if (!study->reportPaths.contains(report))
            study->reportPaths.append(report);
    }
    auto series = std::find_if(study->series.begin(), study->series.end(),
        [&](const StudyIndexSeries& s) { return s.seriesInstanceUid == record.series.seriesInstanceUid; });
    if (series == study->series.end()) {
        StudyIndexSeries added = record.series;
        added.instances.clear();
        study->series.append(added);
        series = std::prev(study->series.end());
    }
    if (!record.instance.sopInstanceUid.isEmpty()) {
        const auto duplicate = std::find_if(series->instances.begin(), series->instances.end(),
            [&](const StudyIndexInstance& i) { return i.sopInstanceUid == record.instance.sopInstanceUid; });
        if (duplicate != series->instances.end()) {
            m_problems.append({ StudyIndexProblem::Kind::Ignored, record.instance.filePath,
                QStringLiteral("duplicate of %1 (same SOP Instance UID)").arg(duplicate->filePath) });
            return;
        }
    }
    series->instances.append(record.instance);
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
