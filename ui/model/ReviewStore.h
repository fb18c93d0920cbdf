#pragma once

#include <QString>

namespace lrclr {

/// Where the reviews of studies (accept/reject decisions now; edits and measurements as they come) are kept: one
/// per-user data folder (QStandardPaths::AppDataLocation/reviews), never the study's folder or the application's own
/// files, so that read-only study folders, the installed demo and a PACS cache all work, and nothing is written
/// among the images. A review is keyed by the image's DICOM UIDs, so a study copied elsewhere or retrieved again
/// finds its review; an image without UIDs (PNG, JPEG) is keyed by its canonical path. File names are SHA-256
/// prefixes of the key: no patient data in them. Saving keeps the previous file as `.bak`, and a file that could not
/// be read is set aside (never overwritten) before a new one is written.
/// Value type; the file operations are reentrant (no shared state).
class ReviewStore {
public:
    struct Key {
        QString studyInstanceUid;
        QString sopInstanceUid;
        QString imagePath; ///< used when the UIDs are missing
    };

    /// `root`: the folder that holds the reviews (created on the first save).
    explicit ReviewStore(QString root = defaultRoot());

    static QString defaultRoot();
    const QString& root() const { return m_root; }

    /// The review file of `key`: root/<study hash>/<image hash>.json, or root/files/<path hash>.json without UIDs;
    /// empty when the key has neither UIDs nor a path.
    QString pathFor(const Key& key) const;

    /// Prepares `path` for a new save: creates its folder, and copies the file there now (if any) to `path.bak`
    /// (replacing an older backup). False with `error` naming the path when either fails.
    static bool prepareSave(const QString& path, QString* error);
    /// Renames an unreadable review file to `path.unreadable-<UTC time>` so that the next save cannot destroy it;
    /// returns the new name, or empty with `error` set.
    static QString setAside(const QString& path, QString* error);

private:
    QString m_root;
};

} // namespace lrclr
