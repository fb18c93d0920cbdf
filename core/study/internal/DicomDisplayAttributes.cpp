#include "core/study/internal/DicomDisplayAttributes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "core/study/internal/DicomAttributes.h"
#include "core/study/internal/DicomReadError.h"

namespace lrclr::internal {

namespace {

[[noreturn]] void fail(std::string message)
{
    DicomReadError::raise(std::move(message));
}

/// One palette table (red, green or blue) as 8-bit entries, with the first stored value it maps.
struct PaletteChannel {
    std::vector<std::uint8_t> entries;
    int firstMapped = 0;
};

PaletteChannel readPaletteChannel(
    DcmItem& dataset, const DcmTagKey& descriptor, const DcmTagKey& table, const DicomPixelGeometry& g)
{
    const auto entries = DicomAttributes::unsignedOrSignedShort(dataset, descriptor, 0, false);
    const auto first = DicomAttributes::unsignedOrSignedShort(dataset, descriptor, 1, g.pixelRepresentation == 1);
    const auto bits = DicomAttributes::unsignedOrSignedShort(dataset, descriptor, 2, false);
    if (!entries || !first || !bits)
        fail("PALETTE COLOR without a valid palette descriptor (segmented palettes are not supported)");
    const std::size_t count = *entries == 0 ? 65536 : static_cast<std::size_t>(*entries);
    const Uint16* data = nullptr;
    unsigned long words = 0;
    if (dataset.findAndGetUint16Array(table, data, &words).bad() || !data)
        fail("PALETTE COLOR without palette data");
    PaletteChannel channel;
    channel.entries.resize(count);
    if (*bits == 8 && words * 2 == count) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
        for (std::size_t i = 0; i < count; ++i)
            channel.entries[i] = bytes[i];
    } else if (words == count) {
        for (std::size_t i = 0; i < count; ++i)
            channel.entries[i] = static_cast<std::uint8_t>(*bits > 8 ? data[i] >> 8 : data[i]);
    } else {
        fail("the palette data does not match its descriptor");
    }
    channel.firstMapped = *first;
    return channel;
}

/// The stored value of pixel `i` of a monochrome image (a palette index).
int storedValue(const XrayImage& image, std::size_t i)
{
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
}

/// Stored indices (already in image as Unsigned8/16) through the red/green/blue palette tables to RGB.
void applyPalette(DcmItem& dataset, const DicomPixelGeometry& g, XrayImage& image)
{
    const DcmTagKey descriptors[] = { DCM_RedPaletteColorLookupTableDescriptor,
        DCM_GreenPaletteColorLookupTableDescriptor, DCM_BluePaletteColorLookupTableDescriptor };
    const DcmTagKey tables[] = { DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
        DCM_BluePaletteColorLookupTableData };
    PaletteChannel channels[3];
    for (int c = 0; c < 3; ++c)
        channels[c] = readPaletteChannel(dataset, descriptors[c], tables[c], g);
    std::vector<std::uint8_t> rgb(image.pixelCount() * 3);
    for (std::size_t i = 0; i < image.pixelCount(); ++i) {
        const int value = storedValue(image, i);
        for (int c = 0; c < 3; ++c) {
            const auto& lut = channels[c].entries;
            const int entry = std::clamp(value - channels[c].firstMapped, 0, static_cast<int>(lut.size()) - 1);
            rgb[i * 3 + static_cast<std::size_t>(c)] = lut[static_cast<std::size_t>(entry)];
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
    const auto entries = DicomAttributes::unsignedOrSignedShort(item, DCM_LUTDescriptor, 0, false);
    const auto first = DicomAttributes::unsignedOrSignedShort(item, DCM_LUTDescriptor, 1, signedFirstValue);
    const auto bits = DicomAttributes::unsignedOrSignedShort(item, DCM_LUTDescriptor, 2, false);
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

void readRescale(DcmItem& dataset, XrayImage& image)
{
    image.rescaleSlope = DicomAttributes::number(dataset, DCM_RescaleSlope).value_or(1.0);
    if (image.rescaleSlope == 0.0)
        image.rescaleSlope = 1.0; // a zero slope would flatten the image; treat as absent
    image.rescaleIntercept = DicomAttributes::number(dataset, DCM_RescaleIntercept).value_or(0.0);
    image.rescaleType = DicomAttributes::text(dataset, DCM_RescaleType);
}

void readWindows(DcmItem& dataset, XrayImage& image, const DicomTextDecoder& decodeText)
{
    const unsigned long windows = std::min(dataset.tagExistsWithValue(DCM_WindowCenter) ? 64ul : 0ul, 64ul);
    for (unsigned long i = 0; i < windows; ++i) {
        const auto center = DicomAttributes::number(dataset, DCM_WindowCenter, i);
        const auto width = DicomAttributes::number(dataset, DCM_WindowWidth, i);
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
}

void readLutFunctions(DcmItem& dataset, XrayImage& image)
{
    const std::string function = DicomAttributes::text(dataset, DCM_VOILUTFunction);
    image.voiLutFunction = function == "SIGMOID" ? VoiLutFunction::Sigmoid
        : function == "LINEAR_EXACT"             ? VoiLutFunction::LinearExact
                                                 : VoiLutFunction::Linear;
    const std::string shape = DicomAttributes::text(dataset, DCM_PresentationLUTShape);
    image.presentationLutShape = shape == "INVERSE" ? PresentationLutShape::Inverse
        : shape == "IDENTITY"                       ? PresentationLutShape::Identity
                                                    : PresentationLutShape::Unspecified;
}

void readVoiLuts(DcmItem& dataset, XrayImage& image, const DicomTextDecoder& decodeText)
{
    DcmSequenceOfItems* voiSequence = nullptr;
    if (dataset.findAndGetSequence(DCM_VOILUTSequence, voiSequence).bad() || !voiSequence)
        return;
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
        lut.explanation = decodeText(DicomAttributes::text(*item, DCM_LUTExplanation));
        image.voiLuts.push_back(std::move(lut));
    }
}

void readModalityLut(DcmItem& dataset, XrayImage& image, const DicomTextDecoder& decodeText)
{
    DcmSequenceOfItems* modalitySequence = nullptr;
    if (dataset.findAndGetSequence(DCM_ModalityLUTSequence, modalitySequence).bad() || !modalitySequence
        || modalitySequence->card() == 0)
        return;
    // PS3.3 C.11.1: exactly one item. A broken one is refused rather than silently replaced by the rescale, which
    // would show different (wrong) modality values.
    DcmItem* item = modalitySequence->getItem(0);
    auto table = item ? readLutItem(*item, image.pixelRepresentation == 1) : std::nullopt;
    if (!table)
        fail("the Modality LUT Sequence is malformed (LUT Descriptor and LUT Data disagree)");
    table->type = DicomAttributes::text(*item, DCM_ModalityLUTType);
    table->explanation = decodeText(DicomAttributes::text(*item, DCM_LUTExplanation));
    image.modalityLut = std::move(table);
}

void readPadding(DcmItem& dataset, XrayImage& image)
{
    const bool signedValues = image.pixelRepresentation == 1;
    image.pixelPaddingValue = DicomAttributes::unsignedOrSignedShort(dataset, DCM_PixelPaddingValue, 0, signedValues);
    if (image.pixelPaddingValue)
        image.pixelPaddingRangeLimit
            = DicomAttributes::unsignedOrSignedShort(dataset, DCM_PixelPaddingRangeLimit, 0, signedValues);
}

bool readSpacing(DcmItem& dataset, const DcmTagKey& tag, PixelSpacingSource source, XrayImage& image)
{
    const auto row = DicomAttributes::number(dataset, tag, 0);
    const auto column = DicomAttributes::number(dataset, tag, 1);
    if (row && column && *row > 0.0 && *column > 0.0) {
        image.rowSpacingMm = row;
        image.columnSpacingMm = column;
        image.pixelSpacingSource = source;
        return true;
    }
    return false;
}

void readView(DcmItem& dataset, XrayImage& image)
{
    image.viewPosition = DicomAttributes::text(dataset, DCM_ViewPosition);
    image.imageLaterality = DicomAttributes::text(dataset, DCM_ImageLaterality);
    if (image.imageLaterality.empty())
        image.imageLaterality = DicomAttributes::text(dataset, DCM_Laterality);
}

} // namespace

void DicomDisplayAttributes::applyPhotometric(DcmItem& dataset, const DicomPixelGeometry& g, XrayImage& image)
{
    const std::string& stored = g.photometric;
    if (g.samplesPerPixel == 3) {
        image.photometric = PhotometricInterpretation::Rgb;
    } else if (stored == "PALETTE COLOR") {
        applyPalette(dataset, g, image);
        image.photometric = PhotometricInterpretation::Rgb;
    } else if (stored == "MONOCHROME1") {
        image.photometric = PhotometricInterpretation::Monochrome1;
    } else if (stored == "MONOCHROME2" || stored.empty()) {
        image.photometric = PhotometricInterpretation::Monochrome2;
    } else {
        fail("photometric interpretation " + stored + " is not supported for one sample per pixel");
    }
    image.pixelRepresentation = g.pixelRepresentation;
}

void DicomDisplayAttributes::read(DcmItem& dataset, XrayImage& image, const DicomTextDecoder& decodeText)
{
    readRescale(dataset, image);
    readWindows(dataset, image, decodeText);
    readLutFunctions(dataset, image);
    readVoiLuts(dataset, image, decodeText);
    readModalityLut(dataset, image, decodeText);
    readPadding(dataset, image);
    if (!readSpacing(dataset, DCM_PixelSpacing, PixelSpacingSource::PixelSpacing, image))
        readSpacing(dataset, DCM_ImagerPixelSpacing, PixelSpacingSource::ImagerPixelSpacing, image);
    readView(dataset, image);
}

void DicomDisplayAttributes::readIdentity(DcmItem& dataset, DicomIdentity& identity, const DicomTextDecoder& decodeText)
{
    const auto text = [&](const DcmTagKey& tag) { return decodeText(DicomAttributes::text(dataset, tag)); };
    identity.patientName = text(DCM_PatientName);
    identity.patientId = text(DCM_PatientID);
    identity.patientBirthDate = text(DCM_PatientBirthDate);
    identity.patientSex = text(DCM_PatientSex);
    identity.accessionNumber = text(DCM_AccessionNumber);
    identity.referringPhysicianName = text(DCM_ReferringPhysicianName);
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
    identity.frameOfReferenceUid = text(DCM_FrameOfReferenceUID);
}

void DicomDisplayAttributes::applyRequantization(const DicomRequantization& map, XrayImage& image)
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

} // namespace lrclr::internal
