#include "training/internal/PhantomExposure.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

std::vector<float> composeLineIntegral(const PhantomCanvas& canvas)
{
    const bool pneumothorax = !canvas.pneumothorax.empty();
    std::vector<float> mu(canvas.count);
    for (std::size_t p = 0; p < canvas.count; ++p) {
        const double fill = canvas.fill[p];
        double air = canvas.air[p] * (1.0 - fill);
        double vessels = canvas.vessels[p] * std::min(1.0, canvas.lungPresence[p] * 1.5) * (1.0 - fill);
        if (pneumothorax) {
            const double pleural = canvas.pneumothorax[p];
            air += 0.6 * pleural * canvas.lungPresence[p];
            vessels *= 1.0 - pleural;
        }
        mu[p] = static_cast<float>(canvas.tissue[p] - air + canvas.extra[p] + vessels);
    }
    return mu;
}

// A separable [1 2 1] / 4 blur, through `blurred` (size x size, overwritten).
void blur(std::vector<float>& mu, std::vector<float>& blurred, int size)
{
    for (int y = 0; y < size; ++y) {
        const float* row = &mu[static_cast<std::size_t>(y) * size];
        float* out = &blurred[static_cast<std::size_t>(y) * size];
        for (int x = 0; x < size; ++x)
            out[x] = 0.25f * row[std::max(0, x - 1)] + 0.5f * row[x] + 0.25f * row[std::min(size - 1, x + 1)];
    }
    for (int y = 0; y < size; ++y) {
        const float* above = &blurred[static_cast<std::size_t>(std::max(0, y - 1)) * size];
        const float* row = &blurred[static_cast<std::size_t>(y) * size];
        const float* below = &blurred[static_cast<std::size_t>(std::min(size - 1, y + 1)) * size];
        float* out = &mu[static_cast<std::size_t>(y) * size];
        for (int x = 0; x < size; ++x)
            out[x] = 0.25f * above[x] + 0.5f * row[x] + 0.25f * below[x];
    }
}

} // namespace

std::vector<float> lineIntegral(PhantomCanvas& canvas)
{
    std::vector<float> mu = composeLineIntegral(canvas);
    blur(mu, canvas.fill, canvas.size); // the fill is no longer needed
    return mu;
}

void expose(
    const std::vector<float>& mu, DeterministicRandom& random, DeterministicRandom& noiseRandom, PhantomCase& result)
{
    const int size = result.width;
    const double photons = random.uniform(2500.0, 9000.0) * (512.0 / size) * (512.0 / size);
    const double heel = random.uniform(-0.12, 0.12);
    const double gain = random.uniform(1050.0, 1300.0);
    const double offset = random.uniform(120.0, 320.0);
    const double maximum = (1 << result.bitsStored) - 1;
    result.pixels.resize(mu.size());
    for (int y = 0; y < size; ++y) {
        const double exposure = photons * (1.0 + heel * (static_cast<double>(y) / size - 0.5));
        const double rowOffset = offset - gain * std::log(exposure / photons);
        const double rootExposure = std::sqrt(exposure);
        for (int x = 0; x < size; ++x) {
            const std::size_t p = static_cast<std::size_t>(y) * size + x;
            // Detected counts N = E e^-mu (1 + z / sqrt(E e^-mu)); -ln(N / E) = mu - ln(1 + r) with the relative
            // noise r, expanded to third order while it is small (one exp per pixel instead of exp, sqrt and log).
            const double attenuation = std::exp(-0.5 * static_cast<double>(mu[p]));
            const double relative = noiseRandom.fastNormal() / (rootExposure * attenuation);
            const double logTerm = std::abs(relative) < 0.3
                ? relative - relative * relative * (0.5 - relative * (1.0 / 3.0))
                : std::log(std::max(1e-3, 1.0 + relative));
            const double value = rowOffset + gain * (static_cast<double>(mu[p]) - logTerm) + 0.5;
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(value, 0.0, maximum));
        }
    }
    const double low = offset + gain * 0.45;
    const double high = offset + gain * 3.1;
    result.windowCenter = std::round((low + high) / 2);
    result.windowWidth = std::round(high - low);
}

} // namespace lrclr::internal
