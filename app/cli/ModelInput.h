#pragma once

#include <string>
#include <vector>

#include "core/model/GrayscaleImage.h"

namespace lrclr::cli {

/// Reading the model's inputs for the `encode` and `analyze` commands: images (DICOM through core/study's reader and
/// display pipeline, anything else through Qt's image codecs) and report files (split by core/report).
namespace ModelInput {

/// Throws std::runtime_error naming the file when it cannot be read as an image.
GrayscaleImage readImage(const std::string& path);

struct Sentence {
    std::string text;
    std::size_t begin = 0; ///< UTF-16 code units into the report text, as core/report counts
    std::size_t end = 0;
};
/// Sentences of a report file (plain text or DICOM SR, through core/report's ReportReader); throws
/// std::runtime_error naming the file when it cannot be read.
std::vector<Sentence> readReport(const std::string& path);
/// Sentences of report text given inline (a manifest's reportText), split as core/report splits plain text.
std::vector<Sentence> reportSentences(const std::string& text);

} // namespace ModelInput

} // namespace lrclr::cli
