// LrclrModel end to end on a model directory imported in the test from the reference CLIP checkpoint.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/model/AnalysisJson.h"
#include "core/model/ClipImporter.h"
#include "core/model/ImagePreprocessor.h"
#include "core/model/LrclrModel.h"
#include "core/model/LrclrSettings.h"
#include "core/model/ModelDirectory.h"
#include "tests/model/ModelTestSupport.h"

using namespace lrclr;

namespace {

// A synthetic chest-film-like image: a bright disc (a "heart") on a gradient, w x h.
GrayscaleImage syntheticImage(int width, int height, double discX, double discY)
{
    GrayscaleImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(static_cast<std::size_t>(width) * height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const double distance = std::hypot(x - discX * width, y - discY * height);
            const double value = 40.0 + 120.0 * y / height + (distance < 0.15 * width ? 90.0 : 0.0);
            image.pixels[static_cast<std::size_t>(y) * width + x] = static_cast<float>(value);
        }
    }
    return image;
}

float sum(const std::vector<float>& values)
{
    float total = 0.0f;
    for (float value : values)
        total += value;
    return total;
}

} // namespace

class LrclrModelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        ClipImporter::Options options;
        options.checkpointPath = test::referenceDirectory() + "/clip_tiny_seed0.pt";
        options.mergesPath = test::referenceDirectory() + "/bpe_simple_vocab_16e6.txt.gz";
        options.findingsPath = std::string(LRCLR_SOURCE_DIR) + "/models/findings.json";
        options.outputDirectory = m_folder.filePath("model").toStdString();
        options.name = "clip-tiny-test";
        QVERIFY2(QFile::exists(QString::fromStdString(options.checkpointPath)), options.checkpointPath.c_str());
        const auto report = ClipImporter::run(options);
        QVERIFY(report.verified);
        m_directory = options.outputDirectory;
        m_model = LrclrModel::load(m_directory, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
    }

    void identityNamesTheWeights()
    {
        const auto identity = m_model->identity();
        QCOMPARE(identity.name, std::string("clip-tiny-test"));
        QCOMPARE(identity.sha256, ModelDirectory::open(m_directory).manifest().weights.sha256);
        QVERIFY2(identity.device.rfind("CPU", 0) == 0, identity.device.c_str());
        QCOMPARE(m_model->findingNames().size(), std::size_t(14));
        QCOMPARE(m_model->findingNames().front(), std::string("Atelectasis"));
    }

    void analyzeFillsTheWholeResult()
    {
        const auto image = syntheticImage(300, 200, 0.4, 0.6);
        const std::vector<std::string> sentences
            = { "The heart is enlarged.", "No pleural effusion.", "Atelectasis", "no Atelectasis" };
        const auto result = m_model->analyze(image, sentences);

        QCOMPARE(result.geometry.originalWidth, 300);
        QCOMPARE(result.geometry.originalHeight, 200);
        QCOMPARE(result.geometry.inputSize, 224);
        QCOMPARE(result.geometry.mode, std::string("letterbox"));
        QVERIFY(result.seconds > 0.0);

        // Part selection: at most one region per head (2 heads in the tiny model), inside the image.
        QVERIFY(!result.regions.empty() && result.regions.size() <= 2);
        for (const auto& region : result.regions) {
            QCOMPARE(region.row * 7 + region.column, region.patchIndex);
            QVERIFY(region.score > 0.0f && region.score <= 1.0f);
            QVERIFY(region.box.x >= 0.0 && region.box.x + region.box.width <= 300.0 + 1e-9);
            QVERIFY(region.box.y >= 0.0 && region.box.y + region.box.height <= 200.0 + 1e-9);
        }

        QCOMPARE(result.findings.size(), std::size_t(14));
        for (const auto& finding : result.findings) {
            QVERIFY(finding.globalProbability > 0.0f && finding.globalProbability < 1.0f);
            QVERIFY(finding.localProbability > 0.0f && finding.localProbability < 1.0f);
            // Before fine-tuning the region-conditioned (combined) score is CLIP's own.
            QVERIFY2(std::abs(finding.combinedProbability - finding.globalProbability) < 1e-6f, finding.name.c_str());
            QCOMPARE(finding.map.values.size(), std::size_t(49));
            // The prompt's cross-attention over the selected regions: non-zero only on them, summing to 1.
            const auto& attention = finding.attentionMap.values;
            QCOMPARE(attention.size(), std::size_t(49));
            double sum = 0.0;
            for (std::size_t p = 0; p < attention.size(); ++p) {
                const bool selected = std::any_of(result.regions.begin(), result.regions.end(),
                    [&](const AnalysisResult::Region& region) { return region.patchIndex == static_cast<int>(p); });
                QVERIFY2(selected || attention[p] == 0.0f,
                    qPrintable(QString("%1: patch %2").arg(finding.name.c_str()).arg(p)));
                QVERIFY(attention[p] >= 0.0f);
                sum += attention[p];
            }
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QString("%1: %2").arg(finding.name.c_str()).arg(sum)));
        }

        QCOMPARE(result.sentences.size(), sentences.size());
        for (const auto& sentence : result.sentences) {
            QCOMPARE(sentence.regionWeights.size(), result.regions.size());
            QVERIFY(std::abs(sum(sentence.regionWeights) - 1.0f) < 1e-5f);
            QVERIFY(std::abs(sum(sentence.attentionMap.values) - 1.0f) < 1e-5f);
            QCOMPARE(sentence.similarityMap.rows, 7);
            QVERIFY(std::abs(sentence.globalSimilarity) <= 1.0f);
            QVERIFY(std::abs(sentence.localSimilarity) <= 1.0f);
        }

        // CheXzero's score from the sentence similarities of the same prompts: softmax(cos+, cos-) without scale.
        const double positive = result.sentences[2].globalSimilarity;
        const double negative = result.sentences[3].globalSimilarity;
        const double expected = std::exp(positive) / (std::exp(positive) + std::exp(negative));
        QVERIFY2(std::abs(result.findings[0].globalProbability - expected) < 1e-5,
            qPrintable(QString("%1 vs %2").arg(result.findings[0].globalProbability).arg(expected)));

        // JSON round trip through the one serializer.
        const auto back = AnalysisJson::fromJson(AnalysisJson::toJson(result), "round trip");
        QCOMPARE(back.sentences.size(), result.sentences.size());
        QCOMPARE(back.findings[5].globalProbability, result.findings[5].globalProbability);
    }

    void groundReusesTheImageAndMatchesAnalyze()
    {
        const auto image = syntheticImage(300, 200, 0.4, 0.6);
        const std::vector<std::string> sentences = { "Small left pleural effusion.", "Heart size normal." };
        const auto analyzed = m_model->analyze(image, sentences).sentences;
        const auto grounded = m_model->ground(image, sentences);
        QCOMPARE(grounded.size(), analyzed.size());
        for (std::size_t i = 0; i < grounded.size(); ++i) {
            QCOMPARE(grounded[i].globalSimilarity, analyzed[i].globalSimilarity);
            QCOMPARE(grounded[i].similarityMap.values, analyzed[i].similarityMap.values);
        }
        // A different image gives different grounding (the cache is keyed by the pixels).
        const auto other = m_model->ground(syntheticImage(300, 200, 0.7, 0.3), sentences);
        QVERIFY(other[0].similarityMap.values != analyzed[0].similarityMap.values);
        QCOMPARE(m_model->ground(image, sentences)[0].similarityMap.values, analyzed[0].similarityMap.values);
    }

    void longReportsAreBatchedWithoutChangingResults()
    {
        // 40 sentences of very different lengths: sorted into length batches of 32, then put back in order.
        const auto image = syntheticImage(300, 200, 0.4, 0.6);
        std::vector<std::string> sentences;
        for (int i = 0; i < 40; ++i) {
            std::string text = "finding " + std::to_string(i);
            for (int word = 0; word < (i * 7) % 23; ++word)
                text += " opacity";
            sentences.push_back(text);
        }
        const auto together = m_model->ground(image, sentences);
        QCOMPARE(together.size(), sentences.size());
        for (const int i : { 0, 5, 17, 31, 32, 39 }) {
            const auto alone = m_model->ground(image, { sentences[static_cast<std::size_t>(i)] });
            QCOMPARE(together[static_cast<std::size_t>(i)].text, sentences[static_cast<std::size_t>(i)]);
            QVERIFY2(
                std::abs(alone[0].globalSimilarity - together[static_cast<std::size_t>(i)].globalSimilarity) < 1e-5f,
                qPrintable(QString("sentence %1").arg(i)));
        }
    }

    void batchedImageEncodingEqualsOneAtATime()
    {
        const int size = m_model->inputSize();
        const std::size_t plane = std::size_t(3) * size * size;
        std::vector<float> images(5 * plane);
        for (std::size_t i = 0; i < images.size(); ++i)
            images[i] = static_cast<float>(std::sin(0.001 * static_cast<double>(i * (i % 7 + 1))));
        const auto batched = m_model->encodePreprocessedBatch(images.data(), 5, 2); // batches of 2, 2 and 1
        QCOMPARE(batched.size(), std::size_t(5));
        for (std::size_t b = 0; b < 5; ++b) {
            const auto alone = m_model->encodePreprocessed(
                std::vector<float>(images.begin() + static_cast<std::ptrdiff_t>(b * plane),
                    images.begin() + static_cast<std::ptrdiff_t>((b + 1) * plane)));
            QCOMPARE(batched[b].tokenCount, alone.tokenCount);
            for (std::size_t i = 0; i < alone.embedding.size(); ++i)
                QVERIFY2(std::abs(batched[b].embedding[i] - alone.embedding[i]) < 1e-5, qPrintable(QString::number(b)));
        }
        QVERIFY(batched[0].embedding != batched[1].embedding);
    }

    void manifestSettingsSwitchTheLayers_data()
    {
        QTest::addColumn<QString>("lrclr");
        QTest::addColumn<QString>("preprocessing");
        QTest::addColumn<int>("regions");
        QTest::addColumn<bool>("allPatches");
        QTest::newRow("rollout-top5") << R"({"selection": {"mode": "rollout", "topK": 5}})"
                                      << "{}" << 5 << false;
        QTest::newRow("all-patches") << R"({"selection": {"mode": "rollout", "topK": 3},
                                             "interaction": {"keys": "all-patches"}})"
                                     << R"({"mode": "center-crop"})" << 3 << true;
    }

    void manifestSettingsSwitchTheLayers()
    {
        QFETCH(QString, lrclr);
        QFETCH(QString, preprocessing);
        QFETCH(int, regions);
        QFETCH(bool, allPatches);
        const auto copy = m_folder.filePath(QString("variant-%1").arg(QTest::currentDataTag())).toStdString();
        std::filesystem::copy(m_directory, copy, std::filesystem::copy_options::recursive);
        auto manifest = ModelDirectory::open(copy).manifest();
        manifest.lrclrJson = lrclr.toStdString();
        manifest.preprocessingJson = preprocessing.toStdString();
        ModelDirectory::writeManifest(copy, manifest);

        const auto model = LrclrModel::load(copy, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
        const auto result = model->analyze(syntheticImage(300, 200, 0.5, 0.5), { "cardiomegaly" });
        QCOMPARE(static_cast<int>(result.regions.size()), regions);
        for (std::size_t i = 1; i < result.regions.size(); ++i)
            QVERIFY(result.regions[i - 1].score >= result.regions[i].score);
        const auto& attention = result.sentences[0].attentionMap.values;
        const auto nonZero = std::count_if(attention.begin(), attention.end(), [](float v) { return v > 0.0f; });
        QCOMPARE(static_cast<int>(nonZero), allPatches ? 49 : regions);
        QCOMPARE(result.geometry.mode, std::string(allPatches ? "center-crop" : "letterbox"));
    }

    // Cross-attention mode: regions are 3x3 patch blocks around attention peaks (finding prompts and positively
    // aligned sentences); a sentence's weight on a region is its attention mass in the block.
    void crossAttentionRegionsAreAttentionPeakBlocks()
    {
        const auto copy = m_folder.filePath("variant-cross-attention").toStdString();
        std::filesystem::copy(m_directory, copy, std::filesystem::copy_options::recursive);
        auto manifest = ModelDirectory::open(copy).manifest();
        manifest.lrclrJson = R"({"selection": {"mode": "cross-attention", "topK": 4}})";
        ModelDirectory::writeManifest(copy, manifest);
        const auto model = LrclrModel::load(copy, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
        const std::vector<std::string> sentences { "cardiomegaly", "right pleural effusion", "left upper lobe nodule",
            "no pneumothorax", "the lungs are clear" };
        const auto result = model->analyze(syntheticImage(300, 200, 0.3, 0.6), sentences);
        const int grid = 7;
        QVERIFY2(!result.regions.empty(), "no attention peak held 30% of its attention in its block");
        QVERIFY(result.regions.size() <= 4);
        for (std::size_t k = 0; k < result.regions.size(); ++k) {
            const auto& region = result.regions[k];
            QVERIFY2(region.score >= LrclrSettings::kCrossAttentionMinimumMass, qPrintable(QString::number(k)));
            if (k > 0)
                QVERIFY(result.regions[k - 1].score >= region.score);
            for (std::size_t j = 0; j < k; ++j) {
                const auto& other = result.regions[j];
                QVERIFY2(std::max(std::abs(other.row - region.row), std::abs(other.column - region.column)) >= 2,
                    "a region's peak lies in an earlier region's block");
            }
        }
        for (const auto& sentence : result.sentences) {
            QCOMPARE(sentence.regionWeights.size(), result.regions.size());
            const auto& attention = sentence.attentionMap.values;
            for (std::size_t k = 0; k < result.regions.size(); ++k) {
                const auto& region = result.regions[k];
                double mass = 0.0;
                for (int r = std::max(0, region.row - 1); r <= std::min(grid - 1, region.row + 1); ++r)
                    for (int c = std::max(0, region.column - 1); c <= std::min(grid - 1, region.column + 1); ++c)
                        mass += attention[static_cast<std::size_t>(r * grid + c)];
                QVERIFY2(std::abs(mass - sentence.regionWeights[k]) < 1e-5,
                    qPrintable(QString("%1, region %2: %3 vs %4")
                                   .arg(QString::fromStdString(sentence.text))
                                   .arg(k)
                                   .arg(mass)
                                   .arg(sentence.regionWeights[k])));
            }
        }
        // Live re-grounding uses the regions of the last analysis.
        const auto again = model->ground(syntheticImage(300, 200, 0.3, 0.6), { sentences[1] });
        QCOMPARE(again[0].regionWeights.size(), result.regions.size());
        for (std::size_t k = 0; k < result.regions.size(); ++k)
            QVERIFY(std::abs(again[0].regionWeights[k] - result.sentences[1].regionWeights[k]) < 1e-5);
    }

    // A manifest "calibration" (as `lrclr calibrate` writes it) turns the combined score into the probability shown;
    // findings it leaves out or flags stay raw, and the raw scores are kept.
    void manifestCalibrationIsApplied()
    {
        const auto copy = m_folder.filePath("variant-calibrated").toStdString();
        std::filesystem::copy(m_directory, copy, std::filesystem::copy_options::recursive);
        auto manifest = ModelDirectory::open(copy).manifest();
        ModelManifest::Calibration::Finding heart;
        heart.name = "Cardiomegaly";
        heart.a = 40.0;
        heart.b = -0.5;
        heart.threshold = 0.25;
        heart.positives = 5;
        heart.negatives = 9;
        ModelManifest::Calibration::Finding edema;
        edema.name = "Edema";
        edema.calibrated = false;
        edema.negatives = 14;
        manifest.calibration.split = "validate";
        manifest.calibration.findings = { heart, edema };
        manifest.overlayScale.fitted = true;
        manifest.overlayScale.low = -0.25;
        manifest.overlayScale.threshold = 0.125;
        manifest.overlayScale.high = 0.5;
        ModelDirectory::writeManifest(copy, manifest);

        const auto image = syntheticImage(300, 200, 0.4, 0.6);
        const auto raw = m_model->analyze(image, {});
        const auto model = LrclrModel::load(copy, LrclrModel::Options { LrclrModel::Options::Device::Cpu, 2 });
        const auto calibrated = model->analyze(image, {});
        // The global embedding comes with the result, normalised, and equals the one encodeImage gives.
        QCOMPARE(raw.imageEmbedding.size(), std::size_t(manifest.clip.embedDimension));
        const auto encoded = m_model->encodeImage(image).embedding;
        double norm = 0.0;
        double dot = 0.0;
        double encodedNorm = 0.0;
        for (std::size_t i = 0; i < raw.imageEmbedding.size(); ++i) {
            norm += double(raw.imageEmbedding[i]) * raw.imageEmbedding[i];
            dot += double(raw.imageEmbedding[i]) * encoded[i];
            encodedNorm += double(encoded[i]) * encoded[i];
        }
        QVERIFY2(std::abs(norm - 1.0) < 1e-4, qPrintable(QString::number(norm)));
        QVERIFY2(std::abs(dot / std::sqrt(encodedNorm) - 1.0) < 1e-4, qPrintable(QString::number(dot)));
        // The shared overlay scale comes with every analysis of the calibrated model, and not of the other.
        QVERIFY(!raw.similarityScale);
        QVERIFY(calibrated.similarityScale);
        QCOMPARE(*calibrated.similarityScale, (AnalysisResult::SimilarityScale { -0.25f, 0.125f, 0.5f }));
        QCOMPARE(calibrated.findings.size(), raw.findings.size());
        int checked = 0;
        for (std::size_t i = 0; i < raw.findings.size(); ++i) {
            const auto& before = raw.findings[i];
            const auto& after = calibrated.findings[i];
            QVERIFY(std::abs(after.combinedProbability - before.combinedProbability) < 1e-6);
            QVERIFY2(!before.calibrated && before.probability == before.combinedProbability, before.name.c_str());
            if (after.name == "Cardiomegaly") {
                const double z = std::log(after.combinedProbability / (1.0 - after.combinedProbability));
                const double expected = 1.0 / (1.0 + std::exp(-(40.0 * z - 0.5)));
                QVERIFY2(std::abs(after.probability - expected) < 1e-5,
                    qPrintable(QString("%1 vs %2").arg(after.probability).arg(expected)));
                // The slope of 40 moves the probability far from CheXzero's ~50 %.
                QVERIFY(std::abs(after.probability - after.combinedProbability) > 0.02);
                QVERIFY(after.calibrated);
                QCOMPARE(after.threshold.value_or(-1.0f), 0.25f);
                QCOMPARE(after.aboveThreshold(), after.probability >= 0.25f);
                ++checked;
            } else {
                // Flagged (Edema) or absent from the calibration: raw, no threshold.
                QVERIFY2(!after.calibrated && after.probability == after.combinedProbability, after.name.c_str());
                QVERIFY(!after.threshold.has_value());
                QVERIFY(!after.aboveThreshold());
            }
        }
        QCOMPARE(checked, 1);
    }

    void refusesTamperedWeightsAndBadSettings()
    {
        const auto copy = m_folder.filePath("tampered").toStdString();
        std::filesystem::copy(m_directory, copy, std::filesystem::copy_options::recursive);
        auto manifest = ModelDirectory::open(copy).manifest();
        manifest.lrclrJson = R"({"selection": {"mode": "magic"}})";
        ModelDirectory::writeManifest(copy, manifest);
        try {
            LrclrModel::load(copy);
            QFAIL("bad settings accepted");
        } catch (const ModelError& error) {
            QVERIFY2(QString(error.what()).contains("lrclr.selection.mode"), error.what());
        }
        {
            const auto weights = ModelDirectory::open(m_directory).weightsPath();
            const auto name = std::filesystem::path(weights).filename();
            std::fstream file(copy + "/" + name.string(), std::ios::in | std::ios::out | std::ios::binary);
            file.seekp(1000);
            file.put('\x5a');
        }
        QVERIFY_THROWS_EXCEPTION(ModelError, LrclrModel::load(copy));
    }

    void invalidImageIsAModelError()
    {
        GrayscaleImage empty;
        QVERIFY_THROWS_EXCEPTION(ModelError, m_model->analyze(empty, {}));
        GrayscaleImage inconsistent;
        inconsistent.width = 10;
        inconsistent.height = 10;
        inconsistent.pixels.resize(5);
        QVERIFY_THROWS_EXCEPTION(ModelError, m_model->ground(inconsistent, { "x" }));
    }

private:
    QTemporaryDir m_folder;
    std::string m_directory;
    std::unique_ptr<LrclrModel> m_model;
};

QTEST_GUILESS_MAIN(LrclrModelTest)
#include "LrclrModelTest.moc"
