#include "core/study/internal/DicomFrameDecoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "core/study/internal/DicomAttributes.h"
#include "core/study/internal/DicomReadError.h"
#include "core/study/internal/Jpeg2000Decoder.h"

namespace lrclr::internal {

namespace {

[[noreturn]] void fail(std::string message)
{
    DicomReadError::raise(std::move(message));
}

using FragmentRange = std::pair<unsigned long, unsigned long>;

/// A little endian 32-bit word at `bytes` (basic offset tables and RLE headers).
std::uint32_t word32(const Uint8* bytes)
{
    return static_cast<std::uint32_t>(bytes[0] | (bytes[1] << 8) | (bytes[2] << 16))
        | (static_cast<std::uint32_t>(bytes[3]) << 24);
}

/// The fragments from the one starting at byte `begin` of the sequence's items up to the one starting at `end`, as
/// the basic offset table `table` gives them; nullopt when no fragment starts there.
std::optional<FragmentRange> fragmentsAtOffsets(DcmPixelSequence& sequence, std::uint64_t begin, std::uint64_t end)
{
    const unsigned long items = sequence.card();
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
        return FragmentRange { first, last };
    return std::nullopt;
}

/// Index (into the pixel sequence, 1-based after the offset table) of the fragments making up `frame`.
FragmentRange fragmentsOfFrame(DcmPixelSequence& sequence, int frame, int frames)
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
            const std::uint64_t begin = word32(table + 4 * frame);
            const std::uint64_t end
                = frame + 1 < frames ? word32(table + 4 * (frame + 1)) : std::numeric_limits<std::uint64_t>::max();
            if (const auto range = fragmentsAtOffsets(sequence, begin, end))
                return *range;
        }
    }
    fail("cannot tell which fragments belong to frame " + std::to_string(frame + 1)
        + " (the basic offset table is missing or inconsistent)");
}

std::vector<std::uint8_t> concatenatedFragments(DcmPixelSequence& sequence, FragmentRange range)
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
void checkRleHeader(DcmPixelSequence& sequence, FragmentRange range, const DicomPixelGeometry& g)
{
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence.getItem(item, range.first).bad() || !item || item->getUint8Array(data).bad() || !data)
        fail("the RLE fragment cannot be read");
    const Uint32 length = item->getLength();
    if (length < 64)
        fail("the RLE fragment is shorter than its 64-byte segment table");
    const std::uint32_t segments = word32(data);
    const std::uint32_t expected = static_cast<std::uint32_t>(g.samplesPerPixel * g.bitsAllocated / 8);
    if (segments != expected)
        fail("the RLE segment table lists " + std::to_string(segments) + " segments, but " + std::to_string(expected)
            + " are needed");
    std::uint32_t previous = 0;
    for (std::uint32_t s = 0; s < segments; ++s) {
        const std::uint32_t offset = word32(data + 4 * (s + 1));
        if ((s == 0 && offset != 64) || (s > 0 && offset <= previous) || offset >= length)
            fail("the RLE segment table is corrupt (segment " + std::to_string(s + 1) + " offset "
                + std::to_string(offset) + ", fragment length " + std::to_string(length) + ")");
        previous = offset;
    }
}

bool isJpeg2000(E_TransferSyntax syntax)
{
    return syntax == EXS_JPEG2000LosslessOnly || syntax == EXS_JPEG2000
        || syntax == EXS_JPEG2000MulticomponentLosslessOnly || syntax == EXS_JPEG2000Multicomponent;
}

/// OpenJPEG has already undone the colour transform (YBR_RCT / YBR_ICT), so the planes are RGB.
void jpeg2000ColorSamples(const Jpeg2000Decoder::Frame& frame, XrayImage::PixelBuffer& buffer, XrayImage& image)
{
    const std::size_t count = image.pixelCount();
    const int shift = std::max(0, frame.precision - 8);
    buffer.unsigned8.resize(count * 3);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 3; ++c)
            buffer.unsigned8[i * 3 + c]
                = static_cast<std::uint8_t>(std::clamp(frame.samples[c * count + i] >> shift, 0, 255));
    image.sampleFormat = SampleFormat::Rgb8;
    image.photometric = PhotometricInterpretation::Rgb;
}

