#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lrclr {

/// How the stored samples of an XrayImage are laid out in memory (always native byte order, row-major, one frame).
enum class SampleFormat {
    Unsigned8, ///< monochrome, BitsAllocated 8
    Unsigned16, ///< monochrome, BitsAllocated 16, PixelRepresentation 0
    Signed16, ///< monochrome, BitsAllocated 16, PixelRepresentation 1 (already sign-extended from BitsStored)
    Rgb8, ///< colour, 3 interleaved bytes per pixel (YBR and palette colour are converted to RGB on reading)
};

enum class PhotometricInterpretation { Monochrome1, Monochrome2, Rgb };

/// Which attribute the pixel spacing came from (they mean different things: ImagerPixelSpacing is at the detector).
enum class PixelSpacingSource { None, PixelSpacing, ImagerPixelSpacing };

/// DICOM VOI LUT Function (0028,1056).
enum class VoiLutFunction { Linear, LinearExact, Sigmoid };

/// DICOM Presentation LUT Shape (2050,0020); Unspecified when the attribute is absent.
enum class PresentationLutShape { Unspecified, Identity, Inverse };

/// One Window Center/Width pair (0028,1050/1051) with its explanation (0028,1055), in modality (rescaled) units.
struct WindowPreset {
    double center = 0.0;
    double width = 1.0;
    std::string explanation;
};

/// The Modality LUT Sequence (0028,3000): maps stored values to modality values; when present it replaces Rescale
/// Slope/Intercept (PS3.3 C.11.1). Stored values below / above the table map to its first / last entry.
struct ModalityLut {
    int firstMappedValue = 0; ///< stored value that maps to data[0]
    int bitsPerEntry = 16;
    std::vector<std::uint16_t> data;
    std::string type; ///< Modality LUT Type (0028,3004), e.g. "OD", "US"
    std::string explanation;
};

/// One item of the VOI LUT Sequence (0028,3010): maps modality values to display values.
struct VoiLut {
    int firstMappedValue = 0; ///< modality value that maps to data[0]
    int bitsPerEntry = 16;
    std::vector<std::uint16_t> data;
    std::string explanation;
};

/// Who and what an image belongs to. Strings are decoded to UTF-8 (SpecificCharacterSet honoured) and are plain text:
/// a name may contain "<script>" and must be shown as text, never interpreted as markup.
struct DicomIdentity {
    std::string patientName; ///< DICOM PN with '^' separators kept, e.g. "Doe^John"
    std::string patientId;
    std::string patientBirthDate;
    std::string patientSex;
    std::string accessionNumber;
    std::string referringPhysicianName; ///< DICOM PN, e.g. "Roe^Richard"; empty when absent
    std::string studyInstanceUid;
    std::string studyId;
    std::string studyDate;
    std::string studyTime;
    std::string studyDescription;
    std::string seriesInstanceUid;
    std::string seriesNumber;
    std::string seriesDescription;
    std::string modality;
    std::string sopClassUid;
    std::string sopInstanceUid;
    std::string instanceNumber;
    std::string bodyPartExamined;
    /// Frame of Reference UID (0020,0052); empty when the image has none (most projection radiographs).
    std::string frameOfReferenceUid;
};

/// One decoded frame of a projection X-ray (DICOM or raster), stored values kept as stored (not windowed), with all
/// the attributes needed to display it. A value type: copies share the immutable pixel buffer, so copying is cheap.
/// Thread-safe to read from several threads (the buffer is never modified after construction).
struct XrayImage {
    /// Immutable sample storage; exactly one vector is filled, matching sampleFormat, or (16-bit formats only) the
    /// samples lie in memory the reader already held: `adopted` owns it (e.g. the whole file the frame was read
    /// with) and `adoptedSamples` points at the first of `adoptedCount` samples. This spares a copy of the frame.
    struct PixelBuffer {
        std::vector<std::uint8_t> unsigned8; ///< Unsigned8 and Rgb8
        std::vector<std::uint16_t> unsigned16;
        std::vector<std::int16_t> signed16;
        std::shared_ptr<const void> adopted;
        const std::uint16_t* adoptedSamples = nullptr;
        std::size_t adoptedCount = 0;
    };

