#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "core/pacs/PacsTypes.h"

namespace lrclr {

class DicomWebClient;
class PacsClient;

/// A local folder of retrieved studies with a size limit: <folder>/<SHA-256 hex of the study UID>/, the layout
/// PacsClient::retrieveStudy() writes, plus a marker file once a study is complete. A complete study opens without
/// the network; when the folder grows past its limit, whole studies go, least recently used first (the marker's
/// modification time is the last use).
/// Not thread-safe: one thread uses an instance at a time. Two instances on one folder may run in different threads
/// or processes as long as they do not retrieve the same study at once.
class StudyCache {
public:
    /// `maximumBytes`: the size the folder is brought back under after each retrieve (0: no limit).
    StudyCache(QString folder, qint64 maximumBytes);

    const QString& folder() const { return m_folder; }
    qint64 maximumBytes() const { return m_maximumBytes; }

    /// True when the study was retrieved completely and is still here.
    bool contains(const QString& studyInstanceUid) const;
    /// The DICOM files of a cached study, sorted; empty when it is not cached.
    QStringList files(const QString& studyInstanceUid) const;
    /// The study's files: from the cache when it is there (no network; counts as a use), else retrieved with
    /// `client`, recorded as complete and followed by an eviction that keeps it. A failed retrieve leaves nothing.
    std::optional<QStringList> open(PacsClient& client, const QString& studyInstanceUid,
        const PacsProgress& progress = {}, QString* error = nullptr);
    /// The same, retrieving by WADO-RS (same folder layout and names).
    std::optional<QStringList> open(DicomWebClient& client, const QString& studyInstanceUid,
        const PacsProgress& progress = {}, QString* error = nullptr);

    /// Records that the study's folder holds the complete study (retrieve() does this), used now.
    bool markComplete(const QString& studyInstanceUid);
    /// Records a use of a cached study at `when` (now by default); false when it is not cached.
    bool markUsed(const QString& studyInstanceUid, const QDateTime& when = QDateTime::currentDateTimeUtc());
    /// Removes one study; false when nothing was there.
    bool remove(const QString& studyInstanceUid);
    /// Bytes of all files under the folder.
    qint64 sizeBytes() const;
    /// Removes least recently used complete studies, never `keepStudyInstanceUid`, until the folder fits the limit;
    /// returns how many went.
    int evict(const QString& keepStudyInstanceUid = {});

private:
    /// Retrieves a study into `folder` (the cache's): a result, or std::nullopt with the error set.
    using Retrieve = std::function<std::optional<PacsRetrieveResult>(const QString& folder, QString* error)>;
    std::optional<QStringList> openWith(const Retrieve& retrieve, const QString& studyInstanceUid, QString* error);

    QString studyFolder(const QString& studyInstanceUid) const;
    QString markerPath(const QString& studyInstanceUid) const;

    QString m_folder;
    qint64 m_maximumBytes = 0;
};

} // namespace lrclr
