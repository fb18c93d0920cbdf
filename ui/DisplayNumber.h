#pragma once

#include <cmath>

#include <QString>

namespace lrclr {

/// A window, level or pixel value as the viewer writes it: whole numbers without decimals, others with two.
inline QString displayNumber(double value)
{
    return std::abs(value - std::round(value)) < 1e-9 ? QString::number(value, 'f', 0) : QString::number(value, 'f', 2);
}

} // namespace lrclr
