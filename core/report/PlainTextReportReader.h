#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"

namespace lrclr {

/// Reads a plain-text report (a sidecar file or pasted text) and finds the sidecar that belongs to an image.
/// Stateless and thread-safe.
class PlainTextReportReader {
public:
    /// Reports are a few kilobytes; anything larger is not a report and is refused rather than read into memory.
    static constexpr qint64 maximumFileSize = 1024 * 1024;

    /// Reads `path` as UTF-8 (a byte-order mark is dropped; a file that is not valid UTF-8 is read as Latin-1, which
    /// every byte sequence is). Returns std::nullopt and sets `errorMessage` (naming the file) when the file cannot be
    /// read, is too large, or holds NUL bytes (a binary file, not a report).
    static std::optional<Report> read(const QString& path, QString* errorMessage = nullptr);

    /// Pasted text, kept exactly as given.
    static Report fromPastedText(const QString& text);

    /// The report belonging to image `imagePath`, or an empty string: a sidecar with the same stem and extension
    /// ".txt" (any letter case), else the MIMIC-CXR layout `.../pNN/pNNNNNNNN/sNNNNNNNN/image.jpg` whose report is
    /// `.../pNN/pNNNNNNNN/sNNNNNNNN.txt`, else the phantom layout `images/<stem>.*` beside `reports/<stem>.txt`.
    static QString findReportFor(const QString& imagePath);
    /// True when `directoryPath` is a MIMIC-CXR study folder (named sNNNNNNNN inside a patient folder pNNNNNNNN).
    static bool isMimicStudyFolder(const QString& directoryPath);
};

} // namespace lrclr
