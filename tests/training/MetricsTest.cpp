// Evaluation metrics against values worked out by hand in the comments.
#include <cmath>
#include <limits>
#include <vector>

#include <QTest>

#include "training/BootstrapInterval.h"
#include "training/DeterministicRandom.h"
#include "training/GroundingMetrics.h"
#include "training/RetrievalMetrics.h"
#include "training/RocAnalysis.h"

using namespace lrclr;

class MetricsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rocArea_data();
    void rocArea();
    void rocAreaUndefinedWithOneClass();
    void rocCurveWithTies();
    void quantileInterpolates();
    void bootstrapExactTwoCases();
    void bootstrapMeanOfTwoValues();
    void bootstrapProperties();
    void pointingGame_data();
    void pointingGame();
    void contrastToNoise_data();
    void contrastToNoise();
    void intersectionOverUnion_data();
    void intersectionOverUnion();
    void intersectionOverUnionSweep();
    void retrievalRecall();
};

void MetricsTest::rocArea_data()
{
    QTest::addColumn<std::vector<double>>("scores");
    QTest::addColumn<std::vector<int>>("labels");
    QTest::addColumn<double>("expected");
    // Pairs (positive, negative): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3 of 4.
    QTest::newRow("classic") << std::vector<double> { 0.1, 0.4, 0.35, 0.8 } << std::vector<int> { 0, 0, 1, 1 } << 0.75;
    // Every positive-negative pair is tied: each counts 1/2 -> 0.5.
    QTest::newRow("all-tied") << std::vector<double> { 0.5, 0.5, 0.5, 0.5 } << std::vector<int> { 0, 1, 0, 1 } << 0.5;
    // 0.6(pos) vs 0.2(neg) = 1, vs 0.6(neg) = 1/2; 0.9(pos) beats both = 2 -> 3.5 / 4.
    QTest::newRow("one-tie") << std::vector<double> { 0.2, 0.6, 0.6, 0.9 } << std::vector<int> { 0, 0, 1, 1 } << 0.875;
    // The positive always scores lower -> 0.
    QTest::newRow("inverted") << std::vector<double> { 0.9, 0.1 } << std::vector<int> { 0, 1 } << 0.0;
    // 3 positives x 2 negatives = 6 pairs. Positives 3, 2, 1; negatives 2, 0:
    // 3 beats both (2); 2 ties 2 (0.5) and beats 0 (1); 1 beats 0 (1) -> 4.5 / 6 = 0.75.
    QTest::newRow("mixed") << std::vector<double> { 3, 2, 1, 2, 0 } << std::vector<int> { 1, 1, 1, 0, 0 } << 0.75;
}

void MetricsTest::rocArea()
{
    QFETCH(std::vector<double>, scores);
    QFETCH(std::vector<int>, labels);
    QFETCH(double, expected);
    const double area = RocAnalysis::area(scores, labels);
    QVERIFY2(std::abs(area - expected) < 1e-12, qPrintable(QString("AUC %1, expected %2").arg(area).arg(expected)));
}

void MetricsTest::rocAreaUndefinedWithOneClass()
{
    QVERIFY(std::isnan(RocAnalysis::area({ 0.1, 0.2 }, { 1, 1 })));
    QVERIFY(RocAnalysis::curve({ 0.1, 0.2 }, { 0, 0 }).empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RocAnalysis::area({ 0.1 }, { 0, 1 }));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RocAnalysis::area({ 0.1, 0.2 }, { 0, 2 }));
}

void MetricsTest::rocCurveWithTies()
{
    // Descending: 0.9 (pos) -> TPR 1/2, FPR 0; 0.6 (one pos, one neg together) -> (1/2, 1); 0.2 (neg) -> (1, 1).
    const auto curve = RocAnalysis::curve({ 0.2, 0.6, 0.6, 0.9 }, { 0, 0, 1, 1 });
    QCOMPARE(curve.size(), std::size_t(4));
    const double expected[4][2] = { { 0.0, 0.0 }, { 0.0, 0.5 }, { 0.5, 1.0 }, { 1.0, 1.0 } };
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(curve[static_cast<std::size_t>(i)].falsePositiveRate, expected[i][0]);
        QCOMPARE(curve[static_cast<std::size_t>(i)].truePositiveRate, expected[i][1]);
    }
    QCOMPARE(curve[2].threshold, 0.6);
    // Its trapezoids, 0.5 * (0.5 + 1) / 2 + 0.5 * 1 = 0.875, equal the Mann–Whitney area.
    double area = 0.0;
    for (std::size_t i = 1; i < curve.size(); ++i)
        area += (curve[i].falsePositiveRate - curve[i - 1].falsePositiveRate)
            * (curve[i].truePositiveRate + curve[i - 1].truePositiveRate) / 2;
    QCOMPARE(area, 0.875);
}

