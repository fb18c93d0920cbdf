// Viewport frame-time benchmark (not a unit test): one window/level drag step on a 3000 x 3000 16-bit image with a
// heatmap overlay, contours and region boxes = the display pipeline's lookup table + painting the viewport into an
// offscreen image, compared in the same run with named baselines: a memcpy of the 9 MB frame, the lookup table
// alone, and the same drag without overlay. Goal: <= 16 ms per drag frame. Run: ViewportBenchmark
// (QT_QPA_PLATFORM defaults to offscreen).
#include <cstring>
#include <vector>

#include <QApplication>
#include <QImage>
#include <QMouseEvent>

#include <benchmark/benchmark.h>

#include "ui/ImageViewport.h"
#include "ui/model/OverlaySettings.h"

namespace {

constexpr int imageSide = 3000;
const QSize viewportSize(1600, 1000);

lrclr::XrayImage chestSizedImage()
{
    std::vector<std::uint16_t> samples(static_cast<std::size_t>(imageSide) * imageSide);
    for (int y = 0; y < imageSide; ++y)
        for (int x = 0; x < imageSide; ++x)
            samples[static_cast<std::size_t>(y) * imageSide + x]
                = static_cast<std::uint16_t>((x * 7 + y * 3 + (x * y) % 97) % 4096);
    auto image = lrclr::XrayImage::fromUnsigned16(imageSide, imageSide, std::move(samples), 12);
    image.columnSpacingMm = 0.143;
    image.rowSpacingMm = 0.143;
    return image;
}

std::shared_ptr<const lrclr::AnalysisResult> analysisFor(int side)
{
    auto result = std::make_shared<lrclr::AnalysisResult>();
    result->geometry = { side, side, 224, 224.0 / side, 0.0, 0.0, "letterbox" };
    for (int k = 0; k < 5; ++k) {
        lrclr::AnalysisResult::Region region;
        region.row = k;
        region.column = 6 - k;
        region.score = 0.5f - 0.1f * k;
        const double cell = side / 7.0;
        region.box = { region.column * cell, region.row * cell, cell, cell };
        result->regions.push_back(region);
    }
    return result;
}

lrclr::OverlayHeatmap smoothHeatmap()
{
    lrclr::OverlayHeatmap heatmap;
    heatmap.source = lrclr::OverlayHeatmap::Source::Sentence;
    heatmap.index = 0;
    heatmap.label = QStringLiteral("Right lower zone opacity.");
    heatmap.scoreName = QStringLiteral("similarity");
    heatmap.map.rows = 7;
    heatmap.map.columns = 7;
    for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 7; ++c)
            heatmap.map.values.push_back(float(std::exp(-((r - 4.2) * (r - 4.2) + (c - 2.1) * (c - 2.1)) / 4.0)));
    heatmap.minimum = 0.0f;
    heatmap.maximum = 1.0f;
    return heatmap;
}

struct Fixture {
    lrclr::OverlaySettings settings;
    lrclr::ImageViewport viewport;
    QImage target { viewportSize, QImage::Format_ARGB32_Premultiplied };

    explicit Fixture(bool overlay)
    {
        viewport.resize(viewportSize);
        viewport.setOverlaySettings(&settings);
        viewport.setImage(chestSizedImage());
        if (overlay) {
            viewport.setAnalysis(analysisFor(imageSide));
            viewport.setHeatmap(smoothHeatmap());
        }
    }

    void send(QEvent::Type type, QPointF position)
    {
        QMouseEvent event(type, position, position, type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton,
            type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&viewport, &event);
    }
};

void dragFrames(benchmark::State& state, bool overlay, bool linesAndBoxes = true)
{
    Fixture fixture(overlay);
    fixture.settings.setContoursVisible(linesAndBoxes);
    fixture.settings.setRegionBoxesVisible(linesAndBoxes);
    fixture.send(QEvent::MouseButtonPress, QPointF(800, 500));
    int step = 0;
    for (auto _ : state) {
        // One mouse move = new window through the lookup table; then the paint the move schedules.
        fixture.send(QEvent::MouseMove, QPointF(810 + (step % 200), 505 + (step % 50)));
        fixture.viewport.render(&fixture.target);
        ++step;
        benchmark::DoNotOptimize(fixture.target.constBits());
    }
    fixture.send(QEvent::MouseButtonRelease, QPointF(800, 500));
}

void BM_Baseline_MemcpyFrame(benchmark::State& state)
{
    std::vector<std::uint8_t> source(static_cast<std::size_t>(imageSide) * imageSide, 7);
    std::vector<std::uint8_t> target(source.size());
    for (auto _ : state) {
        std::memcpy(target.data(), source.data(), source.size());
        benchmark::DoNotOptimize(target.data());
        benchmark::ClobberMemory();
    }
}

void BM_Baseline_LookupTableOnly(benchmark::State& state)
{
    Fixture fixture(false);
    double center = fixture.viewport.windowCenter();
    for (auto _ : state) {
        center += 1.0;
        fixture.viewport.setWindow(center, fixture.viewport.windowWidth());
    }
}

void BM_DragFrame_NoOverlay(benchmark::State& state)
{
    dragFrames(state, false);
}

void BM_DragFrame_WithOverlay(benchmark::State& state)
{
    dragFrames(state, true);
}

void BM_DragFrame_HeatmapOnly(benchmark::State& state)
{
    dragFrames(state, true, false);
}

void BM_IdleFrame_SmoothWithOverlay(benchmark::State& state)
{
    // The repaint 150 ms after the drag stops: smooth scaling of image and overlay.
    Fixture fixture(true);
    for (auto _ : state) {
        QImage image = fixture.viewport.renderToImage();
        benchmark::DoNotOptimize(image.constBits());
    }
}

void BM_SelectHeatmap_ResampleColorContour(benchmark::State& state)
{
    // Clicking a sentence: resample to 1024 x 1024 (cubic), colour, legend and contours.
    Fixture fixture(true);
    auto heatmap = smoothHeatmap();
    int k = 0;
    for (auto _ : state) {
        heatmap.index = ++k;
        fixture.viewport.setHeatmap(heatmap);
    }
}

} // namespace

BENCHMARK(BM_Baseline_MemcpyFrame)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Baseline_LookupTableOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DragFrame_NoOverlay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DragFrame_WithOverlay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DragFrame_HeatmapOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IdleFrame_SmoothWithOverlay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SelectHeatmap_ResampleColorContour)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication application(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
