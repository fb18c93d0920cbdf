#pragma once

#include <cstdint>
#include <string>

#include "training/PhantomCase.h"

namespace lrclr {

/// Writes a phantom's pixels as a DICOM Computed Radiography image (its bits stored in 16, MONOCHROME2 or, when
/// `monochrome1`, MONOCHROME1 with inverted stored values, the window moved with them and Presentation LUT Shape
/// INVERSE; pixel spacing, default window, ViewPosition PA, identifiers that say "synthetic phantom") or as a 16-bit
/// grayscale PNG (stored values scaled to the full 0..65535 range, always MONOCHROME2-looking: PNG has no
/// photometric interpretation to say "inverted", so the PNG is never inverted). Output is byte-identical for identical
/// input: UIDs are derived from the seed and index, dates are fixed. Reentrant: callers may write different files from
/// several threads at once.
class PhantomImageWriter {
public:
    /// Throws std::runtime_error naming the file when it cannot be written.
    static void writeDicom(const PhantomCase& phantom, const std::string& path);
    static void writePng(const PhantomCase& phantom, const std::string& path);

    /// A deterministic UID "2.25.<128-bit decimal>" for (seed, index, purpose), e.g. purpose "study".
    static std::string uid(std::uint64_t seed, int index, const std::string& purpose);
};

} // namespace lrclr
