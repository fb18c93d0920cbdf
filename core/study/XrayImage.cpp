#include "core/study/XrayImage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace lrclr {

namespace {

template<typename T> std::pair<int, int> rangeOf(std::span<const T> values)
{
    if (values.empty())
        return { 0, 0 };
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    return { static_cast<int>(*low), static_cast<int>(*high) };
}

XrayImage makeImage(int rows, int columns, SampleFormat format, int bitsAllocated, int bitsStored, int representation)
{
    XrayImage image;
    image.rows = rows;
    image.columns = columns;
    image.sampleFormat = format;
    image.bitsAllocated = bitsAllocated;
    image.bitsStored = bitsStored;
    image.highBit = bitsStored - 1;
    image.pixelRepresentation = representation;
    image.photometric
        = format == SampleFormat::Rgb8 ? PhotometricInterpretation::Rgb : PhotometricInterpretation::Monochrome2;
    image.photometricAsStored = format == SampleFormat::Rgb8 ? "RGB" : "MONOCHROME2";
    return image;
}

} // namespace

bool XrayImage::isValid() const
{
    if (rows <= 0 || columns <= 0 || !pixels)
        return false;
    const std::size_t count = pixelCount();
    switch (sampleFormat) {
    case SampleFormat::Unsigned8:
        return pixels->unsigned8.size() == count;
    case SampleFormat::Unsigned16:
        return (pixels->adoptedSamples ? pixels->adoptedCount : pixels->unsigned16.size()) == count;
    case SampleFormat::Signed16:
        return (pixels->adoptedSamples ? pixels->adoptedCount : pixels->signed16.size()) == count;
    case SampleFormat::Rgb8:
        return pixels->unsigned8.size() == count * 3;
    }
    return false;
}

std::span<const std::uint8_t> XrayImage::unsigned8() const
{
    if (!pixels || sampleFormat != SampleFormat::Unsigned8)
        return {};
    return pixels->unsigned8;
}

std::span<const std::uint16_t> XrayImage::unsigned16() const
{
    if (!pixels || sampleFormat != SampleFormat::Unsigned16)
        return {};
    if (pixels->adoptedSamples)
        return { pixels->adoptedSamples, pixels->adoptedCount };
    return pixels->unsigned16;
}

std::span<const std::int16_t> XrayImage::signed16() const
{
    if (!pixels || sampleFormat != SampleFormat::Signed16)
        return {};
    if (pixels->adoptedSamples) // the same bytes read as their signed counterpart, which the aliasing rules allow
        return { reinterpret_cast<const std::int16_t*>(pixels->adoptedSamples), pixels->adoptedCount };
    return pixels->signed16;
}

std::span<const std::uint8_t> XrayImage::rgb8() const
{
    if (!pixels || sampleFormat != SampleFormat::Rgb8)
        return {};
    return pixels->unsigned8;
}

std::pair<int, int> XrayImage::storedRange() const
{
    if (!pixels)
        return { 0, 0 };
    switch (sampleFormat) {
    case SampleFormat::Unsigned8:
    case SampleFormat::Rgb8:
        return rangeOf(std::span<const std::uint8_t>(pixels->unsigned8));
    case SampleFormat::Unsigned16:
        return rangeOf(unsigned16());
    case SampleFormat::Signed16:
        return rangeOf(signed16());
    }
    return { 0, 0 };
}

double XrayImage::storedValue(int x, int y) const
{
    if (!isValid() || x < 0 || y < 0 || x >= columns || y >= rows)
        return 0.0;
    const std::size_t index
        = static_cast<std::size_t>(y) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(x);
    switch (sampleFormat) {
    case SampleFormat::Unsigned8:
        return unsigned8()[index];
    case SampleFormat::Unsigned16:
        return unsigned16()[index];
    case SampleFormat::Signed16:
        return signed16()[index];
    case SampleFormat::Rgb8: {
        const auto rgb = rgb8().subspan(index * 3, 3);
        return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    }
    }
    return 0.0;
}

