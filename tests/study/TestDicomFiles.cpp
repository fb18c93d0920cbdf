#include "tests/study/TestDicomFiles.h"

#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <openjpeg.h>

#include "core/dicom/DicomLibrary.h"

namespace lrclr::test {

namespace {

void registerEncoders()
{
    static std::once_flag once;
    std::call_once(once, [] {
        DicomLibrary::initialize();
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs();
    });
}

struct OutputStream {
    std::vector<std::uint8_t> bytes;
    std::size_t position = 0;
};

OPJ_SIZE_T writeStream(void* buffer, OPJ_SIZE_T count, void* user)
{
    auto* out = static_cast<OutputStream*>(user);
    if (out->position + count > out->bytes.size())
        out->bytes.resize(out->position + count);
    std::memcpy(out->bytes.data() + out->position, buffer, count);
    out->position += count;
    return count;
}

OPJ_OFF_T skipStream(OPJ_OFF_T count, void* user)
{
    auto* out = static_cast<OutputStream*>(user);
    out->position += static_cast<std::size_t>(count);
    if (out->position > out->bytes.size())
        out->bytes.resize(out->position);
    return count;
}

OPJ_BOOL seekStream(OPJ_OFF_T position, void* user)
{
    auto* out = static_cast<OutputStream*>(user);
    out->position = static_cast<std::size_t>(position);
    if (out->position > out->bytes.size())
        out->bytes.resize(out->position);
    return OPJ_TRUE;
}

std::string encodeJpeg2000(
    const SyntheticImage& image, const std::int32_t* frame, bool lossless, std::vector<std::uint8_t>& codestream)
{
    const int components = image.samplesPerPixel;
    std::vector<opj_image_cmptparm_t> parameters(static_cast<std::size_t>(components));
    for (auto& parameter : parameters) {
        std::memset(&parameter, 0, sizeof parameter);
        parameter.dx = parameter.dy = 1;
        parameter.w = static_cast<OPJ_UINT32>(image.columns);
        parameter.h = static_cast<OPJ_UINT32>(image.rows);
        parameter.prec = static_cast<OPJ_UINT32>(image.bitsStored);
        parameter.sgnd = static_cast<OPJ_UINT32>(image.pixelRepresentation);
    }
    opj_image_t* j2kImage = opj_image_create(
        static_cast<OPJ_UINT32>(components), parameters.data(), components == 1 ? OPJ_CLRSPC_GRAY : OPJ_CLRSPC_SRGB);
    if (!j2kImage)
        return "opj_image_create failed";
    j2kImage->x1 = static_cast<OPJ_UINT32>(image.columns);
    j2kImage->y1 = static_cast<OPJ_UINT32>(image.rows);
    const std::size_t pixels = static_cast<std::size_t>(image.rows) * image.columns;
    for (int c = 0; c < components; ++c)
        for (std::size_t i = 0; i < pixels; ++i)
            j2kImage->comps[c].data[i] = frame[i * components + static_cast<std::size_t>(c)];
    opj_cparameters_t settings;
    opj_set_default_encoder_parameters(&settings);
    settings.tcp_numlayers = 1;
    settings.cp_disto_alloc = 1;
    settings.tcp_rates[0] = lossless ? 0.0f : 12.0f;
    settings.irreversible = lossless ? 0 : 1;
    settings.numresolution = 3;
    settings.tcp_mct = 0;
    opj_codec_t* codec = opj_create_compress(OPJ_CODEC_J2K);
    OutputStream output;
    opj_stream_t* stream = opj_stream_create(1 << 16, OPJ_FALSE);
    opj_stream_set_user_data(stream, &output, nullptr);
    opj_stream_set_write_function(stream, writeStream);
    opj_stream_set_skip_function(stream, skipStream);
    opj_stream_set_seek_function(stream, seekStream);
    const bool ok = opj_setup_encoder(codec, &settings, j2kImage) && opj_start_compress(codec, j2kImage, stream)
        && opj_encode(codec, stream) && opj_end_compress(codec, stream);
    opj_stream_destroy(stream);
    opj_destroy_codec(codec);
    opj_image_destroy(j2kImage);
    if (!ok)
        return "OpenJPEG encoding failed";
    codestream = std::move(output.bytes);
    return {};
}

void putLittle16(std::vector<std::uint8_t>& bytes, unsigned value)
{
    bytes.push_back(static_cast<std::uint8_t>(value & 0xFF));
    bytes.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
}

void putLittle32(std::vector<std::uint8_t>& bytes, std::uint32_t value)
{
    putLittle16(bytes, value & 0xFFFF);
    putLittle16(bytes, value >> 16);
}

bool isLongVr(const std::string& vr)
{
    return vr == "OB" || vr == "OW" || vr == "OF" || vr == "SQ" || vr == "UT" || vr == "UN" || vr == "UC" || vr == "UR"
        || vr == "OD" || vr == "OL";
}

/// Identity (fresh UIDs) and the Image Pixel module of `image`.
void putImageModule(DcmDataset& dataset, const SyntheticImage& image)
{
    char uid[100];
    dataset.putAndInsertString(DCM_SOPClassUID, UID_ComputedRadiographyImageStorage);
    dataset.putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    dataset.putAndInsertString(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT));
    dataset.putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT));
    dataset.putAndInsertString(DCM_Modality, "CR");
    dataset.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(image.rows));
    dataset.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(image.columns));
    dataset.putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(image.samplesPerPixel));
    dataset.putAndInsertString(DCM_PhotometricInterpretation, image.photometric.c_str());
    dataset.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(image.bitsAllocated));
    dataset.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(image.bitsStored));
    dataset.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(image.bitsStored - 1));
    dataset.putAndInsertUint16(DCM_PixelRepresentation, static_cast<Uint16>(image.pixelRepresentation));
    if (image.samplesPerPixel == 3)
        dataset.putAndInsertUint16(DCM_PlanarConfiguration, 0);
    if (image.frames > 1)
        dataset.putAndInsertString(DCM_NumberOfFrames, std::to_string(image.frames).c_str());
}

