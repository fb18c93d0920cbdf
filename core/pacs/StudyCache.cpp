#include "core/pacs/StudyCache.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include "core/pacs/DicomWebClient.h"
#include "core/pacs/PacsClient.h"
#include "core/pacs/internal/StorageNames.h"

namespace lrclr {

namespace {

// Written into a study's folder after a complete retrieve; it holds the study UID (for eviction) and its
// modification time is the study's last use.
const QString markerName = QStringLiteral(".lrclr-complete");

qint64 bytesBelow(const QString& folder)
{
    qint64 bytes = 0;
    QDirIterator iterator(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (iterator.hasNext()) {
        iterator.next();
        bytes += iterator.fileInfo().size();
    }
    return bytes;
}

/// A complete study found in the cache folder, by its folder.
struct CachedStudy {
    QString folder;
    QDateTime lastUsed;
    qint64 bytes = 0;
};

} // namespace

StudyCache::StudyCache(QString folder, qint64 maximumBytes)
    : m_folder(QDir(folder).absolutePath())
    , m_maximumBytes(maximumBytes)
{
}

QString StudyCache::studyFolder(const QString& studyInstanceUid) const
{
    return PacsClient::studyFolder(m_folder, studyInstanceUid);
}

QString StudyCache::markerPath(const QString& studyInstanceUid) const
{
    return studyFolder(studyInstanceUid) + u'/' + markerName;
}

bool StudyCache::contains(const QString& studyInstanceUid) const
{
    return internal::StorageNames::isValidUid(studyInstanceUid) && QFileInfo::exists(markerPath(studyInstanceUid));
}

QStringList StudyCache::files(const QString& studyInstanceUid) const
{
    if (!contains(studyInstanceUid))
        return {};
    QStringList files;
    const QDir folder(studyFolder(studyInstanceUid));
    for (const QString& name : folder.entryList({ QStringLiteral("*.dcm") }, QDir::Files, QDir::Name))
        files.append(folder.filePath(name));
    return files;
}

bool StudyCache::markComplete(const QString& studyInstanceUid)
{
    if (!internal::StorageNames::isValidUid(studyInstanceUid) || !QFileInfo(studyFolder(studyInstanceUid)).isDir())
        return false;
    QFile marker(markerPath(studyInstanceUid));
    if (!marker.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return marker.write(studyInstanceUid.toLatin1()) == studyInstanceUid.size();
}

bool StudyCache::markUsed(const QString& studyInstanceUid, const QDateTime& when)
{
    if (!contains(studyInstanceUid))
        return false;
    QFile marker(markerPath(studyInstanceUid));
    return marker.open(QIODevice::ReadWrite) && marker.setFileTime(when, QFileDevice::FileModificationTime);
}

bool StudyCache::remove(const QString& studyInstanceUid)
{
    if (!internal::StorageNames::isValidUid(studyInstanceUid))
        return false;
    QDir folder(studyFolder(studyInstanceUid));
    return folder.exists() && folder.removeRecursively();
}

qint64 StudyCache::sizeBytes() const
{
    return bytesBelow(m_folder);
}

int StudyCache::evict(const QString& keepStudyInstanceUid)
{
    if (m_maximumBytes <= 0)
        return 0;
    qint64 total = sizeBytes();
    if (total <= m_maximumBytes)
        return 0;
    const QString keep = keepStudyInstanceUid.isEmpty() ? QString() : studyFolder(keepStudyInstanceUid);
    std::vector<CachedStudy> studies;
    for (const QFileInfo& entry : QDir(m_folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QFileInfo marker(entry.absoluteFilePath() + u'/' + markerName);
        if (marker.exists() && entry.absoluteFilePath() != keep)
            studies.push_back(
                { entry.absoluteFilePath(), marker.lastModified(), bytesBelow(entry.absoluteFilePath()) });
    }
    std::sort(studies.begin(), studies.end(),
        [](const CachedStudy& first, const CachedStudy& second) { return first.lastUsed < second.lastUsed; });
    int removed = 0;
    for (const CachedStudy& study : studies) {
        if (total <= m_maximumBytes)
            break;
        if (QDir(study.folder).removeRecursively()) {
            total -= study.bytes;
            ++removed;
        }
    }
    return removed;
}

std::optional<QStringList> StudyCache::open(
    PacsClient& client, const QString& studyInstanceUid, const PacsProgress& progress, QString* error)
{
    return openWith([&](const QString& folder,
                        QString* message) { return client.retrieveStudy(studyInstanceUid, folder, progress, message); },
        studyInstanceUid, error);
}

std::optional<QStringList> StudyCache::open(
    DicomWebClient& client, const QString& studyInstanceUid, const PacsProgress& progress, QString* error)
{
    return openWith([&](const QString& folder,
                        QString* message) { return client.retrieveStudy(studyInstanceUid, folder, progress, message); },
        studyInstanceUid, error);
}

std::optional<QStringList> StudyCache::openWith(
    const Retrieve& retrieve, const QString& studyInstanceUid, QString* error)
{
    if (contains(studyInstanceUid)) {
        markUsed(studyInstanceUid);
        return files(studyInstanceUid);
    }
    QString message;
    // A folder without the marker is what a failed or interrupted retrieve left: start over.
    remove(studyInstanceUid);
    const auto retrieved = retrieve(m_folder, &message);
    if (!retrieved || !markComplete(studyInstanceUid)) {
        remove(studyInstanceUid);
        if (error)
            *error = retrieved ? QStringLiteral("cannot record the study as complete in %1").arg(m_folder) : message;
        return std::nullopt;
    }
    evict(studyInstanceUid);
    return files(studyInstanceUid);
}

} // namespace lrclr