    int rows = 0;
    int columns = 0;
    SampleFormat sampleFormat = SampleFormat::Unsigned16;
    std::shared_ptr<const PixelBuffer> pixels;

    PhotometricInterpretation photometric = PhotometricInterpretation::Monochrome2;
    std::string photometricAsStored; ///< e.g. "YBR_FULL_422" when the reader converted it to RGB
    int bitsAllocated = 16;
    int bitsStored = 16;
    int highBit = 15;
    int pixelRepresentation = 0; ///< 0 unsigned, 1 two's complement
    /// 32-bit integer or floating point samples (rare in projection radiography: dose maps, parametric maps) are kept
    /// as 16-bit samples plus a linear map folded into rescaleSlope/Intercept (and the padding values), so modality
    /// values stay right: exact when the values span at most 65536 integers, else within 1/65535 of their range.
    /// bitsStored is then 16; bitsAllocated stays as in the file.
    bool requantizedTo16Bits = false;

    double rescaleSlope = 1.0;
    double rescaleIntercept = 0.0;
    std::string rescaleType;
    std::optional<ModalityLut> modalityLut; ///< replaces the rescale when set

    std::vector<WindowPreset> windowPresets;
    std::vector<VoiLut> voiLuts;
    VoiLutFunction voiLutFunction = VoiLutFunction::Linear;
    PresentationLutShape presentationLutShape = PresentationLutShape::Unspecified;
    std::optional<double> pixelPaddingValue; ///< stored value marking padding (0028,0120)
    /// (0028,0121): with it, every stored value between it and pixelPaddingValue (inclusive) is padding.
    std::optional<double> pixelPaddingRangeLimit;

    /// Row spacing then column spacing in mm (DICOM order), when known.
    std::optional<double> rowSpacingMm;
    std::optional<double> columnSpacingMm;
    PixelSpacingSource pixelSpacingSource = PixelSpacingSource::None;

    int numberOfFrames = 1;
    int frameIndex = 0; ///< which frame (0-based) these pixels are
    std::string viewPosition; ///< (0018,5101), e.g. "PA", "AP", "LL"; empty when unknown
    std::string imageLaterality;

    DicomIdentity identity;
    std::string transferSyntaxUid; ///< source transfer syntax; empty for raster files
    std::string transferSyntaxName;
    std::string sourcePath; ///< file it was read from (UTF-8)

    bool isValid() const;
    bool isColor() const { return sampleFormat == SampleFormat::Rgb8; }
    std::size_t pixelCount() const { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns); }

    /// Typed views of the samples; empty unless sampleFormat matches.
    std::span<const std::uint8_t> unsigned8() const;
    std::span<const std::uint16_t> unsigned16() const;
    std::span<const std::int16_t> signed16() const;
    /// Interleaved RGB bytes (3 per pixel) for Rgb8.
    std::span<const std::uint8_t> rgb8() const;

    /// Smallest and largest stored value (Rgb8: over all channels). Computed on each call (one pass).
    std::pair<int, int> storedRange() const;
    /// Stored value of the pixel at column x, row y (Rgb8: luminance); 0 outside the image.
    double storedValue(int x, int y) const;
    /// Modality value of a stored value: through the Modality LUT when there is one, else the rescale.
    double modalityValue(double storedValue) const;
    /// Whether a stored value is padding (Pixel Padding Value, or the range up to Pixel Padding Range Limit). Padding
    /// marks pixels outside the collimated field: displayed black and left out of automatic windows.
    bool isPadding(double storedValue) const;

    /// Factories for readers of raster files (PNG/JPEG/TIFF) and for tests.
    static XrayImage fromUnsigned8(int rows, int columns, std::vector<std::uint8_t> samples);
    static XrayImage fromUnsigned16(int rows, int columns, std::vector<std::uint16_t> samples, int bitsStored = 16);
    static XrayImage fromSigned16(int rows, int columns, std::vector<std::int16_t> samples, int bitsStored = 16);
    static XrayImage fromRgb8(int rows, int columns, std::vector<std::uint8_t> interleavedRgb);
};

const char* toString(PhotometricInterpretation value);
const char* toString(PixelSpacingSource value);
const char* toString(VoiLutFunction value);
const char* toString(PresentationLutShape value);

} // namespace lrclr
