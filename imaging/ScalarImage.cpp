#include "imaging/ScalarImage.h"

#include <cmath>
#include <limits>

namespace lrclr {

std::pair<float, float> ScalarImage::finiteRange() const
{
    float lowest = std::numeric_limits<float>::max();
    float highest = std::numeric_limits<float>::lowest();
    for (const float value : values) {
        if (!std::isfinite(value))
            continue;
        lowest = std::min(lowest, value);
        highest = std::max(highest, value);
    }
    if (lowest > highest)
        return { 0.0f, 0.0f };
    return { lowest, highest };
}

} // namespace lrclr
