#include "core/study/DicomImageReader.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <span>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "core/study/DicomLibrary.h"
#include "core/study/internal/DicomPreScanner.h"
#include "core/study/internal/JapaneseTextDecoder.h"
#include "core/study/internal/Jpeg2000Decoder.h"

namespace lrclr {

static_assert(std::endian::native == std::endian::little, "pixels are read in place as little endian words");

namespace {

constexpr std::uint64_t maximumFileBytes = 2ULL << 30;
/// A deflated dataset may inflate to at most this much (deflate reaches ~1000:1 on zeros; real DICOM rarely 20:1),
/// so a small "deflate bomb" is refused after a bounded allocation.
std::size_t maximumInflatedBytes(std::size_t compressedBytes)
{
    return std::min<std::size_t>(std::size_t { 1 } << 30, (std::size_t { 64 } << 20) + 256 * compressedBytes);
}

/// Thrown inside the reader only; read() turns it into errorString().
struct ReadError {
    std::string message;
};

[[noreturn]] void fail(std::string message)
{
    throw ReadError { std::move(message) };
}

std::string stringOf(DcmItem& item, const DcmTagKey& tag)
{
    OFString value;
    if (item.findAndGetOFStringArray(tag, value).bad())
        return {};
    std::string text(value.c_str(), value.length());
    while (!text.empty() && (text.back() == ' ' || text.back() == '\0'))
        text.pop_back();
    return text;
}

/// DCMTK leaves strings in the source encoding when a character set cannot be converted; make them valid UTF-8
/// (reading invalid bytes as Latin-1) so no consumer ever sees broken text.
std::string validUtf8(const std::string& text)
{
    std::string result;
    result.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
        for (int k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) >> 6) == 0x2;
        if (valid) {
            result.append(text, i, static_cast<std::size_t>(length));
            i += static_cast<std::size_t>(length);
        } else {
            result += static_cast<char>(0xC0 | (c >> 6));
            result += static_cast<char>(0x80 | (c & 0x3F));
            ++i;
        }
    }
    return result;
}

std::optional<double> doubleOf(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0)
{
    Float64 value = 0;
    if (item.findAndGetFloat64(tag, value, position).bad() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

int unsignedOf(DcmItem& item, const DcmTagKey& tag, int fallback)
{
    Uint16 value = 0;
    if (item.findAndGetUint16(tag, value).bad())
        return fallback;
    return value;
}

/// A US-or-SS value (descriptors, padding) read with the signedness its VR or the pixel representation gives.
std::optional<int> usOrSsOf(DcmItem& item, const DcmTagKey& tag, unsigned long position, bool signedByDefault)
{
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element).bad() || !element)
        return std::nullopt;
    if (element->ident() == EVR_SS) {
        Sint16 value = 0;
        if (element->getSint16(value, position).bad())
            return std::nullopt;
        return value;
    }
    Uint16 value = 0;
    if (element->getUint16(value, position).bad())
        return std::nullopt;
    return signedByDefault ? static_cast<int>(static_cast<Sint16>(value)) : static_cast<int>(value);
}

/// The file's bytes, stored as 16-bit words so that native 16-bit pixel data at an even offset can be read in place as
/// std::uint16_t (the bytes of any object may be read as unsigned char, the other way round is not allowed).
struct FileBytes {
    std::shared_ptr<std::uint16_t[]> words; // shared: a large frame keeps living in it as the image's samples
    std::size_t size = 0;
    std::span<const std::uint8_t> bytes() const { return { reinterpret_cast<const std::uint8_t*>(words.get()), size }; }
};

FileBytes readWholeFile(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary | std::ios::ate);
    if (!stream)
        fail("cannot open the file");
    const std::streamoff size = stream.tellg();
    if (size < 0)
        fail("cannot determine the file size");
    if (static_cast<std::uint64_t>(size) > maximumFileBytes)
        fail("the file is larger than " + std::to_string(maximumFileBytes >> 30) + " GiB");
    FileBytes file;
    file.size = static_cast<std::size_t>(size);
    file.words.reset(new std::uint16_t[(file.size + 1) / 2]); // not value-initialised: no pass over 18 MB of zeros
    stream.seekg(0);
    if (!stream.read(reinterpret_cast<char*>(file.words.get()), size))
        fail("cannot read the file");
    return file;
}

struct PixelGeometry {
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

    /// Bytes all frames need as stored; 1-bit frames are packed without padding between them (PS3.5 8.1.1).
    std::uint64_t totalBytes() const
    {
        if (bitsAllocated == 1)
            return (static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(columns) * numberOfFrames + 7) / 8;
        return static_cast<std::uint64_t>(frameBytes) * static_cast<std::uint64_t>(numberOfFrames);
    }
};

