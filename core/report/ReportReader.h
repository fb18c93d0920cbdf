#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"

namespace lrclr {

/// Reads the report at a path from StudyIndexStudy::reportPaths, whatever its kind: ".txt" (any case) as plain text
/// (PlainTextReportReader), anything else as DICOM SR (DicomSrReportReader). Stateless and thread-safe.
class ReportReader {
public:
    /// Returns std::nullopt and sets `errorMessage` (naming the file and the problem) on failure.
    static std::optional<Report> read(const QString& path, QString* errorMessage = nullptr);
};

} // namespace lrclr
