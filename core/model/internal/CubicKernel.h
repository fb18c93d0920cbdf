#pragma once

#include <cmath>

namespace lrclr::internal {

/// Keys' cubic convolution with a = -0.75, the kernel of torch's (and torchvision's) bicubic interpolation, which
/// CheXzero's last resize step uses; also the kernel that maps patch maps back to pixels (PatchMapResampler).
inline double cubicKernel(double x)
{
    constexpr double a = -0.75;
    x = std::abs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

} // namespace lrclr::internal
