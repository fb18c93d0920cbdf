#include "training/DomainRandomization.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "training/DeterministicRandom.h"

namespace lrclr {

namespace {

using Box = PhantomCase::Box;

// Floating-point working image (stored values, MONOCHROME2).
struct Plane {
    int width = 0;
    int height = 0;
    std::vector<double> values;

    double at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }
    double& at(int x, int y) { return values[static_cast<std::size_t>(y) * width + x]; }
};

// Forward map of the re-sampling: output = scale * R(angle) * (input - inputCentre) + outputCentre.
struct Placement {
    double scale = 1.0;
    double angle = 0.0;
    double inputCentreX = 0.0;
    double inputCentreY = 0.0;
    double outputCentreX = 0.0;
    double outputCentreY = 0.0;

    void forward(double x, double y, double& outX, double& outY) const
    {
        const double dx = x - inputCentreX;
        const double dy = y - inputCentreY;
        outX = scale * (std::cos(angle) * dx - std::sin(angle) * dy) + outputCentreX;
        outY = scale * (std::sin(angle) * dx + std::cos(angle) * dy) + outputCentreY;
    }

    void inverse(double x, double y, double& inX, double& inY) const
    {
        const double dx = (x - outputCentreX) / scale;
        const double dy = (y - outputCentreY) / scale;
        inX = std::cos(angle) * dx + std::sin(angle) * dy + inputCentreX;
        inY = -std::sin(angle) * dx + std::cos(angle) * dy + inputCentreY;
    }
};

double percentile(std::vector<double> values, double fraction)
{
    const auto at = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<long>(at), values.end());
    return values[at];
}

Box clipped(const Box& box, double left, double top, double right, double bottom)
{
    const double x0 = std::clamp(box.x, left, right);
    const double y0 = std::clamp(box.y, top, bottom);
    const double x1 = std::clamp(box.x + box.width, left, right);
    const double y1 = std::clamp(box.y + box.height, top, bottom);
    return Box { x0, y0, x1 - x0, y1 - y0 };
}

// The bounding box of a box's moved corners.
Box placedBox(const Box& box, const Placement& placement)
{
    double minX = 1e18, minY = 1e18, maxX = -1e18, maxY = -1e18;
    for (const double cx : { box.x, box.x + box.width }) {
        for (const double cy : { box.y, box.y + box.height }) {
            double x = 0.0, y = 0.0;
            placement.forward(cx, cy, x, y);
            minX = std::min(minX, x);
            minY = std::min(minY, y);
            maxX = std::max(maxX, x);
            maxY = std::max(maxY, y);
        }
    }
    return Box { minX, minY, maxX - minX, maxY - minY };
}

// Drops boxes that left the image (or kept less than a sliver) and clips the rest.
void moveBoxes(PhantomCase& phantom, const Placement& placement, double left, double top, double right, double bottom)
{
    for (auto& finding : phantom.findings) {
        std::vector<Box> kept;
        for (const auto& box : finding.boxes) {
            const Box moved = clipped(placedBox(box, placement), left, top, right, bottom);
            if (moved.width >= 2.0 && moved.height >= 2.0)
                kept.push_back(moved);
        }
        finding.boxes = std::move(kept);
    }
}