/// The image's extra attributes; an error text, empty on success.
std::string putAttributes(DcmDataset& dataset, const SyntheticImage& image)
{
    for (const auto& attribute : image.attributes) {
        if (attribute.group == 0x0028 && (attribute.element == 0x0120 || attribute.element == 0x0121)) {
            // US or SS: not settable from a string
            dataset.putAndInsertUint16(
                DcmTag(attribute.group, attribute.element, EVR_US), static_cast<Uint16>(std::stoi(attribute.value)));
            continue;
        }
        const OFCondition status
            = dataset.putAndInsertString(DcmTag(attribute.group, attribute.element), attribute.value.c_str());
        if (status.bad())
            return std::string("cannot set attribute: ") + status.text();
    }
    return {};
}

void putModalityLut(DcmDataset& dataset, const TestLut& lut)
{
    auto* item = new DcmItem();
    const Uint16 descriptor[3]
        = { static_cast<Uint16>(lut.data.size()), static_cast<Uint16>(lut.firstMapped), static_cast<Uint16>(lut.bits) };
    item->putAndInsertUint16Array(DcmTag(DCM_LUTDescriptor, EVR_US), descriptor, 3);
    item->putAndInsertString(DCM_ModalityLUTType, lut.type.c_str());
    item->putAndInsertString(DCM_LUTExplanation, "test LUT");
    item->putAndInsertUint16Array(DCM_LUTData, lut.data.data(), static_cast<unsigned long>(lut.data.size()));
    dataset.insertSequenceItem(DCM_ModalityLUTSequence, item);
}

std::string saveResult(const OFCondition& saved)
{
    return saved.good() ? std::string() : std::string("saveFile: ") + saved.text();
}

