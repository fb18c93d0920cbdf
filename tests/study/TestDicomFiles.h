#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lrclr::test {

/// Transfer syntaxes the tests write synthetic images in.
enum class TestSyntax {
    ExplicitLittle,
    ImplicitLittle,
    ExplicitBig,
    Deflated,
    Rle,
    JpegLossless,
    JpegLs,
    JpegBaseline,
    Jpeg2000Lossless,
    Jpeg2000Lossy,
};

/// One attribute to add to a synthetic image: tag, and the value as DCMTK's string form (backslash for VM > 1).
struct TestAttribute {
    std::uint16_t group;
    std::uint16_t element;
    std::string value;
};

/// A lookup table for the Modality LUT Sequence (0028,3000).
struct TestLut {
    int firstMapped = 0;
    int bits = 16;
    std::vector<std::uint16_t> data;
    std::string type = "US";
};

/// A synthetic image: samples are the stored values (frames x rows x columns x samplesPerPixel, interleaved colour).
struct SyntheticImage {
    int rows = 40;
    int columns = 30;
    int frames = 1;
    int samplesPerPixel = 1;
    int bitsAllocated = 16;
    int bitsStored = 12;
    int pixelRepresentation = 0;
    std::string photometric = "MONOCHROME2";
    std::vector<std::int32_t> samples; ///< 1-bit images: 0 or 1, bit-packed on writing
    std::vector<float> floatSamples; ///< when set: written as Float Pixel Data (7FE0,0008), bitsAllocated 32
    std::vector<TestAttribute> attributes; ///< Pixel Padding Value / Range Limit are written as US
    std::optional<TestLut> modalityLut;
};

/// A deterministic pattern covering the stored value range (gradient plus texture), so codecs have real work.
std::vector<std::int32_t> patternSamples(const SyntheticImage& image);

/// Writes `image` as a DICOM Part 10 file with DCMTK (and OpenJPEG for JPEG 2000). Returns an error text, empty on
/// success.
std::string writeSyntheticDicom(const SyntheticImage& image, TestSyntax syntax, const std::string& path);

/// Builds raw explicit VR little endian Part 10 bytes by hand, for files DCMTK would refuse to write.
class RawDicomBuilder {
public:
    explicit RawDicomBuilder(const std::string& transferSyntaxUid = "1.2.840.10008.1.2.1");
    /// An element with a 2-byte or 4-byte length field as its VR requires; `declaredLength` overrides the length.
    RawDicomBuilder& element(std::uint16_t group, std::uint16_t element, const std::string& vr,
        const std::vector<std::uint8_t>& value, long long declaredLength = -1);
    RawDicomBuilder& text(std::uint16_t group, std::uint16_t element, const std::string& vr, std::string value);
    RawDicomBuilder& unsignedShort(std::uint16_t group, std::uint16_t element, std::uint16_t value);
    /// Raw bytes appended as they are (nested sequences, delimiters, truncation).
    RawDicomBuilder& raw(const std::vector<std::uint8_t>& bytes);
    /// A minimal 16-bit MONOCHROME2 image header (no Pixel Data).
    RawDicomBuilder& imageHeader(int rows, int columns, int bitsAllocated = 16, int bitsStored = 12, int highBit = 11);

    const std::vector<std::uint8_t>& bytes() const { return m_bytes; }
    bool save(const std::string& path) const;

private:
    std::vector<std::uint8_t> m_bytes;
};

} // namespace lrclr::test
