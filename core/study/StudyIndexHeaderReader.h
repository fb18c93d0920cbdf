#pragma once

#include <optional>

#include <QString>

#include "core/study/StudyIndex.h"

namespace lrclr {

/// Reads the header of one DICOM file into a StudyIndexRecord, stopping before Pixel Data so a 50 MB image costs a
/// few kilobytes of reading. The file is pre-scanned first (internal::DicomPreScanner, memory-mapped, pixel values
/// skipped by their lengths) so a hostile file (lengths beyond the end, nesting that would overflow DCMTK's
/// recursive parser) is refused before DCMTK parses it. Strings are decoded to UTF-8 honouring
/// SpecificCharacterSet. Never logs; errors name the file and the problem, never a header value.
/// Stateless; thread-safe.
class StudyIndexHeaderReader {
public:
    /// Deepest sequence nesting accepted (real files stay below 10).
    static constexpr int maximumSequenceDepth = 64;
    /// Values longer than this stay on disk while the header is read.
    static constexpr unsigned maximumValueLength = 4096;

    /// True when `path` starts with a DICOM Part 10 preamble ("DICM" at byte 128).
    static bool hasDicomPreamble(const QString& path);

    /// Returns std::nullopt and sets `errorMessage` when `path` is not readable DICOM, or is a DICOMDIR (then
    /// `isDicomdir` is set to true: a directory of other files, not an instance).
    static std::optional<StudyIndexRecord> read(
        const QString& path, QString* errorMessage = nullptr, bool* isDicomdir = nullptr);

    /// SOP Class UID of the DICOMDIR (Media Storage Directory Storage).
    static QString mediaStorageDirectorySopClass();
};

} // namespace lrclr
