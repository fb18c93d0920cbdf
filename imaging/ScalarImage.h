#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace lrclr {

/// A single-channel float raster (a heatmap at display or original resolution), row-major. NaN marks "no data"
/// (e.g. outside the model's field of view). A plain value: safe to copy between threads.
struct ScalarImage {
    int width = 0;
    int height = 0;
    std::vector<float> values;

    bool isValid() const
    {
        return width > 0 && height > 0 && values.size() == static_cast<std::size_t>(width) * height;
    }
    float at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }

    /// Smallest and largest finite value; {0, 0} when there is none.
    std::pair<float, float> finiteRange() const;
};

} // namespace lrclr
