#pragma once

#include <QString>

namespace lrclr::internal {

/// The names retrieved files get: lower-case hex SHA-256 digests of UIDs, so that no received string ever becomes
/// part of a path ("../", slashes, NULs and over-long UIDs all hash to 64 hex digits). Stateless; thread-safe.
class StorageNames {
public:
    /// The folder of study `studyInstanceUid` (64 hex digits).
    static QString studyFolderName(const QString& studyInstanceUid);
    /// The file of instance `sopInstanceUid`: 64 hex digits + ".dcm".
    static QString instanceFileName(const QString& sopInstanceUid);
    /// True when `uid` is a DICOM UID: 1 to 64 characters, digits and dots, no empty component.
    static bool isValidUid(const QString& uid);
};

} // namespace lrclr::internal
