#pragma once

#include <memory>
#include <string>

#include "core/study/XrayImage.h"

namespace lrclr {

/// Reads one frame of a DICOM image file into an XrayImage, in every common transfer syntax (native little/big
/// endian, deflated, JPEG, JPEG-LS, RLE via DCMTK; JPEG 2000 via OpenJPEG). Hostile files are refused with a message
/// naming the file and the problem, before any allocation sized by untrusted header values.
/// Not thread-safe per instance; separate instances may be used on separate threads.
class DicomImageReader {
public:
    DicomImageReader();
    ~DicomImageReader();
    DicomImageReader(const DicomImageReader&) = delete;
    DicomImageReader& operator=(const DicomImageReader&) = delete;

    /// Largest nesting depth of sequences accepted (DCMTK's parser recurses per level).
    static constexpr int maximumSequenceDepth = 64;
    /// Largest rows * columns * samples accepted for one frame.
    static constexpr long long maximumFramePixels = 1LL << 28;

    /// Reads frame `frameIndex` (0-based). Returns false and sets errorString() on failure; `image` is then untouched.
    bool read(const std::string& path, XrayImage& image, int frameIndex = 0);
    /// The last failure, naming the file and the problem; empty after success.
    const std::string& errorString() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr
