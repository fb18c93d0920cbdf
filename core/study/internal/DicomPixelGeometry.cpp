#include "core/study/internal/DicomPixelGeometry.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include "core/study/DicomImageReader.h"
#include "core/study/internal/DicomAttributes.h"
#include "core/study/internal/DicomReadError.h"

namespace lrclr::internal {

namespace {

[[noreturn]] void fail(std::string message)
{
    DicomReadError::raise(std::move(message));
}

DicomPixelGeometry readAttributes(DcmItem& dataset)
{
    DicomPixelGeometry g;
    g.rows = DicomAttributes::unsignedShort(dataset, DCM_Rows, 0);
    g.columns = DicomAttributes::unsignedShort(dataset, DCM_Columns, 0);
    g.samplesPerPixel = DicomAttributes::unsignedShort(dataset, DCM_SamplesPerPixel, 1);
    g.bitsAllocated = DicomAttributes::unsignedShort(dataset, DCM_BitsAllocated, 0);
    g.bitsStored = DicomAttributes::unsignedShort(dataset, DCM_BitsStored, g.bitsAllocated);
    g.highBit = DicomAttributes::unsignedShort(dataset, DCM_HighBit, g.bitsStored - 1);
    g.pixelRepresentation = DicomAttributes::unsignedShort(dataset, DCM_PixelRepresentation, 0);
    g.planarConfiguration = DicomAttributes::unsignedShort(dataset, DCM_PlanarConfiguration, 0);
    g.photometric = DicomAttributes::text(dataset, DCM_PhotometricInterpretation);
    Sint32 frames = 1;
    if (dataset.tagExistsWithValue(DCM_NumberOfFrames)) {
        if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).bad())
            fail("NumberOfFrames is not a number");
    }
    g.numberOfFrames = frames;
    return g;
}

void checkBitDepths(DicomPixelGeometry& g)
{
    if (g.floatingPoint) {
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
}

void checkLayout(const DicomPixelGeometry& g)
{
    if (g.samplesPerPixel != 1 && g.samplesPerPixel != 3)
        fail("SamplesPerPixel " + std::to_string(g.samplesPerPixel) + " is not supported (1 and 3 are)");
    if (g.pixelRepresentation != 0 && g.pixelRepresentation != 1)
        fail("PixelRepresentation " + std::to_string(g.pixelRepresentation) + " is invalid");
    if (g.numberOfFrames < 1)
        fail("NumberOfFrames " + std::to_string(g.numberOfFrames) + " is invalid");
}

/// Bytes of one frame as stored, after the frame's pixel count was checked against the supported maximum.
std::size_t storedFrameBytes(const DicomPixelGeometry& g)
{
    const long long pixels = static_cast<long long>(g.rows) * g.columns;
    if (pixels > DicomImageReader::maximumFramePixels)
        fail("Rows x Columns = " + std::to_string(g.rows) + " x " + std::to_string(g.columns)
            + " exceeds the supported " + std::to_string(DicomImageReader::maximumFramePixels) + " pixels per frame");
    std::size_t bytes = g.bitsAllocated == 1 ? (static_cast<std::size_t>(pixels) + 7) / 8
                                             : static_cast<std::size_t>(pixels)
            * static_cast<std::size_t>(g.samplesPerPixel) * static_cast<std::size_t>(g.bitsAllocated / 8);
    if (g.samplesPerPixel == 3 && g.photometric == "YBR_FULL_422")
        bytes = bytes * 2 / 3; // two luma + one pair of chroma per two pixels
    return bytes;
}

} // namespace

DicomPixelGeometry DicomPixelGeometry::read(DcmItem& dataset, bool floatingPoint)
{
    DicomPixelGeometry g = readAttributes(dataset);
    g.floatingPoint = floatingPoint;
    if (g.rows <= 0 || g.columns <= 0)
        fail("Rows or Columns is missing or zero");
    checkBitDepths(g);
    checkLayout(g);
    g.frameBytes = storedFrameBytes(g);
    return g;
}

std::uint64_t DicomPixelGeometry::totalBytes() const
{
    if (bitsAllocated == 1)
        return (static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(columns) * numberOfFrames + 7) / 8;
    return static_cast<std::uint64_t>(frameBytes) * static_cast<std::uint64_t>(numberOfFrames);
}

void DicomPixelGeometry::checkNativeLength(std::uint64_t available) const
{
    const std::uint64_t needed = totalBytes();
    if (available < needed)
        fail("the Pixel Data holds " + std::to_string(available) + " bytes, but " + std::to_string(rows) + " x "
            + std::to_string(columns) + " x " + std::to_string(samplesPerPixel) + " samples x "
            + std::to_string(bitsAllocated) + " bits x " + std::to_string(numberOfFrames) + " frame(s) need "
            + std::to_string(needed) + " (truncated or corrupt file)");
}

} // namespace lrclr::internal
