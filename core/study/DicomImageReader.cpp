#include "core/study/DicomImageReader.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <fstream>
#include <memory>
#include <new>
#include <span>
#include <string>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "core/common/RegularFile.h"
#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/DicomPreScanner.h"
#include "core/study/internal/DicomAttributes.h"
#include "core/study/internal/DicomDisplayAttributes.h"
#include "core/study/internal/DicomFrameDecoder.h"
#include "core/study/internal/DicomPixelGeometry.h"
#include "core/study/internal/DicomReadError.h"
#include "core/study/internal/DicomTextDecoder.h"

namespace lrclr {

static_assert(std::endian::native == std::endian::little, "pixels are read in place as little endian words");

namespace {

using internal::DicomAttributes;
using internal::DicomPixelGeometry;

[[noreturn]] void fail(std::string message)
{
    internal::DicomReadError::raise(std::move(message));
}

constexpr std::uint64_t maximumFileBytes = 2ULL << 30;
/// A deflated dataset may inflate to at most this much (deflate reaches ~1000:1 on zeros; real DICOM rarely 20:1),
/// so a small "deflate bomb" is refused after a bounded allocation.
std::size_t maximumInflatedBytes(std::size_t compressedBytes)
{
    return std::min<std::size_t>(std::size_t { 1 } << 30, (std::size_t { 64 } << 20) + 256 * compressedBytes);
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
    if (const std::string problem = RegularFile::problem(path); !problem.empty())
        fail(problem);
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

/// Refuses hostile lengths and nesting before DCMTK parses anything (see DicomPreScanner).
internal::DicomPreScanner::Result preScan(std::span<const std::uint8_t> bytes)
{
    if (bytes.empty())
        fail("the file is empty");
    auto scan = internal::DicomPreScanner::scan(
        bytes, DicomImageReader::maximumSequenceDepth, maximumInflatedBytes(bytes.size()));
    if (!scan.accepted)
        fail(scan.problem);
    return scan;
}

/// Native little endian pixels at the top level are read in place from our copy of the file: DCMTK parses only the
/// header, which spares one copy of the pixel data (the largest cost of opening an uncompressed image).
bool pixelsReadInPlace(const internal::DicomPreScanner::Result& scan)
{
    return scan.nativePixelDataLength > 0 && scan.littleEndian;
}

void parse(std::span<const std::uint8_t> bytes, bool untilPixelData, DcmFileFormat& file)
{
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    stream.setEos();
    file.transferInit();
    const OFCondition parsed = untilPixelData
        ? file.readUntilTag(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, DCM_PixelData)
        : file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file.transferEnd();
    if (parsed.bad())
        fail(std::string("DCMTK cannot parse it: ") + parsed.text());
}

/// The element holding the pixels as DCMTK parsed it (Pixel Data, or Float / Double Float Pixel Data).
struct PixelElement {
    DcmElement* element = nullptr;
    DcmPixelData* pixelData = nullptr; ///< null for floating point pixel data
    bool floatingPoint = false;
};

PixelElement findPixelElement(DcmDataset& dataset)
{
    PixelElement found;
    if (dataset.findAndGetElement(DCM_PixelData, found.element).bad() || !found.element) {
        // Float Pixel Data / Double Float Pixel Data (parametric maps) stand in for Pixel Data.
        found.floatingPoint = (dataset.findAndGetElement(DCM_FloatPixelData, found.element).good() && found.element)
            || (dataset.findAndGetElement(DCM_DoubleFloatPixelData, found.element).good() && found.element);
        if (!found.floatingPoint) {
            const std::string sopClass = DicomAttributes::text(dataset, DCM_SOPClassUID);
            const char* name = dcmFindNameOfUID(sopClass.c_str(), nullptr);
            fail("it contains no image (no Pixel Data element; SOP class " + (name ? std::string(name) : sopClass)
                + ")");
        }
    }
    found.pixelData = dynamic_cast<DcmPixelData*>(found.element);
    if (!found.pixelData && !found.floatingPoint)
        fail("the Pixel Data element has an unexpected type");
    return found;
}

DicomPixelGeometry readGeometry(DcmDataset& dataset, bool floatingPoint, int frameIndex)
{
    DicomPixelGeometry g = DicomPixelGeometry::read(dataset, floatingPoint);
    if (frameIndex < 0 || frameIndex >= g.numberOfFrames)
        fail("frame " + std::to_string(frameIndex + 1) + " was requested but the image has "
            + std::to_string(g.numberOfFrames) + " frame(s)");
    if (floatingPoint && g.samplesPerPixel != 1)
        fail("floating point pixel data with " + std::to_string(g.samplesPerPixel) + " samples per pixel");
    return g;
}

/// The image's geometry and provenance, before any sample is decoded.
XrayImage describeImage(const DicomPixelGeometry& g, DcmDataset& dataset, int frameIndex, const std::string& path)
{
    const DcmXfer fileSyntax(dataset.getOriginalXfer());
    XrayImage image;
    image.rows = g.rows;
    image.columns = g.columns;
    image.bitsAllocated = g.bitsAllocated;
    image.bitsStored = g.bitsStored;
    image.highBit = g.highBit;
    image.pixelRepresentation = g.pixelRepresentation;
    image.numberOfFrames = g.numberOfFrames;
    image.frameIndex = frameIndex;
    image.photometricAsStored = g.photometric;
    image.transferSyntaxUid = fileSyntax.getXferID();
    image.transferSyntaxName = fileSyntax.getXferName();
    image.sourcePath = path;
    return image;
}

bool isEncapsulated(DcmPixelData& pixelData)
{
    E_TransferSyntax syntax = EXS_LittleEndianExplicit;
    const DcmRepresentationParameter* parameter = nullptr;
    pixelData.getOriginalRepresentationKey(syntax, parameter);
    return DcmXfer(syntax).isEncapsulated();
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
    const auto scan = preScan(fileBytes.bytes());
    const bool pixelsInPlace = pixelsReadInPlace(scan);
    DcmFileFormat file;
    parse(fileBytes.bytes(), pixelsInPlace, file);
    DcmDataset& dataset = *file.getDataset();
    const PixelElement pixels = pixelsInPlace ? PixelElement() : findPixelElement(dataset);

    DicomPixelGeometry g = readGeometry(dataset, pixels.floatingPoint, frameIndex);
    XrayImage result = describeImage(g, dataset, frameIndex, path);
    internal::DicomFrameDecoder decoder(dataset, g, frameIndex, result);
    internal::DicomRequantization requantization;
    if (pixelsInPlace)
        requantization = decoder.fromFileWords(
            { fileBytes.words, fileBytes.size, scan.nativePixelDataOffset, scan.nativePixelDataLength });
    else if (pixels.floatingPoint)
        requantization = decoder.fromFloatingPoint(*pixels.element);
    else if (isEncapsulated(*pixels.pixelData))
        requantization = decoder.fromEncapsulated(*pixels.pixelData);
    else
        requantization = decoder.fromNative(*pixels.pixelData, DcmXfer(dataset.getOriginalXfer()).isLittleEndian());
    internal::DicomDisplayAttributes::applyPhotometric(dataset, g, result);

    // Text attributes: decode the character set after the pixels so a conversion problem cannot hide a pixel one.
    const auto decodeText = internal::DicomTextDecoder::forDataset(dataset);
    internal::DicomDisplayAttributes::read(dataset, result, decodeText);
    internal::DicomDisplayAttributes::readIdentity(dataset, result.identity, decodeText);
    if (g.bitsAllocated >= 32 && g.samplesPerPixel == 1)
        internal::DicomDisplayAttributes::applyRequantization(requantization, result);

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
    } catch (const internal::DicomReadError& error) {
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
