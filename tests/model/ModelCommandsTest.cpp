// `lrclr encode` and `lrclr analyze` end to end: a model directory imported from the reference checkpoint, a
// 300x200 PNG and a report written by the test, the CLI run as a process.
#include <QtTest>

#include <QImage>

#include "core/model/AnalysisJson.h"
#include "core/model/ClipImporter.h"
#include "core/model/NpyArray.h"
#include "tests/model/ModelTestSupport.h"

using namespace lrclr;

class ModelCommandsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        QVERIFY2(QFile::exists(LRCLR_CLI), LRCLR_CLI);
        ClipImporter::Options options;
        options.checkpointPath = test::referenceDirectory() + "/clip_tiny_seed0.pt";
        options.mergesPath = test::referenceDirectory() + "/bpe_simple_vocab_16e6.txt.gz";
        options.findingsPath = std::string(LRCLR_SOURCE_DIR) + "/models/findings.json";
        options.outputDirectory = m_folder.filePath("model").toStdString();
        QVERIFY(ClipImporter::run(options).verified);
    }

    void encodeTensorMatchesTheReference()
    {
        const auto reference = QString::fromStdString(test::referenceDirectory());
        // The reference input holds two images; the CLI encodes each.
        const auto output = runCli({ "encode", "--model", m_folder.filePath("model"), "--tensor",
            reference + "/image_input.npy", "--text", "a chest x-ray", "--json", "--device", "cpu" });
        const auto document = QJsonDocument::fromJson(output).object();
        const auto images = document.value("images").toArray();
        QCOMPARE(images.size(), 2);
        const auto expected = NpyArray::read((reference + "/image_embedding.npy").toStdString()).toFloat32();
        const auto tokens = NpyArray::read((reference + "/visual_tokens.npy").toStdString()).toFloat32();
        double error = 0.0;
        for (int b = 0; b < 2; ++b) {
            const auto embedding = images.at(b).toObject().value("embedding").toArray();
            QCOMPARE(embedding.size(), 64);
            for (int i = 0; i < 64; ++i)
                error = std::max(error, std::abs(embedding.at(i).toDouble() - expected[b * 64 + i]));
            const auto visual = images.at(b).toObject().value("tokens").toArray();
            QCOMPARE(visual.size(), 50);
            for (int t = 0; t < 50; ++t)
                error = std::max(
                    error, std::abs(visual.at(t).toArray().at(5).toDouble() - tokens[(b * 50 + t) * 64 + 5]));
        }
        QVERIFY2(error <= 1e-4, qPrintable(QString("max abs error %1").arg(error)));
        const auto text = document.value("texts").toArray().at(0).toObject();
        QCOMPARE(text.value("tokens").toArray().size(), 77);
        QCOMPARE(text.value("tokens").toArray().at(0).toInt(), 49406);
        QCOMPARE(text.value("embedding").toArray().size(), 64);
    }

    void analyzeWritesJsonAndHeatmaps()
    {
        QImage image(300, 200, QImage::Format_Grayscale8);
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 300; ++x)
                image.scanLine(y)[x] = static_cast<uchar>((x + 2 * y) % 256);
        const auto imagePath = m_folder.filePath("film.png");
        QVERIFY(image.save(imagePath));
        const auto reportPath = m_folder.filePath("report.txt");
        QFile report(reportPath);
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("FINDINGS: Small left pleural effusion. The heart is normal in size.\nIMPRESSION: Effusion.\n");
        report.close();

        const auto out = m_folder.filePath("analysis");
        runCli({ "analyze", "--model", m_folder.filePath("model"), imagePath, "--report", reportPath, "--text",
            "typed text", "--out", out, "--quiet", "--device", "cpu" });
        QFile json(out + "/analysis.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const auto result = AnalysisJson::fromJson(json.readAll().toStdString(), "analysis.json");
        QCOMPARE(result.geometry.originalWidth, 300);
        QCOMPARE(result.findings.size(), std::size_t(14));
        QVERIFY2(result.sentences.size() == 4, qPrintable(QString::number(result.sentences.size())));
        QCOMPARE(result.sentences.back().text, std::string("typed text"));
        QVERIFY(result.sentences[0].end > result.sentences[0].begin);

        // Default: 8-bit PNGs no larger than 1024 px (this image is smaller, so its own size), no float maps.
        QImage png(out + "/finding-01-atelectasis.png");
        QCOMPARE(png.size(), QSize(300, 200));
        QVERIFY(QFile::exists(out + "/sentence-04-similarity.png"));
        QVERIFY(!QFile::exists(out + "/sentence-01-attention.npy"));

        // --heatmap-size bounds the PNGs keeping the aspect ratio; --float-maps adds full-size float32 maps.
        const auto large = m_folder.filePath("analysis-float");
        runCli({ "analyze", "--model", m_folder.filePath("model"), imagePath, "--report", reportPath, "--out", large,
            "--heatmap-size", "150", "--float-maps", "--quiet", "--device", "cpu" });
        QCOMPARE(QImage(large + "/finding-01-atelectasis.png").size(), QSize(150, 100));
        const auto heatmap = NpyArray::read((large + "/sentence-01-attention.npy").toStdString());
        QCOMPARE(heatmap.shape(), (std::vector<std::int64_t> { 200, 300 }));
        QVERIFY(QFile::exists(large + "/sentence-03-similarity.npy"));

        // A second analysis into the same folder removes what the first wrote, and nothing else.
        QFile keep(large + "/notes.txt");
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.close();
        runCli({ "analyze", "--model", m_folder.filePath("model"), imagePath, "--text", "one sentence", "--out", large,
            "--quiet", "--device", "cpu" });
        QVERIFY(QFile::exists(large + "/sentence-01-similarity.png"));
        QVERIFY(!QFile::exists(large + "/sentence-02-similarity.png"));
        QVERIFY(!QFile::exists(large + "/sentence-01-attention.npy"));
        QVERIFY(QFile::exists(large + "/notes.txt"));
        QVERIFY(QDir(large).entryList({ "*.tmp", ".*" }, QDir::Files | QDir::Hidden).isEmpty());
    }

    void badUsageAndMissingFilesFailCleanly()
    {
        QProcess process;
        process.start(LRCLR_CLI, { "analyze", "--model", m_folder.filePath("model") });
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
        process.start(LRCLR_CLI,
            { "analyze", "--model", m_folder.filePath("model"), m_folder.filePath("none.png"), "--out",
                m_folder.filePath("x") });
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 1);
        QVERIFY(process.readAllStandardError().contains("none.png"));
    }

private:
    QByteArray runCli(const QStringList& arguments)
    {
        QProcess process;
        process.start(LRCLR_CLI, arguments);
        if (!process.waitForFinished(120000))
            return {};
        const auto errors = process.readAllStandardError();
        if (process.exitCode() != 0)
            qWarning("lrclr %s failed: %s", qPrintable(arguments.join(' ')), errors.constData());
        return process.readAllStandardOutput();
    }

    QTemporaryDir m_folder;
};

QTEST_GUILESS_MAIN(ModelCommandsTest)
#include "ModelCommandsTest.moc"
