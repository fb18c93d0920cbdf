#pragma once

#include <QString>

#include "core/study/DisplayPipeline.h"

class QImage;

namespace lrclr {

/// Writes a DisplayFrame (8-bit gray or RGB) to disk: PNG, JPEG, TIFF, BMP through Qt's image writers, and binary
/// PGM/PPM (P5/P6) directly, which is what DCMTK's dcmj2pnm writes by default and what the study benchmark compares.
/// The format follows the file extension. Stateless; thread-safe.
class DisplayFrameWriter {
public:
    /// Returns false and sets `errorMessage` (naming the file and the problem) on failure.
    static bool write(const DisplayFrame& frame, const QString& path, QString* errorMessage = nullptr);
    /// A QImage viewing `frame`'s bytes without copying (Format_Grayscale8 or Format_RGB888); valid while `frame`
    /// lives and is not resized.
    static QImage view(const DisplayFrame& frame);
};

} // namespace lrclr
