#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace lrclr::internal {

/// The image and tile geometry of a JPEG 2000 codestream, read from its SIZ marker segment (ISO/IEC 15444-1 A.5.1)
/// by hand, before OpenJPEG sees the data: opj_read_header allocates its per-tile structures from these numbers, so
/// a 1.7 KB codestream with 1 x 1 pixel tiles over a large image made it allocate gigabytes before any check of
/// ours could run. Accepts a raw codestream or a JP2 file (its first contiguous codestream box). Stateless;
/// thread-safe.
class Jpeg2000Header {
public:
    /// The most tiles a codestream may have: the standard's own bound (tile indices Isot are 0..65534).
    static constexpr std::uint64_t maximumTiles = 65535;

    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t components = 0;
    std::uint64_t tiles = 0;

    /// Reads the SIZ segment of `data`; false with `problem` set when it is missing, truncated or inconsistent, or
    /// asks for more than maximumTiles tiles.
    static bool read(std::span<const std::uint8_t> data, bool isJp2, Jpeg2000Header& header, std::string& problem);
};

} // namespace lrclr::internal
