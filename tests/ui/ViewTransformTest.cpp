// ViewTransform: fit, 1:1, zoom to a point and pan as pure functions.
#include <QTest>

#include "ui/ViewTransform.h"

namespace lrclr {

class ViewTransformTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fitCentresTheWholeImage_data()
    {
        QTest::addColumn<QSizeF>("image");
        QTest::addColumn<QSizeF>("viewport");
        QTest::addColumn<double>("scale");
        QTest::newRow("portrait-in-landscape") << QSizeF(3000, 4000) << QSizeF(800, 600) << 0.15;
        QTest::newRow("landscape-in-square") << QSizeF(1000, 500) << QSizeF(500, 500) << 0.5;
        QTest::newRow("small-image-magnified") << QSizeF(100, 100) << QSizeF(400, 300) << 3.0;
    }

    void fitCentresTheWholeImage()
    {
        QFETCH(QSizeF, image);
        QFETCH(QSizeF, viewport);
        QFETCH(double, scale);
        const ViewTransform view = ViewTransform::fit(image, viewport);
        QCOMPARE(view.scale(), scale);
        const QRectF drawn = view.toWidget(QRectF(QPointF(0, 0), image));
        QVERIFY(QRectF(QPointF(0, 0), viewport).adjusted(-1e-9, -1e-9, 1e-9, 1e-9).contains(drawn));
        QCOMPARE(drawn.center(), QRectF(QPointF(0, 0), viewport).center());
        QCOMPARE(view.visibleImageRect(image, viewport), QRectF(QPointF(0, 0), image));
    }

    void actualSizeIsOneImagePixelPerDevicePixel()
    {
        QCOMPARE(ViewTransform::actualSize(QSizeF(100, 100), QSizeF(50, 50), 1.0).scale(), 1.0);
        QCOMPARE(ViewTransform::actualSize(QSizeF(100, 100), QSizeF(50, 50), 2.0).scale(), 0.5);
    }

    void zoomKeepsTheAnchorFixed_data()
    {
        QTest::addColumn<QPointF>("anchor");
        QTest::addColumn<double>("factor");
        QTest::newRow("in-at-corner") << QPointF(10, 20) << 1.5;
        QTest::newRow("out-at-centre") << QPointF(400, 300) << 0.4;
        QTest::newRow("in-outside-image") << QPointF(-50, 900) << 3.0;
    }

    void zoomKeepsTheAnchorFixed()
    {
        QFETCH(QPointF, anchor);
        QFETCH(double, factor);
        const ViewTransform before = ViewTransform::fit(QSizeF(2000, 2500), QSizeF(800, 600));
        const ViewTransform after = before.zoomedAt(anchor, factor);
        QCOMPARE(after.scale(), before.scale() * factor);
        const QPointF a = before.toImage(anchor);
        const QPointF b = after.toImage(anchor);
        QVERIFY2(QLineF(a, b).length() < 1e-9, qPrintable(QStringLiteral("moved by %1").arg(QLineF(a, b).length())));
    }

    void zoomIsClamped()
    {
        ViewTransform view;
        view = view.zoomedAt(QPointF(0, 0), 1e9);
        QCOMPARE(view.scale(), ViewTransform::maximumScale);
        view = view.zoomedAt(QPointF(0, 0), 1e-12);
        QCOMPARE(view.scale(), ViewTransform::minimumScale);
        QCOMPARE(view.zoomedAt(QPointF(0, 0), -1.0), view);
    }

    void panMovesByTheDelta()
    {
        const ViewTransform view = ViewTransform::fit(QSizeF(100, 100), QSizeF(200, 200));
        const ViewTransform moved = view.panned(QPointF(15, -4));
        QCOMPARE(moved.toWidget(QPointF(10, 10)), view.toWidget(QPointF(10, 10)) + QPointF(15, -4));
    }

    void visibleRectIsClippedToTheImage()
    {
        // Zoomed 4x at the top-left corner of a 1000 x 1000 image in a 400 x 300 viewport: 100 x 75 pixels show.
        ViewTransform view;
        view = view.zoomedAt(QPointF(0, 0), 4.0);
        QCOMPARE(view.visibleImageRect(QSizeF(1000, 1000), QSizeF(400, 300)), QRectF(0, 0, 100, 75));
        QVERIFY(view.panned(QPointF(5000, 0)).visibleImageRect(QSizeF(1000, 1000), QSizeF(400, 300)).isEmpty());
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::ViewTransformTest)
#include "ViewTransformTest.moc"