void MetricsTest::quantileInterpolates()
{
    // Sorted 1, 2, 3, 4; position q * (n - 1): q = 0.5 -> 1.5 -> 2.5; q = 0.025 -> 0.075 -> 1.075.
    QCOMPARE(BootstrapInterval::quantile({ 4, 1, 3, 2 }, 0.5), 2.5);
    QVERIFY(std::abs(BootstrapInterval::quantile({ 4, 1, 3, 2 }, 0.025) - 1.075) < 1e-12);
    QCOMPARE(BootstrapInterval::quantile({ 4, 1, 3, 2 }, 1.0), 4.0);
    QVERIFY(std::isnan(BootstrapInterval::quantile({}, 0.5)));
}

void MetricsTest::bootstrapExactTwoCases()
{
    // One negative (0.2) and one positive (0.8). A resample draws two cases: {neg, pos} in either order (p = 1/2)
    // gives AUC 1; {neg, neg} or {pos, pos} has one class and is skipped. So every valid resample is 1: CI [1, 1].
    const auto result = BootstrapInterval::rocArea({ 0.2, 0.8 }, { 0, 1 }, 1000, 42);
    QCOMPARE(result.estimate, 1.0);
    QCOMPARE(result.lower, 1.0);
    QCOMPARE(result.upper, 1.0);
    QCOMPARE(result.samples, 1000);
    // valid ~ Binomial(1000, 1/2): 500 +- 16 (sd); 400..600 is more than 6 sd.
    QVERIFY2(result.valid > 400 && result.valid < 600, qPrintable(QString::number(result.valid)));
}

void MetricsTest::bootstrapMeanOfTwoValues()
{
    // The mean of two draws from {0, 1} is 0 (p 1/4), 1/2 (p 1/2) or 1 (p 1/4). With 1000 resamples both extremes
    // occur more than 2.5 % of the time (expected 250 each), so the 95 % interval is exactly [0, 1].
    const std::vector<double> values { 0.0, 1.0 };
    const auto result = BootstrapInterval::compute(
        2, [&](const std::vector<int>& indices) { return (values[indices[0]] + values[indices[1]]) / 2; }, 1000, 7);
    QCOMPARE(result.estimate, 0.5);
    QCOMPARE(result.lower, 0.0);
    QCOMPARE(result.upper, 1.0);
    QCOMPARE(result.valid, 1000);
}

void MetricsTest::bootstrapProperties()
{
    // Positives score N(1, 1), negatives N(0, 1): true AUC = Phi(1 / sqrt 2) = 0.760.
    const auto sample = [](int n, std::uint64_t seed) {
        DeterministicRandom random(seed);
        std::vector<double> scores;
        std::vector<int> labels;
        for (int i = 0; i < n; ++i) {
            const int label = i % 2;
            labels.push_back(label);
            scores.push_back(random.normal(label, 1.0));
        }
        return std::make_pair(scores, labels);
    };
    const auto [smallScores, smallLabels] = sample(100, 1);
    const auto [largeScores, largeLabels] = sample(1600, 2);
    const auto small = BootstrapInterval::rocArea(smallScores, smallLabels, 1000, 3);
    const auto large = BootstrapInterval::rocArea(largeScores, largeLabels, 1000, 3);
    for (const auto& result : { small, large }) {
        QVERIFY2(result.lower <= result.estimate && result.estimate <= result.upper,
            qPrintable(QString("%1 not in [%2, %3]").arg(result.estimate).arg(result.lower).arg(result.upper)));
        QCOMPARE(result.valid, 1000);
    }
    // Width shrinks like 1 / sqrt(n): 16x the cases, about a quarter of the width; ask for less than half.
    QVERIFY2(large.upper - large.lower < 0.5 * (small.upper - small.lower),
        qPrintable(QString("widths %1 vs %2").arg(large.upper - large.lower).arg(small.upper - small.lower)));
    QVERIFY(large.lower < 0.76 && 0.76 < large.upper);
    // Seeded: the same seed gives the same interval, another seed a different one.
    const auto again = BootstrapInterval::rocArea(smallScores, smallLabels, 1000, 3);
    QCOMPARE(again.lower, small.lower);
    QCOMPARE(again.upper, small.upper);
    const auto other = BootstrapInterval::rocArea(smallScores, smallLabels, 1000, 4);
    QVERIFY(other.lower != small.lower || other.upper != small.upper);
}