double XrayImage::modalityValue(double storedValue) const
{
    if (modalityLut && !modalityLut->data.empty()) {
        const double last = static_cast<double>(modalityLut->data.size() - 1);
        const double index = std::clamp(std::floor(storedValue) - modalityLut->firstMappedValue, 0.0, last);
        return modalityLut->data[static_cast<std::size_t>(index)];
    }
    return storedValue * rescaleSlope + rescaleIntercept;
}

bool XrayImage::isPadding(double storedValue) const
{
    if (!pixelPaddingValue || sampleFormat == SampleFormat::Rgb8)
        return false;
    if (!pixelPaddingRangeLimit)
        return storedValue == *pixelPaddingValue;
    const auto [low, high] = std::minmax(*pixelPaddingValue, *pixelPaddingRangeLimit);
    return storedValue >= low && storedValue <= high;
}

XrayImage XrayImage::fromUnsigned8(int rows, int columns, std::vector<std::uint8_t> samples)
{
    XrayImage image = makeImage(rows, columns, SampleFormat::Unsigned8, 8, 8, 0);
    auto buffer = std::make_shared<PixelBuffer>();
    buffer->unsigned8 = std::move(samples);
    image.pixels = std::move(buffer);
    return image;
}

XrayImage XrayImage::fromUnsigned16(int rows, int columns, std::vector<std::uint16_t> samples, int bitsStored)
{
    XrayImage image = makeImage(rows, columns, SampleFormat::Unsigned16, 16, bitsStored, 0);
    auto buffer = std::make_shared<PixelBuffer>();
    buffer->unsigned16 = std::move(samples);
    image.pixels = std::move(buffer);
    return image;
}

XrayImage XrayImage::fromSigned16(int rows, int columns, std::vector<std::int16_t> samples, int bitsStored)
{
    XrayImage image = makeImage(rows, columns, SampleFormat::Signed16, 16, bitsStored, 1);
    auto buffer = std::make_shared<PixelBuffer>();
    buffer->signed16 = std::move(samples);
    image.pixels = std::move(buffer);
    return image;
}

XrayImage XrayImage::fromRgb8(int rows, int columns, std::vector<std::uint8_t> interleavedRgb)
{
    XrayImage image = makeImage(rows, columns, SampleFormat::Rgb8, 8, 8, 0);
    auto buffer = std::make_shared<PixelBuffer>();
    buffer->unsigned8 = std::move(interleavedRgb);
    image.pixels = std::move(buffer);
    return image;
}

const char* toString(PhotometricInterpretation value)
{
    switch (value) {
    case PhotometricInterpretation::Monochrome1:
        return "MONOCHROME1";
    case PhotometricInterpretation::Monochrome2:
        return "MONOCHROME2";
    case PhotometricInterpretation::Rgb:
        return "RGB";
    }
    return "";
}

const char* toString(PixelSpacingSource value)
{
    switch (value) {
    case PixelSpacingSource::None:
        return "none";
    case PixelSpacingSource::PixelSpacing:
        return "PixelSpacing";
    case PixelSpacingSource::ImagerPixelSpacing:
        return "ImagerPixelSpacing";
    }
    return "";
}

const char* toString(VoiLutFunction value)
{
    switch (value) {
    case VoiLutFunction::Linear:
        return "LINEAR";
    case VoiLutFunction::LinearExact:
        return "LINEAR_EXACT";
    case VoiLutFunction::Sigmoid:
        return "SIGMOID";
    }
    return "";
}

const char* toString(PresentationLutShape value)
{
    switch (value) {
    case PresentationLutShape::Unspecified:
        return "";
    case PresentationLutShape::Identity:
        return "IDENTITY";
    case PresentationLutShape::Inverse:
        return "INVERSE";
    }
    return "";
}

} // namespace lrclr