PixelGeometry readGeometry(DcmItem& dataset, bool floatingPoint)
{
    PixelGeometry g;
    g.floatingPoint = floatingPoint;
    g.rows = unsignedOf(dataset, DCM_Rows, 0);
    g.columns = unsignedOf(dataset, DCM_Columns, 0);
    g.samplesPerPixel = unsignedOf(dataset, DCM_SamplesPerPixel, 1);
    g.bitsAllocated = unsignedOf(dataset, DCM_BitsAllocated, 0);
    g.bitsStored = unsignedOf(dataset, DCM_BitsStored, g.bitsAllocated);
    g.highBit = unsignedOf(dataset, DCM_HighBit, g.bitsStored - 1);
    g.pixelRepresentation = unsignedOf(dataset, DCM_PixelRepresentation, 0);
    g.planarConfiguration = unsignedOf(dataset, DCM_PlanarConfiguration, 0);
    g.photometric = stringOf(dataset, DCM_PhotometricInterpretation);
    Sint32 frames = 1;
    if (dataset.tagExistsWithValue(DCM_NumberOfFrames)) {
        if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).bad())
            fail("NumberOfFrames is not a number");
    }
    g.numberOfFrames = frames;

    if (g.rows <= 0 || g.columns <= 0)
        fail("Rows or Columns is missing or zero");
    if (floatingPoint) {
        // Float Pixel Data has no BitsStored, HighBit or PixelRepresentation (PS3.3 C.7.6.24).
        g.bitsStored = g.bitsAllocated;
        g.highBit = g.bitsAllocated - 1;
        g.pixelRepresentation = 0;
        if (g.bitsAllocated != 32 && g.bitsAllocated != 64)
            fail("BitsAllocated " + std::to_string(g.bitsAllocated) + " does not fit floating point pixel data");
    } else if (g.bitsAllocated != 1 && g.bitsAllocated != 8 && g.bitsAllocated != 16 && g.bitsAllocated != 32) {
        fail("BitsAllocated " + std::to_string(g.bitsAllocated) + " is not supported (1, 8, 16 and 32 are)");
    }
    if (g.bitsAllocated == 1 && g.samplesPerPixel != 1)
        fail("BitsAllocated 1 needs one sample per pixel");
    if (g.bitsStored < 1 || g.bitsStored > g.bitsAllocated)
        fail("BitsStored " + std::to_string(g.bitsStored) + " does not fit BitsAllocated "
            + std::to_string(g.bitsAllocated));
    if (g.highBit >= g.bitsAllocated || g.highBit + 1 < g.bitsStored)
        fail("HighBit " + std::to_string(g.highBit) + " is inconsistent with BitsAllocated "
            + std::to_string(g.bitsAllocated) + " and BitsStored " + std::to_string(g.bitsStored));
    if (g.samplesPerPixel != 1 && g.samplesPerPixel != 3)
        fail("SamplesPerPixel " + std::to_string(g.samplesPerPixel) + " is not supported (1 and 3 are)");
    if (g.pixelRepresentation != 0 && g.pixelRepresentation != 1)
        fail("PixelRepresentation " + std::to_string(g.pixelRepresentation) + " is invalid");
    if (g.numberOfFrames < 1)
        fail("NumberOfFrames " + std::to_string(g.numberOfFrames) + " is invalid");
    const long long pixels = static_cast<long long>(g.rows) * g.columns;
    if (pixels > DicomImageReader::maximumFramePixels)
        fail("Rows x Columns = " + std::to_string(g.rows) + " x " + std::to_string(g.columns)
            + " exceeds the supported " + std::to_string(DicomImageReader::maximumFramePixels) + " pixels per frame");
    g.frameBytes = g.bitsAllocated == 1 ? (static_cast<std::size_t>(pixels) + 7) / 8
                                        : static_cast<std::size_t>(pixels) * static_cast<std::size_t>(g.samplesPerPixel)
            * static_cast<std::size_t>(g.bitsAllocated / 8);
    if (g.samplesPerPixel == 3 && g.photometric == "YBR_FULL_422")
        g.frameBytes = g.frameBytes * 2 / 3; // two luma + one pair of chroma per two pixels
    return g;
}

/// Turns 16-bit stored words into samples where they lie: bits outside BitsStored cleared (after shifting HighBit
/// down), two's complement sign-extended. A clean unsigned frame, the usual case, is only read once and not written.
void normalizeInPlace(std::uint16_t* samples, std::size_t count, const PixelGeometry& g, XrayImage& image)
{
    const int shift = g.highBit + 1 - g.bitsStored;
    const auto mask = static_cast<std::uint16_t>(g.bitsStored >= 16 ? 0xFFFFu : (1u << g.bitsStored) - 1u);
    if (g.pixelRepresentation == 0) {
        image.sampleFormat = SampleFormat::Unsigned16;
        if (shift == 0) {
            if (mask == 0xFFFF)
                return;
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
            if ((static_cast<std::uint16_t>(used) & ~mask) == 0)
                return;
        }
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

/// Index (into the pixel sequence, 1-based after the offset table) of the fragments making up `frame`.
std::pair<unsigned long, unsigned long> fragmentsOfFrame(DcmPixelSequence& sequence, int frame, int frames)
{
    const unsigned long items = sequence.card();
    if (items < 2)
        fail("the encapsulated pixel data holds no fragments");
    const unsigned long fragments = items - 1;
    if (frames == 1)
        return { 1, items };
    if (fragments == static_cast<unsigned long>(frames))
        return { static_cast<unsigned long>(frame) + 1, static_cast<unsigned long>(frame) + 2 };
    DcmPixelItem* offsetItem = nullptr;
    if (sequence.getItem(offsetItem, 0).good() && offsetItem && offsetItem->getLength() >= 4u * frames) {
        Uint8* table = nullptr;
        if (offsetItem->getUint8Array(table).good() && table) {
            const auto offsetAt = [&](int index) {
                const Uint8* p = table + 4 * index;
                return static_cast<std::uint64_t>(p[0] | (p[1] << 8) | (p[2] << 16))
                    | (static_cast<std::uint64_t>(p[3]) << 24);
            };
            const std::uint64_t begin = offsetAt(frame);
            const std::uint64_t end
                = frame + 1 < frames ? offsetAt(frame + 1) : std::numeric_limits<std::uint64_t>::max();
            unsigned long first = 0, last = items;
            std::uint64_t position = 0;
            for (unsigned long i = 1; i < items; ++i) {
                DcmPixelItem* item = nullptr;
                if (sequence.getItem(item, i).bad() || !item)
                    break;
                if (position == begin)
                    first = i;
                if (position == end) {
                    last = i;
                    break;
                }
                position += 8 + item->getLength();
            }
            if (first != 0 && first < last)
                return { first, last };
        }
    }
    fail("cannot tell which fragments belong to frame " + std::to_string(frame + 1)
        + " (the basic offset table is missing or inconsistent)");
}

std::vector<std::uint8_t> concatenatedFragments(
    DcmPixelSequence& sequence, std::pair<unsigned long, unsigned long> range)
{
    std::vector<std::uint8_t> bytes;
    for (unsigned long i = range.first; i < range.second; ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* data = nullptr;
        if (sequence.getItem(item, i).bad() || !item)
            fail("pixel data fragment " + std::to_string(i) + " is missing");
        const Uint32 length = item->getLength();
        if (length == 0)
            continue;
        if (item->getUint8Array(data).bad() || !data)
            fail("pixel data fragment " + std::to_string(i) + " cannot be read");
        bytes.insert(bytes.end(), data, data + length);
    }
    if (bytes.empty())
        fail("the compressed frame is empty");
    return bytes;
}

/// PS3.5 Annex G: a 64-byte header of segment count and offsets; checked before DCMTK's RLE decoder runs.
void checkRleHeader(DcmPixelSequence& sequence, std::pair<unsigned long, unsigned long> range, const PixelGeometry& g)
{
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence.getItem(item, range.first).bad() || !item || item->getUint8Array(data).bad() || !data)
        fail("the RLE fragment cannot be read");
    const Uint32 length = item->getLength();
    if (length < 64)
        fail("the RLE fragment is shorter than its 64-byte segment table");
    const auto word = [&](int index) {
        const Uint8* p = data + 4 * index;
        return static_cast<std::uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16)) | (static_cast<std::uint32_t>(p[3]) << 24);
    };
    const std::uint32_t segments = word(0);
    const std::uint32_t expected = static_cast<std::uint32_t>(g.samplesPerPixel * g.bitsAllocated / 8);
    if (segments != expected)
        fail("the RLE segment table lists " + std::to_string(segments) + " segments, but " + std::to_string(expected)
            + " are needed");
    std::uint32_t previous = 0;
    for (std::uint32_t s = 0; s < segments; ++s) {
        const std::uint32_t offset = word(static_cast<int>(s) + 1);
        if ((s == 0 && offset != 64) || (s > 0 && offset <= previous) || offset >= length)
            fail("the RLE segment table is corrupt (segment " + std::to_string(s + 1) + " offset "
                + std::to_string(offset) + ", fragment length " + std::to_string(length) + ")");
        previous = offset;
    }
}

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

