#pragma once

#include <string>
#include <utility>

namespace lrclr::internal {

/// Why DicomImageReader refused a file. Thrown only inside the reader's own steps; DicomImageReader::read turns it
/// into its errorString(), so no exception leaves the reader.
struct DicomReadError {
    std::string message;

    /// Stops reading the current file with `message` (naming the problem, not the file: read() adds the path).
    [[noreturn]] static void raise(std::string message) { throw DicomReadError { std::move(message) }; }
};

} // namespace lrclr::internal