/// Encodes every frame with OpenJPEG (DCMTK has no JPEG 2000 encoder) and saves the file.
std::string saveJpeg2000(DcmFileFormat& file, const SyntheticImage& image, bool lossless, const std::string& path)
{
    const std::size_t count = image.floatSamples.empty() ? image.samples.size() : image.floatSamples.size();
    const std::size_t perFrame = count / static_cast<std::size_t>(image.frames);
    auto* sequence = new DcmPixelSequence(DCM_PixelSequenceTag);
    sequence->insert(new DcmPixelItem(DCM_PixelItemTag));
    DcmOffsetList offsets;
    for (int f = 0; f < image.frames; ++f) {
        std::vector<std::uint8_t> codestream;
        const std::string error = encodeJpeg2000(
            image, image.samples.data() + perFrame * static_cast<std::size_t>(f), lossless, codestream);
        if (!error.empty())
            return error;
        if (codestream.size() % 2)
            codestream.push_back(0);
        sequence->storeCompressedFrame(offsets, codestream.data(), static_cast<Uint32>(codestream.size()), 0);
    }
    const E_TransferSyntax xfer = lossless ? EXS_JPEG2000LosslessOnly : EXS_JPEG2000;
    auto* pixelData = new DcmPixelData(DCM_PixelData);
    pixelData->putOriginalRepresentation(xfer, nullptr, sequence);
    DcmDataset& dataset = *file.getDataset();
    dataset.insert(pixelData, true);
    if (!lossless)
        dataset.putAndInsertString(DCM_LossyImageCompression, "01");
    return saveResult(file.saveFile(path.c_str(), xfer));
}

/// The samples as native (uncompressed) Pixel Data, or Float Pixel Data.
void putNativePixels(DcmDataset& dataset, const SyntheticImage& image)
{
    const std::size_t count = image.floatSamples.empty() ? image.samples.size() : image.floatSamples.size();
    if (!image.floatSamples.empty()) {
        // Float Pixel Data replaces Pixel Data (and BitsStored, HighBit, PixelRepresentation with it).
        dataset.findAndDeleteElement(DCM_BitsStored);
        dataset.findAndDeleteElement(DCM_HighBit);
        dataset.findAndDeleteElement(DCM_PixelRepresentation);
        dataset.putAndInsertFloat32Array(
            DCM_FloatPixelData, image.floatSamples.data(), static_cast<unsigned long>(image.floatSamples.size()));
    } else if (image.bitsAllocated == 1) {
        // Packed without padding between frames, first pixel in the least significant bit (PS3.5 8.1.1, D.2).
        std::vector<Uint8> bytes((count + 7) / 8 + (((count + 7) / 8) % 2), 0);
        for (std::size_t i = 0; i < count; ++i)
            if (image.samples[i] & 1)
                bytes[i / 8] = static_cast<Uint8>(bytes[i / 8] | (1u << (i % 8)));
        dataset.putAndInsertUint8Array(DCM_PixelData, bytes.data(), static_cast<unsigned long>(bytes.size()));
    } else if (image.bitsAllocated == 32) {
        std::vector<Uint8> bytes(count * 4);
        for (std::size_t i = 0; i < count; ++i) {
            const auto value = static_cast<std::uint32_t>(image.samples[i]);
            std::memcpy(bytes.data() + 4 * i, &value, 4); // little endian, as the test machine is
        }
        dataset.putAndInsertUint8Array(DCM_PixelData, bytes.data(), static_cast<unsigned long>(bytes.size()));
    } else if (image.bitsAllocated == 16) {
        std::vector<Uint16> words(count);
        for (std::size_t i = 0; i < count; ++i)
            words[i] = static_cast<Uint16>(image.samples[i] & 0xFFFF);
        dataset.putAndInsertUint16Array(DCM_PixelData, words.data(), static_cast<unsigned long>(count));
    } else {
        std::vector<Uint8> bytes(count);
        for (std::size_t i = 0; i < count; ++i)
            bytes[i] = static_cast<Uint8>(image.samples[i] & 0xFF);
        dataset.putAndInsertUint8Array(DCM_PixelData, bytes.data(), static_cast<unsigned long>(count));
    }
}

/// A transfer syntax DCMTK writes itself, with the encoder parameters for the compressed ones.
struct DcmtkSyntax {
    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    std::unique_ptr<DcmRepresentationParameter> parameter;
};