/// How 32-bit samples were stored in 16 bits: value = stored * scale + offset.
struct Requantization {
    double scale = 1.0;
    double offset = 0.0;
    bool isIdentity() const { return scale == 1.0 && offset == 0.0; }
};

/// Builds the XrayImage's samples from one uncompressed frame in local byte order.
struct SampleBuilder {
    const PixelGeometry& g;
    int highBit;

    std::int64_t normalize(std::uint32_t raw) const
    {
        const int shift = highBit + 1 - g.bitsStored;
        const std::uint32_t mask = g.bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << g.bitsStored) - 1u);
        const std::uint32_t value = (raw >> shift) & mask;
        if (g.pixelRepresentation == 1 && (value & (1u << (g.bitsStored - 1))))
            return static_cast<std::int64_t>(value) - (std::int64_t { 1 } << g.bitsStored);
        return static_cast<std::int64_t>(value);
    }

    /// Sample `index` of a 32-bit frame in local byte order (the frame need not be aligned).
    static std::uint32_t raw32(const std::uint8_t* bytes, std::size_t index)
    {
        std::uint32_t value = 0;
        std::memcpy(&value, bytes + 4 * index, 4);
        return value;
    }

    /// One frame of 1-bit samples (a bit-packed mask or segmentation), starting at bit `firstBit`, as 0 / 1.
    void bitPacked(const std::uint8_t* bytes, std::uint64_t firstBit, XrayImage& image) const
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

    /// A 32-bit integer or floating point frame. The display chain and the model work on 16-bit samples, so the
    /// values are stored as 16-bit samples plus a linear map folded into the rescale afterwards (Requantization):
    /// exact when the values span at most 65536 consecutive integers, else rounded to 1/65535 of their range.
    Requantization wide(const std::uint8_t* bytes, XrayImage& image) const
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
                fail("the floating point pixel data holds NaN or infinite values");
            low = std::min(low, value);
            high = std::max(high, value);
            integral = integral && value == std::floor(value);
        }
        Requantization map;
        auto buffer = std::make_shared<XrayImage::PixelBuffer>();
        if (integral && low >= -32768.0 && high <= 32767.0 && low < 0.0) {
            buffer->signed16.resize(count);
            for (std::size_t i = 0; i < count; ++i)
                buffer->signed16[i] = static_cast<std::int16_t>(valueAt(i));
            image.sampleFormat = SampleFormat::Signed16;
            image.pixels = std::move(buffer);
            return map;
        }
        if (integral && low >= 0.0 && high <= 65535.0) {
            map.offset = 0.0;
        } else if (integral && high - low <= 65535.0) {
            map.offset = low;
        } else {
            map.offset = low;
            map.scale = high > low ? (high - low) / 65535.0 : 1.0;
        }
        buffer->unsigned16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer->unsigned16[i] = static_cast<std::uint16_t>(
                std::clamp(std::lround((valueAt(i) - map.offset) / map.scale), 0L, 65535L));
        image.sampleFormat = SampleFormat::Unsigned16;
        image.pixels = std::move(buffer);
        return map;
    }

    void monochrome(const std::uint8_t* bytes, const std::uint16_t* words, XrayImage& image) const
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

    /// One monochrome frame of any supported depth; `firstBit` is where a 1-bit frame starts in `bytes`.
    Requantization anyMonochrome(
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

    /// Colour frame to interleaved 8-bit RGB; `planar` follows the decoded data, not necessarily the header.
    void color(const std::uint8_t* bytes, const std::uint16_t* words, bool planar, const std::string& model,
        XrayImage& image) const
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
            // Native 4:2:2: Y1 Y2 Cb Cr per pair of pixels along a row.
            const std::size_t columns = static_cast<std::size_t>(g.columns);
            std::size_t in = 0;
            for (std::size_t row = 0; row < static_cast<std::size_t>(g.rows); ++row) {
                for (std::size_t column = 0; column < columns; column += 2) {
                    const std::uint8_t y1 = bytes[in], y2 = bytes[in + 1], cb = bytes[in + 2], cr = bytes[in + 3];
                    in += 4;
                    const std::size_t out = (row * columns + column) * 3;
                    std::uint8_t* o = buffer->unsigned8.data() + out;
                    o[0] = y1, o[1] = cb, o[2] = cr;
                    if (column + 1 < columns)
                        o[3] = y2, o[4] = cb, o[5] = cr;
                }
            }
            convertYbrFullToRgb(buffer->unsigned8);
        } else {
            for (std::size_t i = 0; i < count; ++i)
                for (std::size_t c = 0; c < 3; ++c)
                    buffer->unsigned8[i * 3 + c] = sample(planar ? c * count + i : i * 3 + c);
            if (model == "YBR_FULL" || model == "YBR_FULL_422")
                convertYbrFullToRgb(buffer->unsigned8);
            else if (model != "RGB")
                fail("photometric interpretation " + model + " is not supported");
        }
        image.sampleFormat = SampleFormat::Rgb8;
        image.pixels = std::move(buffer);
    }
};