// Random size and aspect ratio around the canvas size; the patient zoomed, shifted and rotated a little.
Plane resample(const PhantomCase& phantom, DeterministicRandom& random, Placement& placement, double background)
{
    const int size = std::max(phantom.width, phantom.height);
    const double aspect = random.uniform(0.72, 1.25); // width / height
    const double area = random.uniform(0.85, 1.35) * size * size;
    Plane plane;
    plane.width = std::clamp(static_cast<int>(std::lround(std::sqrt(area * aspect))), 64, 4096);
    plane.height = std::clamp(static_cast<int>(std::lround(std::sqrt(area / aspect))), 64, 4096);
    plane.values.assign(static_cast<std::size_t>(plane.width) * plane.height, background);
    placement.scale = random.uniform(0.82, 1.12) * std::min(plane.width, plane.height) / static_cast<double>(size);
    placement.angle = random.uniform(-6.0, 6.0) * 3.14159265358979 / 180.0;
    placement.inputCentreX = phantom.width / 2.0;
    placement.inputCentreY = phantom.height / 2.0;
    placement.outputCentreX = plane.width / 2.0 + random.uniform(-0.06, 0.06) * plane.width;
    placement.outputCentreY = plane.height / 2.0 + random.uniform(-0.05, 0.05) * plane.height;
    for (int y = 0; y < plane.height; ++y) {
        for (int x = 0; x < plane.width; ++x) {
            double sx = 0.0, sy = 0.0;
            placement.inverse(x + 0.5, y + 0.5, sx, sy);
            sx -= 0.5;
            sy -= 0.5;
            if (sx < 0.0 || sy < 0.0 || sx > phantom.width - 1.0 || sy > phantom.height - 1.0)
                continue;
            const int x0 = std::min(static_cast<int>(sx), phantom.width - 2);
            const int y0 = std::min(static_cast<int>(sy), phantom.height - 2);
            const double fx = sx - x0;
            const double fy = sy - y0;
            const auto source = [&](int px, int py) {
                return static_cast<double>(phantom.pixels[static_cast<std::size_t>(py) * phantom.width + px]);
            };
            const double top = source(x0, y0) * (1 - fx) + source(x0 + 1, y0) * fx;
            const double bottom = source(x0, y0 + 1) * (1 - fx) + source(x0 + 1, y0 + 1) * fx;
            plane.at(x, y) = top * (1 - fy) + bottom * fy;
        }
    }
    return plane;
}

void gaussianBlur(Plane& plane, double sigma)
{
    const int radius = std::max(1, static_cast<int>(std::ceil(2.5 * sigma)));
    std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
    double sum = 0.0;
    for (int i = -radius; i <= radius; ++i)
        sum += kernel[static_cast<std::size_t>(i + radius)] = std::exp(-0.5 * i * i / (sigma * sigma));
    for (auto& weight : kernel)
        weight /= sum;
    std::vector<double> temporary(plane.values.size());
    for (int y = 0; y < plane.height; ++y)
        for (int x = 0; x < plane.width; ++x) {
            double value = 0.0;
            for (int i = -radius; i <= radius; ++i)
                value += kernel[static_cast<std::size_t>(i + radius)]
                    * plane.at(std::clamp(x + i, 0, plane.width - 1), y);
            temporary[static_cast<std::size_t>(y) * plane.width + x] = value;
        }
    for (int y = 0; y < plane.height; ++y)
        for (int x = 0; x < plane.width; ++x) {
            double value = 0.0;
            for (int i = -radius; i <= radius; ++i)
                value += kernel[static_cast<std::size_t>(i + radius)]
                    * temporary[static_cast<std::size_t>(std::clamp(y + i, 0, plane.height - 1)) * plane.width + x];
            plane.at(x, y) = value;
        }
}

// Blur, extra electronic noise and a tone curve between the window's ends (another reader's look-up table).
void applyDetectorLook(Plane& plane, double low, double high, DeterministicRandom& random)
{
    if (random.chance(0.6))
        gaussianBlur(plane, random.uniform(0.5, 1.4));
    const double noise = random.uniform(0.0, 0.012) * (high - low);
    const double gamma = random.uniform(0.7, 1.45);
    for (auto& value : plane.values) {
        const double t = std::clamp((value - low) / (high - low), -0.5, 1.5);
        const double curved = t <= 0.0 ? t : (t >= 1.0 ? 1.0 + (t - 1.0) * gamma : std::pow(t, gamma));
        value = low + curved * (high - low) + noise * random.fastNormal();
    }
}