DcmtkSyntax dcmtkSyntax(TestSyntax syntax)
{
    DcmtkSyntax result;
    switch (syntax) {
    case TestSyntax::ExplicitLittle:
        break;
    case TestSyntax::ImplicitLittle:
        result.xfer = EXS_LittleEndianImplicit;
        break;
    case TestSyntax::ExplicitBig:
        result.xfer = EXS_BigEndianExplicit;
        break;
    case TestSyntax::Deflated:
        result.xfer = EXS_DeflatedLittleEndianExplicit;
        break;
    case TestSyntax::Rle:
        result.xfer = EXS_RLELossless;
        result.parameter = std::make_unique<DcmRLERepresentationParameter>();
        break;
    case TestSyntax::JpegLossless:
        result.xfer = EXS_JPEGProcess14SV1;
        result.parameter = std::make_unique<DJ_RPLossless>();
        break;
    case TestSyntax::JpegLs:
        result.xfer = EXS_JPEGLSLossless;
        result.parameter = std::make_unique<DJLSRepresentationParameter>();
        break;
    case TestSyntax::JpegBaseline:
        result.xfer = EXS_JPEGProcess1;
        result.parameter = std::make_unique<DJ_RPLossy>(95);
        break;
    case TestSyntax::Jpeg2000Lossless:
    case TestSyntax::Jpeg2000Lossy:
        break;
    }
    return result;
}

/// Encodes the native pixels as `syntax` with DCMTK's encoders where it is compressed, and saves the file.
std::string saveWithDcmtk(DcmFileFormat& file, TestSyntax syntax, const std::string& path)
{
    const DcmtkSyntax chosenSyntax = dcmtkSyntax(syntax);
    DcmDataset& dataset = *file.getDataset();
    if (DcmXfer(chosenSyntax.xfer).isEncapsulated()) {
        const OFCondition chosen = dataset.chooseRepresentation(chosenSyntax.xfer, chosenSyntax.parameter.get());
        if (chosen.bad() || !dataset.canWriteXfer(chosenSyntax.xfer))
            return std::string("DCMTK cannot encode: ") + chosen.text();
    }
    return saveResult(file.saveFile(path.c_str(), chosenSyntax.xfer));
}

} // namespace

std::vector<std::int32_t> patternSamples(const SyntheticImage& image)
{
    const int maximum = image.pixelRepresentation ? (1 << (image.bitsStored - 1)) - 1 : (1 << image.bitsStored) - 1;
    const int minimum = image.pixelRepresentation ? -(1 << (image.bitsStored - 1)) : 0;
    std::vector<std::int32_t> samples;
    samples.reserve(static_cast<std::size_t>(image.frames) * image.rows * image.columns * image.samplesPerPixel);
    std::uint32_t noise = 12345;
    for (int f = 0; f < image.frames; ++f)
        for (int y = 0; y < image.rows; ++y)
            for (int x = 0; x < image.columns; ++x)
                for (int c = 0; c < image.samplesPerPixel; ++c) {
                    noise = noise * 1103515245u + 12345u;
                    const double ramp = (x + 2.0 * y + 7.0 * f + 13.0 * c) / (image.columns + 2.0 * image.rows + 40.0);
                    const int texture = static_cast<int>((noise >> 16) % 64) - 32;
                    int value = minimum + static_cast<int>(ramp * (maximum - minimum)) + texture;
                    samples.push_back(std::clamp(value, minimum, maximum));
                }
    return samples;
}

std::string writeSyntheticDicom(const SyntheticImage& image, TestSyntax syntax, const std::string& path)
{
    registerEncoders();
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    putImageModule(dataset, image);
    if (std::string error = putAttributes(dataset, image); !error.empty())
        return error;
    if (image.modalityLut)
        putModalityLut(dataset, *image.modalityLut);
    if (syntax == TestSyntax::Jpeg2000Lossless || syntax == TestSyntax::Jpeg2000Lossy)
        return saveJpeg2000(file, image, syntax == TestSyntax::Jpeg2000Lossless, path);
    putNativePixels(dataset, image);
    return saveWithDcmtk(file, syntax, path);
}

