// The real lrclr-viewer window under Xvfb: it opens the bundled demo study, runs the model on it, shows the heatmap of
// "Moderate right pleural effusion.", and grabs itself from the X server with the overlay shown and hidden. The test
// reads the lesion's ground-truth box from the study's sidecar, maps it into the screenshot with the viewport
// transform the viewer saved beside it, and checks that overlay colour (pixels saturated with the overlay shown and
// not without it) marks that box, is centred in it, and lies mostly near it. A missing model or Xvfb is a failure,
// never a skip. A second run shows "No pneumothorax." (a negative finding): on the model's shared similarity scale it
// must colour no more than a small share of the chest, so that an unsupported sentence does not look as sure as the
// effusion.
#include <algorithm>
#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRectF>
#include <QStandardPaths>
#include <QTest>

namespace lrclr {

namespace {

const QString kSentence = QStringLiteral("Moderate right pleural effusion.");
/// Chroma (max - min channel, 0..255) above which a pixel counts as coloured; the image itself is grey (chroma 0),
/// the weakest colour the inferno map shows above its threshold at half opacity has a chroma of about 35.
constexpr int kChroma = 24;
/// The box grown by this fraction of its width and height (half on each side): "near" the lesion.
constexpr double kDilation = 0.2;
/// Share of the box's pixels that must be coloured: a clearly visible mark on the lesion, not a speck. Grounding maps
/// mark the most telling part of a finding (an effusion's meniscus), not its whole extent, so this is not coverage.
constexpr double kMinimumInBox = 0.05;
/// Share of all coloured pixels that must lie inside the dilated box: the overlay does not light up everything.
constexpr double kMinimumNear = 0.6;
/// The negative finding may colour at most this share of the chest (the image's central 80 % x 76 %, both lungs
/// and the mediastinum): "little or nothing", where a per-map colour range paints both lungs.
constexpr double kMaximumNegativeShare = 0.05;

QString modelDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("LRCLR_XVFB_MODEL_DIR");
    return fromEnvironment.isEmpty() ? QStringLiteral(LRCLR_XVFB_MODEL_DIR) : fromEnvironment;
}

QJsonObject readJson(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject())
        *error = QStringLiteral("%1 is not a JSON object: %2").arg(path, parseError.errorString());
    return document.object();
}

QRectF rectFrom(const QJsonValue& value)
{
    const QJsonArray array = value.toArray();
    if (array.size() != 4)
        return {};
    return QRectF(array[0].toDouble(), array[1].toDouble(), array[2].toDouble(), array[3].toDouble());
}

int chroma(QRgb pixel)
{
    const int r = qRed(pixel);
    const int g = qGreen(pixel);
    const int b = qBlue(pixel);
    return std::max({ r, g, b }) - std::min({ r, g, b });
}

/// The ground truth's boxes for `sentence`.
QList<QRectF> boxesOf(const QJsonObject& truth, const QString& sentence)
{
    QList<QRectF> boxes;
    for (const QJsonValue& entry : truth[QStringLiteral("sentences")].toArray()) {
        if (entry[QStringLiteral("text")].toString() == sentence)
            for (const QJsonValue& box : entry[QStringLiteral("boxes")].toArray())
                boxes << rectFrom(box);
    }
    return boxes;
}

/// The test's environment for the viewer: its own settings folder (so the overlay has its defaults), the X server's
/// display instead of the offscreen platform, and no model from the caller's environment.
QProcessEnvironment viewerEnvironment(const QString& output)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("LRCLR_MODEL_DIR"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), output + QStringLiteral("/config"));
    return environment;
}

/// `box` grown by `fraction` of its width and height (half on each side).
QRectF grown(const QRectF& box, double fraction)
{
    return box.adjusted(-box.width() * fraction / 2, -box.height() * fraction / 2, box.width() * fraction / 2,
        box.height() * fraction / 2);
}

