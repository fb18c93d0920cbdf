// The trainer end to end on tiny phantoms: the loss falls, a resumed run equals an uninterrupted one bit for bit,
// a frozen backbone stays bit-identical, and the output directory loads and runs in LrclrModel.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/model/LrclrModel.h"
#include "core/model/LrclrSettings.h"
#include "core/model/ModelDirectory.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/StateDict.h"
#include "training/BpeTrainer.h"
#include "training/DatasetManifest.h"
#include "training/SynthesisJob.h"
#include "training/Trainer.h"
#include "training/TrainingLog.h"

using namespace lrclr;

class TrainerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lossDecreases();
    void reportOnlyObjectiveTrains();
    void resumeEqualsUninterruptedRun();
    void frozenBackboneStaysIdentical();
    void outputLoadsInLrclrModel();
    void rejectsBadOptions_data();
    void rejectsBadOptions();

private:
    Trainer::Options baseOptions(const std::string& out) const;
    static internal::StateDict weightsOf(const std::string& directory);

    QTemporaryDir m_directory;
    std::string m_manifest;
    std::string m_merges;
};

void TrainerTest::initTestCase()
{
    QVERIFY(m_directory.isValid());
    SynthesisJob::Options synth;
    synth.count = 48;
    synth.seed = 11;
    synth.outputDirectory = m_directory.filePath("phantoms").toStdString();
    synth.generator.size = 96;
    synth.threads = 2;
    const auto summary = SynthesisJob(synth).run();
    QCOMPARE(summary.generated, 48);
    m_manifest = summary.manifestPath;

    BpeTrainer bpe;
    const auto manifest = DatasetManifest::load(m_manifest);
    for (const auto& entry : manifest.entries())
        bpe.addText(manifest.reportText(entry));
    m_merges = m_directory.filePath("merges.txt.gz").toStdString();
    BpeTrainer::write(m_merges, bpe.train(300));
}

Trainer::Options TrainerTest::baseOptions(const std::string& out) const
{
    Trainer::Options options;
    options.manifestPath = m_manifest;
    options.architecture = Trainer::tinyArchitecture();
    options.architecture.imageResolution = 48; // 6 x 6 patches of 8 px: fast
    options.mergesPath = m_merges;
    options.outputDirectory = m_directory.filePath(QString::fromStdString(out)).toStdString();
    options.settings.attendAllPatches = true;
    options.steps = 20;
    options.batchSize = 8;
    options.learningRate = 1e-3;
    options.warmupSteps = 2;
    options.seed = 5;
    options.threads = 1; // bit-identical results and no oversubscription of the test machine
    options.loaderThreads = 2;
    return options;
}

internal::StateDict TrainerTest::weightsOf(const std::string& directory)
{
    return internal::ModelStore::loadWeights(ModelDirectory::open(directory));
}

void TrainerTest::lossDecreases()
{
    auto options = baseOptions("loss");
    const auto result = Trainer::run(options);
    QCOMPARE(result.steps, 20);
    QVERIFY(!result.stoppedEarly);
    QVERIFY2(result.lastLoss < result.firstLoss - 0.05,
        qPrintable(QStringLiteral("loss %1 -> %2").arg(result.firstLoss).arg(result.lastLoss)));
    // The JSON log holds every step with its parts, and the validation pass at the end.
    std::ifstream stream(options.outputDirectory + "/training-log.json");
    QVERIFY(stream.good());
    const std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    const auto log = TrainingLog::fromJson(text);
    QCOMPARE(static_cast<int>(log.steps().size()), 20);
    QCOMPARE(log.steps().back().step, 20);
    for (const auto& row : log.steps()) {
        QVERIFY(std::isfinite(row.loss));
        QVERIFY(std::abs(row.loss - row.globalLoss - row.localLoss) < 1e-6); // weights 1, 1, box 0
    }
    QCOMPARE(static_cast<int>(log.validations().size()), 1);
    QVERIFY(log.validations().front().pointingGameSimilarity >= 0.0);
    QVERIFY(std::filesystem::is_regular_file(options.outputDirectory + "/training-log.csv"));
    QVERIFY(!std::filesystem::exists(options.outputDirectory + "/checkpoint")); // removed after a complete run
}