// Collimator blades: unexposed borders are bright. Returns the exposed field.
Box collimate(Plane& plane, double bright, DeterministicRandom& random)
{
    Box field { 0.0, 0.0, static_cast<double>(plane.width), static_cast<double>(plane.height) };
    if (!random.chance(0.35))
        return field;
    const int left = static_cast<int>(random.uniform(0.0, 0.07) * plane.width);
    const int right = plane.width - static_cast<int>(random.uniform(0.0, 0.07) * plane.width);
    const int top = static_cast<int>(random.uniform(0.0, 0.05) * plane.height);
    const int bottom = plane.height - static_cast<int>(random.uniform(0.0, 0.05) * plane.height);
    for (int y = 0; y < plane.height; ++y)
        for (int x = 0; x < plane.width; ++x)
            if (x < left || x >= right || y < top || y >= bottom)
                plane.at(x, y) = bright;
    return Box { static_cast<double>(left), static_cast<double>(top), static_cast<double>(right - left),
        static_cast<double>(bottom - top) };
}

// A lead side marker in an upper corner: a bright block with a dark bar (a letter's stroke).
void burnMarker(Plane& plane, double bright, double dark, DeterministicRandom& random)
{
    if (!random.chance(0.45))
        return;
    const int side = std::max(6, static_cast<int>(random.uniform(0.025, 0.045) * std::min(plane.width, plane.height)));
    const bool leftCorner = random.chance(0.5);
    const int x0
        = leftCorner ? static_cast<int>(0.04 * plane.width) : plane.width - side - static_cast<int>(0.04 * plane.width);
    const int y0 = static_cast<int>(random.uniform(0.03, 0.12) * plane.height);
    for (int y = y0; y < std::min(plane.height, y0 + side); ++y)
        for (int x = std::max(0, x0); x < std::min(plane.width, x0 + side); ++x) {
            const bool stroke
                = (x - x0) > side / 4 && (x - x0) < side / 2 && (y - y0) > side / 6 && (y - y0) < side * 5 / 6;
            plane.at(x, y) = stroke ? dark : bright;
        }
}

} // namespace

void DomainRandomization::apply(PhantomCase& phantom, DeterministicRandom& random)
{
    const double low0 = phantom.windowCenter - phantom.windowWidth / 2;
    const double high0 = phantom.windowCenter + phantom.windowWidth / 2;
    std::vector<double> original(phantom.pixels.begin(), phantom.pixels.end());
    const double background = percentile(original, 0.002);
    const double bright = high0 + 0.15 * (high0 - low0);

    Placement placement;
    Plane plane = resample(phantom, random, placement, background);
    applyDetectorLook(plane, low0, high0, random);
    const Box field = collimate(plane, bright, random);
    burnMarker(plane, bright, background, random);

    // Bit depth: the 12-bit values scaled to 10, 12, 14 or 16 bits; the stored default window is off by a random
    // amount (other sites' readers pick other windows).
    static const int depths[] = { 10, 12, 12, 14, 16 };
    const int bits = depths[random.integer(0, 4)];
    const double factor = std::ldexp(1.0, bits - phantom.bitsStored);
    const double maximum = std::ldexp(1.0, bits) - 1;
    phantom.pixels.assign(plane.values.size(), 0);
    for (std::size_t i = 0; i < plane.values.size(); ++i)
        phantom.pixels[i] = static_cast<std::uint16_t>(
            std::clamp(std::lround(plane.values[i] * factor), 0L, static_cast<long>(maximum)));
    const double width = (high0 - low0) * random.uniform(0.8, 1.3);
    const double centre = (low0 + high0) / 2 + random.uniform(-0.1, 0.1) * (high0 - low0);
    phantom.windowCenter = std::round(centre * factor);
    phantom.windowWidth = std::max(2.0, std::round(width * factor));
    phantom.bitsStored = bits;
    phantom.monochrome1 = random.chance(0.25);
    phantom.pixelSpacingMm /= placement.scale;
    phantom.width = plane.width;
    phantom.height = plane.height;
    moveBoxes(phantom, placement, field.x, field.y, field.x + field.width, field.y + field.height);
}

} // namespace lrclr
