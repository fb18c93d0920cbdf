#include "core/study/DisplayPipeline.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>
#include <thread>
#include <utility>

namespace lrclr {

namespace {

constexpr double outputMaximum = 255.0;

/// Continuous display value 0..255 of one modality value under `voi` (DICOM PS3.3 C.11.2.1.2 / C.11.2.1.3).
double applyVoi(double x, const VoiSettings& voi, const XrayImage& image)
{
    if (voi.voiLutIndex && *voi.voiLutIndex >= 0 && *voi.voiLutIndex < static_cast<int>(image.voiLuts.size())) {
        const VoiLut& lut = image.voiLuts[static_cast<std::size_t>(*voi.voiLutIndex)];
        if (lut.data.empty())
            return 0.0;
        const double index
            = std::clamp(std::floor(x) - lut.firstMappedValue, 0.0, static_cast<double>(lut.data.size() - 1));
        const int bits = std::clamp(lut.bitsPerEntry, 1, 16);
        const double maximum = static_cast<double>((1u << bits) - 1u);
        return std::min(1.0, lut.data[static_cast<std::size_t>(index)] / maximum) * outputMaximum;
    }
    const double c = voi.center;
    switch (voi.function) {
    case VoiLutFunction::Linear: {
        const double w = std::max(1.0, voi.width);
        if (w <= 1.0)
            return x <= c - 0.5 ? 0.0 : outputMaximum;
        if (x <= c - 0.5 - (w - 1.0) / 2.0)
            return 0.0;
        if (x > c - 0.5 + (w - 1.0) / 2.0)
            return outputMaximum;
        return ((x - (c - 0.5)) / (w - 1.0) + 0.5) * outputMaximum;
    }
    case VoiLutFunction::LinearExact: {
        const double w = std::max(std::numeric_limits<double>::min(), voi.width);
        if (x <= c - w / 2.0)
            return 0.0;
        if (x > c + w / 2.0)
            return outputMaximum;
        return ((x - c) / w + 0.5) * outputMaximum;
    }
    case VoiLutFunction::Sigmoid: {
        const double w = std::max(std::numeric_limits<double>::min(), voi.width);
        return outputMaximum / (1.0 + std::exp(-4.0 * (x - c) / w));
    }
    }
    return 0.0;
}

std::uint8_t quantize(double value)
{
    if (!(value > 0.0)) // also NaN, whose conversion to an integer would be undefined
        return 0;
    return static_cast<std::uint8_t>(std::min(std::floor(value), outputMaximum));
}

/// Stored-value range the lookup table covers: the whole range of the sample type, so building the pipeline never
/// scans the pixels and no stored value can fall outside the table (64 Ki entries at most; a typical 12-bit image only
/// touches 4 Ki of them, which stay in cache).
std::pair<int, int> tableRange(const XrayImage& image)
{
    switch (image.sampleFormat) {
    case SampleFormat::Unsigned8:
    case SampleFormat::Rgb8:
        return { 0, 255 };
    case SampleFormat::Unsigned16:
        return { 0, 65535 };
    case SampleFormat::Signed16:
        return { -32768, 32767 };
    }
    return { 0, 0 };
}

/// Smallest and largest modality value of the stored values low..high (a Modality LUT need not be monotonic).
std::pair<double, double> modalityRange(const XrayImage& image, int low, int high)
{
    if (!image.modalityLut) {
        const double a = image.modalityValue(low);
        const double b = image.modalityValue(high);
        return { std::min(a, b), std::max(a, b) };
    }
    double smallest = std::numeric_limits<double>::max();
    double largest = std::numeric_limits<double>::lowest();
    for (int value = low; value <= high; ++value) {
        const double modality = image.modalityValue(value);
        smallest = std::min(smallest, modality);
        largest = std::max(largest, modality);
    }
    return { smallest, largest };
}

/// Window whose LINEAR ramp spans exactly [low, high] in modality units.
VoiSettings windowSpanning(double low, double high)
{
    VoiSettings voi;
    voi.function = VoiLutFunction::Linear;
    voi.width = std::max(1.0, high - low + 1.0);
    voi.center = (low + high + 1.0) / 2.0;
    return voi;
}

bool isInvertedByImage(const XrayImage& image)
{
    const bool monochrome1 = image.photometric == PhotometricInterpretation::Monochrome1;
    // PS3.3 C.8.11.6 / C.11.6: DX images pair MONOCHROME1 with shape INVERSE (the two say the same thing, so they do
    // not cancel); when the shape is present it decides, otherwise the photometric interpretation does.
    switch (image.presentationLutShape) {
    case PresentationLutShape::Inverse:
        return true;
    case PresentationLutShape::Identity:
        return false;
    case PresentationLutShape::Unspecified:
        break;
    }
    return monochrome1;
}

/// Below this many samples a render stays on the calling thread: starting a thread costs tens of microseconds, more
/// than mapping a small image takes.
constexpr std::size_t samplesPerBandMinimum = std::size_t { 1 } << 19;
constexpr unsigned bandsMaximum = 8;
constexpr std::size_t piecesPerBand = 4;

// Measured alternatives (3000 x 3000, 12-bit, Xeon with AVX-512, gcc 12 -O3): eight table bytes assembled in a register
// and stored at once ran 10-20 % slower than this loop, and AVX2 gathers (1.06 instead of 4.0 instructions per pixel)
// no faster; the loop already retires a pixel in well under a cycle, so more cores are the remaining lever.
template<typename T>
void mapSamples(const T* input, std::uint8_t* output, std::size_t count, const std::uint8_t* table, int offset)
{
    const std::uint8_t* base = table - offset;
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        output[i] = base[input[i]];
        output[i + 1] = base[input[i + 1]];
        output[i + 2] = base[input[i + 2]];
        output[i + 3] = base[input[i + 3]];
    }
    for (; i < count; ++i)
        output[i] = base[input[i]];
}

/// Maps samples [begin, end) of the image through the table into output[begin, end).
void mapRange(const XrayImage& image, const std::uint8_t* table, int offset, std::uint8_t* output, std::size_t begin,
    std::size_t end)
{
    const std::size_t count = end - begin;
    switch (image.sampleFormat) {
    case SampleFormat::Unsigned8:
    case SampleFormat::Rgb8:
        mapSamples(image.pixels->unsigned8.data() + begin, output + begin, count, table, offset);
        return;
    case SampleFormat::Unsigned16:
        mapSamples(image.unsigned16().data() + begin, output + begin, count, table, offset);
        return;
    case SampleFormat::Signed16:
        mapSamples(image.signed16().data() + begin, output + begin, count, table, offset);
        return;
    }
}

} // namespace