void TrainerTest::reportOnlyObjectiveTrains()
{
    // The report-only local objective (pooled map contrast, within-report competition, location-swapped
    // negatives) on top of the global loss: finite, falling, logged as the local part, recorded in the manifest.
    auto options = baseOptions("pooled");
    options.localWeight = 0.5; // the interaction's own loss: it trains the gate
    options.pooledWeight = 1.0;
    options.intraImageWeight = 0.5;
    options.locationWeight = 0.5;
    options.gateInit = 0.25;
    options.backboneLearningRateScale = 0.5; // the LRCLR layers in their own optimiser group
    const auto result = Trainer::run(options);
    QCOMPARE(result.steps, 20);
    QVERIFY2(result.lastLoss < result.firstLoss - 0.05,
        qPrintable(QStringLiteral("loss %1 -> %2").arg(result.firstLoss).arg(result.lastLoss)));
    std::ifstream stream(options.outputDirectory + "/training-log.json");
    const std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    const auto log = TrainingLog::fromJson(text);
    for (const auto& row : log.steps()) {
        QVERIFY(std::isfinite(row.localLoss));
        QVERIFY(row.localLoss > 0.0); // the local objective is on and part of the loss
        QVERIFY(std::abs(row.loss - row.globalLoss - row.localLoss) < 1e-5);
    }
    const auto weights = weightsOf(options.outputDirectory);
    const double gate = weights.tensor("lrclr.interaction.gate").item<double>();
    QVERIFY2(std::abs(gate - 0.25) < 0.1 && gate != 0.25, qPrintable(QString::number(gate))); // set, then trained
    std::ifstream manifestStream(options.outputDirectory + "/manifest.json");
    const std::string manifest((std::istreambuf_iterator<char>(manifestStream)), std::istreambuf_iterator<char>());
    QVERIFY(manifest.find("\"pooled_weight\": 1.0") != std::string::npos);
    QVERIFY(manifest.find("\"location_weight\": 0.5") != std::string::npos);
    QVERIFY(manifest.find("\"backbone_learning_rate_scale\": 0.5") != std::string::npos);

    // Distributed runs refuse the objective rather than compute it on one rank's slice.
    auto distributed = baseOptions("pooled-distributed");
    distributed.pooledWeight = 1.0;
    distributed.worldSize = 2;
    QVERIFY_THROWS_EXCEPTION(TrainingError, Trainer::run(distributed));
}

void TrainerTest::resumeEqualsUninterruptedRun()
{
    auto whole = baseOptions("whole");
    whole.steps = 8;
    Trainer::run(whole);

    auto first = baseOptions("resumed");
    first.steps = 8;
    first.stopAfter = 3;
    const auto interrupted = Trainer::run(first);
    QVERIFY(interrupted.stoppedEarly);
    QCOMPARE(interrupted.steps, 3);
    QVERIFY(std::filesystem::is_directory(first.outputDirectory + "/checkpoint"));

    auto second = baseOptions("resumed");
    second.steps = 8;
    second.resumeDirectory = first.outputDirectory + "/checkpoint";
    const auto resumed = Trainer::run(second);
    QCOMPARE(resumed.steps, 8);

    const auto expected = weightsOf(whole.outputDirectory);
    const auto actual = weightsOf(second.outputDirectory);
    QCOMPARE(actual.keys(), expected.keys());
    for (const auto& key : expected.keys())
        QVERIFY2(torch::equal(actual.tensor(key), expected.tensor(key)), key.c_str());
    // The resumed log continues the interrupted one.
    std::ifstream stream(second.outputDirectory + "/training-log.json");
    const std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    QCOMPARE(static_cast<int>(TrainingLog::fromJson(text).steps().size()), 8);
}