/// The codestream's own signedness wins over PixelRepresentation when they disagree (it is what was encoded).
void jpeg2000MonochromeSamples(
    const Jpeg2000Decoder::Frame& frame, DicomPixelGeometry& g, XrayImage::PixelBuffer& buffer, XrayImage& image)
{
    const std::size_t count = image.pixelCount();
    g.pixelRepresentation = frame.isSigned ? 1 : 0;
    image.pixelRepresentation = g.pixelRepresentation;
    if (frame.isSigned) {
        image.sampleFormat = SampleFormat::Signed16;
        buffer.signed16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer.signed16[i] = static_cast<std::int16_t>(std::clamp(frame.samples[i], -32768, 32767));
    } else if (g.bitsAllocated == 8) {
        image.sampleFormat = SampleFormat::Unsigned8;
        buffer.unsigned8.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer.unsigned8[i] = static_cast<std::uint8_t>(std::clamp(frame.samples[i], 0, 255));
    } else {
        image.sampleFormat = SampleFormat::Unsigned16;
        buffer.unsigned16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            buffer.unsigned16[i] = static_cast<std::uint16_t>(std::clamp(frame.samples[i], 0, 65535));
    }
}

void decodeJpeg2000(DcmPixelSequence& sequence, FragmentRange range, DicomPixelGeometry& g, XrayImage& image)
{
    const std::vector<std::uint8_t> codestream = concatenatedFragments(sequence, range);
    Jpeg2000Decoder::Frame frame;
    std::string problem;
    if (!Jpeg2000Decoder::decode(codestream, g.columns, g.rows, g.samplesPerPixel, frame, problem))
        fail(problem);
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    if (g.samplesPerPixel == 3)
        jpeg2000ColorSamples(frame, *buffer, image);
    else
        jpeg2000MonochromeSamples(frame, g, *buffer, image);
    image.pixels = std::move(buffer);
}

/// Samples that now live in `samples` (the file's copy or a decoder's output) become the image's without a copy.
void adoptSamples(std::shared_ptr<std::uint16_t[]> owner, std::uint16_t* samples, XrayImage& image)
{
    auto buffer = std::make_shared<XrayImage::PixelBuffer>();
    buffer->adoptedSamples = samples;
    buffer->adoptedCount = image.pixelCount();
    buffer->adopted = std::move(owner);
    image.pixels = std::move(buffer);
}

} // namespace

DicomFrameDecoder::DicomFrameDecoder(DcmDataset& dataset, DicomPixelGeometry& g, int frameIndex, XrayImage& image)
    : m_dataset(dataset)
    , m_geometry(g)
    , m_frameIndex(frameIndex)
    , m_image(image)
    , m_builder { g, g.highBit }
    , m_firstBit(static_cast<std::uint64_t>(frameIndex) * image.pixelCount())
    , m_frameOffset(g.bitsAllocated == 1 ? 0 : g.frameBytes * static_cast<std::size_t>(frameIndex))
{
}

DicomRequantization DicomFrameDecoder::samplesOf(const std::uint8_t* bytes, const std::uint16_t* words, bool planar,
    const std::string& colorModel, std::uint64_t firstBit)
{
    if (m_geometry.samplesPerPixel == 3) {
        m_builder.color(bytes, words, planar, colorModel, m_image);
        return {};
    }
    return m_builder.anyMonochrome(bytes, words, firstBit, m_image);
}

