// The evaluator on model outputs whose metrics are worked out by hand below.
#include <cmath>

#include <QTest>

#include "training/Evaluator.h"

using namespace lrclr;

namespace {

// An 8 x 8 heatmap from a function of (x, y).
template<typename Function> std::vector<float> map8(Function value)
{
    std::vector<float> map(64);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            map[static_cast<std::size_t>(y) * 8 + x] = static_cast<float>(value(x, y));
    return map;
}

struct Fixture {
    DatasetManifest manifest;
    std::vector<Evaluator::StudyOutput> outputs;
};

Fixture fixture()
{
    // Pleural Effusion labels 1, 0, -1, 1, 0 with combined scores 0.9, 0.2, 0.5, 0.4, 0.6.
    const int labels[5] = { 1, 0, -1, 1, 0 };
    const double scores[5] = { 0.9, 0.2, 0.5, 0.4, 0.6 };
    Fixture f;
    for (int i = 0; i < 5; ++i) {
        ManifestEntry entry;
        entry.image = "images/" + std::to_string(i) + ".png";
        entry.labels["Pleural Effusion"] = labels[i];
        f.manifest.add(entry);
        Evaluator::StudyOutput output;
        output.width = 8;
        output.height = 8;
        // Global = combined; local = 1 - combined (ranks reversed).
        output.findingScores["Pleural Effusion"] = { scores[i], 1.0 - scores[i], scores[i] };
        f.outputs.push_back(output);
    }
    auto& entries = f.manifest.entries();
    // Study 0: box = bottom-left quadrant; heatmap = exactly that quadrant -> hit, IoU 1 at every threshold,
    // CNR undefined (no variance inside or outside).
    entries[0].sentences = { { "Right effusion.", { { 0, 4, 4, 4 } } }, { "No pneumothorax.", {} } };
    f.outputs[0].sentenceHeatmaps = { map8([](int x, int y) { return x < 4 && y >= 4 ? 1 : 0; }), {} };
    // Study 1: box = top-right quadrant; heatmap on the top-left quadrant -> miss, IoU 0.
    // CNR: inside all 0 (variance 0); outside 16 ones and 32 zeros: mean 1/3, variance 1/3 * 2/3 = 2/9
    // -> (1/3) / sqrt(2/9) = 1 / sqrt(2).
    entries[1].sentences = { { "Left effusion.", { { 4, 0, 4, 4 } } } };
    f.outputs[1].sentenceHeatmaps = { map8([](int x, int y) { return x < 4 && y < 4 ? 1 : 0; }) };
    // Study 3: box = top half; heatmap 3 at even x and 1 at odd x in the top half, 0 below.
    // Pointing: the first maximum is (0, 0), inside -> hit.
    // CNR: inside mean 2, variance 1; outside mean 0, variance 0 -> 2.
    // IoU: normalised values 0, 1/3, 1 -> thresholds 0.1-0.3 select the top half (IoU 1), 0.4-0.5 only the 3s
    // (16 of 32 pixels: IoU 0.5).
    entries[3].sentences = { { "Bilateral effusions.", { { 0, 0, 8, 4 } } } };
    f.outputs[3].sentenceHeatmaps = { map8([](int x, int y) { return y < 4 ? (x % 2 == 0 ? 3 : 1) : 0; }) };
    return f;
}

} // namespace

class EvaluatorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void classificationUnderPolicies_data();
    void classificationUnderPolicies();
    void grounding();
    void retrievalAndMismatch();
    void pairedComparison();
    void groundingByBoxSize();
    void calibrationMetrics();
};

void EvaluatorTest::classificationUnderPolicies_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<int>("positives");
    QTest::addColumn<int>("negatives");
    QTest::addColumn<double>("auc");
    // U-Ignore: study 2 drops out. Positives 0.9, 0.4; negatives 0.2, 0.6: 0.9 beats both, 0.4 beats 0.2 -> 3/4.
    QTest::newRow("ignore") << "ignore" << 2 << 2 << 0.75;
    // U-Ones: 0.5 is positive too: 0.9 -> 2, 0.5 -> 1, 0.4 -> 1 of 6 pairs -> 4/6.
    QTest::newRow("ones") << "ones" << 3 << 2 << 4.0 / 6.0;
    // U-Zeros: 0.5 is negative: 0.9 -> 3, 0.4 -> 1 (beats 0.2) of 6 pairs -> 4/6.
    QTest::newRow("zeros") << "zeros" << 2 << 3 << 4.0 / 6.0;
}