/// Where the overlay put colour: pixels coloured with the overlay shown and not with it hidden (region boxes and
/// labels are coloured with the overlay hidden too).
struct OverlayColour {
    qint64 coloured = 0;
    qint64 colouredInBox = 0;
    qint64 colouredNear = 0;
    qint64 boxPixels = 0;
    QPointF colouredSum;

    double inBoxShare() const { return boxPixels > 0 ? double(colouredInBox) / double(boxPixels) : 0.0; }
    double nearShare() const { return coloured > 0 ? double(colouredNear) / double(coloured) : 0.0; }
    QPointF centroid() const { return coloured > 0 ? colouredSum / double(coloured) : QPointF(-1, -1); }
};

OverlayColour measureOverlayColour(
    const QImage& shown, const QImage& hidden, const QRect& scan, const QRectF& lesion, const QRectF& near)
{
    OverlayColour measured;
    for (int y = scan.top(); y <= scan.bottom(); ++y) {
        const auto* on = reinterpret_cast<const QRgb*>(shown.constScanLine(y));
        const auto* off = reinterpret_cast<const QRgb*>(hidden.constScanLine(y));
        for (int x = scan.left(); x <= scan.right(); ++x) {
            const QPointF centre(x + 0.5, y + 0.5);
            const bool inBox = lesion.contains(centre);
            measured.boxPixels += inBox ? 1 : 0;
            if (chroma(on[x]) < kChroma || chroma(off[x]) >= kChroma)
                continue;
            ++measured.coloured;
            measured.colouredSum += centre;
            measured.colouredInBox += inBox ? 1 : 0;
            measured.colouredNear += near.contains(centre) ? 1 : 0;
        }
    }
    return measured;
}

QString summaryOf(const QString& screenshot, const OverlayColour& measured, const QRect& scan, const QRectF& lesion)
{
    return QStringLiteral("screenshot %1: %2 coloured pixels in the visible image (%3 x %4); %5% of the lesion "
                          "box [%6] coloured (need >= %7%); %8% of the coloured pixels within the box grown by "
                          "%9% (need >= %10%); their centroid (%11, %12)")
        .arg(screenshot)
        .arg(measured.coloured)
        .arg(scan.width())
        .arg(scan.height())
        .arg(100.0 * measured.inBoxShare(), 0, 'f', 1)
        .arg(QStringLiteral("%1, %2, %3, %4")
                 .arg(lesion.x(), 0, 'f', 0)
                 .arg(lesion.y(), 0, 'f', 0)
                 .arg(lesion.width(), 0, 'f', 0)
                 .arg(lesion.height(), 0, 'f', 0))
        .arg(100.0 * kMinimumInBox, 0, 'f', 0)
        .arg(100.0 * measured.nearShare(), 0, 'f', 1)
        .arg(100.0 * kDilation, 0, 'f', 0)
        .arg(100.0 * kMinimumNear, 0, 'f', 0)
        .arg(measured.centroid().x(), 0, 'f', 0)
        .arg(measured.centroid().y(), 0, 'f', 0);
}

} // namespace

/// One screenshot of the real window with a sentence selected, and where the viewer placed the image in it.
struct Capture {
    QString screenshot;
    QJsonObject report;
    QImage shown; ///< overlay on
    QImage hidden; ///< overlay off
    double scale = 0.0; ///< screenshot pixels per image pixel
    QPointF origin; ///< screenshot position of image pixel (0, 0)
    QRect scan; ///< the visible image, in screenshot pixels

    QRectF toScreenshot(const QRectF& rect) const
    {
        return QRectF(rect.topLeft() * scale + origin, rect.size() * scale);
    }
};

class ViewerXvfbTest : public QObject {
    Q_OBJECT

private:
    QString m_model;
    QString m_study = QStringLiteral(LRCLR_SOURCE_DIR "/resources/demo");
    QJsonObject m_truth;

