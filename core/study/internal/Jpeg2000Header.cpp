#include "core/study/internal/Jpeg2000Header.h"

#include <optional>

namespace lrclr::internal {

namespace {

std::uint32_t bigEndian(std::span<const std::uint8_t> bytes, std::size_t offset, int count)
{
    std::uint32_t value = 0;
    for (int k = 0; k < count; ++k)
        value = (value << 8) | bytes[offset + static_cast<std::size_t>(k)];
    return value;
}

/// The contiguous codestream box ('jp2c') of a JP2 file (ISO/IEC 15444-1 I.4); nullopt when there is none.
std::optional<std::span<const std::uint8_t>> jp2Codestream(std::span<const std::uint8_t> file)
{
    std::size_t offset = 0;
    while (offset + 8 <= file.size()) {
        std::uint64_t length = bigEndian(file, offset, 4);
        const std::uint32_t type = bigEndian(file, offset + 4, 4);
        std::size_t headerLength = 8;
        if (length == 1) {
            if (offset + 16 > file.size())
                return std::nullopt;
            length = (std::uint64_t { bigEndian(file, offset + 8, 4) } << 32) | bigEndian(file, offset + 12, 4);
            headerLength = 16;
        } else if (length == 0) {
            length = file.size() - offset; // the last box runs to the end of the file
        }
        if (length < headerLength || length > file.size() - offset)
            return std::nullopt;
        if (type == 0x6A703263) // 'jp2c'
            return file.subspan(offset + headerLength, static_cast<std::size_t>(length) - headerLength);
        offset += static_cast<std::size_t>(length);
    }
    return std::nullopt;
}

std::uint64_t ceilDivide(std::uint64_t numerator, std::uint64_t denominator)
{
    return (numerator + denominator - 1) / denominator;
}

} // namespace

bool Jpeg2000Header::read(std::span<const std::uint8_t> data, bool isJp2, Jpeg2000Header& header, std::string& problem)
{
    std::span<const std::uint8_t> codestream = data;
    if (isJp2) {
        const auto box = jp2Codestream(data);
        if (!box) {
            problem = "the JP2 file has no complete codestream box";
            return false;
        }
        codestream = *box;
    }
    // SOC, then SIZ: marker (2), Lsiz (2), Rsiz (2), Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz (4 each),
    // Csiz (2), then 3 bytes per component.
    constexpr std::size_t fixedLength = 2 + 2 + 2 + 2 + 8 * 4 + 2;
    if (codestream.size() < fixedLength || bigEndian(codestream, 0, 2) != 0xFF4F
        || bigEndian(codestream, 2, 2) != 0xFF51) {
        problem = "the JPEG 2000 codestream does not start with SOC and SIZ markers";
        return false;
    }
    const std::uint32_t segmentLength = bigEndian(codestream, 4, 2);
    const std::uint32_t xSize = bigEndian(codestream, 8, 4);
    const std::uint32_t ySize = bigEndian(codestream, 12, 4);
    const std::uint32_t xOffset = bigEndian(codestream, 16, 4);
    const std::uint32_t yOffset = bigEndian(codestream, 20, 4);
    const std::uint32_t tileWidth = bigEndian(codestream, 24, 4);
    const std::uint32_t tileHeight = bigEndian(codestream, 28, 4);
    const std::uint32_t tileXOffset = bigEndian(codestream, 32, 4);
    const std::uint32_t tileYOffset = bigEndian(codestream, 36, 4);
    const std::uint32_t components = bigEndian(codestream, 40, 2);
    if (components == 0 || segmentLength != 38 + 3 * components || codestream.size() < 4 + segmentLength) {
        problem = "the JPEG 2000 SIZ segment is truncated or has an inconsistent length";
        return false;
    }
    if (xSize <= xOffset || ySize <= yOffset || tileWidth == 0 || tileHeight == 0 || tileXOffset > xOffset
        || tileYOffset > yOffset || std::uint64_t { tileXOffset } + tileWidth <= xOffset
        || std::uint64_t { tileYOffset } + tileHeight <= yOffset) {
        problem = "the JPEG 2000 SIZ segment has an inconsistent image or tile geometry";
        return false;
    }
    header.width = xSize - xOffset;
    header.height = ySize - yOffset;
    header.components = components;
    header.tiles = ceilDivide(xSize - tileXOffset, tileWidth) * ceilDivide(ySize - tileYOffset, tileHeight);
    if (header.tiles > maximumTiles) {
        problem = "the JPEG 2000 codestream asks for " + std::to_string(header.tiles) + " tiles (at most "
            + std::to_string(maximumTiles) + ")";
        return false;
    }
    return true;
}

} // namespace lrclr::internal
