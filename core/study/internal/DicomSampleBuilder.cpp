#include "core/study/internal/DicomSampleBuilder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "core/study/internal/DicomReadError.h"

namespace lrclr::internal {

namespace {

std::uint8_t clampByte(double value)
{
    return static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
}

/// YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB, in place on interleaved bytes.
void convertYbrFullToRgb(std::vector<std::uint8_t>& rgb)
{
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        const double y = rgb[i], cb = rgb[i + 1] - 128.0, cr = rgb[i + 2] - 128.0;
        rgb[i] = clampByte(y + 1.402 * cr);
        rgb[i + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
        rgb[i + 2] = clampByte(y + 1.772 * cb);
    }
}

/// Sample `index` of a 32-bit frame in local byte order (the frame need not be aligned).
std::uint32_t raw32(const std::uint8_t* bytes, std::size_t index)
{
    std::uint32_t value = 0;
    std::memcpy(&value, bytes + 4 * index, 4);
    return value;
}

/// True when no sample of an unsigned, unshifted frame has bits above BitsStored set.
bool fitsMask(const std::uint16_t* samples, std::size_t count, std::uint16_t mask)
{
    // OR of all samples, four at a time (the compiler does not vectorise the 16-bit reduction itself).
    std::uint64_t used = 0;
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        std::uint64_t four = 0;
        std::memcpy(&four, samples + i, sizeof four);
        used |= four;
    }
    for (; i < count; ++i)
        used |= samples[i];
    used |= (used >> 16) | (used >> 32) | (used >> 48);
    return (static_cast<std::uint16_t>(used) & ~mask) == 0;
}

/// Where 32-bit values from `low` to `high` go in 16 bits: exact when they span at most 65536 consecutive
/// integers, else rounded to 1/65535 of their range.
DicomRequantization unsignedMapFor(bool integral, double low, double high)
{
    DicomRequantization map;
    if (integral && low >= 0.0 && high <= 65535.0) {
        map.offset = 0.0;
    } else if (integral && high - low <= 65535.0) {
        map.offset = low;
    } else {
        map.offset = low;
        map.scale = high > low ? (high - low) / 65535.0 : 1.0;
    }
    return map;
}

} // namespace

void DicomSampleBuilder::normalizeInPlace(
    std::uint16_t* samples, std::size_t count, const DicomPixelGeometry& g, XrayImage& image)
{
    const int shift = g.highBit + 1 - g.bitsStored;
    const auto mask = static_cast<std::uint16_t>(g.bitsStored >= 16 ? 0xFFFFu : (1u << g.bitsStored) - 1u);
    if (g.pixelRepresentation == 0) {
        image.sampleFormat = SampleFormat::Unsigned16;
        if (shift == 0 && (mask == 0xFFFF || fitsMask(samples, count, mask)))
            return;
        for (std::size_t i = 0; i < count; ++i)
            samples[i] = static_cast<std::uint16_t>((samples[i] >> shift) & mask);
        return;
    }
    image.sampleFormat = SampleFormat::Signed16;
    if (shift == 0 && mask == 0xFFFF)
        return;
    const int up = 16 - g.bitsStored;
    for (std::size_t i = 0; i < count; ++i) {
        const auto value = static_cast<std::uint16_t>((samples[i] >> shift) & mask);
        samples[i]
            = static_cast<std::uint16_t>(static_cast<std::int16_t>(static_cast<std::uint16_t>(value << up)) >> up);
    }
}

std::int64_t DicomSampleBuilder::normalize(std::uint32_t raw) const
{
    const int shift = highBit + 1 - g.bitsStored;
    const std::uint32_t mask = g.bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << g.bitsStored) - 1u);
    const std::uint32_t value = (raw >> shift) & mask;
    if (g.pixelRepresentation == 1 && (value & (1u << (g.bitsStored - 1))))
        return static_cast<std::int64_t>(value) - (std::int64_t { 1 } << g.bitsStored);
    return static_cast<std::int64_t>(value);
}

void DicomSampleBuilder::bitPacked(const std::uint8_t* bytes, std::uint64_t firstBit, XrayImage& image) const
{
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    buffer->unsigned8.resize(image.pixelCount());
    for (std::size_t i = 0; i < buffer->unsigned8.size(); ++i) {
        const std::uint64_t bit = firstBit + i; // PS3.5 D.2: the first pixel is the least significant bit
        buffer->unsigned8[i] = static_cast<std::uint8_t>((bytes[bit >> 3] >> (bit & 7)) & 1u);
    }
    image.sampleFormat = SampleFormat::Unsigned8;
    image.pixels = std::move(buffer);
}