    /// Runs the viewer on the demo study with `sentence` selected and reads back its two screenshots (QVERIFY fails
    /// the calling test on any problem).
    void capture(const QString& sentence, const QString& name, Capture& result)
    {
        // The real window on a virtual X server; its own settings folder, so the overlay has its defaults.
        const QString output = QStringLiteral(LRCLR_BINARY_DIR "/tests/app/xvfb-screenshot-") + name;
        QDir(output).removeRecursively();
        QVERIFY(QDir().mkpath(output + QStringLiteral("/config")));
        result.screenshot = QDir(output).filePath(name + QStringLiteral(".png"));
        const QString xvfbRun = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
        QVERIFY2(!xvfbRun.isEmpty(), "xvfb-run is not installed (Debian package xvfb, see scripts/install-deps.sh)");
        QProcess viewer;
        viewer.setProcessEnvironment(viewerEnvironment(output));
        viewer.setProcessChannelMode(QProcess::MergedChannels);
        viewer.start(xvfbRun,
            { QStringLiteral("-a"), QStringLiteral("-s"), QStringLiteral("-screen 0 1600x1000x24"),
                QStringLiteral(LRCLR_VIEWER_EXECUTABLE), QStringLiteral("--model"), m_model,
                QStringLiteral("--select-sentence"), sentence, QStringLiteral("--screenshot"), result.screenshot,
                m_study });
        QVERIFY2(viewer.waitForStarted(), qPrintable(viewer.errorString()));
        const bool finished = viewer.waitForFinished(240000);
        const QString log = QString::fromLocal8Bit(viewer.readAll());
        if (!finished)
            viewer.kill();
        QVERIFY2(finished, qPrintable(QStringLiteral("the viewer did not finish within 240 s:\n") + log));
        QVERIFY2(viewer.exitStatus() == QProcess::NormalExit && viewer.exitCode() == 0,
            qPrintable(QStringLiteral("the viewer exited with %1:\n%2").arg(viewer.exitCode()).arg(log)));

        QString error;
        result.report = readJson(QDir(output).filePath(name + QStringLiteral(".json")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonObject& report = result.report;
        QCOMPARE(report[QStringLiteral("source")].toString(), QStringLiteral("screen"));
        QVERIFY(report[QStringLiteral("analysisReady")].toBool());
        QCOMPARE(report[QStringLiteral("sentence")][QStringLiteral("text")].toString(), sentence);
        QCOMPARE(report[QStringLiteral("heatmap")].toString(), sentence);
        const QJsonArray imageSize = report[QStringLiteral("imageSize")].toArray();
        QCOMPARE(imageSize.size(), 2);
        QCOMPARE(imageSize[0].toInt(), m_truth[QStringLiteral("width")].toInt());
        QCOMPARE(imageSize[1].toInt(), m_truth[QStringLiteral("height")].toInt());

        result.shown = QImage(result.screenshot).convertToFormat(QImage::Format_RGB32);
        result.hidden = QImage(QDir(output).filePath(report[QStringLiteral("withoutOverlay")].toString()))
                            .convertToFormat(QImage::Format_RGB32);
        QVERIFY2(!result.shown.isNull() && !result.hidden.isNull(), "the screenshots cannot be read");
        QCOMPARE(result.shown.size(), result.hidden.size());

        // Image pixel -> screenshot pixel, as the viewer placed the image.
        const QJsonObject geometry = report[QStringLiteral("imageToScreenshot")].toObject();
        result.scale = geometry[QStringLiteral("scale")].toDouble();
        const QJsonArray offset = geometry[QStringLiteral("offset")].toArray();
        QVERIFY2(result.scale > 0.0 && offset.size() == 2, "the viewer saved no image-to-screenshot transform");
        result.origin = QPointF(offset[0].toDouble(), offset[1].toDouble());
        const QRectF visible = rectFrom(geometry[QStringLiteral("visibleImage")])
                                   .intersected(QRectF(QPointF(0, 0), result.shown.size()));
        QVERIFY2(visible.width() > 100 && visible.height() > 100, "the image is not visible in the window");
        result.scan = visible.toAlignedRect().intersected(result.shown.rect());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_model = modelDirectory();
        QVERIFY2(QFileInfo::exists(QDir(m_model).filePath(QStringLiteral("manifest.json"))),
            qPrintable(QStringLiteral("no model at %1 (manifest.json missing): the demo model models/demo is not "
                                      "installed yet; train it (docs/MODEL.md) or point LRCLR_XVFB_MODEL_DIR (CMake "
                                      "cache or environment) at a model directory")
                           .arg(m_model)));
        QString error;
        m_truth = readJson(QDir(m_study).filePath(QStringLiteral("ground-truth/phantom-000000.json")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void overlayColourLiesOnTheLesion()
    {
        // The lesion's box, from the demo study's ground truth, for the very sentence the viewer will show.
        const QList<QRectF> boxes = boxesOf(m_truth, kSentence);
        QVERIFY2(boxes.size() == 1 && boxes[0].isValid(),
            qPrintable(QStringLiteral("the ground truth should give one box for \"%1\", found %2")
                           .arg(kSentence)
                           .arg(boxes.size())));
        const QRectF box = boxes[0];
        Capture shot;
        capture(kSentence, QStringLiteral("effusion"), shot);
        if (QTest::currentTestFailed())
            return;
        const QRectF lesion = shot.toScreenshot(box);
        const QRectF near = shot.toScreenshot(grown(box, kDilation));
        QVERIFY2(QRectF(shot.scan).contains(lesion), "the lesion's box is not inside the visible image");

        const OverlayColour measured = measureOverlayColour(shot.shown, shot.hidden, shot.scan, lesion, near);
        const QString summary = summaryOf(shot.screenshot, measured, shot.scan, lesion);
        qInfo().noquote() << summary;
        QVERIFY2(measured.coloured > 0, qPrintable(QStringLiteral("no overlay colour at all; ") + summary));
        QVERIFY2(measured.inBoxShare() >= kMinimumInBox, qPrintable(summary));
        QVERIFY2(measured.nearShare() >= kMinimumNear, qPrintable(summary));
        QVERIFY2(lesion.contains(measured.centroid()),
            qPrintable(QStringLiteral("the overlay is not centred on the lesion; ") + summary));
    }

    void negativeFindingColoursLittleOfTheChest()
    {
        const QString sentence = QStringLiteral("No pneumothorax.");
        QVERIFY2(
            boxesOf(m_truth, sentence).isEmpty() && m_truth[QStringLiteral("report")].toString().contains(sentence),
            "the demo report should hold \"No pneumothorax.\" without a box");
        Capture shot;
        capture(sentence, QStringLiteral("no-pneumothorax"), shot);
        if (QTest::currentTestFailed())
            return;
        const double width = m_truth[QStringLiteral("width")].toDouble();
        const double height = m_truth[QStringLiteral("height")].toDouble();
        const QRectF chest = shot.toScreenshot(QRectF(0.1 * width, 0.12 * height, 0.8 * width, 0.76 * height));
        const OverlayColour measured = measureOverlayColour(shot.shown, shot.hidden, shot.scan, chest, chest);
        const QString summary = QStringLiteral("screenshot %1: \"%2\" colours %3% of the chest (%4 of %5 pixels; "
                                               "allowed <= %6%)")
                                    .arg(shot.screenshot, sentence)
                                    .arg(100.0 * measured.inBoxShare(), 0, 'f', 2)
                                    .arg(measured.colouredInBox)
                                    .arg(measured.boxPixels)
                                    .arg(100.0 * kMaximumNegativeShare, 0, 'f', 0);
        qInfo().noquote() << summary;
        QVERIFY2(measured.boxPixels > 10000, qPrintable(summary));
        QVERIFY2(measured.inBoxShare() <= kMaximumNegativeShare, qPrintable(summary));
        // The legend and label say what the sentence is: the viewer's own summary names it a negative finding.
        QCOMPARE(
            shot.report[QStringLiteral("overlayLabel")].toString(), QStringLiteral("Negative finding: ") + sentence);
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::ViewerXvfbTest)
#include "ViewerXvfbTest.moc"