RawDicomBuilder::RawDicomBuilder(const std::string& transferSyntaxUid)
{
    m_bytes.assign(128, 0);
    for (const char c : std::string("DICM"))
        m_bytes.push_back(static_cast<std::uint8_t>(c));
    std::string transferSyntax = transferSyntaxUid;
    if (transferSyntax.size() % 2)
        transferSyntax.push_back('\0');
    std::vector<std::uint8_t> meta;
    const auto metaElement = [&](std::uint16_t element, const std::string& vr, const std::string& value) {
        putLittle16(meta, 0x0002);
        putLittle16(meta, element);
        meta.push_back(static_cast<std::uint8_t>(vr[0]));
        meta.push_back(static_cast<std::uint8_t>(vr[1]));
        putLittle16(meta, static_cast<unsigned>(value.size()));
        meta.insert(meta.end(), value.begin(), value.end());
    };
    metaElement(0x0002, "UI", std::string("1.2.840.10008.5.1.4.1.1.1") + '\0');
    metaElement(0x0003, "UI", std::string("1.2.3.4"));
    metaElement(0x0010, "UI", transferSyntax);
    putLittle16(m_bytes, 0x0002);
    putLittle16(m_bytes, 0x0000);
    m_bytes.push_back('U');
    m_bytes.push_back('L');
    putLittle16(m_bytes, 4);
    putLittle32(m_bytes, static_cast<std::uint32_t>(meta.size()));
    m_bytes.insert(m_bytes.end(), meta.begin(), meta.end());
}

RawDicomBuilder& RawDicomBuilder::element(std::uint16_t group, std::uint16_t element, const std::string& vr,
    const std::vector<std::uint8_t>& value, long long declaredLength)
{
    putLittle16(m_bytes, group);
    putLittle16(m_bytes, element);
    m_bytes.push_back(static_cast<std::uint8_t>(vr[0]));
    m_bytes.push_back(static_cast<std::uint8_t>(vr[1]));
    const auto length
        = declaredLength >= 0 ? static_cast<std::uint32_t>(declaredLength) : static_cast<std::uint32_t>(value.size());
    if (isLongVr(vr)) {
        putLittle16(m_bytes, 0);
        putLittle32(m_bytes, length);
    } else {
        putLittle16(m_bytes, length & 0xFFFF);
    }
    m_bytes.insert(m_bytes.end(), value.begin(), value.end());
    return *this;
}

RawDicomBuilder& RawDicomBuilder::text(
    std::uint16_t group, std::uint16_t elementNumber, const std::string& vr, std::string value)
{
    if (value.size() % 2)
        value.push_back(vr == "UI" ? '\0' : ' ');
    return element(group, elementNumber, vr, std::vector<std::uint8_t>(value.begin(), value.end()));
}

RawDicomBuilder& RawDicomBuilder::unsignedShort(std::uint16_t group, std::uint16_t elementNumber, std::uint16_t value)
{
    std::vector<std::uint8_t> bytes;
    putLittle16(bytes, value);
    return element(group, elementNumber, "US", bytes);
}

RawDicomBuilder& RawDicomBuilder::raw(const std::vector<std::uint8_t>& bytes)
{
    m_bytes.insert(m_bytes.end(), bytes.begin(), bytes.end());
    return *this;
}

RawDicomBuilder& RawDicomBuilder::imageHeader(int rows, int columns, int bitsAllocated, int bitsStored, int highBit)
{
    text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.1");
    text(0x0008, 0x0060, "CS", "CR");
    unsignedShort(0x0028, 0x0002, 1);
    text(0x0028, 0x0004, "CS", "MONOCHROME2");
    unsignedShort(0x0028, 0x0010, static_cast<std::uint16_t>(rows));
    unsignedShort(0x0028, 0x0011, static_cast<std::uint16_t>(columns));
    unsignedShort(0x0028, 0x0100, static_cast<std::uint16_t>(bitsAllocated));
    unsignedShort(0x0028, 0x0101, static_cast<std::uint16_t>(bitsStored));
    unsignedShort(0x0028, 0x0102, static_cast<std::uint16_t>(highBit));
    unsignedShort(0x0028, 0x0103, 0);
    return *this;
}

bool RawDicomBuilder::save(const std::string& path) const
{
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char*>(m_bytes.data()), static_cast<std::streamsize>(m_bytes.size()));
    return static_cast<bool>(stream);
}

} // namespace lrclr::test