DicomRequantization DicomFrameDecoder::fromFileWords(const FileWords& file)
{
    const DicomPixelGeometry& g = m_geometry;
    g.checkNativeLength(file.pixelDataLength);
    const std::size_t offset = file.pixelDataOffset + m_frameOffset;
    const std::uint8_t* frame = reinterpret_cast<const std::uint8_t*>(file.words.get()) + offset;
    // A frame that is most of the file stays where it was read: the image adopts the file buffer instead of
    // copying 2 bytes per pixel (the largest cost of opening an uncompressed radiograph after the read itself).
    const bool adopt = g.samplesPerPixel == 1 && g.bitsAllocated == 16 && offset % 2 == 0
        && g.frameBytes >= file.size / 2 && g.photometric != "PALETTE COLOR";
    if (adopt) {
        std::uint16_t* samples = file.words.get() + offset / 2;
        DicomSampleBuilder::normalizeInPlace(samples, m_image.pixelCount(), g, m_image);
        adoptSamples(file.words, samples, m_image);
        return {};
    }
    std::vector<std::uint16_t> aligned;
    const std::uint16_t* words = nullptr;
    if (g.bitsAllocated == 16) {
        if (offset % 2 == 0) {
            words = file.words.get() + offset / 2;
        } else { // an odd offset (a malformed odd-length element before): copy to read aligned words
            aligned.resize(g.frameBytes / 2);
            std::memcpy(aligned.data(), frame, g.frameBytes);
            words = aligned.data();
        }
    }
    return samplesOf(frame, words, g.planarConfiguration == 1, g.photometric, m_firstBit);
}

DicomRequantization DicomFrameDecoder::fromFloatingPoint(DcmElement& element)
{
    const std::uint8_t* values = nullptr;
    if (m_geometry.bitsAllocated == 32) {
        Float32* floats = nullptr;
        if (element.getFloat32Array(floats).good())
            values = reinterpret_cast<const std::uint8_t*>(floats);
    } else {
        Float64* doubles = nullptr;
        if (element.getFloat64Array(doubles).good())
            values = reinterpret_cast<const std::uint8_t*>(doubles);
    }
    if (!values)
        fail("the floating point pixel data cannot be read");
    m_geometry.checkNativeLength(element.getLength());
    return m_builder.anyMonochrome(values + m_frameOffset, nullptr, 0, m_image);
}

DicomRequantization DicomFrameDecoder::fromEncapsulated(DcmPixelData& pixelData)
{
    if (m_geometry.bitsAllocated == 1)
        fail("BitsAllocated 1 is not supported in a compressed transfer syntax");
    E_TransferSyntax syntax = EXS_LittleEndianExplicit;
    const DcmRepresentationParameter* parameter = nullptr;
    pixelData.getOriginalRepresentationKey(syntax, parameter);
    DcmPixelSequence* sequence = nullptr;
    if (pixelData.getEncapsulatedRepresentation(syntax, parameter, sequence).bad() || !sequence)
        fail("the encapsulated pixel data cannot be read");
    const auto range = fragmentsOfFrame(*sequence, m_frameIndex, m_geometry.numberOfFrames);
    if (isJpeg2000(syntax)) {
        if (m_geometry.bitsAllocated == 32)
            fail("BitsAllocated 32 is not supported with JPEG 2000");
        decodeJpeg2000(*sequence, range, m_geometry, m_image);
        return {};
    }
    if (syntax == EXS_RLELossless)
        checkRleHeader(*sequence, range, m_geometry);
    return fromDcmtkCodec(pixelData, DcmXfer(syntax).getXferName());
}

DicomRequantization DicomFrameDecoder::fromDcmtkCodec(DcmPixelData& pixelData, const char* syntaxName)
{
    const DicomPixelGeometry& g = m_geometry;
    Uint32 frameSize = 0;
    if (pixelData.getUncompressedFrameSize(&m_dataset, frameSize).bad() || frameSize < g.frameBytes)
        frameSize = static_cast<Uint32>(g.frameBytes);
    if (g.samplesPerPixel == 1 && g.bitsAllocated == 16)
        return fromDcmtkCodec16(pixelData, frameSize, syntaxName);
    std::vector<std::uint8_t> buffer((frameSize + 1) & ~1u);
    Uint32 startFragment = 0;
    OFString decodedModel;
    const OFCondition decoded = pixelData.getUncompressedFrame(&m_dataset, static_cast<Uint32>(m_frameIndex),
        startFragment, buffer.data(), static_cast<Uint32>(buffer.size()), decodedModel);
    if (decoded.bad())
        fail(std::string("the ") + syntaxName + " frame cannot be decoded: " + decoded.text());
    const std::string colorModel = decodedModel.empty() ? g.photometric : std::string(decodedModel.c_str());
    // Codecs report the planar configuration of what they produced in the dataset.
    const bool planar = DicomAttributes::unsignedShort(m_dataset, DCM_PlanarConfiguration, 0) == 1;
    const auto* words = g.bitsAllocated == 16 ? reinterpret_cast<const std::uint16_t*>(buffer.data()) : nullptr;
    return samplesOf(buffer.data(), words, planar, colorModel, 0);
}

