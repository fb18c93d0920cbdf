#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/study/XrayImage.h"

namespace lrclr {

/// A chest-radiograph-like 12-bit image (body, lung fields, rib-like bands, detector noise), deterministic, shared by
/// `lrclr bench study` and the study tests. It compresses losslessly about as well as a real CR, which matters when
/// timing decoders. Not a phantom for the model (see training/PhantomGenerator for that). Stateless; thread-safe.
class SyntheticRadiograph {
public:
    /// Window the written file carries (center, width): the full 12-bit range.
    static constexpr double windowCenter = 2048.0;
    static constexpr double windowWidth = 4096.0;

    /// size x size stored values in 0..4095, row-major.
    static std::vector<std::uint16_t> pixels(int size);
    /// The same pixels as an image in memory (12 bits stored, the window above as its preset): what the viewer shows
    /// when there is no study (smoke test, missing demo study).
    static XrayImage image(int size);
    /// Writes it as an uncompressed (explicit VR little endian) CR, MONOCHROME2, BitsStored 12, with the window above
    /// and fresh UIDs. Returns an error text naming the file, empty on success.
    static std::string writeDicom(const std::string& path, int size);
};

} // namespace lrclr
