// Trainer building blocks that do not need the network: the learning-rate schedule and radiograph augmentation.
#include <cmath>
#include <numbers>

#include <QTest>

#include "training/DeterministicRandom.h"
#include "training/LearningRateSchedule.h"
#include "training/RadiographAugmentation.h"

using namespace lrclr;

class TrainingComponentsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void warmupThenCosine();
    void scheduleRejectsBadSettings();
    void swapSides_data();
    void swapSides();
    void locationSwapped_data();
    void locationSwapped();
    void flipMirrorsImageAndBoxes();
    void intensityJitterKeepsRangeAndSide();
};

void TrainingComponentsTest::warmupThenCosine()
{
    // Peak 1e-3, 4 warm-up steps, 12 in all, minimum 1e-5.
    const LearningRateSchedule schedule(1e-3, 4, 12, 1e-5);
    // Warm-up: (k + 1) / 4 of the peak.
    QCOMPARE(schedule.rate(0), 0.25e-3);
    QCOMPARE(schedule.rate(3), 1e-3);
    // Decay over 8 steps: step 4 is the peak (cos 0 = 1); step 8 is half-way (cos pi/2 = 0) -> (1e-3 + 1e-5) / 2;
    // step 6: progress 1/4, 0.5 * (1 + cos(pi/4)) = 0.853553...
    QVERIFY(std::abs(schedule.rate(4) - 1e-3) < 1e-15);
    QVERIFY(std::abs(schedule.rate(8) - (1e-3 + 1e-5) / 2) < 1e-15);
    QVERIFY(std::abs(schedule.rate(6) - (1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + std::sqrt(0.5)))) < 1e-15);
    // The end and beyond stay at the minimum; before the start nothing is learnt.
    QCOMPARE(schedule.rate(12), 1e-5);
    QCOMPARE(schedule.rate(1000), 1e-5);
    QCOMPARE(schedule.rate(-1), 0.0);
    // Monotone non-increasing after the warm-up.
    for (int step = 4; step < 12; ++step)
        QVERIFY(schedule.rate(step + 1) <= schedule.rate(step));
    // No warm-up: the first step runs at the peak.
    QCOMPARE(LearningRateSchedule(2e-4, 0, 10).rate(0), 2e-4);
}

void TrainingComponentsTest::scheduleRejectsBadSettings()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LearningRateSchedule(1e-3, 5, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LearningRateSchedule(1e-3, 0, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LearningRateSchedule(1e-3, 1, 10, 1e-2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LearningRateSchedule(-1.0, 1, 10));
}

void TrainingComponentsTest::swapSides_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "Small right pleural effusion."
                           << "Small left pleural effusion.";
    QTest::newRow("capital") << "Left apical pneumothorax."
                             << "Right apical pneumothorax.";
    QTest::newRow("upper") << "RIGHT LOWER LOBE"
                           << "LEFT LOWER LOBE";
    QTest::newRow("hyphen") << "A right-sided line; left-sided pacemaker."
                            << "A left-sided line; right-sided pacemaker.";
    QTest::newRow("both") << "Right greater than left effusions."
                          << "Left greater than right effusions.";
    QTest::newRow("not-words") << "Bright, upright, leftover."
                               << "Bright, upright, leftover.";
    QTest::newRow("lobes") << "RUL and LLL opacities."
                           << "LUL and RLL opacities.";
}

void TrainingComponentsTest::swapSides()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(RadiographAugmentation::swapSides(text.toStdString())), expected);
}

void TrainingComponentsTest::locationSwapped_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("side first") << "Small right pleural effusion at the base."
                                << "Small left pleural effusion at the base.";
    QTest::newRow("level") << "Apical pneumothorax."
                           << "Basal pneumothorax.";
    QTest::newRow("lobe") << "Nodule in the upper lobe."
                          << "Nodule in the lower lobe.";
    QTest::newRow("abbreviation") << "RUL opacity."
                                  << "LUL opacity.";
    QTest::newRow("nothing") << "The lungs are clear."
                             << "";
}

void TrainingComponentsTest::locationSwapped()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(RadiographAugmentation::locationSwapped(text.toStdString())), expected);
}

void TrainingComponentsTest::flipMirrorsImageAndBoxes()
{
    RadiographAugmentation::Sample sample;
    sample.image.width = 4;
    sample.image.height = 2;
    sample.image.pixels = { 0, 1, 2, 3, 4, 5, 6, 7 };
    sample.sentences = { "Right effusion.", "No pneumothorax." };
    sample.boxes = { { { 0.5, 0, 1.5, 2 } }, {} };
    const auto flipped = RadiographAugmentation::flipped(sample);
    QCOMPARE(flipped.image.pixels, (std::vector<float> { 3, 2, 1, 0, 7, 6, 5, 4 }));
    QCOMPARE(flipped.sentences[0], std::string("Left effusion."));
    QCOMPARE(flipped.sentences[1], std::string("No pneumothorax."));
    // [0.5, 2.0) mirrored in a 4-pixel row is [2.0, 3.5).
    QCOMPARE(flipped.boxes[0][0].x, 2.0);
    QCOMPARE(flipped.boxes[0][0].width, 1.5);
    // Flipping twice restores the sample.
    const auto back = RadiographAugmentation::flipped(flipped);
    QCOMPARE(back.image.pixels, sample.image.pixels);
    QCOMPARE(back.sentences, sample.sentences);
    QCOMPARE(back.boxes[0][0].x, 0.5);
}

void TrainingComponentsTest::intensityJitterKeepsRangeAndSide()
{
    RadiographAugmentation::Sample sample;
    sample.image.width = 16;
    sample.image.height = 1;
    for (int x = 0; x < 16; ++x)
        sample.image.pixels.push_back(static_cast<float>(x * 17));
    sample.sentences = { "Right effusion." };
    DeterministicRandom random(3);
    RadiographAugmentation::Options options; // flipProbability 0
    for (int trial = 0; trial < 20; ++trial) {
        const auto result = RadiographAugmentation::apply(sample, options, random);
        QCOMPARE(result.sentences[0], std::string("Right effusion."));
        for (std::size_t i = 0; i < result.image.pixels.size(); ++i) {
            QVERIFY(result.image.pixels[i] >= 0.0f && result.image.pixels[i] <= 255.0f);
            if (i > 0) // monotone intensity changes keep the order of gray levels
                QVERIFY(result.image.pixels[i] >= result.image.pixels[i - 1]);
        }
    }
    options.flipProbability = 1.0;
    QCOMPARE(RadiographAugmentation::apply(sample, options, random).sentences[0], std::string("Left effusion."));
}

QTEST_GUILESS_MAIN(TrainingComponentsTest)
#include "TrainingComponentsTest.moc"