/// Decoded straight into the image's sample buffer and cleaned in place: no copy of the frame. Zeroed first, so a
/// decoder that stops short leaves zeros rather than indeterminate values.
DicomRequantization DicomFrameDecoder::fromDcmtkCodec16(
    DcmPixelData& pixelData, std::size_t frameSize, const char* syntaxName)
{
    const std::size_t words = (frameSize + 1) / 2;
    std::shared_ptr<std::uint16_t[]> samples(new std::uint16_t[words]());
    Uint32 startFragment = 0;
    OFString decodedModel;
    const OFCondition decoded = pixelData.getUncompressedFrame(&m_dataset, static_cast<Uint32>(m_frameIndex),
        startFragment, samples.get(), static_cast<Uint32>(words * 2), decodedModel);
    if (decoded.bad())
        fail(std::string("the ") + syntaxName + " frame cannot be decoded: " + decoded.text());
    DicomSampleBuilder::normalizeInPlace(samples.get(), m_image.pixelCount(), m_geometry, m_image);
    std::uint16_t* first = samples.get();
    adoptSamples(std::move(samples), first, m_image);
    return {};
}

DicomRequantization DicomFrameDecoder::fromNative(DcmPixelData& pixelData, bool littleEndianFile)
{
    const DicomPixelGeometry& g = m_geometry;
    g.checkNativeLength(pixelData.getLength());
    const bool planar = g.planarConfiguration == 1;
    if (g.bitsAllocated == 16 || (g.bitsAllocated == 1 && pixelData.getVR() != EVR_OB)) {
        // DCMTK has put OW words into local byte order; the bytes of 1-bit data in OW are those words' bytes
        // in little endian order (PS3.5 8.1.1), which is how they lie in memory here.
        Uint16* words = nullptr;
        if (pixelData.getUint16Array(words).bad() || !words)
            fail("the Pixel Data cannot be read");
        const std::uint16_t* frame = words + m_frameOffset / 2;
        if (g.samplesPerPixel == 3)
            return samplesOf(nullptr, frame, planar, g.photometric, m_firstBit);
        return samplesOf(reinterpret_cast<const std::uint8_t*>(frame), g.bitsAllocated == 16 ? frame : nullptr, planar,
            g.photometric, m_firstBit);
    }
    if (pixelData.getVR() == EVR_OB || littleEndianFile) {
        Uint8* bytes = nullptr;
        if (pixelData.getUint8Array(bytes).bad() || !bytes)
            fail("the Pixel Data cannot be read");
        return samplesOf(bytes + m_frameOffset, nullptr, planar, g.photometric, m_firstBit);
    }
    return fromSwappedWords(pixelData);
}

/// 8-bit (or 32-bit) data in an OW element of a big endian file is swapped per 16-bit word: DCMTK extracts the
/// frame in local byte order.
DicomRequantization DicomFrameDecoder::fromSwappedWords(DcmPixelData& pixelData)
{
    const DicomPixelGeometry& g = m_geometry;
    std::vector<std::uint8_t> buffer((g.frameBytes + 1) & ~std::size_t { 1 });
    Uint32 startFragment = 0;
    OFString decodedModel;
    const OFCondition copied = pixelData.getUncompressedFrame(&m_dataset, static_cast<Uint32>(m_frameIndex),
        startFragment, buffer.data(), static_cast<Uint32>(buffer.size()), decodedModel);
    if (copied.bad())
        fail(std::string("the Pixel Data cannot be read: ") + copied.text());
    if (g.bitsAllocated == 32) {
        // DCMTK swapped the bytes of each 16-bit word; a big endian 32-bit value also has its two words swapped.
        for (std::size_t i = 0; i + 3 < buffer.size(); i += 4) {
            std::swap(buffer[i], buffer[i + 2]);
            std::swap(buffer[i + 1], buffer[i + 3]);
        }
    }
    return samplesOf(buffer.data(), nullptr, g.planarConfiguration == 1, g.photometric, 0);
}

} // namespace lrclr::internal
