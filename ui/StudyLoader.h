#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"
#include "core/study/XrayImage.h"

namespace lrclr {

/// Reads what the viewer opens: one image file (DICOM or PNG/JPEG/TIFF) and the study's report (a plain-text
/// sidecar or a DICOM SR). Stateless and thread-safe.
class StudyLoader {
public:
    struct Loaded {
        XrayImage image;
        std::optional<Report> report;
        QString reportProblem; ///< a report file exists but could not be read
    };

    /// Reads `imagePath`; the report comes from `reportPath` when given, else from a sidecar beside the image.
    /// Returns std::nullopt with `error` naming the file and the problem when the image cannot be read.
    static std::optional<Loaded> load(
        const QString& imagePath, const QString& reportPath = QString(), QString* error = nullptr);
    /// The image alone (thumbnails).
    static std::optional<XrayImage> loadImage(const QString& imagePath, QString* error = nullptr);
    static std::optional<Report> loadReport(const QString& reportPath, QString* error = nullptr);
    /// The report of an image: a sidecar (PlainTextReportReader::findReportFor), else ../reports/<stem>.txt (the
    /// phantom layout of `lrclr synth` and resources/demo); empty when there is none.
    static QString findReportFor(const QString& imagePath);
    /// True for names the raster reader handles (.png, .jpg, .jpeg, .tif, .tiff).
    static bool isRasterFile(const QString& path);
};

} // namespace lrclr
