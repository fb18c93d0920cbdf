#include "core/model/MixedPrecision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace lrclr {

namespace {

// LibTorch 2.4 made autocast per device type; 1.13 had one switch and one dtype for CUDA.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cudaAutocastEnabled()
{
    return at::autocast::is_autocast_enabled(at::kCUDA);
}
void setCudaAutocast(bool enabled)
{
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
    if (enabled)
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
}
#else
bool cudaAutocastEnabled()
{
    return at::autocast::is_enabled();
}
void setCudaAutocast(bool enabled)
{
    at::autocast::set_enabled(enabled);
    if (enabled)
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
}
#endif

} // namespace

MixedPrecision::MixedPrecision(bool enabled)
    : m_enabled(enabled)
{
    if (!m_enabled)
        return;
    m_previous = cudaAutocastEnabled();
    setCudaAutocast(true);
    at::autocast::increment_nesting();
}

MixedPrecision::~MixedPrecision()
{
    if (!m_enabled)
        return;
    // As torch.autocast's __exit__: the cast weights are cached while autocast regions nest; drop them at the
    // outermost.
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setCudaAutocast(m_previous);
}

} // namespace lrclr
