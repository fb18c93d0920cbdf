// The viewer's --screenshot machinery offscreen, with a fake analyzer: sentence matching, the files it writes, and
// the image-to-screenshot transform it saves (a bright square of the image must be found where the transform puts
// it). The Xvfb test relies on all three with the real model and window.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewer/ScreenshotRunner.h"
#include "core/inference/InferenceService.h"
#include "tests/inference/FakeAnalyzer.h"
#include "ui/MainWindow.h"

namespace lrclr {

namespace {

constexpr int imageWidth = 200;
constexpr int imageHeight = 160;
const QRect brightSquare(120, 50, 40, 30);

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class ScreenshotRunnerTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_folder;
    QString m_image;

    /// Runs the runner on the test image in a fresh window and returns what it wrote beside `name`.png.
    QJsonObject capture(const QString& name, const QString& sentence)
    {
        InferenceService service(
            std::make_unique<testing::FakeAnalyzer>(std::make_shared<testing::FakeAnalyzerControl>()));
        MainWindow window(&service);
        window.resize(1000, 700);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            return {};
        const QString screenshot = m_folder.filePath(name + QStringLiteral(".png"));
        ScreenshotRunner runner(window, screenshot, sentence);
        runner.start();
        if (!window.openPath(m_image))
            return {};
        const QString json = m_folder.filePath(name + QStringLiteral(".json"));
        if (!QTest::qWaitFor([&json] { return QFile::exists(json); }, 20000))
            return {};
        QTest::qWait(50); // the runner's queued exit request, harmless outside exec()
        return readJson(json);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_folder.filePath(QStringLiteral("config")));
        m_image = m_folder.filePath(QStringLiteral("chest.png"));
        QImage image(imageWidth, imageHeight, QImage::Format_Grayscale8);
        image.fill(20);
        for (int y = brightSquare.top(); y <= brightSquare.bottom(); ++y)
            for (int x = brightSquare.left(); x <= brightSquare.right(); ++x)
                image.scanLine(y)[x] = 250;
        QVERIFY(image.save(m_image));
        QFile report(m_folder.filePath(QStringLiteral("chest.txt")));
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("FINDINGS: Opacity in the right lower zone. Small left effusion.\n");
    }

    void matchSentence_data()
    {
        QTest::addColumn<QString>("wanted");
        QTest::addColumn<int>("index");
        QTest::newRow("exact") << QStringLiteral("Small left effusion.") << 1;
        QTest::newRow("case-and-spaces") << QStringLiteral("  small LEFT\n effusion. ") << 1;
        QTest::newRow("unique-part") << QStringLiteral("right lower") << 0;
        QTest::newRow("exact-beats-part") << QStringLiteral("effusion.") << 2;
        QTest::newRow("ambiguous-part") << QStringLiteral("zone") << -1;
        QTest::newRow("absent") << QStringLiteral("pneumothorax") << -1;
        QTest::newRow("empty") << QString() << -1;
    }

    void matchSentence()
    {
        QFETCH(QString, wanted);
        QFETCH(int, index);
        const QStringList sentences { QStringLiteral("Opacity in the right lower zone."),
            QStringLiteral("Small left effusion."), QStringLiteral("Effusion."), QStringLiteral("Upper zone clear.") };
        QCOMPARE(ScreenshotRunner::matchSentence(sentences, wanted), index);
    }

    void writesTheScreenshotsAndWhereTheImageLies()
    {
        const QJsonObject report = capture(QStringLiteral("shot"), QStringLiteral("small left effusion."));
        QVERIFY2(!report.isEmpty(), "the runner wrote no readable JSON");
        QVERIFY(report[QStringLiteral("analysisReady")].toBool());
        QCOMPARE(report[QStringLiteral("sentence")][QStringLiteral("index")].toInt(), 1);
        QCOMPARE(report[QStringLiteral("sentence")][QStringLiteral("text")].toString(),
            QStringLiteral("Small left effusion."));
        QCOMPARE(report[QStringLiteral("heatmap")].toString(), QStringLiteral("Small left effusion."));
        QCOMPARE(report[QStringLiteral("imageSize")].toArray(), (QJsonArray { imageWidth, imageHeight }));

        const QImage shown(m_folder.filePath(report[QStringLiteral("screenshot")].toString()));
        const QImage hidden(m_folder.filePath(report[QStringLiteral("withoutOverlay")].toString()));
        QVERIFY(!shown.isNull() && !hidden.isNull());
        QCOMPARE(shown.size(), hidden.size());
        const QJsonArray size = report[QStringLiteral("screenshotSize")].toArray();
        QCOMPARE(QSize(size[0].toInt(), size[1].toInt()), shown.size());

        // The transform puts the bright square where it is in the picture without the overlay.
        const QJsonObject geometry = report[QStringLiteral("imageToScreenshot")].toObject();
        const double scale = geometry[QStringLiteral("scale")].toDouble();
        const QJsonArray offset = geometry[QStringLiteral("offset")].toArray();
        QVERIFY(scale > 1.0);
        const auto at = [&](QPointF image) {
            const QPointF point = image * scale + QPointF(offset[0].toDouble(), offset[1].toDouble());
            return qGray(hidden.pixel(point.toPoint()));
        };
        QVERIFY2(at(QPointF(brightSquare.center()) + QPointF(0.5, 0.5)) > 200, "the bright square is not there");
        for (const QPointF& dark : { QPointF(20, 20), QPointF(60, 130), QPointF(180, 140) })
            QVERIFY2(at(dark) < 80, qPrintable(QStringLiteral("(%1, %2) should be dark").arg(dark.x()).arg(dark.y())));
        const QJsonArray visible = geometry[QStringLiteral("visibleImage")].toArray();
        QCOMPARE(visible[2].toDouble(), imageWidth * scale);
        QCOMPARE(visible[3].toDouble(), imageHeight * scale);
    }

    void aSentenceThatIsNotThereIsAFailure()
    {
        const QJsonObject report = capture(QStringLiteral("unmatched"), QStringLiteral("pneumothorax"));
        QVERIFY2(!report.isEmpty(), "the runner wrote no readable JSON");
        QVERIFY(!report[QStringLiteral("analysisReady")].toBool());
        const QString problem = report[QStringLiteral("problem")].toString();
        QVERIFY2(problem.contains(QStringLiteral("pneumothorax")) && problem.contains(QStringLiteral("Small left")),
            qPrintable(problem));
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::ScreenshotRunnerTest)
#include "ScreenshotRunnerTest.moc"
