#pragma once

#include <optional>

#include <QString>

#include "core/report/Report.h"
#include "core/study/StudyIndexRasterProbe.h"
#include "core/study/XrayImage.h"

namespace lrclr {

/// Reads a raster X-ray (PNG, JPEG, TIFF through Qt's image plugins) into an XrayImage, and finds its report.
///
/// Grayscale files keep their depth: 8-bit -> SampleFormat::Unsigned8, 16-bit PNG/TIFF -> Unsigned16 (stored values,
/// not windowed). A colour file whose pixels are all gray (a JPEG saved as RGB, a gray palette) becomes grayscale; a
/// really coloured one becomes Rgb8, which DisplayPipeline shows in colour and converts to gray for the model.
/// EXIF orientation is applied. The size is checked from the file header before decoding, so a forged
/// 100000 x 100000 header is refused without allocating.
///
/// Also the indexer's StudyIndexRasterProbe (lrclr::core cannot link Qt Gui, so the indexer lists raster files by
/// name and asks this class for their size; see StudyIndexRasterProbe.h). Stateless and thread-safe (QImageReader
/// is used per call; QImage is safe off the GUI thread).
class RasterImageReader : public StudyIndexRasterProbe {
public:
    /// Creates Qt's image-format plugin objects on the calling thread. Qt makes them in the thread that first needs
    /// them; made in a plain std::thread (the trainer's and evaluator's readers), they outlive that thread's Qt data
    /// and corrupt the heap when destroyed at exit. Code that reads images on such threads calls this first, on the
    /// thread that starts them (TrainingDataLoader, ModelEvaluation). Idempotent and thread-safe; the first call loads.
    static void loadPlugins();

    /// Largest image accepted (pixels), the same cap as DicomImageReader.
    static constexpr long long maximumPixels = 1LL << 28;

    /// A raster image with the report found beside it.
    struct Study {
        XrayImage image;
        std::optional<Report> report; ///< from PlainTextReportReader::findReportFor(); nullopt when none
        QString reportError; ///< set when a report file exists but could not be read
    };

    /// Returns std::nullopt and sets `errorMessage` (naming the file and the problem) on failure.
    static std::optional<XrayImage> read(const QString& path, QString* errorMessage = nullptr);
    /// read() plus the sidecar or MIMIC-CXR report; a missing or unreadable report does not fail the image.
    static std::optional<Study> readStudy(const QString& path, QString* errorMessage = nullptr);

    bool probe(const QString& path, Info& info, QString* errorMessage) const override;
};

} // namespace lrclr
