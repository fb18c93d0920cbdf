#include "core/results/OverlaySnapshotRenderer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lrclr {

namespace {

constexpr unsigned char palette[OverlaySnapshotRenderer::paletteSize][3] = {
    { 255, 215, 0 }, // gold
    { 0, 200, 255 }, // sky blue
    { 255, 64, 160 }, // pink
    { 64, 255, 96 }, // green
    { 255, 128, 0 }, // orange
    { 180, 120, 255 }, // violet
};

void setPixel(RgbPicture& picture, int x, int y, const unsigned char* colour)
{
    if (x < 0 || y < 0 || x >= picture.width || y >= picture.height)
        return;
    auto* pixel = &picture.rgb[(static_cast<std::size_t>(y) * picture.width + x) * 3];
    std::copy(colour, colour + 3, pixel);
}

void outline(RgbPicture& picture, const AnalysisResult::Box& box, int thickness, const unsigned char* colour)
{
    const int left = static_cast<int>(std::floor(box.x));
    const int top = static_cast<int>(std::floor(box.y));
    const int right = static_cast<int>(std::ceil(box.x + box.width)) - 1;
    const int bottom = static_cast<int>(std::ceil(box.y + box.height)) - 1;
    for (int t = 0; t < thickness; ++t) {
        for (int x = left; x <= right; ++x) {
            setPixel(picture, x, top + t, colour);
            setPixel(picture, x, bottom - t, colour);
        }
        for (int y = top; y <= bottom; ++y) {
            setPixel(picture, left + t, y, colour);
            setPixel(picture, right - t, y, colour);
        }
    }
}

void drawLegend(RgbPicture& picture, int sentences, int side)
{
    for (int sentence = 0; sentence < sentences; ++sentence) {
        const AnalysisResult::Box swatch { static_cast<double>(side * (2 * sentence + 1)), static_cast<double>(side),
            static_cast<double>(side), static_cast<double>(side) };
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x)
                setPixel(picture, static_cast<int>(swatch.x) + x, static_cast<int>(swatch.y) + y,
                    OverlaySnapshotRenderer::paletteColour(sentence));
        }
    }
}

} // namespace

const unsigned char* OverlaySnapshotRenderer::paletteColour(int sentence)
{
    return palette[((sentence % paletteSize) + paletteSize) % paletteSize];
}

RgbPicture OverlaySnapshotRenderer::render(
    const GrayscaleImage& image, const AnalysisResult& result, double regionWeightThreshold)
{
    if (!image.isValid())
        throw std::invalid_argument("the overlay snapshot needs a valid image");
    RgbPicture picture;
    picture.width = image.width;
    picture.height = image.height;
    picture.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        const auto gray = static_cast<unsigned char>(std::clamp(image.pixels[i], 0.0f, 255.0f) + 0.5f);
        std::fill_n(&picture.rgb[i * 3], 3, gray);
    }
    const int thickness = std::max(1, std::min(image.width, image.height) / 300);
    for (std::size_t sentence = 0; sentence < result.sentences.size(); ++sentence) {
        const auto& weights = result.sentences[sentence].regionWeights;
        for (std::size_t region = 0; region < result.regions.size() && region < weights.size(); ++region) {
            if (weights[region] >= regionWeightThreshold)
                outline(picture, result.regions[region].box, thickness, paletteColour(static_cast<int>(sentence)));
        }
    }
    drawLegend(picture, static_cast<int>(result.sentences.size()), std::max(2, thickness * 6));
    return picture;
}

} // namespace lrclr