DisplayPipeline::DisplayPipeline(XrayImage image)
    : m_image(std::move(image))
{
    const auto [low, high] = tableRange(m_image);
    m_lookupOffset = low;
    m_lookupTable.assign(static_cast<std::size_t>(high - low + 1), 0);
    m_voi = defaultVoi(m_image);
    m_lookupDirty = true;
}

VoiSettings DisplayPipeline::defaultVoi(const XrayImage& image)
{
    VoiSettings voi;
    voi.function = image.voiLutFunction;
    if (!image.windowPresets.empty() && image.windowPresets.front().width > 0.0) {
        voi.center = image.windowPresets.front().center;
        voi.width = image.windowPresets.front().width;
        return voi;
    }
    if (!image.voiLuts.empty() && !image.voiLuts.front().data.empty()) {
        voi.voiLutIndex = 0;
        return voi;
    }
    voi.function = VoiLutFunction::Linear;
    if (image.sampleFormat == SampleFormat::Rgb8) {
        voi.center = 127.5;
        voi.width = 256.0;
        return voi;
    }
    // Full range of modality values, ignoring padding (which would otherwise stretch the window over the background).
    int low = std::numeric_limits<int>::max();
    int high = std::numeric_limits<int>::min();
    const auto scan = [&](auto samples) {
        // Padding is tested once per distinct stored value, not per pixel: a table over the sample type's range.
        const auto [first, last] = tableRange(image);
        std::vector<std::uint8_t> padding(static_cast<std::size_t>(last - first + 1));
        for (int value = first; value <= last; ++value)
            padding[static_cast<std::size_t>(value - first)] = image.isPadding(value) ? 1 : 0;
        for (const auto value : samples) {
            if (padding[static_cast<std::size_t>(value - first)])
                continue;
            low = std::min(low, static_cast<int>(value));
            high = std::max(high, static_cast<int>(value));
        }
    };
    if (image.sampleFormat == SampleFormat::Unsigned8)
        scan(image.unsigned8());
    else if (image.sampleFormat == SampleFormat::Unsigned16)
        scan(image.unsigned16());
    else
        scan(image.signed16());
    if (low > high)
        low = high = 0;
    const auto [modalityLow, modalityHigh] = modalityRange(image, low, high);
    // With the LINEAR formula, center c and width w map [c - 0.5 - (w-1)/2, c - 0.5 + (w-1)/2] onto 0..255.
    return windowSpanning(modalityLow, modalityHigh);
}

