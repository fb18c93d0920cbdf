#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

class DcmItem;

namespace lrclr::internal {

/// The Image Pixel module of one DICOM image (size, sample layout, bit depths, frames), checked against everything a
/// hostile file could claim before the reader sizes a buffer by it.
struct DicomPixelGeometry {
    int rows = 0;
    int columns = 0;
    int samplesPerPixel = 1;
    int bitsAllocated = 0;
    int bitsStored = 0;
    int highBit = 0;
    int pixelRepresentation = 0;
    int planarConfiguration = 0;
    int numberOfFrames = 1;
    std::string photometric;
    bool floatingPoint = false; ///< Float Pixel Data (32-bit) or Double Float Pixel Data (64-bit)
    std::size_t frameBytes = 0; ///< bytes of one uncompressed frame as stored (1-bit: rounded up)

    /// Reads and validates the module; throws DicomReadError naming the first inconsistent attribute.
    /// `floatingPoint`: the pixels are Float / Double Float Pixel Data, which has no BitsStored, HighBit or
    /// PixelRepresentation.
    static DicomPixelGeometry read(DcmItem& dataset, bool floatingPoint);

    /// Bytes all frames need as stored; 1-bit frames are packed without padding between them (PS3.5 8.1.1).
    std::uint64_t totalBytes() const;
    /// Throws DicomReadError unless `available` bytes of native pixel data hold all frames.
    void checkNativeLength(std::uint64_t available) const;
};

} // namespace lrclr::internal
