#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

class QFile;

namespace lrclr::internal {

/// Walks the raw bytes of a DICOM file (Part 10 or bare dataset) without building anything, before DCMTK parses it:
/// refuses element lengths that run past the data and sequence nesting deeper than a cap, because DCMTK allocates
/// what a length claims and recurses once per nesting level (a deep file overflows its stack).
/// Stateless; thread-safe.
class DicomPreScanner {
public:
    struct Result {
        bool accepted = false;
        std::string problem; ///< why the file was refused; empty when accepted
        std::string transferSyntaxUid; ///< from the meta header; empty when there is none
        int deepestNesting = 0; ///< deepest sequence nesting seen
        bool littleEndian = true; ///< byte order of the dataset
        /// Where a defined-length (native) Pixel Data element at the top level keeps its value in `file`, so native
        /// pixels can be read without DCMTK copying them; length 0 when there is none (or the dataset is deflated).
        std::size_t nativePixelDataOffset = 0;
        std::size_t nativePixelDataLength = 0;
    };

    /// `maximumDepth`: deepest sequence nesting accepted; `maximumInflatedBytes`: cap for deflated datasets.
    static Result scan(std::span<const std::uint8_t> file, int maximumDepth, std::size_t maximumInflatedBytes);
    /// Scans the open `file` through a memory map, so the pages of pixel data the scan jumps over are never read.
    /// A file that cannot be mapped is refused with "cannot map the file: <reason>".
    static Result scanMapped(QFile& file, int maximumDepth, std::size_t maximumInflatedBytes);
};

} // namespace lrclr::internal