VoiSettings DisplayPipeline::percentileVoi(const XrayImage& image, double lowPercent, double highPercent)
{
    if (!image.isValid())
        return {};
    if (image.isColor())
        return windowSpanning(0.0, 255.0);
    const auto [first, last] = tableRange(image);
    std::vector<std::uint64_t> histogram(static_cast<std::size_t>(last - first + 1), 0);
    const auto count = [&, first = first](auto samples) {
        for (const auto value : samples)
            ++histogram[static_cast<std::size_t>(value - first)];
    };
    if (image.sampleFormat == SampleFormat::Unsigned8)
        count(image.unsigned8());
    else if (image.sampleFormat == SampleFormat::Unsigned16)
        count(image.unsigned16());
    else
        count(image.signed16());
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < histogram.size(); ++k) {
        if (image.isPadding(first + static_cast<int>(k)))
            histogram[k] = 0;
        total += histogram[k];
    }
    if (total == 0)
        return windowSpanning(0.0, 0.0);
    const auto storedAt = [&, first = first, last = last](double percent) {
        const auto target = static_cast<std::uint64_t>(std::clamp(percent, 0.0, 100.0) / 100.0 * (total - 1));
        std::uint64_t cumulative = 0;
        for (std::size_t k = 0; k < histogram.size(); ++k) {
            cumulative += histogram[k];
            if (cumulative > target)
                return first + static_cast<int>(k);
        }
        return last;
    };
    const int low = storedAt(std::min(lowPercent, highPercent));
    const int high = storedAt(std::max(lowPercent, highPercent));
    const auto [modalityLow, modalityHigh] = modalityRange(image, low, high);
    return windowSpanning(modalityLow, modalityHigh);
}

void DisplayPipeline::setVoi(const VoiSettings& voi)
{
    m_voi = voi;
    m_lookupDirty = true;
}

void DisplayPipeline::setWindow(double center, double width)
{
    if (!std::isfinite(center) || !std::isfinite(width))
        return; // a NaN from a UI computation must not poison the table
    m_voi.center = center;
    m_voi.width = width;
    m_voi.voiLutIndex.reset();
    m_lookupDirty = true;
}

bool DisplayPipeline::selectWindowPreset(int index)
{
    if (index < 0 || index >= static_cast<int>(m_image.windowPresets.size()))
        return false;
    const WindowPreset& preset = m_image.windowPresets[static_cast<std::size_t>(index)];
    m_voi.center = preset.center;
    m_voi.width = preset.width;
    m_voi.function = m_image.voiLutFunction;
    m_voi.voiLutIndex.reset();
    m_lookupDirty = true;
    return true;
}

bool DisplayPipeline::selectVoiLut(int index)
{
    if (index < 0 || index >= static_cast<int>(m_image.voiLuts.size()))
        return false;
    m_voi.voiLutIndex = index;
    m_lookupDirty = true;
    return true;
}

void DisplayPipeline::resetVoi()
{
    m_voi = defaultVoi(m_image);
    m_lookupDirty = true;
}

void DisplayPipeline::setUserInverted(bool inverted)
{
    m_userInverted = inverted;
    m_lookupDirty = true;
}

