#pragma once

#include <QDate>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QTime>

#include <tuple>
#include <utility>

namespace lrclr {

/// One file of an indexed study: a DICOM image, a DICOM SR document or a raster image (PNG/JPEG/TIFF).
struct StudyIndexInstance {
    enum class Kind { DicomImage, DicomSr, DicomOther, Raster };

    Kind kind = Kind::DicomImage;
    QString filePath; ///< absolute
    QString sopInstanceUid; ///< raster: empty
    QString sopClassUid;
    int instanceNumber = 0;
    QString viewPosition; ///< "PA", "AP", "LL", ...; empty when unknown
    int rows = 0; ///< 0 when unknown (a raster file whose size was not probed)
    int columns = 0;
    int frameCount = 1;
    QString transferSyntaxUid; ///< raster: empty
    QString transferSyntaxName;
    QString rasterFormat; ///< "png", "jpeg", "tiff" for raster files
};

struct StudyIndexSeries {
    QString seriesInstanceUid; ///< raster: synthesised, see StudyIndexer
    int seriesNumber = 0;
    QString modality;
    QString description;
    QList<StudyIndexInstance> instances;
};

struct StudyIndexStudy {
    QString studyInstanceUid; ///< raster: synthesised ("raster:" + study folder or file)
    QString studyId;
    QString accessionNumber;
    QDate date;
    QTime time;
    QString description;
    QList<StudyIndexSeries> series;
    /// Reports found with the study: plain-text sidecars (same stem + ".txt", MIMIC-CXR sNNNNNNNN.txt) and SR files.
    QStringList reportPaths;

    int instanceCount() const;
};

struct StudyIndexPatient {
    QString patientId; ///< raster in a MIMIC-CXR layout: the pNNNNNNNN folder name; otherwise empty
    QString patientName; ///< DICOM PN as stored ("Doe^John"); PHI: show it, never log it
    QDate birthDate;
    QString sex;
    QList<StudyIndexStudy> studies;
};

/// A file the indexer looked at and did not index, with the reason.
struct StudyIndexProblem {
    enum class Kind {
        Unreadable, ///< looked like DICOM or a raster image, but could not be read
        Ignored, ///< not a DICOM, raster or report file
        Refused, ///< a DICOMDIR reference that is unsafe (absolute or escaping the media folder) or missing
    };
    Kind kind = Kind::Unreadable;
    QString filePath;
    QString reason;
};

/// Everything one header read of a file yields: the instance plus the attributes of its series, study and patient.
/// The indexer merges records into a StudyIndex.
struct StudyIndexRecord {
    StudyIndexPatient patient; ///< `studies` left empty
    StudyIndexStudy study; ///< `series` left empty
    StudyIndexSeries series; ///< `instances` left empty
    StudyIndexInstance instance;
};

/// The patient -> study -> series -> instance tree of a folder or DICOMDIR, plus what could not be indexed.
/// A plain value: copy it between threads freely.
class StudyIndex {
public:
    const QList<StudyIndexPatient>& patients() const { return m_patients; }
    const QList<StudyIndexProblem>& problems() const { return m_problems; }
    /// Where the scan started (a folder or a DICOMDIR file).
    const QString& rootPath() const { return m_rootPath; }
    void setRootPath(const QString& path) { m_rootPath = path; }
    bool isCancelled() const { return m_cancelled; }
    void setCancelled(bool cancelled) { m_cancelled = cancelled; }

    /// Merges a record: patients match on (ID, name), studies on Study Instance UID, series on Series Instance UID.
    /// A second file with the same SOP Instance UID in the same series is recorded as a problem, not indexed twice.
    void insert(const StudyIndexRecord& record);
    /// Adds a report path to the study with UID `studyInstanceUid`; false when there is no such study.
    bool addReport(const QString& studyInstanceUid, const QString& reportPath);
    void addProblem(StudyIndexProblem problem) { m_problems.append(std::move(problem)); }

    int patientCount() const { return static_cast<int>(m_patients.size()); }
    int studyCount() const;
    int seriesCount() const;
    int instanceCount() const;
    /// All studies, in patient order.
    QList<const StudyIndexStudy*> studies() const;
    /// Sorts patients by name/ID, studies by date, series by number, instances by number then path, so two scans of
    /// the same files give the same tree whatever order the file system listed them in.
    void sort();

private:
    void rebuildLookup();

    QList<StudyIndexPatient> m_patients;
    // Keys to positions in the tree, so inserting n files costs O(n), not O(n^2) (a folder of 10,000 PNGs is 10,000
    // studies). Rebuilt after sort().
    QHash<QString, qsizetype> m_patientLookup;
    QHash<QString, std::pair<qsizetype, qsizetype>> m_studyLookup;
    QHash<QString, std::tuple<qsizetype, qsizetype, qsizetype>> m_seriesLookup;
    QHash<QString, QString> m_instanceLookup; ///< series key + SOP Instance UID -> file path
    QList<StudyIndexProblem> m_problems;
    QString m_rootPath;
    bool m_cancelled = false;
};

} // namespace lrclr

Q_DECLARE_METATYPE(lrclr::StudyIndex)