/// The display chain and the model work on 16-bit samples, so the values are stored as 16-bit samples plus a linear
/// map folded into the rescale afterwards (DicomRequantization).
DicomRequantization DicomSampleBuilder::wide(const std::uint8_t* bytes, XrayImage& image) const
{
    const std::size_t count = image.pixelCount();
    const auto valueAt = [&](std::size_t i) -> double {
        if (g.floatingPoint && g.bitsAllocated == 64) {
            double value = 0;
            std::memcpy(&value, bytes + 8 * i, 8);
            return value;
        }
        const std::uint32_t raw = raw32(bytes, i);
        if (g.floatingPoint) {
            float value = 0;
            std::memcpy(&value, &raw, 4);
            return value;
        }
        return static_cast<double>(normalize(raw));
    };
    double low = std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::lowest();
    bool integral = !g.floatingPoint;
    for (std::size_t i = 0; i < count; ++i) {
        const double value = valueAt(i);
        if (!std::isfinite(value))
            DicomReadError::raise("the floating point pixel data holds NaN or infinite values");
        low = std::min(low, value);
        high = std::max(high, value);
        integral = integral && value == std::floor(value);
    }
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    if (integral && low >= -32768.0 && high <= 32767.0 && low < 0.0) {
        buffer->signed16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer->signed16[i] = static_cast<std::int16_t>(valueAt(i));
        image.sampleFormat = SampleFormat::Signed16;
        image.pixels = std::move(buffer);
        return {};
    }
    const DicomRequantization map = unsignedMapFor(integral, low, high);
    buffer->unsigned16.resize(count);
    for (std::size_t i = 0; i < count; ++i)
        buffer->unsigned16[i]
            = static_cast<std::uint16_t>(std::clamp(std::lround((valueAt(i) - map.offset) / map.scale), 0L, 65535L));
    image.sampleFormat = SampleFormat::Unsigned16;
    image.pixels = std::move(buffer);
    return map;
}

void DicomSampleBuilder::monochrome(const std::uint8_t* bytes, const std::uint16_t* words, XrayImage& image) const
{
    const std::size_t count = image.pixelCount();
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    const bool plainUnsigned16 = g.bitsAllocated == 16 && g.pixelRepresentation == 0 && g.bitsStored == 16;
    if (g.pixelRepresentation == 1) {
        image.sampleFormat = SampleFormat::Signed16;
        buffer->signed16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer->signed16[i] = static_cast<std::int16_t>(normalize(words ? words[i] : bytes[i]));
    } else if (g.bitsAllocated == 8) {
        image.sampleFormat = SampleFormat::Unsigned8;
        buffer->unsigned8.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer->unsigned8[i] = static_cast<std::uint8_t>(normalize(bytes[i]));
    } else if (plainUnsigned16) {
        image.sampleFormat = SampleFormat::Unsigned16;
        buffer->unsigned16.assign(words, words + count);
    } else {
        image.sampleFormat = SampleFormat::Unsigned16;
        buffer->unsigned16.resize(count);
        const int shift = highBit + 1 - g.bitsStored;
        const auto mask = static_cast<std::uint16_t>((1u << g.bitsStored) - 1u);
        std::uint16_t* out = buffer->unsigned16.data();
        for (std::size_t i = 0; i < count; ++i)
            out[i] = static_cast<std::uint16_t>((words[i] >> shift) & mask);
    }
    image.pixels = std::move(buffer);
}

DicomRequantization DicomSampleBuilder::anyMonochrome(
    const std::uint8_t* bytes, const std::uint16_t* words, std::uint64_t firstBit, XrayImage& image) const
{
    if (g.bitsAllocated == 1) {
        bitPacked(bytes, firstBit, image);
        return {};
    }
    if (g.bitsAllocated >= 32)
        return wide(bytes, image);
    monochrome(bytes, words, image);
    return {};
}

void DicomSampleBuilder::subsampledYbr(const std::uint8_t* bytes, std::uint8_t* rgb) const
{
    const std::size_t columns = static_cast<std::size_t>(g.columns);
    std::size_t in = 0;
    for (std::size_t row = 0; row < static_cast<std::size_t>(g.rows); ++row) {
        for (std::size_t column = 0; column < columns; column += 2) {
            const std::uint8_t y1 = bytes[in], y2 = bytes[in + 1], cb = bytes[in + 2], cr = bytes[in + 3];
            in += 4;
            std::uint8_t* o = rgb + (row * columns + column) * 3;
            o[0] = y1, o[1] = cb, o[2] = cr;
            if (column + 1 < columns)
                o[3] = y2, o[4] = cb, o[5] = cr;
        }
    }
}

void DicomSampleBuilder::color(const std::uint8_t* bytes, const std::uint16_t* words, bool planar,
    const std::string& model, XrayImage& image) const
{
    const std::size_t count = image.pixelCount();
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    buffer->unsigned8.resize(count * 3);
    const int downShift = std::max(0, g.bitsStored - 8);
    const auto sample = [&](std::size_t index) {
        const std::uint32_t raw = g.bitsAllocated == 32 ? raw32(bytes, index) : words ? words[index] : bytes[index];
        return static_cast<std::uint8_t>(std::clamp<std::int64_t>(normalize(raw) >> downShift, 0, 255));
    };
    if (model == "YBR_FULL_422" && g.bitsAllocated == 8 && !planar) {
        subsampledYbr(bytes, buffer->unsigned8.data());
        convertYbrFullToRgb(buffer->unsigned8);
    } else {
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t c = 0; c < 3; ++c)
                buffer->unsigned8[i * 3 + c] = sample(planar ? c * count + i : i * 3 + c);
        if (model == "YBR_FULL" || model == "YBR_FULL_422")
            convertYbrFullToRgb(buffer->unsigned8);
        else if (model != "RGB")
            DicomReadError::raise("photometric interpretation " + model + " is not supported");
    }
    image.sampleFormat = SampleFormat::Rgb8;
    image.pixels = std::move(buffer);
}

} // namespace lrclr::internal
