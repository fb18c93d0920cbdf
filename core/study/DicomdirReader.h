#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "core/study/StudyIndex.h"

namespace lrclr {

/// Lists the files a DICOMDIR references, resolved safely inside its media folder (the DICOMDIR's folder).
///
/// A Referenced File ID is a list of path components. One that is absolute, contains "..", ".", an empty component or
/// a path separator, or that resolves (after symbolic links) outside the media folder is refused and reported, so a
/// crafted DICOMDIR cannot make the viewer read arbitrary files. Components are matched case-insensitively when the
/// exact name is missing (media written on case-insensitive file systems). The flat Directory Record Sequence is
/// read; record offsets are not followed, so a record loop cannot hang the reader. Stateless; thread-safe.
class DicomdirReader {
public:
    struct Result {
        QStringList files; ///< absolute, canonical, each once, in record order
        QList<StudyIndexProblem> problems; ///< refused or missing references
    };

    /// Returns std::nullopt and sets `errorMessage` when the DICOMDIR itself cannot be read.
    static std::optional<Result> read(const QString& dicomdirPath, QString* errorMessage = nullptr);

    /// Resolves a Referenced File ID (components as stored, e.g. {"IMAGES", "IM0001"}) under `mediaFolder`; returns
    /// the canonical path, or an empty string with `reason` set.
    static QString resolve(const QString& mediaFolder, const QStringList& components, QString* reason = nullptr);

    /// True when `path` names a DICOMDIR by its file name (any letter case).
    static bool isDicomdirFileName(const QString& path);
};

} // namespace lrclr