void applyPalette(DcmItem& dataset, const PixelGeometry& g, XrayImage& image)
{
    // Stored indices (already in image as Unsigned8/16) through the red/green/blue palette tables to RGB.
    const DcmTagKey descriptors[] = { DCM_RedPaletteColorLookupTableDescriptor,
        DCM_GreenPaletteColorLookupTableDescriptor, DCM_BluePaletteColorLookupTableDescriptor };
    const DcmTagKey tables[] = { DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
        DCM_BluePaletteColorLookupTableData };
    std::vector<std::uint8_t> lut[3];
    int firstMapped[3] = { 0, 0, 0 };
    for (int c = 0; c < 3; ++c) {
        const auto entries = usOrSsOf(dataset, descriptors[c], 0, false);
        const auto first = usOrSsOf(dataset, descriptors[c], 1, g.pixelRepresentation == 1);
        const auto bits = usOrSsOf(dataset, descriptors[c], 2, false);
        if (!entries || !first || !bits)
            fail("PALETTE COLOR without a valid palette descriptor (segmented palettes are not supported)");
        const std::size_t count = *entries == 0 ? 65536 : static_cast<std::size_t>(*entries);
        const Uint16* data = nullptr;
        unsigned long words = 0;
        if (dataset.findAndGetUint16Array(tables[c], data, &words).bad() || !data)
            fail("PALETTE COLOR without palette data");
        lut[c].resize(count);
        if (*bits == 8 && words * 2 == count) {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
            for (std::size_t i = 0; i < count; ++i)
                lut[c][i] = bytes[i];
        } else if (words == count) {
            for (std::size_t i = 0; i < count; ++i)
                lut[c][i] = static_cast<std::uint8_t>(*bits > 8 ? data[i] >> 8 : data[i]);
        } else {
            fail("the palette data does not match its descriptor");
        }
        firstMapped[c] = *first;
    }
    std::vector<std::uint8_t> rgb(image.pixelCount() * 3);
    const auto index = [&](std::size_t i) -> int {
        switch (image.sampleFormat) {
        case SampleFormat::Unsigned8:
            return image.unsigned8()[i];
        case SampleFormat::Unsigned16:
            return image.unsigned16()[i];
        case SampleFormat::Signed16:
            return image.signed16()[i];
        case SampleFormat::Rgb8:
            break;
        }
        return 0;
    };
    for (std::size_t i = 0; i < image.pixelCount(); ++i) {
        const int value = index(i);
        for (int c = 0; c < 3; ++c) {
            const int entry = std::clamp(value - firstMapped[c], 0, static_cast<int>(lut[c].size()) - 1);
            rgb[i * 3 + static_cast<std::size_t>(c)] = lut[c][static_cast<std::size_t>(entry)];
        }
    }
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    buffer->unsigned8 = std::move(rgb);
    image.pixels = std::move(buffer);
    image.sampleFormat = SampleFormat::Rgb8;
}

/// One LUT item (LUT Descriptor + LUT Data), as the VOI LUT and Modality LUT Sequences hold them; nullopt when the
/// descriptor and the data disagree. 8-bit entries may come packed two per 16-bit word (PS3.3 C.11.1.1.1).
std::optional<ModalityLut> readLutItem(DcmItem& item, bool signedFirstValue)
{
    const auto entries = usOrSsOf(item, DCM_LUTDescriptor, 0, false);
    const auto first = usOrSsOf(item, DCM_LUTDescriptor, 1, signedFirstValue);
    const auto bits = usOrSsOf(item, DCM_LUTDescriptor, 2, false);
    const Uint16* data = nullptr;
    unsigned long words = 0;
    if (!entries || !first || !bits || *bits < 1 || *bits > 16
        || item.findAndGetUint16Array(DCM_LUTData, data, &words).bad() || !data)
        return std::nullopt;
    const std::size_t count = *entries == 0 ? 65536 : static_cast<std::size_t>(*entries);
    ModalityLut lut;
    lut.firstMappedValue = *first;
    lut.bitsPerEntry = *bits;
    if (*bits <= 8 && words * 2 == count) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
        lut.data.assign(bytes, bytes + count);
    } else if (words == count) {
        lut.data.assign(data, data + count);
    } else {
        return std::nullopt;
    }
    return lut;
}

/// Turns attribute bytes into UTF-8: DCMTK has converted the dataset already, except for the ISO 2022 Japanese sets
/// its iconv build cannot handle, which are decoded here.
struct TextDecoder {
    std::string specificCharacterSet;
    bool japanese = false;

    std::string operator()(const std::string& raw) const
    {
        if (japanese)
            if (auto decoded = internal::JapaneseTextDecoder::decode(raw, specificCharacterSet))
                return *decoded;
        return validUtf8(raw);
    }
};

