#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "core/model/GrayscaleImage.h"
#include "core/study/XrayImage.h"

namespace lrclr {

/// An allocator whose resize() leaves new bytes uninitialised: a frame is always overwritten completely, so zeroing
/// 9 MB first would only cost a pass over memory.
template<typename T> struct UninitializedAllocator : std::allocator<T> {
    template<typename U> struct rebind {
        using other = UninitializedAllocator<U>;
    };
    UninitializedAllocator() = default;
    template<typename U> UninitializedAllocator(const UninitializedAllocator<U>&) noexcept { }
    template<typename U> void construct(U* pointer) noexcept { ::new (static_cast<void*>(pointer)) U; }
    template<typename U, typename... Arguments> void construct(U* pointer, Arguments&&... arguments)
    {
        ::new (static_cast<void*>(pointer)) U(std::forward<Arguments>(arguments)...);
    }
};

/// An 8-bit frame ready to paint: gray (1 byte per pixel) or RGB (3 interleaved bytes), rows tightly packed.
/// The viewer wraps `bytes` in a QImage (Format_Grayscale8 or Format_RGB888) without copying.
struct DisplayFrame {
    int width = 0;
    int height = 0;
    int channels = 1; ///< 1 gray, 3 RGB
    std::vector<std::uint8_t, UninitializedAllocator<std::uint8_t>> bytes;

    int bytesPerLine() const { return width * channels; }
    bool isValid() const
    {
        return width > 0 && height > 0 && bytes.size() == static_cast<std::size_t>(width) * height * channels;
    }
};

/// The VOI step in use: a window (center/width in modality units with its function) or one of the image's VOI LUTs.
struct VoiSettings {
    double center = 0.0;
    double width = 1.0;
    VoiLutFunction function = VoiLutFunction::Linear;
    std::optional<int> voiLutIndex; ///< when set, XrayImage::voiLuts[*voiLutIndex] is used instead of the window
};

/// The DICOM grayscale display chain for one XrayImage: modality LUT (Modality LUT Sequence, else rescale) -> VOI
/// (window linear / linear-exact / sigmoid, or VOI LUT) -> presentation (MONOCHROME1 and Presentation LUT INVERSE
/// invert, plus a user inversion) -> 8-bit frame; padding (XrayImage::isPadding) is black whatever the settings. All
/// three steps are folded into one lookup table over the stored value range, rebuilt only when the settings change, so
/// re-rendering during a window/level drag costs one table lookup per pixel. Not thread-safe, not even for concurrent
/// const calls (the table is rebuilt lazily): use one pipeline per thread (copies are cheap: the image's pixels are
/// shared).
class DisplayPipeline {
public:
    DisplayPipeline() = default;
    explicit DisplayPipeline(XrayImage image);

    const XrayImage& image() const { return m_image; }

    /// The window the image asks for: its first window preset, else its first VOI LUT, else the full range of its
    /// modality values (excluding pixel padding).
    static VoiSettings defaultVoi(const XrayImage& image);
    /// An automatic window from the histogram: LINEAR over the modality values between the lowPercent and highPercent
    /// percentiles of the stored values, padding left out (e.g. 0.5 and 99.5). One pass over the pixels.
    static VoiSettings percentileVoi(const XrayImage& image, double lowPercent, double highPercent);

    const VoiSettings& voi() const { return m_voi; }
    void setVoi(const VoiSettings& voi);
    /// A custom window in modality units (what a window/level drag sets); keeps the current VOI function.
    void setWindow(double center, double width);
    /// Select the image's window preset `index` (0-based); returns false if there is none.
    bool selectWindowPreset(int index);
    /// Select the image's VOI LUT `index`; returns false if there is none.
    bool selectVoiLut(int index);
    void resetVoi();

    /// Extra user inversion on top of what the image's photometric interpretation / presentation LUT ask for.
    void setUserInverted(bool inverted);
    bool userInverted() const { return m_userInverted; }
    /// Whether the output is inverted in the end (MONOCHROME1 xor Presentation LUT INVERSE xor user inversion).
    bool effectiveInversion() const;

    DisplayFrame render() const;
    /// Render into an existing frame, reusing its buffer (no allocation when the size is unchanged). A large image is
    /// mapped in row bands on several threads, all joined before this returns; the bytes do not depend on how many.
    void renderInto(DisplayFrame& frame) const;

    /// Row bands (threads) a render uses: 0, the default, means one per core (up to 8), fewer for a small image so that
    /// each band has at least 512 Ki samples; n > 0 means exactly n (at most 8, at most one per row), for tests and
    /// benchmarks. renderBands() says how many a large image gets.
    void setRenderBands(std::size_t bands);
    std::size_t renderBands() const;

    /// Display value 0..255 of one stored value under the current settings (for tests and pixel read-outs).
    std::uint8_t displayValue(int storedValue) const;
    /// Modality value (after rescale) of the pixel at column x, row y; for RGB the luminance.
    double modalityValueAt(int x, int y) const;

    /// The model's input: the image's default VOI applied, MONOCHROME1 inverted, padding black, RGB converted to
    /// luminance, floats 0..255 at the original resolution.
    static GrayscaleImage modelInput(const XrayImage& image);

private:
    /// Settings changes only mark the table stale; it is rebuilt once, on the next render or lookup.
    void rebuildLookupTable() const;
    std::uint8_t entryFor(int stored, bool color, bool invert) const;

    XrayImage m_image;
    VoiSettings m_voi;
    bool m_userInverted = false;
    std::size_t m_renderBands = 0;
    int m_lookupOffset = 0; ///< stored value that maps to m_lookupTable[0]
    mutable std::vector<std::uint8_t> m_lookupTable;
    mutable bool m_lookupDirty = true;
    mutable bool m_tableBuilt = false; ///< every entry has been built once
    mutable std::size_t m_usedEntries = 0; ///< Unsigned16: entries below the highest bit set in any sample; 0 unknown
};

} // namespace lrclr
