// HeatmapResampler: analytic maps through centre-crop and letterbox geometries land where the inverse preprocessing
// puts them.
#include <cmath>

#include <QTest>

#include "imaging/HeatmapResampler.h"

namespace lrclr {

namespace {

AnalysisResult::PatchMap makeMap(int rows, int columns, const std::function<float(int, int)>& value)
{
    AnalysisResult::PatchMap map;
    map.rows = rows;
    map.columns = columns;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c)
            map.values.push_back(value(r, c));
    return map;
}

/// Letterbox of a w x h image into a square of `input` pixels: scaled to fit, centred.
AnalysisResult::Geometry letterbox(int width, int height, int input)
{
    AnalysisResult::Geometry geometry;
    geometry.originalWidth = width;
    geometry.originalHeight = height;
    geometry.inputSize = input;
    geometry.scale = double(input) / std::max(width, height);
    geometry.offsetX = (input - width * geometry.scale) / 2.0;
    geometry.offsetY = (input - height * geometry.scale) / 2.0;
    geometry.mode = "letterbox";
    return geometry;
}

/// Centre crop: the shorter side is scaled to `input`, the longer one cropped.
AnalysisResult::Geometry centerCrop(int width, int height, int input)
{
    AnalysisResult::Geometry geometry;
    geometry.originalWidth = width;
    geometry.originalHeight = height;
    geometry.inputSize = input;
    geometry.scale = double(input) / std::min(width, height);
    geometry.offsetX = (input - width * geometry.scale) / 2.0;
    geometry.offsetY = (input - height * geometry.scale) / 2.0;
    geometry.mode = "center-crop";
    return geometry;
}

} // namespace

class HeatmapResamplerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void constantMapStaysConstant_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("interpolation");
        QTest::newRow("letterbox-cubic") << 0 << int(HeatmapResampler::Interpolation::Cubic);
        QTest::newRow("letterbox-linear") << 0 << int(HeatmapResampler::Interpolation::Linear);
        QTest::newRow("crop-cubic") << 1 << int(HeatmapResampler::Interpolation::Cubic);
    }

    void constantMapStaysConstant()
    {
        QFETCH(int, mode);
        QFETCH(int, interpolation);
        const auto geometry = mode == 0 ? letterbox(300, 200, 224) : centerCrop(300, 200, 224);
        const auto map = makeMap(7, 7, [](int, int) { return 0.37f; });
        HeatmapResampler::Options options;
        options.interpolation = static_cast<HeatmapResampler::Interpolation>(interpolation);
        options.clampToInputRange = false;
        const ScalarImage image = HeatmapResampler::resample(map, geometry, 300, 200, options);
        QVERIFY(image.isValid());
        int inside = 0;
        for (const float value : image.values) {
            if (std::isnan(value))
                continue;
            ++inside;
            QVERIFY2(std::abs(value - 0.37f) < 1e-5f, qPrintable(QString::number(value)));
        }
        QVERIFY2(inside > 0, "no pixel inside the field of view");
        // Letterbox keeps every pixel in view; a centre crop of a landscape image cuts the left and right ends.
        if (mode == 0) {
            QCOMPARE(inside, 300 * 200);
        } else {
            QVERIFY(std::isnan(image.at(0, 100)));
            QVERIFY(std::isnan(image.at(299, 100)));
            QVERIFY(!std::isnan(image.at(150, 0)));
            QCOMPARE(inside, 200 * 200);
        }
    }

    void linearRampIsReproducedInsideTheGrid()
    {
        // value = u (model-space x of the patch centre): a ramp along x. Cubic convolution reproduces a linear
        // function wherever its 4-sample support avoids the replicated border, i.e. from the second to the
        // second-to-last centre, so value(X) = X * scale + offsetX there.
        const auto geometry = letterbox(320, 400, 224);
        const int grid = 7;
        const double cell = 224.0 / grid;
        const auto map = makeMap(grid, grid, [cell](int, int c) { return float((c + 0.5) * cell); });
        const ScalarImage image = HeatmapResampler::resample(map, geometry, 320, 400);
        int checked = 0;
        for (int y = 0; y < image.height; y += 7) {
            for (int x = 0; x < image.width; x += 3) {
                const double u = (x + 0.5) * geometry.scale + geometry.offsetX;
                if (u < cell * 1.5 || u > 224 - cell * 1.5)
                    continue;
                ++checked;
                const double expected = u;
                QVERIFY2(std::abs(image.at(x, y) - expected) < 1e-2,
                    qPrintable(QStringLiteral("pixel (%1, %2): %3, expected %4")
                                   .arg(x)
                                   .arg(y)
                                   .arg(image.at(x, y))
                                   .arg(expected)));
            }
        }
        QVERIFY2(checked > 1000, qPrintable(QString::number(checked)));
    }

    void hotPatchLandsOnItsOriginalPixels_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("column");
        QTest::newRow("letterbox-portrait") << 0 << 600 << 900 << 2 << 5;
        QTest::newRow("letterbox-landscape") << 0 << 1000 << 500 << 3 << 1;
        QTest::newRow("crop-landscape") << 1 << 1000 << 500 << 4 << 4;
    }

    void hotPatchLandsOnItsOriginalPixels()
    {
        QFETCH(int, mode);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, row);
        QFETCH(int, column);
        const auto geometry = mode == 0 ? letterbox(width, height, 224) : centerCrop(width, height, 224);
        const auto map = makeMap(7, 7, [&](int r, int c) { return (r == row && c == column) ? 1.0f : 0.0f; });
        const ScalarImage image = HeatmapResampler::resample(map, geometry, width, height);
        int bestX = -1;
        int bestY = -1;
        float best = -1.0f;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                if (image.at(x, y) > best) {
                    best = image.at(x, y);
                    bestX = x;
                    bestY = y;
                }
        // The patch centre in model space, mapped back through the inverse preprocessing.
        const double cell = 224.0 / 7;
        const double expectedX = ((column + 0.5) * cell - geometry.offsetX) / geometry.scale;
        const double expectedY = ((row + 0.5) * cell - geometry.offsetY) / geometry.scale;
        const double onePixelInModel = 1.0 / geometry.scale;
        QVERIFY2(std::abs(bestX + 0.5 - expectedX) <= onePixelInModel + 0.5
                && std::abs(bestY + 0.5 - expectedY) <= onePixelInModel + 0.5,
            qPrintable(QStringLiteral("peak at (%1, %2), expected (%3, %4)")
                           .arg(bestX)
                           .arg(bestY)
                           .arg(expectedX)
                           .arg(expectedY)));
        QVERIFY2(std::abs(best - 1.0f) < 1e-3f, qPrintable(QString::number(best)));
        QVERIFY2(std::abs(image.at(width - 1 - bestX, height - 1 - bestY)) < 0.1f
                || std::isnan(image.at(width - 1 - bestX, height - 1 - bestY)),
            "the mirrored point should be cold");
    }

    void coarseOutputTilesTheImage()
    {
        // A 2x-coarser raster of the same ramp: its pixel i covers original pixels [2i, 2i+2), centre 2i+1.
        const auto geometry = letterbox(400, 400, 224);
        const double cell = 224.0 / 7;
        const auto map = makeMap(7, 7, [cell](int r, int) { return float((r + 0.5) * cell); });
        const ScalarImage image = HeatmapResampler::resample(map, geometry, 200, 200);
        const double v = (2 * 100 + 1) * geometry.scale + geometry.offsetY;
        QVERIFY2(std::abs(image.at(50, 100) - v) < 1e-2, qPrintable(QString::number(image.at(50, 100))));
        const auto [w, h] = HeatmapResampler::displaySize(letterbox(3000, 2500, 224), 1024);
        QCOMPARE(w, 1024);
        QCOMPARE(h, 853);
        const auto small = HeatmapResampler::displaySize(letterbox(300, 250, 224), 1024);
        QCOMPARE(small.first, 300);
        QCOMPARE(small.second, 250);
    }

    void cubicOvershootIsClamped()
    {
        const auto geometry = letterbox(224, 224, 224);
        const auto map = makeMap(7, 7, [](int r, int c) { return (r + c) % 2 ? 1.0f : 0.0f; });
        const ScalarImage image = HeatmapResampler::resample(map, geometry, 224, 224);
        const auto [lowest, highest] = image.finiteRange();
        QVERIFY2(lowest >= 0.0f && highest <= 1.0f, qPrintable(QStringLiteral("%1..%2").arg(lowest).arg(highest)));
    }

    void invalidInputsThrowReadableErrors_data()
    {
        QTest::addColumn<int>("defect");
        QTest::newRow("empty-grid") << 0;
        QTest::newRow("short-values") << 1;
        QTest::newRow("zero-scale") << 2;
        QTest::newRow("zero-input") << 3;
        QTest::newRow("huge-output") << 4;
        QTest::newRow("nan-value") << 5;
    }

    void invalidInputsThrowReadableErrors()
    {
        QFETCH(int, defect);
        auto geometry = letterbox(100, 100, 224);
        auto map = makeMap(7, 7, [](int, int) { return 0.0f; });
        int width = 100;
        switch (defect) {
        case 0:
            map = {};
            break;
        case 1:
            map.values.pop_back();
            break;
        case 2:
            geometry.scale = 0.0;
            break;
        case 3:
            geometry.inputSize = 0;
            break;
        case 4:
            width = 1 << 20;
            break;
        case 5:
            map.values[3] = std::nanf("");
            break;
        }
        try {
            HeatmapResampler::resample(map, geometry, width, 100);
            QFAIL("no exception");
        } catch (const ResampleError& error) {
            QVERIFY2(std::string(error.what()).size() > 10, error.what());
        }
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::HeatmapResamplerTest)
#include "HeatmapResamplerTest.moc"