void readDisplayAttributes(DcmItem& dataset, XrayImage& image, const TextDecoder& decodeText)
{
    image.rescaleSlope = doubleOf(dataset, DCM_RescaleSlope).value_or(1.0);
    if (image.rescaleSlope == 0.0)
        image.rescaleSlope = 1.0; // a zero slope would flatten the image; treat as absent
    image.rescaleIntercept = doubleOf(dataset, DCM_RescaleIntercept).value_or(0.0);
    image.rescaleType = stringOf(dataset, DCM_RescaleType);

    const unsigned long windows = std::min(dataset.tagExistsWithValue(DCM_WindowCenter) ? 64ul : 0ul, 64ul);
    for (unsigned long i = 0; i < windows; ++i) {
        const auto center = doubleOf(dataset, DCM_WindowCenter, i);
        const auto width = doubleOf(dataset, DCM_WindowWidth, i);
        if (!center || !width)
            break;
        if (*width <= 0.0)
            continue;
        WindowPreset preset;
        preset.center = *center;
        preset.width = *width;
        OFString explanation;
        if (dataset.findAndGetOFString(DCM_WindowCenterWidthExplanation, explanation, i).good())
            preset.explanation = decodeText(explanation.c_str());
        image.windowPresets.push_back(std::move(preset));
    }

    const std::string function = stringOf(dataset, DCM_VOILUTFunction);
    image.voiLutFunction = function == "SIGMOID" ? VoiLutFunction::Sigmoid
        : function == "LINEAR_EXACT"             ? VoiLutFunction::LinearExact
                                                 : VoiLutFunction::Linear;
    const std::string shape = stringOf(dataset, DCM_PresentationLUTShape);
    image.presentationLutShape = shape == "INVERSE" ? PresentationLutShape::Inverse
        : shape == "IDENTITY"                       ? PresentationLutShape::Identity
                                                    : PresentationLutShape::Unspecified;

    DcmSequenceOfItems* voiSequence = nullptr;
    if (dataset.findAndGetSequence(DCM_VOILUTSequence, voiSequence).good() && voiSequence) {
        for (unsigned long i = 0; i < voiSequence->card() && i < 16; ++i) {
            DcmItem* item = voiSequence->getItem(i);
            if (!item)
                continue;
            auto table = readLutItem(*item, image.pixelRepresentation == 1);
            if (!table)
                continue; // a broken VOI LUT is skipped, the windows still work
            VoiLut lut;
            lut.firstMappedValue = table->firstMappedValue;
            lut.bitsPerEntry = table->bitsPerEntry;
            lut.data = std::move(table->data);
            lut.explanation = decodeText(stringOf(*item, DCM_LUTExplanation));
            image.voiLuts.push_back(std::move(lut));
        }
    }

    DcmSequenceOfItems* modalitySequence = nullptr;
    if (dataset.findAndGetSequence(DCM_ModalityLUTSequence, modalitySequence).good() && modalitySequence
        && modalitySequence->card() > 0) {
        // PS3.3 C.11.1: exactly one item. A broken one is refused rather than silently replaced by the rescale, which
        // would show different (wrong) modality values.
        DcmItem* item = modalitySequence->getItem(0);
        auto table = item ? readLutItem(*item, image.pixelRepresentation == 1) : std::nullopt;
        if (!table)
            fail("the Modality LUT Sequence is malformed (LUT Descriptor and LUT Data disagree)");
        table->type = stringOf(*item, DCM_ModalityLUTType);
        table->explanation = decodeText(stringOf(*item, DCM_LUTExplanation));
        image.modalityLut = std::move(table);
    }

    image.pixelPaddingValue = usOrSsOf(dataset, DCM_PixelPaddingValue, 0, image.pixelRepresentation == 1);
    if (image.pixelPaddingValue)
        image.pixelPaddingRangeLimit = usOrSsOf(dataset, DCM_PixelPaddingRangeLimit, 0, image.pixelRepresentation == 1);

    const auto spacing = [&](const DcmTagKey& tag, PixelSpacingSource source) {
        const auto row = doubleOf(dataset, tag, 0);
        const auto column = doubleOf(dataset, tag, 1);
        if (row && column && *row > 0.0 && *column > 0.0) {
            image.rowSpacingMm = row;
            image.columnSpacingMm = column;
            image.pixelSpacingSource = source;
            return true;
        }
        return false;
    };
    if (!spacing(DCM_PixelSpacing, PixelSpacingSource::PixelSpacing))
        spacing(DCM_ImagerPixelSpacing, PixelSpacingSource::ImagerPixelSpacing);

    image.viewPosition = stringOf(dataset, DCM_ViewPosition);
    image.imageLaterality = stringOf(dataset, DCM_ImageLaterality);
    if (image.imageLaterality.empty())
        image.imageLaterality = stringOf(dataset, DCM_Laterality);
}

void readIdentity(DcmItem& dataset, DicomIdentity& identity, const TextDecoder& decodeText)
{
    const auto text = [&](const DcmTagKey& tag) { return decodeText(stringOf(dataset, tag)); };
    identity.patientName = text(DCM_PatientName);
    identity.patientId = text(DCM_PatientID);
    identity.patientBirthDate = text(DCM_PatientBirthDate);
    identity.patientSex = text(DCM_PatientSex);
    identity.accessionNumber = text(DCM_AccessionNumber);
    identity.studyInstanceUid = text(DCM_StudyInstanceUID);
    identity.studyId = text(DCM_StudyID);
    identity.studyDate = text(DCM_StudyDate);
    identity.studyTime = text(DCM_StudyTime);
    identity.studyDescription = text(DCM_StudyDescription);
    identity.seriesInstanceUid = text(DCM_SeriesInstanceUID);
    identity.seriesNumber = text(DCM_SeriesNumber);
    identity.seriesDescription = text(DCM_SeriesDescription);
    identity.modality = text(DCM_Modality);
    identity.sopClassUid = text(DCM_SOPClassUID);
    identity.sopInstanceUid = text(DCM_SOPInstanceUID);
    identity.instanceNumber = text(DCM_InstanceNumber);
    identity.bodyPartExamined = text(DCM_BodyPartExamined);
}

/// After 32-bit values were stored as `stored * scale + offset`: fold that map into everything that is in stored
/// units (the rescale, the padding values, the Modality LUT's input), so modality values stay what the file says.
void applyRequantization(const Requantization& map, XrayImage& image)
{
    if (image.modalityLut) {
        if (map.scale != 1.0)
            fail("a Modality LUT over 32-bit values spanning more than 16 bits is not supported");
        const double first = image.modalityLut->firstMappedValue - map.offset;
        if (first < std::numeric_limits<int>::min() || first > std::numeric_limits<int>::max())
            fail("the Modality LUT does not cover the 32-bit pixel values");
        image.modalityLut->firstMappedValue = static_cast<int>(first);
    }
    image.rescaleIntercept += image.rescaleSlope * map.offset;
    image.rescaleSlope *= map.scale;
    const auto toStored = [&](std::optional<double>& value) {
        if (value)
            value = std::round((*value - map.offset) / map.scale);
    };
    toStored(image.pixelPaddingValue);
    toStored(image.pixelPaddingRangeLimit);
    image.bitsStored = 16;
    image.highBit = 15;
    image.pixelRepresentation = image.sampleFormat == SampleFormat::Signed16 ? 1 : 0;
    image.requantizedTo16Bits = true;
}

