#pragma once

#include <string>

#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// Reads an image file as the model's input, the same way the viewer does: DICOM through core/study's reader and the
/// display pipeline's default window, PNG/JPEG/TIFF through RasterImageReader (16-bit gray keeps its precision).
/// `lrclr analyze`/`encode`, the trainer and the evaluator all read images here, so that every one of them gives
/// the network the same pixels. Stateless; thread-safe.
class ModelInputReader {
public:
    /// Throws std::runtime_error naming the file and the problem when it cannot be read as an image.
    static GrayscaleImage read(const std::string& path);
    /// DICOM Part 10 ("DICM" after the 128-byte preamble), or a .dcm/.dicom file without the preamble.
    static bool isDicom(const std::string& path);
};

} // namespace lrclr
