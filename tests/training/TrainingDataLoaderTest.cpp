// The trainer's data loader: batches depend on (seed, step) only, never on the worker threads; epochs visit every
// study once; ranks split each global batch; box masks cover the boxes' patches; unreadable images are named.
#include <algorithm>
#include <fstream>
#include <set>

#include <QTemporaryDir>
#include <QTest>

#include "training/BpeTrainer.h"
#include "training/DatasetManifest.h"
#include "training/SynthesisJob.h"
#include "training/TrainingDataLoader.h"

using namespace lrclr;

class TrainingDataLoaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void workersDeliverTheDirectBatches();
    void epochVisitsEveryStudyOnce();
    void ranksSplitTheGlobalBatch();
    void boxMasksCoverTheBoxes();
    void labelPromptsFollowLabels();
    void unreadableImageIsNamed();

private:
    TrainingDataLoader::Options options() const;
    std::vector<std::size_t> all() const;

    QTemporaryDir m_directory;
    DatasetManifest m_manifest;
    std::string m_merges;
};

void TrainingDataLoaderTest::initTestCase()
{
    QVERIFY(m_directory.isValid());
    SynthesisJob::Options synth;
    synth.count = 20;
    synth.seed = 4;
    synth.outputDirectory = m_directory.filePath("phantoms").toStdString();
    synth.generator.size = 80;
    synth.threads = 2;
    m_manifest = DatasetManifest::load(SynthesisJob(synth).run().manifestPath);
    BpeTrainer bpe;
    for (const auto& entry : m_manifest.entries())
        bpe.addText(m_manifest.reportText(entry));
    m_merges = m_directory.filePath("merges.txt").toStdString();
    BpeTrainer::write(m_merges, bpe.train(100));
}

TrainingDataLoader::Options TrainingDataLoaderTest::options() const
{
    TrainingDataLoader::Options options;
    options.preprocessing.inputSize = 32;
    options.gridSize = 4;
    options.contextLength = 40;
    options.mergesPath = m_merges;
    options.batchSize = 4;
    options.workerThreads = 3;
    options.prefetch = 2;
    options.seed = 9;
    return options;
}

std::vector<std::size_t> TrainingDataLoaderTest::all() const
{
    std::vector<std::size_t> indices(m_manifest.entries().size());
    for (std::size_t i = 0; i < indices.size(); ++i)
        indices[i] = i;
    return indices;
}

void TrainingDataLoaderTest::workersDeliverTheDirectBatches()
{
    TrainingDataLoader loader(m_manifest, all(), options());
    QCOMPARE(loader.studyCount(), 20);
    QCOMPARE(loader.stepsPerEpoch(), 5);
    QCOMPARE(loader.cacheBytes(), std::size_t(20 * 32 * 32));
    loader.start(3, 12);
    for (int step = 3; step < 12; ++step) {
        const auto threaded = loader.next();
        const auto direct = loader.batch(step);
        QCOMPARE(threaded.step, step);
        QCOMPARE(threaded.studies, direct.studies);
        QVERIFY(threaded.images == direct.images); // augmentation too is a function of (seed, step)
        QVERIFY(threaded.reportTokens == direct.reportTokens);
        QVERIFY(threaded.sentenceTokens == direct.sentenceTokens);
        QCOMPARE(static_cast<int>(threaded.reportTokens.size()), 4 * 40);
        QCOMPARE(static_cast<int>(threaded.images.size()), 4 * 3 * 32 * 32);
    }
    bool threw = false;
    try {
        loader.next();
    } catch (const std::logic_error&) {
        threw = true;
    }
    QVERIFY(threw);
}

void TrainingDataLoaderTest::epochVisitsEveryStudyOnce()
{
    TrainingDataLoader loader(m_manifest, all(), options());
    for (int epoch = 0; epoch < 2; ++epoch) {
        std::multiset<int> seen;
        for (int step = epoch * 5; step < epoch * 5 + 5; ++step)
            for (int study : loader.batch(step).studies)
                seen.insert(study);
        QCOMPARE(static_cast<int>(seen.size()), 20);
        QCOMPARE(static_cast<int>(std::set<int>(seen.begin(), seen.end()).size()), 20);
    }
    QVERIFY(loader.batch(0).studies != loader.batch(5).studies); // reshuffled per epoch
}

void TrainingDataLoaderTest::ranksSplitTheGlobalBatch()
{
    TrainingDataLoader whole(m_manifest, all(), options());
    auto rankOptions = options();
    rankOptions.worldSize = 2;
    std::vector<int> joined;
    for (int rank = 0; rank < 2; ++rank) {
        rankOptions.rank = rank;
        TrainingDataLoader loader(m_manifest, all(), rankOptions);
        const auto batch = loader.batch(7);
        QCOMPARE(batch.size, 2);
        joined.insert(joined.end(), batch.studies.begin(), batch.studies.end());
    }
    QCOMPARE(joined, whole.batch(7).studies);
}

void TrainingDataLoaderTest::boxMasksCoverTheBoxes()
{
    auto noAugment = options();
    noAugment.augment = false;
    TrainingDataLoader loader(m_manifest, all(), noAugment);
    const auto batch = loader.sequentialBatch(0, 20);
    QCOMPARE(batch.size, 20);
    int boxed = 0;
    for (int m = 0; m < batch.sentenceCount(); ++m) {
        const float* mask = batch.boxMasks.data() + m * 16;
        const float most = *std::max_element(mask, mask + 16);
        if (batch.hasBoxes[static_cast<std::size_t>(m)]) {
            ++boxed;
            QVERIFY2(most > 0.0f && most <= 1.0f, qPrintable(QString::number(most)));
        } else {
            QCOMPARE(most, 0.0f);
        }
    }
    QVERIFY(boxed > 0);
    // Every sentence of the manifest is there (none of these reports exceeds maxSentences).
    std::size_t sentences = 0;
    for (const auto& entry : m_manifest.entries())
        sentences += std::min<std::size_t>(entry.sentences.size(), 12);
    QCOMPARE(static_cast<std::size_t>(batch.sentenceCount()), sentences);
}

void TrainingDataLoaderTest::labelPromptsFollowLabels()
{
    auto prompted = options();
    prompted.augment = false;
    prompted.maxSentences = 0;
    prompted.labelPrompts = { { "Pneumothorax", "pneumothorax", "no pneumothorax" } };
    TrainingDataLoader loader(m_manifest, all(), prompted);
    const auto batch = loader.sequentialBatch(0, 20);
    int labelled = 0;
    for (const auto& entry : m_manifest.entries()) {
        const auto label = entry.label("Pneumothorax");
        labelled += label && (*label == 0 || *label == 1);
    }
    QVERIFY(labelled > 0);
    QCOMPARE(batch.sentenceCount(), labelled);
}

void TrainingDataLoaderTest::unreadableImageIsNamed()
{
    DatasetManifest manifest;
    manifest.setBaseDirectory(m_directory.path().toStdString());
    ManifestEntry entry;
    entry.image = "broken.png";
    entry.reportText = "No effusion.";
    manifest.add(entry);
    std::ofstream(m_directory.filePath("broken.png").toStdString()) << "not an image";
    bool named = false;
    try {
        TrainingDataLoader loader(manifest, { 0 }, options());
    } catch (const ManifestError& error) {
        named = std::string(error.what()).find("broken.png") != std::string::npos;
    }
    QVERIFY(named);
}

QTEST_GUILESS_MAIN(TrainingDataLoaderTest)
#include "TrainingDataLoaderTest.moc"