bool isJpeg2000(E_TransferSyntax syntax)
{
    return syntax == EXS_JPEG2000LosslessOnly || syntax == EXS_JPEG2000
        || syntax == EXS_JPEG2000MulticomponentLosslessOnly || syntax == EXS_JPEG2000Multicomponent;
}

void decodeJpeg2000(
    DcmPixelSequence& sequence, std::pair<unsigned long, unsigned long> range, PixelGeometry& g, XrayImage& image)
{
    const std::vector<std::uint8_t> codestream = concatenatedFragments(sequence, range);
    internal::Jpeg2000Decoder::Frame frame;
    std::string problem;
    if (!internal::Jpeg2000Decoder::decode(codestream, g.columns, g.rows, g.samplesPerPixel, frame, problem))
        fail(problem);
    const std::size_t count = image.pixelCount();
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    if (g.samplesPerPixel == 3) {
        // OpenJPEG has already undone the colour transform (YBR_RCT / YBR_ICT), so the planes are RGB.
        const int shift = std::max(0, frame.precision - 8);
        buffer->unsigned8.resize(count * 3);
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t c = 0; c < 3; ++c)
                buffer->unsigned8[i * 3 + c]
                    = static_cast<std::uint8_t>(std::clamp(frame.samples[c * count + i] >> shift, 0, 255));
        image.sampleFormat = SampleFormat::Rgb8;
        image.photometric = PhotometricInterpretation::Rgb;
    } else {
        // The codestream's own signedness wins over PixelRepresentation when they disagree (it is what was encoded).
        g.pixelRepresentation = frame.isSigned ? 1 : 0;
        image.pixelRepresentation = g.pixelRepresentation;
        if (frame.isSigned) {
            image.sampleFormat = SampleFormat::Signed16;
            buffer->signed16.resize(count);
            for (std::size_t i = 0; i < count; ++i)
                buffer->signed16[i] = static_cast<std::int16_t>(std::clamp(frame.samples[i], -32768, 32767));
        } else if (g.bitsAllocated == 8) {
            image.sampleFormat = SampleFormat::Unsigned8;
            buffer->unsigned8.resize(count);
            for (std::size_t i = 0; i < count; ++i)
                buffer->unsigned8[i] = static_cast<std::uint8_t>(std::clamp(frame.samples[i], 0, 255));
        } else {
            image.sampleFormat = SampleFormat::Unsigned16;
            buffer->unsigned16.resize(count);
            for (std::size_t i = 0; i < count; ++i)
                buffer->unsigned16[i] = static_cast<std::uint16_t>(std::clamp(frame.samples[i], 0, 65535));
        }
    }
    image.pixels = std::move(buffer);
}

} // namespace

struct DicomImageReader::Private {
    std::string errorString;

    void readInto(const std::string& path, XrayImage& image, int frameIndex);
};