void EvaluatorTest::classificationUnderPolicies()
{
    QFETCH(QString, policy);
    QFETCH(int, positives);
    QFETCH(int, negatives);
    QFETCH(double, auc);
    const Fixture f = fixture();
    Evaluator::Options options;
    options.uncertaintyPolicy = *Observations::parsePolicy(policy.toStdString());
    options.bootstrapSamples = 200;
    const auto run = Evaluator::evaluate("test", f.manifest, f.outputs, {}, options);
    QCOMPARE(run.findings.size(), std::size_t(1)); // only Pleural Effusion has both classes
    const auto& finding = run.findings.front();
    QCOMPARE(finding.positives, positives);
    QCOMPARE(finding.negatives, negatives);
    QVERIFY(std::abs(finding.combined.estimate - auc) < 1e-12);
    QVERIFY(std::abs(finding.global.estimate - auc) < 1e-12);
    QVERIFY(std::abs(finding.local.estimate - (1.0 - auc)) < 1e-12);
    QCOMPARE(finding.combined.samples, 200);
    QVERIFY(finding.combined.lower <= finding.combined.estimate && finding.combined.estimate <= finding.combined.upper);
    QVERIFY(std::abs(run.meanAuc - auc) < 1e-12);
    QVERIFY(!finding.combinedCurve.empty());
}

void EvaluatorTest::grounding()
{
    const Fixture f = fixture();
    Evaluator::Options options;
    options.bootstrapSamples = 10;
    const auto run = Evaluator::evaluate("test", f.manifest, f.outputs, {}, options);
    const auto& g = run.grounding;
    QCOMPARE(g.sentences, 3); // sentences with boxes and a heatmap
    QVERIFY(std::abs(g.pointingGame - 2.0 / 3.0) < 1e-12);
    // The interval resamples the 5 studies: the estimate is the pointing game; resamples without a grounded
    // sentence (only studies 2 and 4) are skipped.
    QCOMPARE(g.pointingGameInterval.estimate, g.pointingGame);
    QCOMPARE(g.pointingGameInterval.samples, 10);
    QVERIFY(g.pointingGameInterval.valid > 0 && g.pointingGameInterval.valid <= 10);
    QVERIFY(g.pointingGameInterval.lower >= 0.0 && g.pointingGameInterval.upper <= 1.0);
    QVERIFY(g.pointingGameInterval.lower <= g.pointingGameInterval.upper);
    // A random pixel lands in the boxes with probability 16/64, 16/64 and 32/64: (1/4 + 1/4 + 1/2) / 3.
    QVERIFY(std::abs(g.chancePointingGame - 1.0 / 3.0) < 1e-12);
    // Mean of the defined CNRs: study 1's 1 / sqrt(2) and study 3's 2 (study 0's is undefined).
    QVERIFY2(std::abs(g.contrastToNoise - (1.0 / std::sqrt(2.0) + 2.0) / 2.0) < 1e-12,
        qPrintable(QString::number(g.contrastToNoise)));
    // Per threshold: (1 + 0 + 1) / 3 for 0.1-0.3, (1 + 0 + 0.5) / 3 for 0.4-0.5.
    const double expected[5] = { 2.0 / 3, 2.0 / 3, 2.0 / 3, 0.5, 0.5 };
    QCOMPARE(g.meanIouPerThreshold.size(), std::size_t(5));
    for (int t = 0; t < 5; ++t)
        QVERIFY2(std::abs(g.meanIouPerThreshold[static_cast<std::size_t>(t)] - expected[t]) < 1e-12,
            qPrintable(QString::number(g.meanIouPerThreshold[static_cast<std::size_t>(t)])));
    QVERIFY(std::abs(g.meanIou - 0.6) < 1e-12); // (3 * 2/3 + 2 * 0.5) / 5
    QVERIFY(run.examples.empty()); // no images were given
}

void EvaluatorTest::retrievalAndMismatch()
{
    Fixture f = fixture();
    // 5 x 5: each image matches its report best, except image 4 whose report ranks second.
    std::vector<double> similarity(25, 0.0);
    for (int i = 0; i < 5; ++i)
        similarity[static_cast<std::size_t>(i) * 5 + i] = 1.0;
    similarity[4 * 5 + 0] = 2.0;
    Evaluator::Options options;
    options.bootstrapSamples = 10;
    options.recallK = { 1, 2 };
    for (auto& output : f.outputs) {
        output.image.width = 8;
        output.image.height = 8;
        output.image.pixels.assign(64, 128.0f);
    }
    const auto run = Evaluator::evaluate("test", f.manifest, f.outputs, similarity, options);
    QCOMPARE(run.retrieval.k, (std::vector<int> { 1, 2 }));
    QCOMPARE(run.retrieval.imageToReport, (std::vector<double> { 0.8, 1.0 }));
    // Column 0: image 4 scores 2 > 1 -> report 0 misses at k = 1.
    QCOMPARE(run.retrieval.reportToImage, (std::vector<double> { 0.8, 1.0 }));
    QCOMPARE(run.examples.size(), std::size_t(3));
    QCOMPARE(run.examples[1].pointingHit, false);

    f.outputs.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Evaluator::evaluate("test", f.manifest, f.outputs, {}, options));
}

