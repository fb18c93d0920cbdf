#pragma once

#include <string>

#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// Reads an image file as the model's input, the same way the viewer does: StudyReader (the file type decided by
/// StudyFileType) and the display pipeline's default window (16-bit gray keeps its precision).
/// `lrclr analyze`/`encode`, the trainer and the evaluator all read images here, so that every one of them gives
/// the network the same pixels. Stateless; thread-safe.
class ModelInputReader {
public:
    /// Throws std::runtime_error naming the file and the problem when it cannot be read as an image.
    static GrayscaleImage read(const std::string& path);
};

} // namespace lrclr