void DicomImageReader::Private::readInto(const std::string& path, XrayImage& image, int frameIndex)
{
    DicomLibrary::initialize();
    FileBytes fileBytes = readWholeFile(path);
    const std::span<const std::uint8_t> bytes = fileBytes.bytes();
    if (bytes.empty())
        fail("the file is empty");
    const auto scan = internal::DicomPreScanner::scan(bytes, maximumSequenceDepth, maximumInflatedBytes(bytes.size()));
    if (!scan.accepted)
        fail(scan.problem);

    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    stream.setEos();
    // Native little endian pixels at the top level are read in place from our copy of the file: DCMTK parses only the
    // header, which spares one copy of the pixel data (the largest cost of opening an uncompressed image).
    const bool pixelsInPlace = scan.nativePixelDataLength > 0 && scan.littleEndian;
    DcmFileFormat file;
    file.transferInit();
    const OFCondition parsed = pixelsInPlace
        ? file.readUntilTag(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, DCM_PixelData)
        : file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file.transferEnd();
    if (parsed.bad())
        fail(std::string("DCMTK cannot parse it: ") + parsed.text());
    DcmDataset& dataset = *file.getDataset();

    DcmElement* pixelElement = nullptr;
    bool floatingPoint = false;
    if (!pixelsInPlace && (dataset.findAndGetElement(DCM_PixelData, pixelElement).bad() || !pixelElement)) {
        // Float Pixel Data / Double Float Pixel Data (parametric maps) stand in for Pixel Data.
        floatingPoint = (dataset.findAndGetElement(DCM_FloatPixelData, pixelElement).good() && pixelElement)
            || (dataset.findAndGetElement(DCM_DoubleFloatPixelData, pixelElement).good() && pixelElement);
        if (!floatingPoint) {
            const std::string sopClass = stringOf(dataset, DCM_SOPClassUID);
            const char* name = dcmFindNameOfUID(sopClass.c_str(), nullptr);
            fail("it contains no image (no Pixel Data element; SOP class " + (name ? std::string(name) : sopClass)
                + ")");
        }
    }
    auto* pixelData = dynamic_cast<DcmPixelData*>(pixelElement);
    if (!pixelsInPlace && !pixelData && !floatingPoint)
        fail("the Pixel Data element has an unexpected type");

    PixelGeometry g = readGeometry(dataset, floatingPoint);
    if (frameIndex < 0 || frameIndex >= g.numberOfFrames)
        fail("frame " + std::to_string(frameIndex + 1) + " was requested but the image has "
            + std::to_string(g.numberOfFrames) + " frame(s)");
    if (floatingPoint && g.samplesPerPixel != 1)
        fail("floating point pixel data with " + std::to_string(g.samplesPerPixel) + " samples per pixel");

    E_TransferSyntax syntax = EXS_LittleEndianExplicit;
    const DcmRepresentationParameter* parameter = nullptr;
    if (pixelData)
        pixelData->getOriginalRepresentationKey(syntax, parameter);
    const DcmXfer pixelSyntax(syntax);
    const DcmXfer fileSyntax(dataset.getOriginalXfer());

    XrayImage result;
    result.rows = g.rows;
    result.columns = g.columns;
    result.bitsAllocated = g.bitsAllocated;
    result.bitsStored = g.bitsStored;
    result.highBit = g.highBit;
    result.pixelRepresentation = g.pixelRepresentation;
    result.numberOfFrames = g.numberOfFrames;
    result.frameIndex = frameIndex;
    result.photometricAsStored = g.photometric;
    result.transferSyntaxUid = fileSyntax.getXferID();
    result.transferSyntaxName = fileSyntax.getXferName();
    result.sourcePath = path;

    std::string colorModel = g.photometric;
    const auto checkNativeLength = [&](std::uint64_t available) {
        const std::uint64_t needed = g.totalBytes();
        if (available < needed)
            fail("the Pixel Data holds " + std::to_string(available) + " bytes, but " + std::to_string(g.rows) + " x "
                + std::to_string(g.columns) + " x " + std::to_string(g.samplesPerPixel) + " samples x "
                + std::to_string(g.bitsAllocated) + " bits x " + std::to_string(g.numberOfFrames) + " frame(s) need "
                + std::to_string(needed) + " (truncated or corrupt file)");
    };
    // A 1-bit frame starts at a bit offset (frames are packed without padding); other frames at a byte offset.
    const std::uint64_t firstBit = static_cast<std::uint64_t>(frameIndex) * result.pixelCount();
    const std::size_t frameOffset = g.bitsAllocated == 1 ? 0 : g.frameBytes * static_cast<std::size_t>(frameIndex);
    Requantization requantization;
    const SampleBuilder builder { g, g.highBit };
    if (pixelsInPlace) {
        checkNativeLength(scan.nativePixelDataLength);
        const std::size_t offset = scan.nativePixelDataOffset + frameOffset;
        const std::uint8_t* frame = bytes.data() + offset;
        const bool planar = g.planarConfiguration == 1;
        std::vector<std::uint16_t> aligned;
        const std::uint16_t* words = nullptr;
        if (g.bitsAllocated == 16) {
            if (offset % 2 == 0) {
                words = fileBytes.words.get() + offset / 2;
            } else { // an odd offset (a malformed odd-length element before): copy to read aligned words
                aligned.resize(g.frameBytes / 2);
                std::memcpy(aligned.data(), frame, g.frameBytes);
                words = aligned.data();
            }
        }
        // A frame that is most of the file stays where it was read: the image adopts the file buffer instead of
        // copying 2 bytes per pixel (the largest cost of opening an uncompressed radiograph after the read itself).
        const bool adopt = g.samplesPerPixel == 1 && g.bitsAllocated == 16 && offset % 2 == 0
            && g.frameBytes >= bytes.size() / 2 && g.photometric != "PALETTE COLOR";
        if (adopt) {
            std::uint16_t* samples = fileBytes.words.get() + offset / 2;
            normalizeInPlace(samples, result.pixelCount(), g, result);
            auto buffer = std::make_shared<XrayImage::PixelBuffer>();
            buffer->adopted = fileBytes.words;
            buffer->adoptedSamples = samples;
            buffer->adoptedCount = result.pixelCount();
            result.pixels = std::move(buffer);
        } else if (g.samplesPerPixel == 3) {
            builder.color(frame, words, planar, colorModel, result);
        } else {
            requantization = builder.anyMonochrome(frame, words, firstBit, result);
        }
    } else if (floatingPoint) {
        const std::uint8_t* values = nullptr;
        if (g.bitsAllocated == 32) {
            Float32* floats = nullptr;
            if (pixelElement->getFloat32Array(floats).good())
                values = reinterpret_cast<const std::uint8_t*>(floats);
        } else {
            Float64* doubles = nullptr;
            if (pixelElement->getFloat64Array(doubles).good())
                values = reinterpret_cast<const std::uint8_t*>(doubles);
        }
        if (!values)
            fail("the floating point pixel data cannot be read");
        checkNativeLength(pixelElement->getLength());
        requantization = builder.anyMonochrome(values + frameOffset, nullptr, 0, result);
    } else if (pixelSyntax.isEncapsulated()) {
        if (g.bitsAllocated == 1)
            fail("BitsAllocated 1 is not supported in a compressed transfer syntax");
        DcmPixelSequence* sequence = nullptr;
        if (pixelData->getEncapsulatedRepresentation(syntax, parameter, sequence).bad() || !sequence)
            fail("the encapsulated pixel data cannot be read");
        const auto range = fragmentsOfFrame(*sequence, frameIndex, g.numberOfFrames);
        if (isJpeg2000(syntax)) {
            if (g.bitsAllocated == 32)
                fail("BitsAllocated 32 is not supported with JPEG 2000");
            decodeJpeg2000(*sequence, range, g, result);
        } else {
            if (syntax == EXS_RLELossless)
                checkRleHeader(*sequence, range, g);
            Uint32 frameSize = 0;
            if (pixelData->getUncompressedFrameSize(&dataset, frameSize).bad() || frameSize < g.frameBytes)
                frameSize = static_cast<Uint32>(g.frameBytes);
            Uint32 startFragment = 0;
            OFString decodedModel;
            if (g.samplesPerPixel == 1 && g.bitsAllocated == 16) {
                // Decoded straight into the image's sample buffer and cleaned in place: no copy of the frame.
                // Zeroed first, so a decoder that stops short leaves zeros rather than indeterminate values.
                const std::size_t words = (static_cast<std::size_t>(frameSize) + 1) / 2;
                std::shared_ptr<std::uint16_t[]> samples(new std::uint16_t[words]());
                const OFCondition decoded = pixelData->getUncompressedFrame(&dataset, static_cast<Uint32>(frameIndex),
                    startFragment, samples.get(), static_cast<Uint32>(words * 2), decodedModel);
                if (decoded.bad())
                    fail(std::string("the ") + pixelSyntax.getXferName()
                        + " frame cannot be decoded: " + decoded.text());
                normalizeInPlace(samples.get(), result.pixelCount(), g, result);
                auto buffer = std::make_shared<XrayImage::PixelBuffer>();
                buffer->adoptedSamples = samples.get();
                buffer->adoptedCount = result.pixelCount();
                buffer->adopted = std::move(samples);
                result.pixels = std::move(buffer);
            } else {
                std::vector<std::uint8_t> buffer((frameSize + 1) & ~1u);
                const OFCondition decoded = pixelData->getUncompressedFrame(&dataset, static_cast<Uint32>(frameIndex),
                    startFragment, buffer.data(), static_cast<Uint32>(buffer.size()), decodedModel);
                if (decoded.bad())
                    fail(std::string("the ") + pixelSyntax.getXferName()
                        + " frame cannot be decoded: " + decoded.text());
                if (!decodedModel.empty())
                    colorModel = decodedModel.c_str();
                // Codecs report the planar configuration of what they produced in the dataset.
                const bool planar = unsignedOf(dataset, DCM_PlanarConfiguration, 0) == 1;
                const auto* words
                    = g.bitsAllocated == 16 ? reinterpret_cast<const std::uint16_t*>(buffer.data()) : nullptr;
                if (g.samplesPerPixel == 3)
                    builder.color(buffer.data(), words, planar, colorModel, result);
                else
                    requantization = builder.anyMonochrome(buffer.data(), words, 0, result);
            }
        }
    } else {
        checkNativeLength(pixelData->getLength());
        const bool planar = g.planarConfiguration == 1;
        if (g.bitsAllocated == 16 || (g.bitsAllocated == 1 && pixelData->getVR() != EVR_OB)) {
            // DCMTK has put OW words into local byte order; the bytes of 1-bit data in OW are those words' bytes
            // in little endian order (PS3.5 8.1.1), which is how they lie in memory here.
            Uint16* words = nullptr;
            if (pixelData->getUint16Array(words).bad() || !words)
                fail("the Pixel Data cannot be read");
            const std::uint16_t* frame = words + frameOffset / 2;
            if (g.samplesPerPixel == 3)
                builder.color(nullptr, frame, planar, colorModel, result);
            else
                requantization = builder.anyMonochrome(reinterpret_cast<const std::uint8_t*>(frame),
                    g.bitsAllocated == 16 ? frame : nullptr, firstBit, result);
        } else if (pixelData->getVR() == EVR_OB || fileSyntax.isLittleEndian()) {
            Uint8* bytes = nullptr;
            if (pixelData->getUint8Array(bytes).bad() || !bytes)
                fail("the Pixel Data cannot be read");
            const std::uint8_t* frame = bytes + frameOffset;
            if (g.samplesPerPixel == 3)
                builder.color(frame, nullptr, planar, colorModel, result);
            else
                requantization = builder.anyMonochrome(frame, nullptr, firstBit, result);
        } else {
            // 8-bit (or 32-bit) data in an OW element of a big endian file is swapped per 16-bit word: let DCMTK
            // extract the frame in local byte order.
            std::vector<std::uint8_t> buffer((g.frameBytes + 1) & ~std::size_t { 1 });
            Uint32 startFragment = 0;
            OFString decodedModel;
            const OFCondition copied = pixelData->getUncompressedFrame(&dataset, static_cast<Uint32>(frameIndex),
                startFragment, buffer.data(), static_cast<Uint32>(buffer.size()), decodedModel);
            if (copied.bad())
                fail(std::string("the Pixel Data cannot be read: ") + copied.text());
            if (g.bitsAllocated == 32) {
                // DCMTK swapped the bytes of each 16-bit word; a big endian 32-bit value also has its two words
                // swapped.
                for (std::size_t i = 0; i + 3 < buffer.size(); i += 4) {
                    std::swap(buffer[i], buffer[i + 2]);
                    std::swap(buffer[i + 1], buffer[i + 3]);
                }
            }
            if (g.samplesPerPixel == 3)
                builder.color(buffer.data(), nullptr, planar, colorModel, result);
            else
                requantization = builder.anyMonochrome(buffer.data(), nullptr, 0, result);
        }
    }

    const std::string& stored = g.photometric;
    if (g.samplesPerPixel == 3) {
        result.photometric = PhotometricInterpretation::Rgb;
    } else if (stored == "PALETTE COLOR") {
        applyPalette(dataset, g, result);
        result.photometric = PhotometricInterpretation::Rgb;
    } else if (stored == "MONOCHROME1") {
        result.photometric = PhotometricInterpretation::Monochrome1;
    } else if (stored == "MONOCHROME2" || stored.empty()) {
        result.photometric = PhotometricInterpretation::Monochrome2;
    } else {
        fail("photometric interpretation " + stored + " is not supported for one sample per pixel");
    }
    result.pixelRepresentation = g.pixelRepresentation;

    // Text attributes: decode the character set after the pixels so a conversion problem cannot hide a pixel one.
    // A failed conversion leaves the source bytes, which validUtf8() then makes displayable.
    TextDecoder decodeText;
    decodeText.specificCharacterSet = stringOf(dataset, DCM_SpecificCharacterSet);
    decodeText.japanese = internal::JapaneseTextDecoder::handles(decodeText.specificCharacterSet);
    if (!decodeText.specificCharacterSet.empty() && !decodeText.japanese)
        (void)dataset.convertToUTF8();
    readDisplayAttributes(dataset, result, decodeText);
    readIdentity(dataset, result.identity, decodeText);
    if (g.bitsAllocated >= 32 && g.samplesPerPixel == 1)
        applyRequantization(requantization, result);

    if (!result.isValid())
        fail("the decoded frame does not match Rows x Columns");
    image = std::move(result);
}

DicomImageReader::DicomImageReader()
    : d(std::make_unique<Private>())
{
}

DicomImageReader::~DicomImageReader() = default;

bool DicomImageReader::read(const std::string& path, XrayImage& image, int frameIndex)
{
    d->errorString.clear();
    try {
        d->readInto(path, image, frameIndex);
        return true;
    } catch (const ReadError& error) {
        d->errorString = path + ": " + error.message;
    } catch (const std::bad_alloc&) {
        d->errorString = path + ": not enough memory to read it";
    } catch (const std::exception& error) {
        d->errorString = path + ": " + error.what();
    }
    return false;
}

const std::string& DicomImageReader::errorString() const
{
    return d->errorString;
}

} // namespace lrclr