bool DisplayPipeline::effectiveInversion() const
{
    if (m_image.sampleFormat == SampleFormat::Rgb8)
        return m_userInverted;
    return isInvertedByImage(m_image) != m_userInverted;
}

void DisplayPipeline::rebuildLookupTable() const
{
    m_lookupDirty = false;
    const bool invert = effectiveInversion();
    const bool color = m_image.sampleFormat == SampleFormat::Rgb8;
    // The first build covers every entry. From the second on (a window/level drag), only entries of stored values
    // that can occur are rebuilt: for unsigned 16-bit samples those below the highest bit any sample sets (one cheap
    // pass over the pixels, once), i.e. 4 Ki entries instead of 64 Ki for a 12-bit image. The other entries are
    // never read.
    std::size_t end = m_lookupTable.size();
    if (m_tableBuilt && m_image.sampleFormat == SampleFormat::Unsigned16) {
        if (m_usedEntries == 0) {
            const auto samples = m_image.unsigned16();
            std::uint64_t used = 0;
            std::size_t k = 0;
            for (; k + 4 <= samples.size(); k += 4) {
                std::uint64_t four = 0;
                std::memcpy(&four, samples.data() + k, sizeof four);
                used |= four;
            }
            for (; k < samples.size(); ++k)
                used |= samples[k];
            const auto bits = static_cast<std::uint16_t>(used | (used >> 16) | (used >> 32) | (used >> 48));
            m_usedEntries = std::size_t { 1 } << std::bit_width(bits);
        }
        end = std::min(end, m_usedEntries);
    }
    m_tableBuilt = true;
    for (std::size_t i = 0; i < end; ++i)
        m_lookupTable[i] = entryFor(m_lookupOffset + static_cast<int>(i), color, invert);
}

std::uint8_t DisplayPipeline::entryFor(int stored, bool color, bool invert) const
{
    // Padding is the area outside the collimated field: black whatever the window and the inversion, so it never
    // glares white around a MONOCHROME1 image.
    if (!color && m_image.isPadding(stored))
        return 0;
    const double modality = color ? stored : m_image.modalityValue(stored);
    const std::uint8_t value = quantize(applyVoi(modality, m_voi, m_image));
    return invert ? static_cast<std::uint8_t>(255 - value) : value;
}

std::uint8_t DisplayPipeline::displayValue(int storedValue) const
{
    if (m_lookupDirty)
        rebuildLookupTable();
    if (m_lookupTable.empty())
        return 0;
    const int index = std::clamp(storedValue - m_lookupOffset, 0, static_cast<int>(m_lookupTable.size()) - 1);
    if (m_usedEntries != 0 && static_cast<std::size_t>(index) >= m_usedEntries) // a value no pixel has: not in the
        return entryFor(m_lookupOffset + index, false, effectiveInversion()); // part of the table kept up to date
    return m_lookupTable[static_cast<std::size_t>(index)];
}

double DisplayPipeline::modalityValueAt(int x, int y) const
{
    if (!m_image.isValid() || x < 0 || y < 0 || x >= m_image.columns || y >= m_image.rows)
        return 0.0;
    const double stored = m_image.storedValue(x, y);
    return m_image.isColor() ? stored : m_image.modalityValue(stored);
}

DisplayFrame DisplayPipeline::render() const
{
    DisplayFrame frame;
    renderInto(frame);
    return frame;
}

