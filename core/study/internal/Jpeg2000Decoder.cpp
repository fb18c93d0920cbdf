#include "core/study/internal/Jpeg2000Decoder.h"

#include "core/study/internal/Jpeg2000Header.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <openjpeg.h>

namespace lrclr::internal {

namespace {

struct MemoryStream {
    std::span<const std::uint8_t> data;
    std::size_t position = 0;
};

OPJ_SIZE_T readStream(void* buffer, OPJ_SIZE_T bytes, void* userData)
{
    auto* stream = static_cast<MemoryStream*>(userData);
    const std::size_t left = stream->data.size() - stream->position;
    if (left == 0)
        return static_cast<OPJ_SIZE_T>(-1);
    const std::size_t count = std::min<std::size_t>(bytes, left);
    std::memcpy(buffer, stream->data.data() + stream->position, count);
    stream->position += count;
    return count;
}

OPJ_OFF_T skipStream(OPJ_OFF_T bytes, void* userData)
{
    auto* stream = static_cast<MemoryStream*>(userData);
    if (bytes < 0) {
        const auto back = std::min<std::size_t>(static_cast<std::size_t>(-bytes), stream->position);
        stream->position -= back;
        return -static_cast<OPJ_OFF_T>(back);
    }
    const auto forward = std::min<std::size_t>(static_cast<std::size_t>(bytes), stream->data.size() - stream->position);
    stream->position += forward;
    return static_cast<OPJ_OFF_T>(forward);
}

OPJ_BOOL seekStream(OPJ_OFF_T offset, void* userData)
{
    auto* stream = static_cast<MemoryStream*>(userData);
    if (offset < 0 || static_cast<std::size_t>(offset) > stream->data.size())
        return OPJ_FALSE;
    stream->position = static_cast<std::size_t>(offset);
    return OPJ_TRUE;
}

/// OpenJPEG reports through callbacks; keep the first error (it never contains patient data) and drop the rest.
void recordError(const char* message, void* userData)
{
    auto* text = static_cast<std::string*>(userData);
    if (text->empty() && message) {
        *text = message;
        while (!text->empty() && (text->back() == '\n' || text->back() == ' '))
            text->pop_back();
    }
}

void ignoreMessage(const char*, void*)
{
}

struct CodecDeleter {
    void operator()(opj_codec_t* codec) const { opj_destroy_codec(codec); }
};
struct StreamDeleter {
    void operator()(opj_stream_t* stream) const { opj_stream_destroy(stream); }
};
struct ImageDeleter {
    void operator()(opj_image_t* image) const { opj_image_destroy(image); }
};

} // namespace

bool Jpeg2000Decoder::decode(std::span<const std::uint8_t> data, int expectedWidth, int expectedHeight,
    int expectedComponents, Frame& frame, std::string& problem)
{
    static constexpr std::uint8_t jp2Signature[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20 };
    if (data.size() < 16) {
        problem = "the JPEG 2000 data is too short";
        return false;
    }
    // DICOM requires a raw codestream, but some writers embed a JP2 file; OpenJPEG needs to be told which.
    const bool isJp2 = std::memcmp(data.data(), jp2Signature, sizeof jp2Signature) == 0;
    if (!isJp2 && !(data[0] == 0xFF && data[1] == 0x4F)) {
        problem = "the JPEG 2000 data does not start with a codestream marker";
        return false;
    }
    // The geometry is checked on the codestream's own header before OpenJPEG allocates anything from it.
    Jpeg2000Header header;
    if (!Jpeg2000Header::read(data, isJp2, header, problem))
        return false;
    if (header.width != static_cast<std::uint32_t>(expectedWidth)
        || header.height != static_cast<std::uint32_t>(expectedHeight)
        || header.components != static_cast<std::uint32_t>(expectedComponents)) {
        problem = "the JPEG 2000 codestream is " + std::to_string(header.width) + " x " + std::to_string(header.height)
            + " with " + std::to_string(header.components) + " components, but the DICOM header says "
            + std::to_string(expectedWidth) + " x " + std::to_string(expectedHeight) + " with "
            + std::to_string(expectedComponents);
        return false;
    }
    std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(isJp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
    if (!codec) {
        problem = "OpenJPEG cannot create a decoder";
        return false;
    }
    std::string openJpegError;
    opj_set_error_handler(codec.get(), recordError, &openJpegError);
    opj_set_warning_handler(codec.get(), ignoreMessage, nullptr);
    opj_set_info_handler(codec.get(), ignoreMessage, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters)) {
        problem = "OpenJPEG cannot set up the decoder";
        return false;
    }
    opj_codec_set_threads(codec.get(), 2);

    MemoryStream memory { data, 0 };
    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(1 << 16, OPJ_TRUE));
    opj_stream_set_user_data(stream.get(), &memory, nullptr);
    opj_stream_set_user_data_length(stream.get(), data.size());
    opj_stream_set_read_function(stream.get(), readStream);
    opj_stream_set_skip_function(stream.get(), skipStream);
    opj_stream_set_seek_function(stream.get(), seekStream);

    opj_image_t* rawImage = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &rawImage)) {
        opj_image_destroy(rawImage);
        problem = "the JPEG 2000 header is invalid" + (openJpegError.empty() ? "" : ": " + openJpegError);
        return false;
    }
    std::unique_ptr<opj_image_t, ImageDeleter> image(rawImage);
    const long long width = static_cast<long long>(image->x1) - image->x0;
    const long long height = static_cast<long long>(image->y1) - image->y0;
    if (width != expectedWidth || height != expectedHeight || static_cast<int>(image->numcomps) != expectedComponents) {
        problem = "the JPEG 2000 codestream is " + std::to_string(width) + " x " + std::to_string(height) + " with "
            + std::to_string(image->numcomps) + " components, but the DICOM header says "
            + std::to_string(expectedWidth) + " x " + std::to_string(expectedHeight) + " with "
            + std::to_string(expectedComponents);
        return false;
    }
    for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
        if (image->comps[c].dx != 1 || image->comps[c].dy != 1 || image->comps[c].prec < 1 || image->comps[c].prec > 16
            || image->comps[c].prec != image->comps[0].prec) {
            problem = "JPEG 2000 component subsampling or precision above 16 bits is not supported";
            return false;
        }
    }
    if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get())) {
        problem = "the JPEG 2000 codestream cannot be decoded" + (openJpegError.empty() ? "" : ": " + openJpegError);
        return false;
    }
    frame.width = static_cast<int>(width);
    frame.height = static_cast<int>(height);
    frame.components = static_cast<int>(image->numcomps);
    frame.precision = static_cast<int>(image->comps[0].prec);
    frame.isSigned = image->comps[0].sgnd != 0;
    const std::size_t plane = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    frame.samples.resize(plane * image->numcomps);
    for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
        if (!image->comps[c].data) {
            problem = "the JPEG 2000 codestream decoded without data for component " + std::to_string(c);
            return false;
        }
        std::copy_n(image->comps[c].data, plane, frame.samples.begin() + static_cast<std::ptrdiff_t>(c * plane));
    }
    return true;
}

} // namespace lrclr::internal