using Boxes = std::vector<GroundingMetrics::Box>;

void MetricsTest::pointingGame_data()
{
    QTest::addColumn<std::vector<float>>("map");
    QTest::addColumn<Boxes>("boxes");
    QTest::addColumn<bool>("hit");
    // 4 x 4, maximum 9 at (x 2, y 1).
    const std::vector<float> map { 0, 1, 0, 0, 0, 2, 9, 1, 0, 3, 1, 0, 0, 0, 0, 0 };
    QTest::newRow("box-on-max") << map << Boxes { { 2, 1, 1, 1 } } << true;
    QTest::newRow("box-elsewhere") << map << Boxes { { 0, 0, 2, 2 } } << false;
    QTest::newRow("second-box-hits") << map << Boxes { { 0, 0, 1, 1 }, { 1.6, 0.6, 1, 1 } }
                                     << true; // centre 2.5 in [1.6, 2.6)
    QTest::newRow("edge-excludes") << map << Boxes { { 2.6, 1, 2, 1 } } << false; // 2.5 < 2.6
    QTest::newRow("constant") << std::vector<float>(16, 1.0f) << Boxes { { 0, 0, 4, 4 } } << false;
}

void MetricsTest::pointingGame()
{
    QFETCH(std::vector<float>, map);
    QFETCH(Boxes, boxes);
    QFETCH(bool, hit);
    QCOMPARE(GroundingMetrics::pointingHit(map, 4, 4, boxes), hit);
}

void MetricsTest::contrastToNoise_data()
{
    QTest::addColumn<std::vector<float>>("map");
    QTest::addColumn<double>("expected");
    // 2 x 2, the box is the bottom row.
    // inside {3, 5}: mean 4, variance 1; outside {1, 1}: mean 1, variance 0 -> |4 - 1| / sqrt(1) = 3.
    QTest::newRow("flat-outside") << std::vector<float> { 1, 1, 3, 5 } << 3.0;
    // outside {0, 2}: mean 1, variance 1 -> 3 / sqrt(2).
    QTest::newRow("both-vary") << std::vector<float> { 0, 2, 3, 5 } << 3.0 / std::sqrt(2.0);
    // inside {0, 2}, outside {3, 5}: the absolute difference -> 3 / sqrt(2) again.
    QTest::newRow("inside-lower") << std::vector<float> { 3, 5, 0, 2 } << 3.0 / std::sqrt(2.0);
}

void MetricsTest::contrastToNoise()
{
    QFETCH(std::vector<float>, map);
    QFETCH(double, expected);
    const double cnr = GroundingMetrics::contrastToNoise(map, 2, 2, { { 0, 1, 2, 1 } });
    QVERIFY2(std::abs(cnr - expected) < 1e-9, qPrintable(QString("CNR %1, expected %2").arg(cnr).arg(expected)));
    // Undefined cases: no outside pixel; no variance anywhere.
    QVERIFY(std::isnan(GroundingMetrics::contrastToNoise(map, 2, 2, { { 0, 0, 2, 2 } })));
    QVERIFY(std::isnan(GroundingMetrics::contrastToNoise({ 1, 1, 2, 2 }, 2, 2, { { 0, 1, 2, 1 } })));
}

void MetricsTest::intersectionOverUnion_data()
{
    QTest::addColumn<double>("threshold");
    QTest::addColumn<double>("expected");
    // Map 4 x 1 = [10, 12.5, 15, 20] -> normalised [0, 0.25, 0.5, 1]; the box covers pixels 2 and 3.
    QTest::newRow("0.1") << 0.1 << 2.0 / 3.0; // selects 1, 2, 3: intersection 2, union 3
    QTest::newRow("0.3") << 0.3 << 1.0; // selects 2, 3
    QTest::newRow("0.5") << 0.5 << 1.0; // 0.5 >= 0.5: selects 2, 3
    QTest::newRow("0.6") << 0.6 << 0.5; // selects 3: 1 / 2
}

