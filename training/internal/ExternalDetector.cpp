#include "training/internal/ExternalDetector.h"

#include <array>
#include <cstdint>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

// 5 x 7 glyphs of the burned-in side marker.
constexpr std::array<const char*, 7> glyphR { "11110", "10001", "10001", "11110", "10100", "10010", "10001" };
constexpr std::array<const char*, 7> glyphL { "10000", "10000", "10000", "10000", "10000", "10000", "11111" };

} // namespace

std::vector<float> externalLineIntegral(const ExternalCanvas& canvas, double airStrength)
{
    std::vector<float> density(canvas.tissue.size());
    for (std::size_t p = 0; p < density.size(); ++p) {
        const double aerated = canvas.air[p] * (1.0 - std::min(1.0f, canvas.fill[p]));
        density[p] = static_cast<float>(
            canvas.tissue[p] - airStrength * aerated + canvas.markings[p] * aerated * 1.6 + canvas.devices[p]);
    }
    return density;
}

void blurLikeDetector(std::vector<float>& density, int width, int height, DeterministicRandom& detectorRandom)
{
    const int blurRadius = detectorRandom.integer(1, 2);
    boxBlur(density, width, height, blurRadius);
    if (detectorRandom.chance(0.6))
        boxBlur(density, width, height, 1);
}

ExternalDetector::ExternalDetector(DeterministicRandom& detectorRandom, int bitsStored)
    : m_maximum((1 << bitsStored) - 1)
    , m_range(m_maximum * detectorRandom.uniform(0.74, 0.9))
    , m_pedestal(m_maximum * detectorRandom.uniform(0.02, 0.06))
    , m_gamma(detectorRandom.uniform(0.75, 1.3))
    , m_high(detectorRandom.uniform(1.75, 2.0))
    , m_whiteNoise(detectorRandom.uniform(0.004, 0.01))
    , m_grainNoise(detectorRandom.uniform(0.003, 0.009))
{
}

void ExternalDetector::readOut(
    const std::vector<float>& density, DeterministicRandom& noiseRandom, PhantomCase& result) const
{
    const int width = result.width;
    const int height = result.height;
    // Correlated noise on a half-resolution grid.
    const int grainWidth = width / 2 + 2;
    const int grainHeight = height / 2 + 2;
    std::vector<float> grain(static_cast<std::size_t>(grainWidth) * grainHeight);
    for (auto& value : grain)
        value = static_cast<float>(noiseRandom.fastNormal());
    result.pixels.resize(density.size());
    for (int y = 0; y < height; ++y) {
        const int gy = y / 2;
        const double fy = (y % 2) * 0.5;
        for (int x = 0; x < width; ++x) {
            const int gx = x / 2;
            const double fx = (x % 2) * 0.5;
            const auto g = [&](int ix, int iy) { return grain[static_cast<std::size_t>(iy) * grainWidth + ix]; };
            const double correlated = (g(gx, gy) * (1 - fx) + g(gx + 1, gy) * fx) * (1 - fy)
                + (g(gx, gy + 1) * (1 - fx) + g(gx + 1, gy + 1) * fx) * fy;
            const std::size_t p = static_cast<std::size_t>(y) * width + x;
            const double out = mapDensity(density[p]);
            const double sigma = 0.6 + 0.8 * out;
            const double value = m_pedestal
                + m_range * (out + sigma * (m_whiteNoise * noiseRandom.fastNormal() + m_grainNoise * 1.4 * correlated));
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(std::round(value), 0.0, m_maximum));
        }
    }
}

void ExternalDetector::collimateAndMark(PhantomCase& result, DeterministicRandom& detectorRandom) const
{
    const int width = result.width;
    const int height = result.height;
    const double w = width;
    const double h = height;
    // Collimation: unexposed (bright) margins with a slightly soft edge.
    const double left = w * detectorRandom.uniform(0.0, 0.05);
    const double right = w * (1.0 - detectorRandom.uniform(0.0, 0.05));
    const double top = h * detectorRandom.uniform(0.0, 0.04);
    const double bottom = h * (1.0 - detectorRandom.uniform(0.0, 0.05));
    const double shutter = m_pedestal + m_range * detectorRandom.uniform(0.82, 0.95);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double inside = std::min({ x - left, right - x, y - top, bottom - y });
            const double blend = 1.0 - smoothstep(-1.5, 1.5, inside);
            if (blend <= 0.0)
                continue;
            const std::size_t p = static_cast<std::size_t>(y) * width + x;
            const double value = result.pixels[p] * (1.0 - blend) + shutter * blend;
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(std::round(value), 0.0, m_maximum));
        }
    burnInMarker(result, detectorRandom, left, right, top);
}

void ExternalDetector::burnInMarker(
    PhantomCase& result, DeterministicRandom& detectorRandom, double left, double right, double top) const
{
    const int width = result.width;
    const int height = result.height;
    const double w = width;
    const double h = height;
    // The burned-in lead marker: "R" at the image's left (the patient's right) or "L" at its right, in a box.
    if (detectorRandom.chance(0.8)) {
        const bool rightMarker = detectorRandom.chance(0.6);
        const auto& glyph = rightMarker ? glyphR : glyphL;
        const int cell = std::max(3, static_cast<int>(h * 0.0055));
        const int boxWidth = 7 * cell;
        const int boxHeight = 9 * cell;
        const int x0 = rightMarker ? static_cast<int>(left + w * 0.03) : static_cast<int>(right - w * 0.03) - boxWidth;
        const int y0 = static_cast<int>(top + h * 0.025);
        const double bright = m_pedestal + m_range * 0.98;
        const double plate = m_pedestal + m_range * 0.3;
        for (int y = 0; y < boxHeight; ++y)
            for (int x = 0; x < boxWidth; ++x) {
                const int px = x0 + x;
                const int py = y0 + y;
                if (px < 0 || py < 0 || px >= width || py >= height)
                    continue;
                const bool border = x < cell / 2 + 1 || y < cell / 2 + 1 || x >= boxWidth - cell / 2 - 1
                    || y >= boxHeight - cell / 2 - 1;
                const int gx = x / cell - 1;
                const int gy = y / cell - 1;
                const bool ink
                    = gx >= 0 && gx < 5 && gy >= 0 && gy < 7 && glyph[static_cast<std::size_t>(gy)][gx] == '1';
                result.pixels[static_cast<std::size_t>(py) * width + px]
                    = static_cast<std::uint16_t>(std::clamp(border || ink ? bright : plate, 0.0, m_maximum));
            }
    }
}

void ExternalDetector::setWindow(PhantomCase& result) const
{
    const double windowLow = m_pedestal + m_range * mapDensity(0.02);
    const double windowHigh = m_pedestal + m_range * mapDensity(1.3);
    result.windowCenter = std::round((windowLow + windowHigh) / 2);
    result.windowWidth = std::max(2.0, std::round(windowHigh - windowLow));
}

} // namespace lrclr::internal
