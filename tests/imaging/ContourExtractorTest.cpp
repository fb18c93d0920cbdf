// ContourExtractor: isolines of analytic maps (a radial cone, a ramp) are where geometry says they are.
#include <cmath>

#include <QTest>

#include "imaging/ContourExtractor.h"

namespace lrclr {

namespace {

/// A cone centred on (cx, cy) in image pixels, sampled at the centres of a w x h raster tiling an image of
/// imageWidth x imageHeight: value = radius from the centre, so the isoline at level L is the circle of radius L.
ScalarImage cone(int width, int height, double imageWidth, double imageHeight, double cx, double cy)
{
    ScalarImage map;
    map.width = width;
    map.height = height;
    const double sx = imageWidth / width;
    const double sy = imageHeight / height;
    for (int j = 0; j < height; ++j)
        for (int i = 0; i < width; ++i)
            map.values.push_back(float(std::hypot((i + 0.5) * sx - cx, (j + 0.5) * sy - cy)));
    return map;
}

} // namespace

class ContourExtractorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void radialMapGivesCircles_data()
    {
        QTest::addColumn<int>("rasterWidth");
        QTest::addColumn<int>("rasterHeight");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("full-resolution") << 400 << 300 << 0.5;
        QTest::newRow("coarser-raster") << 100 << 75 << 2.0;
    }

    void radialMapGivesCircles()
    {
        QFETCH(int, rasterWidth);
        QFETCH(int, rasterHeight);
        QFETCH(double, tolerance);
        const double cx = 210.0;
        const double cy = 140.0;
        const ScalarImage map = cone(rasterWidth, rasterHeight, 400.0, 300.0, cx, cy);
        const std::vector<double> levels { 30.0, 60.0, 100.0 };
        const auto contours = ContourExtractor::extract(map, levels, QSizeF(400, 300));
        QCOMPARE(int(contours.size()), 3);
        for (const auto& contour : contours) {
            QVERIFY2(!contour.polylines.empty(), qPrintable(QStringLiteral("no line at %1").arg(contour.level)));
            // The stripper joins the whole circle into one closed line.
            QCOMPARE(int(contour.polylines.size()), 1);
            const QPolygonF& line = contour.polylines.front();
            QVERIFY2(QLineF(line.front(), line.back()).length() < 1e-6, "circle is not closed");
            double longest = 0.0;
            for (const QPointF& point : line) {
                const double radius = std::hypot(point.x() - cx, point.y() - cy);
                QVERIFY2(std::abs(radius - contour.level) <= tolerance,
                    qPrintable(QStringLiteral("point (%1, %2) at radius %3 on level %4")
                                   .arg(point.x())
                                   .arg(point.y())
                                   .arg(radius)
                                   .arg(contour.level)));
                longest = std::max(longest, radius);
            }
            // Perimeter of the polyline ~ 2 pi L.
            double perimeter = 0.0;
            for (int k = 1; k < line.size(); ++k)
                perimeter += QLineF(line[k - 1], line[k]).length();
            QVERIFY2(std::abs(perimeter - 2 * M_PI * contour.level) < 0.03 * 2 * M_PI * contour.level,
                qPrintable(QString::number(perimeter)));
        }
    }

    void levelOutsideTheRangeGivesNoLine()
    {
        const ScalarImage map = cone(64, 64, 64, 64, 32, 32);
        const auto contours = ContourExtractor::extract(map, { 500.0, -1.0 }, QSizeF(64, 64));
        QCOMPARE(int(contours.size()), 2);
        QVERIFY(contours[0].polylines.empty());
        QVERIFY(contours[1].polylines.empty());
    }

    void rampGivesAStraightLine()
    {
        // value = x in image pixels: the isoline at 37.5 is the vertical line x = 37.5.
        ScalarImage map;
        map.width = 80;
        map.height = 40;
        for (int j = 0; j < 40; ++j)
            for (int i = 0; i < 80; ++i)
                map.values.push_back(float(i + 0.5));
        const auto contours = ContourExtractor::extract(map, { 37.5 }, QSizeF(80, 40));
        QCOMPARE(int(contours.front().polylines.size()), 1);
        for (const QPointF& point : contours.front().polylines.front())
            QVERIFY2(std::abs(point.x() - 37.5) < 1e-4, qPrintable(QString::number(point.x())));
    }

    void nanIsBelowEveryLevel()
    {
        // A plateau of 1 with a NaN hole: the 0.5 isoline goes around the hole.
        ScalarImage map;
        map.width = 50;
        map.height = 50;
        map.values.assign(2500, 1.0f);
        for (int j = 20; j < 30; ++j)
            for (int i = 20; i < 30; ++i)
                map.values[j * 50 + i] = std::nanf("");
        const auto contours = ContourExtractor::extract(map, { 0.5 }, QSizeF(50, 50));
        QCOMPARE(int(contours.front().polylines.size()), 1);
        const QRectF bounds = contours.front().polylines.front().boundingRect();
        QVERIFY2(bounds.left() > 19 && bounds.right() < 31,
            qPrintable(QStringLiteral("%1..%2").arg(bounds.left()).arg(bounds.right())));
    }

    void invalidInputGivesEmptyContours()
    {
        const auto contours = ContourExtractor::extract(ScalarImage {}, { 1.0 }, QSizeF(10, 10));
        QCOMPARE(int(contours.size()), 1);
        QVERIFY(contours.front().polylines.empty());
    }

    void evenlySpacedLevels()
    {
        const auto levels = ContourExtractor::evenlySpacedLevels(0.0, 1.0, 3);
        QCOMPARE(int(levels.size()), 3);
        QCOMPARE(levels[0], 0.25);
        QCOMPARE(levels[1], 0.5);
        QCOMPARE(levels[2], 0.75);
        QVERIFY(ContourExtractor::evenlySpacedLevels(1.0, 1.0, 3).empty());
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::ContourExtractorTest)
#include "ContourExtractorTest.moc"
