#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/study/XrayImage.h"
#include "core/study/internal/DicomPixelGeometry.h"
#include "core/study/internal/DicomSampleBuilder.h"

class DcmDataset;
class DcmElement;
class DcmPixelData;

namespace lrclr::internal {

/// Decodes one frame of a parsed dataset's pixel data into an XrayImage's samples, whichever way it is stored:
/// native pixels read in place from the file's bytes, native pixels through DCMTK (either byte order), Float /
/// Double Float Pixel Data, and encapsulated frames (DCMTK's JPEG, JPEG-LS and RLE codecs; JPEG 2000 via OpenJPEG).
/// Compressed data is checked (fragment table, RLE segment table) before a decoder runs. Failures throw
/// DicomReadError. One instance per frame read.
class DicomFrameDecoder {
public:
    /// `g` may be corrected by the decoder (a JPEG 2000 codestream's signedness wins over PixelRepresentation).
    DicomFrameDecoder(DcmDataset& dataset, DicomPixelGeometry& g, int frameIndex, XrayImage& image);

    /// The file's bytes as 16-bit words (so 16-bit samples at an even offset are read, or adopted, in place) and the
    /// value of its top-level native Pixel Data element, which DCMTK was not asked to parse.
    struct FileWords {
        std::shared_ptr<std::uint16_t[]> words;
        std::size_t size = 0;
        std::size_t pixelDataOffset = 0;
        std::size_t pixelDataLength = 0;
    };

    /// Each returns how 32-bit values were fitted into 16 bits (identity otherwise).
    DicomRequantization fromFileWords(const FileWords& file);
    DicomRequantization fromFloatingPoint(DcmElement& element);
    DicomRequantization fromEncapsulated(DcmPixelData& pixelData);
    /// `littleEndianFile`: the dataset's transfer syntax, which decides how 8-bit data in OW lies.
    DicomRequantization fromNative(DcmPixelData& pixelData, bool littleEndianFile);

private:
    DicomRequantization fromDcmtkCodec(DcmPixelData& pixelData, const char* syntaxName);
    DicomRequantization fromDcmtkCodec16(DcmPixelData& pixelData, std::size_t frameSize, const char* syntaxName);
    DicomRequantization fromSwappedWords(DcmPixelData& pixelData);
    /// Monochrome or colour samples from one uncompressed frame.
    DicomRequantization samplesOf(const std::uint8_t* bytes, const std::uint16_t* words, bool planar,
        const std::string& colorModel, std::uint64_t firstBit);

    DcmDataset& m_dataset;
    DicomPixelGeometry& m_geometry;
    int m_frameIndex;
    XrayImage& m_image;
    DicomSampleBuilder m_builder;
    /// A 1-bit frame starts at a bit offset (frames are packed without padding); other frames at a byte offset.
    std::uint64_t m_firstBit;
    std::size_t m_frameOffset;
};

} // namespace lrclr::internal
