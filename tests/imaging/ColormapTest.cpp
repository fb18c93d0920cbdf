// Colormap: published colours at the table's ends and inside, colour bars and legends, colouring of heatmaps.
#include <cmath>

#include <QImage>
#include <QTest>

#include "imaging/Colormap.h"

namespace lrclr {

namespace {

QRgb fromUnit(double red, double green, double blue)
{
    return qRgb(int(std::lround(red * 255)), int(std::lround(green * 255)), int(std::lround(blue * 255)));
}

int channelDistance(QRgb a, QRgb b)
{
    return std::max({ std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b)) });
}

QString describe(QRgb color)
{
    return QStringLiteral("(%1, %2, %3)").arg(qRed(color)).arg(qGreen(color)).arg(qBlue(color));
}

} // namespace

class ColormapTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void publishedEntries_data()
    {
        QTest::addColumn<int>("name");
        QTest::addColumn<int>("index");
        QTest::addColumn<double>("red");
        QTest::addColumn<double>("green");
        QTest::addColumn<double>("blue");
        QTest::addColumn<int>("tolerance");
        // Values typed from the published tables (matplotlib _cm_listed.py; Google's turbo_colormap_data).
        const int viridis = int(Colormap::Name::Viridis);
        const int inferno = int(Colormap::Name::Inferno);
        const int turbo = int(Colormap::Name::Turbo);
        const int jet = int(Colormap::Name::Jet);
        QTest::newRow("viridis-0") << viridis << 0 << 0.267004 << 0.004874 << 0.329415 << 0;
        QTest::newRow("viridis-128") << viridis << 128 << 0.127568 << 0.566949 << 0.550556 << 1;
        QTest::newRow("viridis-100") << viridis << 100 << 0.166617 << 0.463708 << 0.558119 << 2;
        QTest::newRow("viridis-255") << viridis << 255 << 0.993248 << 0.906157 << 0.143936 << 0;
        QTest::newRow("inferno-0") << inferno << 0 << 0.001462 << 0.000466 << 0.013866 << 0;
        QTest::newRow("inferno-100") << inferno << 100 << 0.565854 << 0.143567 << 0.408258 << 2;
        QTest::newRow("inferno-200") << inferno << 200 << 0.985952 << 0.615750 << 0.025592 << 1;
        QTest::newRow("inferno-255") << inferno << 255 << 0.988362 << 0.998364 << 0.644924 << 0;
        QTest::newRow("turbo-0") << turbo << 0 << 0.18995 << 0.07176 << 0.23217 << 0;
        QTest::newRow("turbo-100") << turbo << 100 << 0.24797 << 0.96423 << 0.54303 << 2;
        QTest::newRow("turbo-200") << turbo << 200 << 0.95801 << 0.39958 << 0.08831 << 1;
        QTest::newRow("turbo-255") << turbo << 255 << 0.47960 << 0.01583 << 0.01055 << 0;
        // jet: blue 0.5 at 0, green 1 and red = blue = 0.15/0.31 at the middle, red 0.5 at 1.
        QTest::newRow("jet-0") << jet << 0 << 0.0 << 0.0 << 0.5 << 0;
        QTest::newRow("jet-255") << jet << 255 << 0.5 << 0.0 << 0.0 << 0;
        // magma and plasma from the 8-bit tables (#000004, #fcfdbf, #0d0887, #f0f921).
        QTest::newRow("magma-0") << int(Colormap::Name::Magma) << 0 << 0.0 << 0.0 << 4 / 255.0 << 0;
        QTest::newRow("magma-255") << int(Colormap::Name::Magma) << 255 << 252 / 255.0 << 253 / 255.0 << 191 / 255.0
                                   << 0;
        QTest::newRow("plasma-0") << int(Colormap::Name::Plasma) << 0 << 13 / 255.0 << 8 / 255.0 << 135 / 255.0 << 0;
        QTest::newRow("plasma-255") << int(Colormap::Name::Plasma) << 255 << 240 / 255.0 << 249 / 255.0 << 33 / 255.0
                                    << 0;
        // hot: red 0.0416 at 0, white at 1.
        QTest::newRow("hot-0") << int(Colormap::Name::Hot) << 0 << 0.0416 << 0.0 << 0.0 << 0;
        QTest::newRow("hot-255") << int(Colormap::Name::Hot) << 255 << 1.0 << 1.0 << 1.0 << 0;
        QTest::newRow("gray-0") << int(Colormap::Name::Gray) << 0 << 0.0 << 0.0 << 0.0 << 0;
        QTest::newRow("gray-255") << int(Colormap::Name::Gray) << 255 << 1.0 << 1.0 << 1.0 << 0;
    }

    void publishedEntries()
    {
        QFETCH(int, name);
        QFETCH(int, index);
        QFETCH(double, red);
        QFETCH(double, green);
        QFETCH(double, blue);
        QFETCH(int, tolerance);
        const Colormap colormap(static_cast<Colormap::Name>(name));
        const QRgb actual = colormap.table()[static_cast<std::size_t>(index)];
        const QRgb expected = fromUnit(red, green, blue);
        QVERIFY2(channelDistance(actual, expected) <= tolerance,
            qPrintable(
                QStringLiteral("entry %1 is %2, published %3").arg(index).arg(describe(actual), describe(expected))));
    }

    void jetMiddleIsGreenWithEqualRedAndBlue()
    {
        const Colormap jet(Colormap::Name::Jet);
        const QRgb middle = jet.color(0.5);
        const int expectedSide = int(std::lround(0.15 / 0.31 * 255));
        QCOMPARE(qGreen(middle), 255);
        QVERIFY2(std::abs(qRed(middle) - expectedSide) <= 2, qPrintable(describe(middle)));
        QVERIFY2(std::abs(qBlue(middle) - expectedSide) <= 2, qPrintable(describe(middle)));
    }

    void colorClampsOutOfRange()
    {
        const Colormap viridis(Colormap::Name::Viridis);
        QCOMPARE(viridis.color(-3.0), viridis.table().front());
        QCOMPARE(viridis.color(7.0), viridis.table().back());
        QCOMPARE(viridis.color(std::nan("")), viridis.table().front());
    }

    void keysRoundTrip()
    {
        for (const auto name : Colormap::all()) {
            const auto parsed = Colormap::fromKey(Colormap::key(name));
            QVERIFY(parsed.has_value());
            QCOMPARE(int(*parsed), int(name));
        }
        QVERIFY(!Colormap::fromKey(QStringLiteral("rainbow-unicorn")).has_value());
        QCOMPARE(int(Colormap::all().size()), 8);
        for (const char* key : { "viridis", "inferno", "magma", "plasma", "turbo", "jet", "hot", "gray" })
            QVERIFY2(Colormap::fromKey(QString::fromLatin1(key)).has_value(), key);
        QCOMPARE(int(*Colormap::fromKey(QStringLiteral("Turbo"))), int(Colormap::Name::Turbo));
    }

    void colorBarRunsLowToHigh()
    {
        const Colormap inferno(Colormap::Name::Inferno);
        const QImage vertical = inferno.colorBar(QSize(10, 256), Qt::Vertical);
        QCOMPARE(vertical.size(), QSize(10, 256));
        QCOMPARE(vertical.pixel(5, 255), inferno.table().front());
        QCOMPARE(vertical.pixel(5, 0), inferno.table().back());
        const QImage horizontal = inferno.colorBar(QSize(256, 4), Qt::Horizontal);
        QCOMPARE(horizontal.pixel(0, 2), inferno.table().front());
        QCOMPARE(horizontal.pixel(255, 2), inferno.table().back());
    }

    void colorizeMapsRangeAndMakesThresholdAndNanTransparent()
    {
        const Colormap viridis(Colormap::Name::Viridis);
        ScalarImage map;
        map.width = 4;
        map.height = 1;
        map.values = { 0.0f, 0.5f, 1.0f, std::nanf("") };
        const QImage all = viridis.colorize(map, 0.0, 1.0, -1.0);
        QCOMPARE(all.size(), QSize(4, 1));
        QCOMPARE(all.pixel(0, 0), viridis.table().front());
        QCOMPARE(all.pixel(2, 0), viridis.table().back());
        QCOMPARE(qAlpha(all.pixel(1, 0)), 255);
        QCOMPARE(qAlpha(all.pixel(3, 0)), 0);

        const QImage thresholded = viridis.colorize(map, 0.0, 1.0, 0.6);
        QCOMPARE(qAlpha(thresholded.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(thresholded.pixel(1, 0)), 0);
        QCOMPARE(thresholded.pixel(2, 0), viridis.table().back());

        QVERIFY(viridis.colorize(ScalarImage {}, 0.0, 1.0, 0.0).isNull());
    }

    void legendShowsTheBar()
    {
        const Colormap turbo(Colormap::Name::Turbo);
        const QImage legend = turbo.legend(QSize(120, 300), -0.2, 0.8, QStringLiteral("Similarity"), 0.3);
        QCOMPARE(legend.size(), QSize(120, 300));
        // The bar shows both ends of the table (near-end entries: the 1-pixel frame covers the extreme rows).
        bool foundHigh = false;
        bool foundLow = false;
        for (int y = 0; y < legend.height(); ++y) {
            for (int x = 0; x < 40; ++x) {
                foundHigh = foundHigh || channelDistance(legend.pixel(x, y), turbo.table()[245]) <= 3;
                foundLow = foundLow || channelDistance(legend.pixel(x, y), turbo.table()[10]) <= 3;
            }
        }
        QVERIFY2(foundHigh, "legend lacks the high end of the colour bar");
        QVERIFY2(foundLow, "legend lacks the low end of the colour bar");
        QVERIFY(turbo.legend(QSize(5, 5), 0, 1, QString()).isNull());
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::ColormapTest)
#include "ColormapTest.moc"
