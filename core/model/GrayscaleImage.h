#pragma once

#include <cstddef>
#include <vector>

namespace lrclr {

/// A single-channel image as the model consumes it: row-major floats on the display scale 0–255 (the default
/// window of the study already applied, MONOCHROME1 already inverted), at the original resolution.
struct GrayscaleImage {
    int width = 0;
    int height = 0;
    std::vector<float> pixels; ///< width * height values, row-major

    bool isValid() const
    {
        return width > 0 && height > 0 && pixels.size() == static_cast<std::size_t>(width) * height;
    }
    float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

} // namespace lrclr
