// ImageViewport offscreen: window/level drag, presets, auto window, invert, reset, zoom to the cursor, the cursor
// read-out and the heatmap overlay, checked on grabbed pixels against values computed independently.
#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QMouseEvent>
#include <QTest>
#include <QWheelEvent>

#include "ViewerTestData.h"
#include "imaging/Colormap.h"
#include "ui/ImageViewport.h"
#include "ui/PainterViewportRenderer.h"
#include "ui/model/OverlaySettings.h"

namespace lrclr {

namespace {

void sendMouse(QWidget& widget, QEvent::Type type, QPointF position, Qt::MouseButton button,
    Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const Qt::MouseButtons buttons = type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::MouseButtons(button);
    QMouseEvent event(type, position, widget.mapToGlobal(position), type == QEvent::MouseMove ? Qt::NoButton : button,
        buttons, modifiers);
    QApplication::sendEvent(&widget, &event);
}

void drag(QWidget& widget, QPointF from, QPointF to, Qt::MouseButton button = Qt::LeftButton)
{
    sendMouse(widget, QEvent::MouseButtonPress, from, button);
    for (int step = 1; step <= 4; ++step)
        sendMouse(widget, QEvent::MouseMove, from + (to - from) * step / 4.0, button);
    sendMouse(widget, QEvent::MouseButtonRelease, to, button);
}

int storedAt(const XrayImage& image, int x, int y)
{
    return image.unsigned16()[static_cast<std::size_t>(y) * image.columns + x];
}

int channelDistance(QRgb a, QRgb b)
{
    return std::max({ std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b)) });
}

} // namespace

class ImageViewportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void windowLevelDragFollowsThePipeline()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        const XrayImage image = testing::rampImage();
        viewport.setImage(image);
        const QImage before = viewport.renderToImage();
        const double center = viewport.windowCenter();
        const double width = viewport.windowWidth();
        const auto [lowest, highest] = viewport.modalityRange();
        QCOMPARE(lowest, -1000.0);
        QCOMPARE(highest, 2.0 * 4095 - 1000.0);
        const double perPixel = (highest - lowest) / 1000.0;

        drag(viewport, QPointF(200, 150), QPointF(260, 120));
        QVERIFY2(std::abs(viewport.windowCenter() - (center - 30 * perPixel)) < 1e-6,
            qPrintable(QString::number(viewport.windowCenter())));
        QVERIFY2(std::abs(viewport.windowWidth() - (width + 60 * perPixel)) < 1e-6,
            qPrintable(QString::number(viewport.windowWidth())));

        // Every displayed pixel is what a pipeline with that window maps its stored value to.
        DisplayPipeline reference(image);
        reference.setWindow(viewport.windowCenter(), viewport.windowWidth());
        const QImage after = viewport.renderToImage();
        int changed = 0;
        for (const QPoint pixel :
            { QPoint(0, 0), QPoint(40, 30), QPoint(160, 120), QPoint(250, 10), QPoint(319, 239) }) {
            const QPointF point = viewport.mapToWidget(QPointF(pixel) + QPointF(0.5, 0.5));
            const QPoint at(int(std::floor(point.x())), int(std::floor(point.y())));
            const int expected = reference.displayValue(storedAt(image, pixel.x(), pixel.y()));
            const int shown = qGray(after.pixel(at));
            QVERIFY2(std::abs(shown - expected) <= 1,
                qPrintable(QStringLiteral("pixel (%1, %2): shown %3, pipeline %4")
                               .arg(pixel.x())
                               .arg(pixel.y())
                               .arg(shown)
                               .arg(expected)));
            changed += before.pixel(at) != after.pixel(at) ? 1 : 0;
        }
        QVERIFY2(changed >= 2, "the drag did not change the displayed pixels");

        // Independent check of one value with the DICOM linear window formula.
        const int stored = storedAt(image, 160, 120);
        const double modality = 2.0 * stored - 1000.0;
        const double c = viewport.windowCenter();
        const double w = viewport.windowWidth();
        const double linear = std::clamp(((modality - (c - 0.5)) / (w - 1.0) + 0.5) * 255.0, 0.0, 255.0);
        QVERIFY(std::abs(reference.displayValue(stored) - linear) <= 1.0);
    }

    void presetsComeFromTheFile()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        viewport.setImage(testing::rampImage());
        QVERIFY(viewport.applyWindowPreset(1));
        QCOMPARE(viewport.windowCenter(), 1500.0);
        QCOMPARE(viewport.windowWidth(), 1000.0);
        QVERIFY(!viewport.applyWindowPreset(7));
        QCOMPARE(viewport.windowCenter(), 1500.0);
    }

    void autoWindowSpansThePercentiles()
    {
        ImageViewport viewport;
        const XrayImage image = testing::rampImage();
        viewport.setImage(image);
        viewport.autoWindow();
        std::vector<double> values;
        for (const auto stored : image.unsigned16())
            values.push_back(2.0 * stored - 1000.0);
        std::sort(values.begin(), values.end());
        const double low = values[static_cast<std::size_t>(0.005 * (values.size() - 1))];
        const double high = values[static_cast<std::size_t>(0.995 * (values.size() - 1))];
        QVERIFY2(std::abs(viewport.windowCenter() - (low + high) / 2) <= 2.0,
            qPrintable(QStringLiteral("%1 vs %2").arg(viewport.windowCenter()).arg((low + high) / 2)));
        QVERIFY2(std::abs(viewport.windowWidth() - (high - low)) <= 4.0,
            qPrintable(QStringLiteral("%1 vs %2").arg(viewport.windowWidth()).arg(high - low)));
    }

    // A padding range (not only the single padding value) is left out of the auto window, as the pipeline does.
    void autoWindowLeavesOutThePaddingRange()
    {
        XrayImage image = testing::rampImage();
        const auto [lowest, highest] = image.storedRange();
        image.pixelPaddingValue = lowest;
        image.pixelPaddingRangeLimit = lowest + (highest - lowest) / 2; // the darker half is padding
        ImageViewport viewport;
        viewport.setImage(image);
        viewport.autoWindow();
        const VoiSettings expected = DisplayPipeline::percentileVoi(image, 0.5, 99.5);
        QCOMPARE(viewport.windowCenter(), expected.center);
        QCOMPARE(viewport.windowWidth(), expected.width);
        // Every value below the window is padding: the window starts in the unpadded half.
        const double start = viewport.windowCenter() - viewport.windowWidth() / 2.0;
        QVERIFY2(start >= image.modalityValue(*image.pixelPaddingRangeLimit),
            qPrintable(QStringLiteral("window starts at %1").arg(start)));
    }

    void invertAndResetView()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        const XrayImage image = testing::rampImage();
        viewport.setImage(image);
        const QPointF at = viewport.mapToWidget(QPointF(100.5, 60.5));
        const int normal = qGray(viewport.renderToImage().pixel(at.toPoint()));
        viewport.setInverted(true);
        QVERIFY(viewport.isInverted());
        const int inverted = qGray(viewport.renderToImage().pixel(at.toPoint()));
        QVERIFY2(
            std::abs(inverted - (255 - normal)) <= 1, qPrintable(QStringLiteral("%1 / %2").arg(normal).arg(inverted)));

        drag(viewport, QPointF(100, 100), QPointF(180, 40));
        viewport.zoomAt(QPointF(50, 50), 3.0);
        viewport.resetView();
        const VoiSettings defaults = DisplayPipeline::defaultVoi(image);
        QCOMPARE(viewport.windowCenter(), defaults.center);
        QCOMPARE(viewport.windowWidth(), defaults.width);
        QVERIFY(!viewport.isInverted());
        QCOMPARE(viewport.viewTransform(), ViewTransform::fit(QSizeF(320, 240), QSizeF(400, 300)));
    }

    void wheelZoomKeepsThePointUnderTheCursor_data()
    {
        QTest::addColumn<QPointF>("cursor");
        QTest::addColumn<int>("angle");
        QTest::newRow("in-left-top") << QPointF(37, 51) << 240;
        QTest::newRow("out-right") << QPointF(350, 200) << -120;
        QTest::newRow("in-centre") << QPointF(200, 150) << 360;
    }

    void wheelZoomKeepsThePointUnderTheCursor()
    {
        QFETCH(QPointF, cursor);
        QFETCH(int, angle);
        ImageViewport viewport;
        viewport.resize(400, 300);
        viewport.setImage(testing::rampImage(1000, 800));
        const QPointF before = viewport.mapToImage(cursor);
        const double scale = viewport.viewTransform().scale();
        QWheelEvent wheel(cursor, viewport.mapToGlobal(cursor), QPoint(), QPoint(0, angle), Qt::NoButton,
            Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&viewport, &wheel);
        QVERIFY2(
            std::abs(viewport.viewTransform().scale() - scale * std::pow(1.2, angle / 120.0)) < 1e-9, "zoom factor");
        const QPointF after = viewport.mapToImage(cursor);
        QVERIFY2(QLineF(before, after).length() < 1e-9,
            qPrintable(QStringLiteral("image point moved by %1 pixels").arg(QLineF(before, after).length())));
    }

    void panAndActualSize()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        viewport.setImage(testing::rampImage(1000, 800));
        const QPointF anchor = viewport.mapToWidget(QPointF(500, 400));
        drag(viewport, QPointF(100, 100), QPointF(140, 70), Qt::MiddleButton);
        QCOMPARE(viewport.mapToWidget(QPointF(500, 400)), anchor + QPointF(40, -30));
        viewport.showActualSize();
        QCOMPARE(viewport.viewTransform().scale(), 1.0 / viewport.devicePixelRatioF());
        QCOMPARE(viewport.zoomPercent(), 100.0);
        viewport.fitToWindow();
        QCOMPARE(viewport.viewTransform().scale(), 0.375);
    }

    void cursorReadOutInStoredModalityAndMm()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        const XrayImage image = testing::rampImage();
        viewport.setImage(image);
        ImageViewport::CursorInfo received;
        connect(&viewport, &ImageViewport::cursorInfoChanged, this,
            [&received](const ImageViewport::CursorInfo& info) { received = info; });
        const QPointF at = viewport.mapToWidget(QPointF(100.5, 50.5));
        sendMouse(viewport, QEvent::MouseMove, at, Qt::NoButton);
        QVERIFY(received.insideImage);
        QCOMPARE(received.pixel, QPoint(100, 50));
        const int stored = (100 + 50) * 4095 / (320 + 240 - 2);
        QCOMPARE(received.storedValue, double(stored));
        QCOMPARE(received.modalityValue, 2.0 * stored - 1000.0);
        QCOMPARE(received.modalityUnit, QStringLiteral("US"));
        QVERIFY(received.positionMm.has_value());
        QVERIFY(std::abs(received.positionMm->x() - 100.5 * 0.2) < 1e-9);
        QVERIFY(std::abs(received.positionMm->y() - 50.5 * 0.2) < 1e-9);
        QVERIFY(!viewport.cursorInfoAt(QPointF(-5, -5)).insideImage);
    }

    void clickWithoutDragReportsTheImagePoint()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        viewport.setImage(testing::rampImage());
        QPointF clicked(-1, -1);
        connect(&viewport, &ImageViewport::imagePointClicked, this,
            [&clicked](double x, double y) { clicked = QPointF(x, y); });
        const QPointF at = viewport.mapToWidget(QPointF(200, 100));
        const double center = viewport.windowCenter();
        sendMouse(viewport, QEvent::MouseButtonPress, at, Qt::LeftButton);
        sendMouse(viewport, QEvent::MouseButtonRelease, at, Qt::LeftButton);
        QVERIFY(QLineF(clicked, QPointF(200, 100)).length() < 1e-6);
        QCOMPARE(viewport.windowCenter(), center);
    }

    void overlayColoursTheHotPatchOnly()
    {
        const int width = 560;
        const int height = 420;
        ImageViewport viewport;
        viewport.resize(560, 420);
        OverlaySettings settings;
        settings.setOpacity(1.0);
        settings.setThreshold(0.3);
        settings.setColormap(QStringLiteral("viridis"));
        viewport.setOverlaySettings(&settings);
        viewport.setImage(testing::flatImage(width, height));
        viewport.setWindow(128.0, 256.0);
        const int gray = viewport.pipeline().displayValue(40);
        const QRgb background = qRgb(gray, gray, gray);
        const auto result = testing::twoSentenceAnalysis(width, height);
        viewport.setAnalysis(result);
        OverlayHeatmap heatmap;
        heatmap.source = OverlayHeatmap::Source::Sentence;
        heatmap.index = 0;
        heatmap.label = QString::fromStdString(result->sentences[0].text);
        heatmap.map = result->sentences[0].similarityMap;
        heatmap.minimum = 0.0f;
        heatmap.maximum = 1.0f;
        viewport.setHeatmap(heatmap);
        QVERIFY(viewport.heatmapField().isValid());

        const QImage grabbed = viewport.renderToImage();
        const auto [hx, hy] = testing::patchCentre(result->geometry, 1, 1);
        const auto [cx, cy] = testing::patchCentre(result->geometry, 5, 4);
        const QRgb hot = grabbed.pixel(viewport.mapToWidget(QPointF(hx, hy)).toPoint());
        const QRgb cold = grabbed.pixel(viewport.mapToWidget(QPointF(cx, cy)).toPoint());
        const Colormap viridis(Colormap::Name::Viridis);
        QVERIFY2(channelDistance(hot, viridis.table().back()) <= 8,
            qPrintable(QStringLiteral("hot spot %1").arg(hot, 8, 16)));
        QVERIFY2(cold == background, qPrintable(QStringLiteral("cold spot %1").arg(cold, 8, 16)));

        // Opacity 0.5 blends the colour halfway with the gray image.
        settings.setOpacity(0.5);
        const QRgb half = viewport.renderToImage().pixel(viewport.mapToWidget(QPointF(hx, hy)).toPoint());
        QVERIFY2(std::abs(qGreen(half) - (qGreen(viridis.table().back()) + gray) / 2) <= 6,
            qPrintable(QString::number(qGreen(half))));

        // H toggles it off: the image shows through unchanged.
        settings.toggleVisible();
        QCOMPARE(viewport.renderToImage().pixel(viewport.mapToWidget(QPointF(hx, hy)).toPoint()), background);

        // Contours circle the hot patch.
        settings.setVisible(true);
        QVERIFY(!viewport.scene().contours.empty());
        bool aroundHotSpot = false;
        for (const auto& contour : viewport.scene().contours)
            for (const auto& line : contour.polylines)
                aroundHotSpot = aroundHotSpot || line.boundingRect().contains(QPointF(hx, hy));
        QVERIFY(aroundHotSpot);
    }

    void regionsAreDrawnWithEmphasis()
    {
        ImageViewport viewport;
        viewport.resize(400, 300);
        viewport.setImage(testing::flatImage(560, 420));
        viewport.setAnalysis(testing::twoSentenceAnalysis(560, 420));
        QCOMPARE(int(viewport.scene().regions.size()), 3);
        viewport.setEmphasisedRegions({ { 1, 0.9f } });
        viewport.setFocusedRegion(2);
        QVERIFY(!viewport.scene().regions[0].emphasised);
        QVERIFY(viewport.scene().regions[1].emphasised);
        QCOMPARE(*viewport.scene().regions[1].linkWeight, 0.9f);
        QVERIFY(viewport.scene().regions[2].focused);
    }

    void rulerUsesOneTwoFiveSteps()
    {
        QCOMPARE(PainterViewportRenderer::rulerLengthMm(1000, 2.0), 100.0);
        QCOMPARE(PainterViewportRenderer::rulerLengthMm(800, 3.0), 50.0);
        QCOMPARE(PainterViewportRenderer::rulerLengthMm(600, 0.5), 200.0);
        QCOMPARE(PainterViewportRenderer::rulerLengthMm(600, 0.0), 0.0);
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::ImageViewportTest)
#include "ImageViewportTest.moc"