void TrainerTest::frozenBackboneStaysIdentical()
{
    auto initial = baseOptions("initial");
    initial.steps = 2;
    Trainer::run(initial);

    auto frozen = baseOptions("frozen");
    frozen.initModel = initial.outputDirectory;
    frozen.mergesPath.clear();
    frozen.steps = 5;
    frozen.freezeBackbone = true;
    frozen.boxWeight = 1.0; // every lrclr.* tensor that can move gets a gradient
    Trainer::run(frozen);

    const auto before = weightsOf(initial.outputDirectory);
    const auto after = weightsOf(frozen.outputDirectory);
    QCOMPARE(after.keys(), before.keys());
    int changed = 0;
    for (const auto& key : before.keys()) {
        const bool equal = torch::equal(after.tensor(key), before.tensor(key));
        if (key.rfind("lrclr.", 0) != 0)
            QVERIFY2(equal, ("backbone tensor changed: " + key).c_str());
        else if (!equal)
            ++changed;
    }
    QVERIFY2(changed >= 3, qPrintable(QStringLiteral("%1 lrclr tensors changed").arg(changed)));
    // Provenance names the starting model.
    const auto manifest = ModelDirectory::open(frozen.outputDirectory).manifest();
    QCOMPARE(manifest.provenance.sourceCheckpoint, initial.outputDirectory);
    QVERIFY(manifest.notesJson.find("\"freeze_backbone\":true") != std::string::npos);
}

void TrainerTest::outputLoadsInLrclrModel()
{
    auto options = baseOptions("loadable");
    options.steps = 3;
    options.commandLine = "lrclr train --test";
    options.description = "synthetic phantoms, not for clinical use";
    Trainer::run(options);

    const auto model = LrclrModel::load(options.outputDirectory, { LrclrModel::Options::Device::Cpu, 1 });
    QCOMPARE(model->inputSize(), 48);
    GrayscaleImage image;
    image.width = 80;
    image.height = 64;
    image.pixels.resize(80 * 64);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = static_cast<float>(i % 251);
    const auto result = model->analyze(image, { "Small right pleural effusion.", "No pneumothorax." });
    QCOMPARE(static_cast<int>(result.sentences.size()), 2);
    QCOMPARE(result.sentences[0].similarityMap.rows, 6);
    QVERIFY(!result.findings.empty());
    const auto manifest = ModelDirectory::open(options.outputDirectory).manifest();
    QCOMPARE(manifest.provenance.command, std::string("lrclr train --test"));
    QVERIFY(manifest.notesJson.find("data_manifest_sha256") != std::string::npos);
    QVERIFY(manifest.notesJson.find("not for clinical use") != std::string::npos);
    QVERIFY(LrclrSettings::fromJson(manifest.lrclrJson).attendAllPatches);
}

void TrainerTest::rejectsBadOptions_data()
{
    QTest::addColumn<QString>("problem");
    QTest::newRow("batch-of-one") << "batch";
    QTest::newRow("no-merges") << "merges";
    QTest::newRow("missing-manifest") << "manifest";
    QTest::newRow("uneven-ranks") << "ranks";
    QTest::newRow("nan-learning-rate") << "--lr";
    QTest::newRow("negative-weight-decay") << "--weight-decay";
    QTest::newRow("infinite-local-weight") << "--local-weight";
}

void TrainerTest::rejectsBadOptions()
{
    QFETCH(QString, problem);
    auto options = baseOptions("bad");
    if (problem == "batch")
        options.batchSize = 1;
    else if (problem == "merges")
        options.mergesPath.clear();
    else if (problem == "manifest")
        options.manifestPath = m_directory.filePath("absent.jsonl").toStdString();
    else if (problem == "ranks")
        options.worldSize = 3;
    else if (problem == "--lr")
        options.learningRate = std::nan("");
    else if (problem == "--weight-decay")
        options.weightDecay = -0.1;
    else if (problem == "--local-weight")
        options.localWeight = HUGE_VAL;
    bool threw = false;
    try {
        Trainer::run(options);
    } catch (const std::exception& error) {
        threw = true;
        QVERIFY2(std::string(error.what()).size() > 10, error.what());
        // A bad number is refused by its flag's name, in one line (no LibTorch backtrace).
        if (problem.startsWith(QStringLiteral("--"))) {
            QVERIFY2(QString::fromUtf8(error.what()).startsWith(QStringLiteral("train: ") + problem + " must be"),
                error.what());
            QVERIFY2(!QString::fromUtf8(error.what()).contains(QLatin1Char('\n')), error.what());
        }
    }
    QVERIFY(threw);
}

QTEST_GUILESS_MAIN(TrainerTest)
#include "TrainerTest.moc"
