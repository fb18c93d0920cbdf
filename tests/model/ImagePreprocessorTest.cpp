// CheXzero preprocessing and its exact inverse (patch maps back to original pixels through PatchMapResampler), on
// non-square images.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "core/model/ImagePreprocessor.h"
#include "core/model/PatchMapResampler.h"

using lrclr::AnalysisResult;
using lrclr::GrayscaleImage;
using lrclr::ImagePreprocessor;
using lrclr::PatchMapResampler;

namespace {

constexpr double mean = 101.48761;
constexpr double deviation = 83.43944;

GrayscaleImage constantImage(int width, int height, float value)
{
    return { width, height, std::vector<float>(static_cast<std::size_t>(width) * height, value) };
}

AnalysisResult::PatchMap oneHot(int grid, int row, int column)
{
    AnalysisResult::PatchMap map;
    map.rows = grid;
    map.columns = grid;
    map.values.assign(static_cast<std::size_t>(grid) * grid, 0.0f);
    map.values[static_cast<std::size_t>(row) * grid + column] = 1.0f;
    return map;
}

// Position of the largest finite value of a width x height map (NaN marks pixels outside the field of view).
QPointF argmax(const std::vector<float>& values, int width)
{
    std::size_t at = 0;
    for (std::size_t index = 0; index < values.size(); ++index)
        if (!std::isnan(values[index]) && (std::isnan(values[at]) || values[index] > values[at]))
            at = index;
    return QPointF(static_cast<double>(at % static_cast<std::size_t>(width)),
        static_cast<double>(at / static_cast<std::size_t>(width)));
}

} // namespace

class ImagePreprocessorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void geometry_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("offsetX");
        QTest::addColumn<double>("offsetY");
        // Letterbox: the long side fills 224; the short side is centred. 200 * 224/300 = 149.33, (224-149.33)/2.
        QTest::newRow("letterbox-landscape") << 300 << 200 << "letterbox" << 224.0 / 300 << 0.0 << 112.0 / 3;
        QTest::newRow("letterbox-portrait") << 200 << 300 << "letterbox" << 224.0 / 300 << 112.0 / 3 << 0.0;
        // Center-crop: the short side fills 224; 300 * 1.12 = 336, (224 - 336) / 2 = -56.
        QTest::newRow("center-crop-landscape") << 300 << 200 << "center-crop" << 1.12 << -56.0 << 0.0;
        QTest::newRow("square") << 448 << 448 << "letterbox" << 0.5 << 0.0 << 0.0;
    }

    void geometry()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(QString, mode);
        QFETCH(double, scale);
        QFETCH(double, offsetX);
        QFETCH(double, offsetY);
        const auto g = ImagePreprocessor::geometry(width, height, 224, mode.toStdString());
        QVERIFY(std::abs(g.scale - scale) < 1e-12);
        QVERIFY(std::abs(g.offsetX - offsetX) < 1e-9);
        QVERIFY(std::abs(g.offsetY - offsetY) < 1e-9);
        QCOMPARE(g.originalWidth, width);
        QCOMPARE(g.mode, mode.toStdString());
    }

    void constantImageNormalisesAndPadsBlack()
    {
        ImagePreprocessor preprocessor({ "letterbox", mean, deviation, 224 });
        AnalysisResult::Geometry g;
        const auto input = preprocessor.apply(constantImage(300, 200, 255.0f), &g);
        QCOMPARE(input.size(), std::size_t(3 * 224 * 224));
        const auto at = [&](int channel, int v, int u) { return input[(channel * 224 + v) * 224 + u]; };
        const float inside = static_cast<float>((255.0 - mean) / deviation);
        const float padding = static_cast<float>(-mean / deviation);
        // Rows 0..36 are padding (the image starts at 37.33), rows 38..185 image, 187.. padding again.
        QVERIFY(std::abs(at(0, 10, 100) - padding) < 1e-6f);
        QVERIFY(std::abs(at(0, 36, 5) - padding) < 1e-6f);
        QVERIFY(std::abs(at(0, 38, 5) - inside) < 1e-5f);
        QVERIFY(std::abs(at(1, 112, 223) - inside) < 1e-5f);
        QVERIFY(std::abs(at(2, 187, 100) - padding) < 1e-6f);
        for (int channel = 1; channel < 3; ++channel)
            QCOMPARE(at(channel, 100, 37), at(0, 100, 37));
    }

    void brightSquareLandsAtItsMappedPosition()
    {
        // A 30x30 bright square centred at (115, 65) in a 300x200 image lands at 115 * s, 65 * s + 37.33.
        auto image = constantImage(300, 200, 0.0f);
        for (int y = 50; y < 80; ++y)
            for (int x = 100; x < 130; ++x)
                image.pixels[static_cast<std::size_t>(y) * 300 + x] = 255.0f;
        ImagePreprocessor preprocessor({ "letterbox", 0.0, 1.0, 224 });
        const auto input = preprocessor.apply(image, nullptr);
        double total = 0.0, sumU = 0.0, sumV = 0.0;
        for (int v = 0; v < 224; ++v) {
            for (int u = 0; u < 224; ++u) {
                const double value = input[static_cast<std::size_t>(v) * 224 + u];
                total += value;
                sumU += value * (u + 0.5);
                sumV += value * (v + 0.5);
            }
        }
        const double s = 224.0 / 300;
        QVERIFY2(std::abs(sumU / total - 115.0 * s) < 0.05, qPrintable(QString::number(sumU / total)));
        QVERIFY2(std::abs(sumV / total - (65.0 * s + 112.0 / 3)) < 0.05, qPrintable(QString::number(sumV / total)));
        // Mass is preserved up to the area scale (antialiased resampling keeps the mean).
        QVERIFY(std::abs(total - 255.0 * 900 * s * s) < 0.01 * total);
    }

    void patchFootprintMapsBackToOriginalPixels_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("column");
        QTest::addColumn<QPointF>("centre");
        QTest::addColumn<QRectF>("box");
        // Letterbox 300x200: a 32-pixel patch spans 32 / (224/300) = 42.857 original pixels; the image top is at
        // input v = 37.33, so patch row r starts at y = 42.857 r - 50.
        const double patch = 32.0 * 300 / 224;
        QTest::newRow("letterbox-centre")
            << "letterbox" << 3 << 3 << QPointF(150, 100) << QRectF(3 * patch, 3 * patch - 50, patch, patch);
        // Row 1 starts above the image (y = -7.1): its box is clipped at the top edge.
        QTest::newRow("letterbox-top-row") << "letterbox" << 1 << 5 << QPointF(5.5 * patch, 1.5 * patch - 50)
                                           << QRectF(5 * patch, 0, patch, 2 * patch - 50);
        // Center-crop 300x200: scale 1.12, input u = 1.12 x - 56, patch = 28.571 original pixels starting at x = 50.
        const double crop = 32.0 / 1.12;
        QTest::newRow("center-crop-left") << "center-crop" << 3 << 1 << QPointF(50 + 1.5 * crop, 3.5 * crop)
                                          << QRectF(50 + crop, 3 * crop, crop, crop);
    }

    void patchFootprintMapsBackToOriginalPixels()
    {
        QFETCH(QString, mode);
        QFETCH(int, row);
        QFETCH(int, column);
        QFETCH(QPointF, centre);
        QFETCH(QRectF, box);
        const auto g = ImagePreprocessor::geometry(300, 200, 224, mode.toStdString());
        const auto pixels = PatchMapResampler::toPixels(oneHot(7, row, column), g, 300, 200);
        QCOMPARE(pixels.size(), std::size_t(300 * 200));
        const auto peak = argmax(pixels, 300);
        // The peak of a one-hot interior patch lies at the patch centre (to the pixel grid); at the grid's border
        // bicubic's edge clamping moves it outwards, so the rows use interior patches.
        QVERIFY2(std::abs(peak.x() + 0.5 - centre.x()) <= 1.0 && std::abs(peak.y() + 0.5 - centre.y()) <= 1.0,
            qPrintable(QString("peak (%1, %2), expected (%3, %4)")
                           .arg(peak.x())
                           .arg(peak.y())
                           .arg(centre.x())
                           .arg(centre.y())));
        const auto footprint = ImagePreprocessor::patchBox(row, column, 7, g);
        QVERIFY(std::abs(footprint.x - box.x()) < 1e-9 && std::abs(footprint.y - box.y()) < 1e-9);
        QVERIFY(std::abs(footprint.width - box.width()) < 1e-9 && std::abs(footprint.height - box.height()) < 1e-9);
    }

    void pixelsOutsideTheFieldOfViewAreNotANumber()
    {
        // Center-crop drops x < 50 and x >= 250 of a 300x200 image.
        const auto g = ImagePreprocessor::geometry(300, 200, 224, "center-crop");
        AnalysisResult::PatchMap ones { 7, 7, std::vector<float>(49, 1.0f) };
        const auto pixels = PatchMapResampler::toPixels(ones, g, 300, 200);
        QVERIFY(std::isnan(pixels[100 * 300 + 49]));
        QVERIFY(std::isnan(pixels[100 * 300 + 250]));
        QVERIFY(std::abs(pixels[100 * 300 + 50] - 1.0f) < 1e-6f);
        QVERIFY(std::abs(pixels[199 * 300 + 249] - 1.0f) < 1e-6f);
    }

    void mapToSmallerTargetKeepsGeometry()
    {
        // Rendering at half resolution puts the peak at half the coordinates.
        const auto g = ImagePreprocessor::geometry(300, 200, 224, "letterbox");
        const auto pixels = PatchMapResampler::toPixels(oneHot(7, 3, 3), g, 150, 100);
        const auto peak = argmax(pixels, 150);
        QVERIFY(std::abs(peak.x() + 0.5 - 75) <= 1.0 && std::abs(peak.y() + 0.5 - 50) <= 1.0);
    }

    void rejectsInvalidInput()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ImagePreprocessor::geometry(0, 10, 224, "letterbox"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ImagePreprocessor::geometry(10, 10, 224, "stretch"));
        ImagePreprocessor preprocessor({});
        GrayscaleImage broken { 10, 10, std::vector<float>(3) };
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, preprocessor.apply(broken, nullptr));
        const auto g = ImagePreprocessor::geometry(10, 10, 224, "letterbox");
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument, PatchMapResampler::toPixels(AnalysisResult::PatchMap { 7, 7, { 1.0f } }, g, 10, 10));
    }
};

QTEST_GUILESS_MAIN(ImagePreprocessorTest)
#include "ImagePreprocessorTest.moc"
