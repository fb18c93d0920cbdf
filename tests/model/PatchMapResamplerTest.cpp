// PatchMapResampler, the one patch map -> original pixel mapping of the viewer, `lrclr analyze` and the evaluator:
// analytic maps through centre-crop and letterbox geometries land where the inverse preprocessing puts them.
#include <cmath>
#include <functional>

#include <QTest>

#include "core/model/PatchMapResampler.h"

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

/// The resampled map as width x height samples, read with at(x, y).
struct Samples {
    int width = 0;
    int height = 0;
    std::vector<float> values;
    float at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }
};

Samples resample(const AnalysisResult::PatchMap& map, const AnalysisResult::Geometry& geometry, int width, int height)
{
    return { width, height, PatchMapResampler::toPixels(map, geometry, width, height) };
}

} // namespace

class PatchMapResamplerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void constantMapStaysConstant_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("letterbox") << 0;
        QTest::newRow("crop") << 1;
    }

    void constantMapStaysConstant()
    {
        QFETCH(int, mode);
        const auto geometry = mode == 0 ? letterbox(300, 200, 224) : centerCrop(300, 200, 224);
        const auto map = makeMap(7, 7, [](int, int) { return 0.37f; });
        const Samples image = resample(map, geometry, 300, 200);
        QCOMPARE(image.values.size(), std::size_t(300 * 200));
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
        // value = u (model-space x of the patch centre): a ramp along x. Keys' kernel with a = -0.75 (torch's) is
        // interpolating and reproduces constants, but not lines exactly: between patch centres it deviates from the
        // ramp by under 5 % of a patch. Checked wherever the 4-sample support avoids the replicated border, i.e.
        // from the second to the second-to-last centre, where value(X) ~ X * scale + offsetX.
        const auto geometry = letterbox(320, 400, 224);
        const int grid = 7;
        const double cell = 224.0 / grid;
        const auto map = makeMap(grid, grid, [cell](int, int c) { return float((c + 0.5) * cell); });
        const Samples image = resample(map, geometry, 320, 400);
        int checked = 0;
        for (int y = 0; y < image.height; y += 7) {
            for (int x = 0; x < image.width; x += 3) {
                const double u = (x + 0.5) * geometry.scale + geometry.offsetX;
                if (u < cell * 1.5 || u > 224 - cell * 1.5)
                    continue;
                ++checked;
                const double expected = u;
                QVERIFY2(std::abs(image.at(x, y) - expected) < 0.05 * cell,
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
        const Samples image = resample(map, geometry, width, height);
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
        const Samples image = resample(map, geometry, 200, 200);
        const double v = (2 * 100 + 1) * geometry.scale + geometry.offsetY;
        QVERIFY2(std::abs(image.at(50, 100) - v) < 0.05 * cell, qPrintable(QString::number(image.at(50, 100))));
        const auto [w, h] = PatchMapResampler::displaySize(letterbox(3000, 2500, 224), 1024);
        QCOMPARE(w, 1024);
        QCOMPARE(h, 853);
        const auto small = PatchMapResampler::displaySize(letterbox(300, 250, 224), 1024);
        QCOMPARE(small.first, 300);
        QCOMPARE(small.second, 250);
    }

    void invalidInputsThrowReadableErrors_data()
    {
        QTest::addColumn<int>("defect");
        QTest::newRow("empty-grid") << 0;
        QTest::newRow("short-values") << 1;
        QTest::newRow("zero-scale") << 2;
        QTest::newRow("zero-input") << 3;
        QTest::newRow("huge-output") << 4;
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
        }
        try {
            PatchMapResampler::toPixels(map, geometry, width, 100);
            QFAIL("no exception");
        } catch (const std::invalid_argument& error) {
            QVERIFY2(std::string(error.what()).size() > 10, error.what());
        }
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::PatchMapResamplerTest)
#include "PatchMapResamplerTest.moc"
