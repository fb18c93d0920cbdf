// LrclrAnalyzer end to end through the InferenceService, on a tiny model directory imported in the test from the
// reference CLIP checkpoint (the same small ViT the model library's own tests use).
#include <cmath>
#include <numeric>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "core/model/ClipImporter.h"
#include "core/model/ModelDirectory.h"

using namespace lrclr;

namespace {

const std::string referenceFolder = std::string(LRCLR_SHARED_DIR) + "/reference/clip";

/// A chest-like test image: a vertical gradient with a bright disc in the lower right, on the display scale 0-255.
std::shared_ptr<const GrayscaleImage> testImage(int width, int height)
{
    auto image = std::make_shared<GrayscaleImage>();
    image->width = width;
    image->height = height;
    image->pixels.resize(static_cast<std::size_t>(width) * height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const double dx = x - 0.7 * width;
            const double dy = y - 0.65 * height;
            const bool disc = dx * dx + dy * dy < 0.01 * width * width;
            image->pixels[static_cast<std::size_t>(y) * width + x]
                = disc ? 230.0f : static_cast<float>(40.0 + 120.0 * y / height);
        }
    }
    return image;
}

} // namespace

class LrclrAnalyzerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        ClipImporter::Options options;
        options.checkpointPath = referenceFolder + "/clip_tiny_seed0.pt";
        options.mergesPath = referenceFolder + "/bpe_simple_vocab_16e6.txt.gz";
        options.findingsPath = std::string(LRCLR_SOURCE_DIR) + "/models/findings.json";
        options.outputDirectory = m_folder.filePath(QStringLiteral("model")).toStdString();
        options.name = "clip-tiny-inference-test";
        QVERIFY2(QFile::exists(QString::fromStdString(options.checkpointPath)), options.checkpointPath.c_str());
        QVERIFY2(QFile::exists(QString::fromStdString(options.findingsPath)), options.findingsPath.c_str());
        const auto report = ClipImporter::run(options);
        QVERIFY(report.verified);
        m_directory = options.outputDirectory;
    }

    void analysisRunsThroughTheService()
    {
        InferenceService service(
            std::make_unique<LrclrAnalyzer>(m_directory, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 }));
        QSignalSpy finished(&service, &InferenceService::finished);
        QSignalSpy failed(&service, &InferenceService::failed);
        QSignalSpy progress(&service, &InferenceService::progress);
        QSignalSpy loaded(&service, &InferenceService::modelLoaded);

        const std::vector<std::string> sentences { "Opacity in the right lower lobe.", "No pneumothorax." };
        const auto image = testImage(320, 256);
        const quint64 job = service.submit(AnalysisRequest { image, sentences });
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
        QCOMPARE(finished.at(0).at(0).value<quint64>(), job);
        const AnalysisResult result = finished.at(0).at(1).value<AnalysisResult>();

        // The model directory's identity travels with the result.
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(result.model.name, std::string("clip-tiny-inference-test"));
        QCOMPARE(result.model.sha256, ModelDirectory::open(m_directory).manifest().weights.sha256);
        QCOMPARE(service.modelIdentity().sha256, result.model.sha256);

        QCOMPARE(result.geometry.originalWidth, 320);
        QCOMPARE(result.geometry.originalHeight, 256);
        QVERIFY(!result.regions.empty());
        QCOMPARE(result.sentences.size(), sentences.size());
        for (std::size_t index = 0; index < sentences.size(); ++index) {
            const auto& sentence = result.sentences[index];
            QCOMPARE(sentence.text, sentences[index]);
            QCOMPARE(sentence.regionWeights.size(), result.regions.size());
            const double total = std::accumulate(sentence.regionWeights.begin(), sentence.regionWeights.end(), 0.0);
            QVERIFY2(std::abs(total - 1.0) < 1e-3, qPrintable(QStringLiteral("weights sum to %1").arg(total)));
            QVERIFY(sentence.similarityMap.rows > 0);
            QCOMPARE(sentence.similarityMap.values.size(),
                static_cast<std::size_t>(sentence.similarityMap.rows) * sentence.similarityMap.columns);
            QVERIFY(std::isfinite(sentence.localSimilarity) && std::isfinite(sentence.globalSimilarity));
        }
        QVERIFY(!result.findings.empty());
        qInfo("%zu regions, %zu findings, %d progress reports, analysis %.2f s", result.regions.size(),
            result.findings.size(), static_cast<int>(progress.size()), result.seconds);
        for (const auto& finding : result.findings)
            QVERIFY2(finding.combinedProbability >= 0.0f && finding.combinedProbability <= 1.0f, finding.name.c_str());

        // Progress: loading first, done last, in stage order.
        QVERIFY(progress.size() >= 2);
        QCOMPARE(progress.first().at(1).value<InferenceStage>(), InferenceStage::LoadingModel);
        QCOMPARE(progress.last().at(1).value<InferenceStage>(), InferenceStage::Done);
        for (qsizetype index = 1; index < progress.size(); ++index)
            QVERIFY(int(progress.at(index).at(1).value<InferenceStage>())
                >= int(progress.at(index - 1).at(1).value<InferenceStage>()));

        // Live re-grounding of an edited sentence reuses the loaded model.
        QSignalSpy grounded(&service, &InferenceService::groundingFinished);
        const quint64 grounding
            = service.submitGrounding(GroundingRequest { image, { "Opacity in the left lower lobe." } });
        QTRY_VERIFY_WITH_TIMEOUT(!grounded.isEmpty() || failed.size() > 0, 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
        QCOMPARE(grounded.at(0).at(0).value<quint64>(), grounding);
        const auto regrounded = grounded.at(0).at(1).value<GroundedSentences>();
        QCOMPARE(regrounded.size(), std::size_t(1));
        QCOMPARE(regrounded.front().text, std::string("Opacity in the left lower lobe."));
        QCOMPARE(regrounded.front().regionWeights.size(), result.regions.size());
        QCOMPARE(loaded.size(), 1);
    }

    void everyStageIsReportedInOrder()
    {
        // Called directly (this thread is the analyzer's only thread), to see every report the model makes.
        LrclrAnalyzer analyzer(m_directory, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
        analyzer.load(InferenceJobContext {});
        QList<QPair<InferenceStage, double>> reports;
        const InferenceJobContext context(
            [&reports](InferenceStage stage, double fraction) {
                reports.append({ stage, fraction });
            },
            [] { return false; });
        analyzer.analyze(AnalysisRequest { testImage(200, 240), { "Right effusion.", "No pneumothorax." } }, context);
        const QList<InferenceStage> expected { InferenceStage::Preprocessing, InferenceStage::EncodingImage,
            InferenceStage::SelectingRegions, InferenceStage::EncodingText, InferenceStage::GroundingSentences,
            InferenceStage::ScoringFindings, InferenceStage::Done };
        QList<InferenceStage> stages;
        for (const auto& report : reports)
            stages << report.first;
        QCOMPARE(stages, expected);
        for (qsizetype k = 1; k < reports.size(); ++k)
            QVERIFY2(reports[k].second > reports[k - 1].second,
                qPrintable(QStringLiteral("fraction %1 after %2").arg(reports[k].second).arg(reports[k - 1].second)));
        QCOMPARE(reports.first().second, 0.0);
        QCOMPARE(reports.last().second, 1.0);

        // The same image again: its features are cached, so the image stages are skipped.
        reports.clear();
        analyzer.analyze(AnalysisRequest { testImage(200, 240), { "Right effusion." } }, context);
        QCOMPARE(reports.first().first, InferenceStage::EncodingText);
    }

    void cancelStopsBetweenStages_data()
    {
        QTest::addColumn<int>("cancelAfter");
        QTest::newRow("after-preprocessing") << int(InferenceStage::Preprocessing);
        QTest::newRow("after-image-encoding") << int(InferenceStage::EncodingImage);
        QTest::newRow("after-text-encoding") << int(InferenceStage::EncodingText);
    }

    void cancelStopsBetweenStages()
    {
        QFETCH(int, cancelAfter);
        LrclrAnalyzer analyzer(m_directory, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
        analyzer.load(InferenceJobContext {});
        bool canceled = false;
        QList<InferenceStage> stages;
        const InferenceJobContext context(
            [&](InferenceStage stage, double) {
                stages << stage;
                canceled = canceled || int(stage) == cancelAfter;
            },
            [&canceled] { return canceled; });
        bool threw = false;
        try {
            analyzer.analyze(AnalysisRequest { testImage(180, 200), { "Left nodule." } }, context);
        } catch (const AnalysisCanceled&) {
            threw = true;
        }
        QVERIFY2(threw, "a job canceled during a stage must stop before the next one");
        QCOMPARE(int(stages.last()), cancelAfter);
    }

    void failuresAreReadable_data()
    {
        QTest::addColumn<bool>("missingFolder");
        QTest::addColumn<int>("kind");
        QTest::newRow("missing-model-folder") << true << int(InferenceFailure::ModelUnavailable);
        QTest::newRow("empty-image") << false << int(InferenceFailure::InvalidInput);
    }

    void failuresAreReadable()
    {
        QFETCH(bool, missingFolder);
        QFETCH(int, kind);
        const std::string directory = missingFolder ? m_folder.filePath("no-such-model").toStdString() : m_directory;
        InferenceService service(
            std::make_unique<LrclrAnalyzer>(directory, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 1 }));
        QSignalSpy failed(&service, &InferenceService::failed);
        auto image = missingFolder ? testImage(64, 64) : std::make_shared<const GrayscaleImage>();
        service.submit(AnalysisRequest { image, { "text" } });
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 60000);
        QCOMPARE(int(failed.at(0).at(2).value<InferenceFailure>()), kind);
        const QString message = failed.at(0).at(1).toString();
        QVERIFY2(!message.isEmpty(), "a failure carries a message");
        qInfo("%s", qPrintable(message));
        if (missingFolder)
            QVERIFY2(message.contains(QStringLiteral("no-such-model")), qPrintable(message));
    }

private:
    QTemporaryDir m_folder;
    std::string m_directory;
};

QTEST_GUILESS_MAIN(LrclrAnalyzerTest)
#include "LrclrAnalyzerTest.moc"