void DisplayPipeline::renderInto(DisplayFrame& frame) const
{
    if (!m_image.isValid()) {
        frame = DisplayFrame();
        return;
    }
    frame.width = m_image.columns;
    frame.height = m_image.rows;
    frame.channels = m_image.sampleFormat == SampleFormat::Rgb8 ? 3 : 1;
    const std::size_t count = m_image.pixelCount() * static_cast<std::size_t>(frame.channels);
    frame.bytes.resize(count);
    if (m_lookupDirty)
        rebuildLookupTable();
    const std::uint8_t* table = m_lookupTable.data();
    std::uint8_t* output = frame.bytes.data();
    // Row bands on the cores: every output byte depends only on its own sample and the table, which no band writes,
    // so the frame is the same byte for byte whatever the number of bands; all bands have ended when this returns.
    const std::size_t wanted = m_renderBands > 0
        ? m_renderBands
        : std::min<std::size_t>(renderBands(), std::max<std::size_t>(1, count / samplesPerBandMinimum));
    const std::size_t bands = std::min<std::size_t>(wanted, static_cast<std::size_t>(frame.height));
    if (bands <= 1) {
        mapRange(m_image, table, m_lookupOffset, output, 0, count);
        return;
    }
    // More pieces than threads, taken in turn: when a worker is slow to be scheduled (a busy machine), the others,
    // the calling thread included, take its share instead of waiting for it.
    const std::size_t rowBytes = static_cast<std::size_t>(frame.bytesPerLine());
    const std::size_t rows = static_cast<std::size_t>(frame.height);
    const std::size_t pieces = std::min(rows, bands * piecesPerBand);
    std::atomic<std::size_t> nextPiece { 0 };
    const auto work = [&] {
        for (std::size_t piece = nextPiece++; piece < pieces; piece = nextPiece++)
            mapRange(m_image, table, m_lookupOffset, output, rows * piece / pieces * rowBytes,
                rows * (piece + 1) / pieces * rowBytes);
    };
    std::vector<std::thread> workers;
    workers.reserve(bands - 1);
    try {
        while (workers.size() < bands - 1)
            workers.emplace_back(work);
    } catch (const std::system_error&) {
        // No more threads to be had: those running and the calling thread share the pieces.
    }
    work();
    for (auto& worker : workers)
        worker.join();
}

std::size_t DisplayPipeline::renderBands() const
{
    if (m_renderBands > 0)
        return m_renderBands;
    static const std::size_t cores = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, bandsMaximum);
    return cores;
}

void DisplayPipeline::setRenderBands(std::size_t bands)
{
    m_renderBands = std::min<std::size_t>(bands, bandsMaximum);
}

GrayscaleImage DisplayPipeline::modelInput(const XrayImage& image)
{
    GrayscaleImage result;
    if (!image.isValid())
        return result;
    const VoiSettings voi = defaultVoi(image);
    const auto [low, high] = tableRange(image);
    const bool color = image.sampleFormat == SampleFormat::Rgb8;
    const bool invert = !color && isInvertedByImage(image);
    std::vector<float> table(static_cast<std::size_t>(high - low + 1));
    for (std::size_t i = 0; i < table.size(); ++i) {
        const int stored = low + static_cast<int>(i);
        if (!color && image.isPadding(stored)) {
            table[i] = 0.0f; // black, as displayed
            continue;
        }
        const double modality = color ? stored : image.modalityValue(stored);
        // Colour images go to the model as they are (their default VOI is the identity), then as luminance.
        const double value = color ? stored : std::clamp(applyVoi(modality, voi, image), 0.0, outputMaximum);
        table[i] = static_cast<float>(invert ? outputMaximum - value : value);
    }
    result.width = image.columns;
    result.height = image.rows;
    result.pixels.resize(image.pixelCount());
    const auto lookup = [&, low = low](int stored) { return table[static_cast<std::size_t>(stored - low)]; };
    switch (image.sampleFormat) {
    case SampleFormat::Unsigned8:
        std::transform(image.unsigned8().begin(), image.unsigned8().end(), result.pixels.begin(), lookup);
        break;
    case SampleFormat::Unsigned16:
        std::transform(image.unsigned16().begin(), image.unsigned16().end(), result.pixels.begin(), lookup);
        break;
    case SampleFormat::Signed16:
        std::transform(image.signed16().begin(), image.signed16().end(), result.pixels.begin(), lookup);
        break;
    case SampleFormat::Rgb8: {
        const auto rgb = image.rgb8();
        for (std::size_t i = 0; i < result.pixels.size(); ++i)
            result.pixels[i]
                = 0.299f * lookup(rgb[3 * i]) + 0.587f * lookup(rgb[3 * i + 1]) + 0.114f * lookup(rgb[3 * i + 2]);
        break;
    }
    }
    return result;
}

} // namespace lrclr
