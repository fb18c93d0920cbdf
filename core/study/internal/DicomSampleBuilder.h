#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/study/XrayImage.h"
#include "core/study/internal/DicomPixelGeometry.h"

namespace lrclr::internal {

/// How 32-bit samples were stored in 16 bits: value = stored * scale + offset.
struct DicomRequantization {
    double scale = 1.0;
    double offset = 0.0;
    bool isIdentity() const { return scale == 1.0 && offset == 0.0; }
};

/// Builds an XrayImage's samples from one uncompressed frame in local byte order, whatever transfer syntax it came
/// from: bits outside BitsStored cleared, signed values sign-extended, colour converted to interleaved 8-bit RGB.
struct DicomSampleBuilder {
    const DicomPixelGeometry& g;
    int highBit;

    /// Turns 16-bit stored words into samples where they lie (sets the image's sample format). A clean unsigned
    /// frame, the usual case, is only read once and not written.
    static void normalizeInPlace(
        std::uint16_t* samples, std::size_t count, const DicomPixelGeometry& g, XrayImage& image);

    /// One monochrome frame of any supported depth; `firstBit` is where a 1-bit frame starts in `bytes`. 16-bit
    /// frames are read from `words`. Returns how 32-bit values were fitted into 16 bits (identity otherwise).
    DicomRequantization anyMonochrome(
        const std::uint8_t* bytes, const std::uint16_t* words, std::uint64_t firstBit, XrayImage& image) const;
    /// Colour frame to interleaved 8-bit RGB; `planar` follows the decoded data, not necessarily the header, and
    /// `model` is the photometric interpretation of the decoded data.
    void color(const std::uint8_t* bytes, const std::uint16_t* words, bool planar, const std::string& model,
        XrayImage& image) const;

private:
    std::int64_t normalize(std::uint32_t raw) const;
    /// One frame of 1-bit samples (a bit-packed mask or segmentation), starting at bit `firstBit`, as 0 / 1.
    void bitPacked(const std::uint8_t* bytes, std::uint64_t firstBit, XrayImage& image) const;
    /// A 32-bit integer or floating point frame, stored as 16-bit samples plus a linear map.
    DicomRequantization wide(const std::uint8_t* bytes, XrayImage& image) const;
    void monochrome(const std::uint8_t* bytes, const std::uint16_t* words, XrayImage& image) const;
    /// Native YBR_FULL_422 with 8 bits: Y1 Y2 Cb Cr per pair of pixels along a row.
    void subsampledYbr(const std::uint8_t* bytes, std::uint8_t* rgb) const;
};

} // namespace lrclr::internal