void MetricsTest::intersectionOverUnion()
{
    QFETCH(double, threshold);
    QFETCH(double, expected);
    const double iou
        = GroundingMetrics::intersectionOverUnion({ 10, 12.5, 15, 20 }, 4, 1, { { 2, 0, 2, 1 } }, threshold);
    QVERIFY2(std::abs(iou - expected) < 1e-12, qPrintable(QString("IoU %1, expected %2").arg(iou).arg(expected)));
    QCOMPARE(
        GroundingMetrics::intersectionOverUnion(std::vector<float>(4, 3.0f), 4, 1, { { 2, 0, 2, 1 } }, threshold), 0.0);
    QCOMPARE(GroundingMetrics::iouThresholds(), (std::vector<double> { 0.1, 0.2, 0.3, 0.4, 0.5 }));
}

void MetricsTest::intersectionOverUnionSweep()
{
    // The one-pass sweep gives the hand-computed values of intersectionOverUnion_data at once, also on the
    // thresholds that select exactly a pixel's value (0.5).
    const auto sweep = GroundingMetrics::intersectionOverUnion(
        { 10, 12.5, 15, 20 }, 4, 1, { { 2, 0, 2, 1 } }, std::vector<double> { 0.1, 0.3, 0.5, 0.6 });
    const std::vector<double> expected { 2.0 / 3.0, 1.0, 1.0, 0.5 };
    QCOMPARE(sweep.size(), expected.size());
    for (std::size_t t = 0; t < expected.size(); ++t)
        QVERIFY2(std::abs(sweep[t] - expected[t]) < 1e-12, qPrintable(QString::number(sweep[t])));
    // And agrees with the per-threshold function on a noisy map with two overlapping boxes.
    DeterministicRandom random(7);
    std::vector<float> map(37 * 23);
    for (auto& value : map)
        value = static_cast<float>(random.uniform());
    const std::vector<GroundingMetrics::Box> boxes { { 3.2, 4.7, 10, 8 }, { 9, 6, 20.5, 12 } };
    const auto all = GroundingMetrics::intersectionOverUnion(map, 37, 23, boxes, GroundingMetrics::iouThresholds());
    for (std::size_t t = 0; t < all.size(); ++t) {
        const double single
            = GroundingMetrics::intersectionOverUnion(map, 37, 23, boxes, GroundingMetrics::iouThresholds()[t]);
        QVERIFY2(std::abs(all[t] - single) < 1e-12, qPrintable(QString("%1 vs %2").arg(all[t]).arg(single)));
        QVERIFY(single > 0.0 && single < 1.0);
    }
    // A constant map selects nothing.
    QCOMPARE(GroundingMetrics::intersectionOverUnion(
                 std::vector<float>(4, 1.0f), 4, 1, { { 0, 0, 2, 1 } }, std::vector<double> { 0.1, 0.5 }),
        (std::vector<double> { 0.0, 0.0 }));
}

void MetricsTest::retrievalRecall()
{
    // Rows: images, columns: reports; report i belongs to image i.
    const std::vector<double> similarity {
        0.9, 0.1, 0.2, // image 0: its report is the best -> rank 1
        0.8, 0.5, 0.1, // image 1: report 0 scores higher -> rank 2
        0.3, 0.3, 0.3, // image 2: two ties count ahead of the match -> rank 3
    };
    QCOMPARE(RetrievalMetrics::imageToReportRecall(similarity, 3, 1), 1.0 / 3.0);
    QCOMPARE(RetrievalMetrics::imageToReportRecall(similarity, 3, 2), 2.0 / 3.0);
    QCOMPARE(RetrievalMetrics::imageToReportRecall(similarity, 3, 3), 1.0);
    // Columns: report 0 -> {0.9, 0.8, 0.3}: image 0 first; report 1 -> {0.1, 0.5, 0.3}: image 1 first;
    // report 2 -> {0.2, 0.1, 0.3}: image 2 first. Recall@1 = 1.
    QCOMPARE(RetrievalMetrics::reportToImageRecall(similarity, 3, 1), 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RetrievalMetrics::imageToReportRecall(similarity, 2, 1));
}

QTEST_GUILESS_MAIN(MetricsTest)
#include "MetricsTest.moc"