void EvaluatorTest::pairedComparison()
{
    // Pleural Effusion 1, 1, 0, 0. Baseline combined scores 0.9, 0.2, 0.5, 0.1: of the 4 (positive, negative) pairs
    // only (0.2, 0.5) is ordered wrongly -> AUC 3/4. Candidate 0.9, 0.8, 0.3, 0.1 -> AUC 1. Difference +1/4.
    const int labels[4] = { 1, 1, 0, 0 };
    const double baselineScores[4] = { 0.9, 0.2, 0.5, 0.1 };
    const double candidateScores[4] = { 0.9, 0.8, 0.3, 0.1 };
    DatasetManifest manifest;
    std::vector<Evaluator::StudyOutput> baseline(4);
    std::vector<Evaluator::StudyOutput> candidate(4);
    for (std::size_t i = 0; i < 4; ++i) {
        ManifestEntry entry;
        entry.labels["Pleural Effusion"] = labels[i];
        manifest.add(entry);
        baseline[i].findingScores["Pleural Effusion"] = { 0.0, 0.0, baselineScores[i] };
        candidate[i].findingScores["Pleural Effusion"] = { 0.0, 0.0, candidateScores[i] };
    }
    // Grounding from metrics computed earlier: study 0 and 1 have a boxed sentence each, study 2 one that only the
    // candidate grounded (left out). Baseline hit, miss with mIoU 0.2, 0; candidate hit, hit with mIoU 0.6, 0.4:
    // pointing game +(0 + 1) / 2 = +0.5, mIoU +(0.4 + 0.4) / 2 = +0.4.
    const auto grounding = [](bool hit, double iou) {
        return Evaluator::SentenceGrounding { hit, 1.0, std::vector<double>(5, iou) };
    };
    for (std::size_t i = 0; i < 3; ++i) {
        manifest.entries()[i].sentences = { { "Effusion.", { { 0, 0, 2, 2 } } } };
        baseline[i].sentenceGrounding.resize(1);
        candidate[i].sentenceGrounding.resize(1);
    }
    baseline[0].sentenceGrounding[0] = grounding(true, 0.2);
    baseline[1].sentenceGrounding[0] = grounding(false, 0.0);
    candidate[0].sentenceGrounding[0] = grounding(true, 0.6);
    candidate[1].sentenceGrounding[0] = grounding(true, 0.4);
    candidate[2].sentenceGrounding[0] = grounding(true, 1.0);

    Evaluator::Options options;
    options.bootstrapSamples = 300;
    const auto comparison = Evaluator::compare("CLIP", "LRCLR", manifest, baseline, candidate, options);
    QCOMPARE(comparison.baseline, std::string("CLIP"));
    QCOMPARE(comparison.findings, 1);
    QVERIFY(std::abs(comparison.meanAucDifference.estimate - 0.25) < 1e-12);
    // The candidate ranks every resample perfectly, so no resample can favour the baseline; the worst resample for
    // the baseline (studies 1 and 2 only) gives +1.
    QVERIFY(comparison.meanAucDifference.lower >= -1e-12);
    QVERIFY(comparison.meanAucDifference.upper <= 1.0 + 1e-12);
    QVERIFY(comparison.meanAucDifference.valid > 0 && comparison.meanAucDifference.valid <= 300);
    QCOMPARE(comparison.sentences, 2);
    QVERIFY(std::abs(comparison.pointingGameDifference.estimate - 0.5) < 1e-12);
    QVERIFY(std::abs(comparison.meanIouDifference.estimate - 0.4) < 1e-12);
    // Each sentence's difference is +0 or +1 (pointing) and +0.4 (mIoU): the intervals stay inside those.
    QVERIFY(comparison.pointingGameDifference.lower >= 0.0 && comparison.pointingGameDifference.upper <= 1.0);
    QVERIFY(std::abs(comparison.meanIouDifference.lower - 0.4) < 1e-12);
    QVERIFY(std::abs(comparison.meanIouDifference.upper - 0.4) < 1e-12);

    // A run against itself differs by exactly 0 on every resample.
    const auto same = Evaluator::compare("LRCLR", "LRCLR", manifest, candidate, candidate, options);
    for (const auto* interval : { &same.meanAucDifference, &same.pointingGameDifference, &same.meanIouDifference }) {
        QCOMPARE(interval->estimate, 0.0);
        QCOMPARE(interval->lower, 0.0);
        QCOMPARE(interval->upper, 0.0);
    }
    candidate.pop_back();
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument, Evaluator::compare("a", "b", manifest, baseline, candidate, options));
}

