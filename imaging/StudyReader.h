#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"
#include "core/study/XrayImage.h"

namespace lrclr {

/// The one reader of a study from files: an image (DICOM in any transfer syntax, or PNG/JPEG/TIFF; the type decided
/// by StudyFileType, content first) with its identity, and the study's report (a plain-text sidecar or a DICOM SR).
/// The viewer's loader, `lrclr analyze`/`encode`/`render`, the trainer and the evaluator read through here (the last
/// ones via ModelInputReader), so a file opens in all of them or in none. Stateless and thread-safe: the viewer calls
/// it on a worker thread.
class StudyReader {
public:
    struct Study {
        XrayImage image;
        std::optional<Report> report;
        QString reportPath; ///< the report file read (or attempted); empty when the study has none
        QString reportProblem; ///< a report file exists but could not be read: the file and the problem
    };

    /// Reads `imagePath`; the report comes from `reportPath` when given, else from findReportFor(). Returns
    /// std::nullopt with `error` naming the file and the problem when the image cannot be read (a report that cannot
    /// be read is not an error: the study opens with reportProblem set).
    static std::optional<Study> read(
        const QString& imagePath, const QString& reportPath = QString(), QString* error = nullptr);
    /// The image alone (thumbnails, model input).
    static std::optional<XrayImage> readImage(const QString& imagePath, QString* error = nullptr);
    static std::optional<Report> readReport(const QString& reportPath, QString* error = nullptr);
    /// The report of an image: a sidecar (PlainTextReportReader::findReportFor), else ../reports/<stem>.txt (the
    /// phantom layout of `lrclr synth` and resources/demo); empty when there is none.
    static QString findReportFor(const QString& imagePath);
};

} // namespace lrclr
