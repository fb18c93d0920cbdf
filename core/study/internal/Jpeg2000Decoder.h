#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace lrclr::internal {

/// Decodes one JPEG 2000 frame (raw codestream or JP2 file) with OpenJPEG, since DCMTK has no free J2K codec.
/// The header is checked against the size the DICOM attributes announce before any pixel buffer is allocated.
/// Stateless; thread-safe.
class Jpeg2000Decoder {
public:
    struct Frame {
        int width = 0;
        int height = 0;
        int components = 0;
        int precision = 0;
        bool isSigned = false;
        /// Component-planar samples: components * width * height values.
        std::vector<std::int32_t> samples;
    };

    /// Returns false and sets `problem` when the data is not a decodable codestream or does not match the expected
    /// geometry.
    static bool decode(std::span<const std::uint8_t> data, int expectedWidth, int expectedHeight,
        int expectedComponents, Frame& frame, std::string& problem);
};

} // namespace lrclr::internal