void EvaluatorTest::groundingByBoxSize()
{
    // Box shares 0.5 % (hit), 1 % (miss: a bin's upper bound belongs to the next bin), 3 % (hit), 10 % (hit),
    // 50 % (miss) -> bins < 1 %: 1 sentence, 1.0; 1-5 %: 2, 0.5; 5-15 %: 1, 1.0; >= 15 %: 1, 0.0.
    const std::vector<std::pair<double, bool>> cases { { 0.005, true }, { 0.01, false }, { 0.03, true }, { 0.10, true },
        { 0.50, false } };
    std::vector<Evaluator::SentenceGrounding> sentences;
    for (const auto& [fraction, hit] : cases) {
        Evaluator::SentenceGrounding sentence;
        sentence.pointingHit = hit;
        sentence.iou.assign(5, 0.0);
        sentence.boxFraction = fraction;
        sentences.push_back(sentence);
    }
    const auto grounding = Evaluator::summarizeGrounding(sentences);
    QCOMPARE(grounding.pointingGame, 0.6);
    QVERIFY(std::abs(grounding.chancePointingGame - 0.129) < 1e-12);
    QCOMPARE(grounding.byBoxSize.size(), std::size_t(4));
    const double maximum[4] = { 0.01, 0.05, 0.15, 1.0 };
    const int counts[4] = { 1, 2, 1, 1 };
    const double pointing[4] = { 1.0, 0.5, 1.0, 0.0 };
    for (std::size_t b = 0; b < 4; ++b) {
        QCOMPARE(grounding.byBoxSize[b].maximumFraction, maximum[b]);
        QCOMPARE(grounding.byBoxSize[b].sentences, counts[b]);
        QCOMPARE(grounding.byBoxSize[b].pointingGame, pointing[b]);
    }
    // Without sentences every bin is empty and undefined.
    const auto empty = Evaluator::summarizeGrounding({});
    QCOMPARE(empty.byBoxSize.size(), std::size_t(4));
    QVERIFY(std::isnan(empty.byBoxSize[0].pointingGame));
}

// Under U-Ignore the targets are studies 0, 1, 3, 4: labels 1, 0, 1, 0, raw combined 0.9, 0.2, 0.4, 0.6.
// Raw: Brier (0.01 + 0.04 + 0.36 + 0.36) / 4 = 0.1925; ECE (one study per bin) (0.1 + 0.2 + 0.6 + 0.6) / 4 = 0.375.
// Shown probabilities 0.8, 0.1, 0.7, 0.3: Brier (0.04 + 0.01 + 0.09 + 0.09) / 4 = 0.0575;
// ECE (0.2 + 0.1 + 0.3 + 0.3) / 4 = 0.225.
void EvaluatorTest::calibrationMetrics()
{
    auto f = fixture();
    Evaluator::Options options;
    options.bootstrapSamples = 0;
    const auto uncalibrated = Evaluator::evaluate("raw", f.manifest, f.outputs, {}, options);
    QCOMPARE(uncalibrated.findings.size(), std::size_t(1));
    QVERIFY(std::abs(uncalibrated.findings[0].rawCombined.brier - 0.1925) < 1e-12);
    QVERIFY(std::abs(uncalibrated.findings[0].rawCombined.ece - 0.375) < 1e-12);
    QVERIFY(std::isnan(uncalibrated.findings[0].probability.brier)); // no shown probabilities handed in
    QVERIFY(!uncalibrated.findings[0].calibrated);

    const double shown[5] = { 0.8, 0.1, 0.5, 0.7, 0.3 };
    for (std::size_t i = 0; i < 5; ++i)
        f.outputs[i].findingProbabilities["Pleural Effusion"] = { shown[i], true };
    const auto calibrated = Evaluator::evaluate("calibrated", f.manifest, f.outputs, {}, options);
    const auto& finding = calibrated.findings[0];
    QVERIFY(finding.calibrated);
    QVERIFY2(
        std::abs(finding.probability.brier - 0.0575) < 1e-12, qPrintable(QString::number(finding.probability.brier)));
    QVERIFY2(std::abs(finding.probability.ece - 0.225) < 1e-12, qPrintable(QString::number(finding.probability.ece)));
    QVERIFY(std::abs(finding.rawCombined.brier - 0.1925) < 1e-12);
    // One study shown uncalibrated: the finding is not reported as calibrated.
    f.outputs[4].findingProbabilities["Pleural Effusion"].calibrated = false;
    QVERIFY(!Evaluator::evaluate("mixed", f.manifest, f.outputs, {}, options).findings[0].calibrated);
}

QTEST_GUILESS_MAIN(EvaluatorTest)
#include "EvaluatorTest.moc"
