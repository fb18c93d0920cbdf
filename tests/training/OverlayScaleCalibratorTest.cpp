// The shared overlay scale on heatmaps whose value distributions are known exactly: evenly spaced values inside and
// outside the box, so the Youden threshold, the 5 % outside-pixel threshold and the percentiles can be worked out by
// hand below.
#include <QTest>

#include "training/OverlayScaleCalibrator.h"

using namespace lrclr;

namespace {

constexpr int kWidth = 100;
constexpr int kHeight = 100;

/// A heatmap whose left half (the box) holds values evenly spread over [insideLow, insideHigh) and whose right half
/// holds values evenly spread over [outsideLow, outsideHigh).
std::vector<float> twoHalves(double insideLow, double insideHigh, double outsideLow, double outsideHigh)
{
    std::vector<float> values(static_cast<std::size_t>(kWidth) * kHeight);
    const int half = kWidth / 2 * kHeight;
    int inside = 0;
    int outside = 0;
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const bool left = x < kWidth / 2;
            const int k = left ? inside++ : outside++;
            const double low = left ? insideLow : outsideLow;
            const double high = left ? insideHigh : outsideHigh;
            values[static_cast<std::size_t>(y) * kWidth + x]
                = static_cast<float>(low + (high - low) * (k + 0.5) / half);
        }
    }
    return values;
}

const std::vector<AnalysisResult::Box> leftHalf { { 0.0, 0.0, kWidth / 2.0, double(kHeight) } };

} // namespace

class OverlayScaleCalibratorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void thresholdKeepsOutsidePixelsRare();
    void youdenWinsWhenHigher();
    void tooFewSentencesGiveNoFit();
    void unusableSentencesAreRefused();
    void eachSentenceWeighsTheSame();
};

void OverlayScaleCalibratorTest::thresholdKeepsOutsidePixelsRare()
{
    // Inside uniform on [0.1, 0.5), outside on [-0.2, 0.2): J = 0.75 on all of [0.1, 0.2], so Youden picks 0.1; at
    // most 5 % of the outside pixels above t needs t >= 0.2 - 0.05 * 0.4 = 0.18, which wins.
    OverlayScaleCalibrator calibrator;
    for (int s = 0; s < 25; ++s)
        QVERIFY(calibrator.addSentence(twoHalves(0.1, 0.5, -0.2, 0.2), kWidth, kHeight, leftHalf));
    const auto fit = calibrator.fit();
    QVERIFY(fit.fitted);
    QCOMPARE(fit.sentences, 25);
    QVERIFY2(std::abs(fit.threshold - 0.18) <= 0.0021, qPrintable(QString::number(fit.threshold)));
    QVERIFY(std::abs(fit.outsideAbove - 0.05) <= 0.003);
    QVERIFY(std::abs(fit.insideAbove - 0.80) <= 0.003);
    QVERIFY(std::abs(fit.youden - 0.75) <= 0.005);
    QVERIFY2(std::abs(fit.low - (-0.196)) <= 0.0021, qPrintable(QString::number(fit.low)));
    QVERIFY2(std::abs(fit.high - 0.496) <= 0.0031, qPrintable(QString::number(fit.high)));
}

void OverlayScaleCalibratorTest::youdenWinsWhenHigher()
{
    // Inside on [0.3, 0.5), outside on [-0.4, 0.2): J = 1 on [0.2, 0.3], Youden's first maximum is 0.2; the 5 %
    // rule alone would give 0.2 - 0.05 * 0.6 = 0.17. The threshold is the larger, 0.2.
    OverlayScaleCalibrator calibrator;
    for (int s = 0; s < 20; ++s)
        QVERIFY(calibrator.addSentence(twoHalves(0.3, 0.5, -0.4, 0.2), kWidth, kHeight, leftHalf));
    const auto fit = calibrator.fit();
    QVERIFY(fit.fitted);
    QVERIFY2(std::abs(fit.threshold - 0.2) <= 0.0011, qPrintable(QString::number(fit.threshold)));
    QVERIFY(fit.youden > 0.99);
    QVERIFY(fit.outsideAbove < 0.003);
}

void OverlayScaleCalibratorTest::tooFewSentencesGiveNoFit()
{
    OverlayScaleCalibrator calibrator;
    for (int s = 0; s < 19; ++s)
        calibrator.addSentence(twoHalves(0.1, 0.5, -0.2, 0.2), kWidth, kHeight, leftHalf);
    const auto fit = calibrator.fit();
    QVERIFY(!fit.fitted);
    QCOMPARE(fit.sentences, 19);
    QVERIFY(QString::fromStdString(fit.note).contains("at least 20"));
}

void OverlayScaleCalibratorTest::unusableSentencesAreRefused()
{
    OverlayScaleCalibrator calibrator;
    const auto values = twoHalves(0.1, 0.5, -0.2, 0.2);
    QVERIFY(!calibrator.addSentence(values, kWidth, kHeight - 1, leftHalf)); // wrong size
    QVERIFY(!calibrator.addSentence(values, kWidth, kHeight, {})); // nothing inside
    const std::vector<AnalysisResult::Box> everything { { -5.0, -5.0, kWidth + 10.0, kHeight + 10.0 } };
    QVERIFY(!calibrator.addSentence(values, kWidth, kHeight, everything)); // nothing outside
    QCOMPARE(calibrator.sentences(), 0);
}

void OverlayScaleCalibratorTest::eachSentenceWeighsTheSame()
{
    // 20 sentences with a 5x5 box at 0.4 and 20 with the left half at 0.1 (outside -0.1 for both). Weighted per
    // sentence, half the inside mass sits at 0.4, so the 99th percentile ("high") is 0.4; weighted per pixel, the 25
    // small-box pixels would be 0.5 % of the inside pixels and "high" would fall to 0.1.
    const std::vector<AnalysisResult::Box> small { { 0.0, 0.0, 5.0, 5.0 } };
    std::vector<float> smallMap(static_cast<std::size_t>(kWidth) * kHeight);
    std::vector<float> bigMap(smallMap.size());
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            smallMap[static_cast<std::size_t>(y) * kWidth + x] = (x < 5 && y < 5) ? 0.4f : -0.1f;
            bigMap[static_cast<std::size_t>(y) * kWidth + x] = x < kWidth / 2 ? 0.1f : -0.1f;
        }
    }
    OverlayScaleCalibrator calibrator;
    for (int s = 0; s < 20; ++s) {
        QVERIFY(calibrator.addSentence(smallMap, kWidth, kHeight, small));
        QVERIFY(calibrator.addSentence(bigMap, kWidth, kHeight, leftHalf));
    }
    const auto fit = calibrator.fit();
    QVERIFY(fit.fitted);
    QVERIFY2(std::abs(fit.high - 0.4) <= 0.0021, qPrintable(QString::number(fit.high)));
    QVERIFY(fit.threshold < 0.1); // both kinds of sentence are painted
}

QTEST_GUILESS_MAIN(OverlayScaleCalibratorTest)
#include "OverlayScaleCalibratorTest.moc"
