// Platt scaling, the Youden threshold and the calibration metrics on data whose answers are known or worked out by
// hand below.
#include <cmath>
#include <random>

#include <QTest>

#include "training/FindingCalibrator.h"

using namespace lrclr;

namespace {

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

} // namespace

class FindingCalibratorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recoversKnownCoefficients_data();
    void recoversKnownCoefficients();
    void recoversFromSampledLabels();
    void oneClassIsLeftUncalibrated_data();
    void oneClassIsLeftUncalibrated();
    void separableClassesStayFinite();
    void youdenThreshold_data();
    void youdenThreshold();
    void brierAndExpectedCalibrationError();
    void mismatchedInputsAreRefused();
};

void FindingCalibratorTest::recoversKnownCoefficients_data()
{
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::newRow("steep-negative-offset") << 3.0 << -0.5;
    QTest::newRow("shallow-positive-offset") << 0.8 << 1.2;
    QTest::newRow("reversed-score") << -2.0 << 0.3;
}

// Labels in exact proportion sigmoid(a z + b) at every z of a grid: the maximum-likelihood fit is (a, b) itself,
// up to the rounding of the counts and the tiny slope penalty.
void FindingCalibratorTest::recoversKnownCoefficients()
{
    QFETCH(double, a);
    QFETCH(double, b);
    std::vector<double> scores;
    std::vector<int> labels;
    const int repeats = 1000;
    for (int step = 0; step <= 40; ++step) {
        const double z = -2.0 + 0.1 * step;
        const int positives = static_cast<int>(std::lround(repeats * sigmoid(a * z + b)));
        for (int k = 0; k < repeats; ++k) {
            scores.push_back(z);
            labels.push_back(k < positives ? 1 : 0);
        }
    }
    const auto fit = FindingCalibrator::fit(scores, labels);
    QVERIFY(fit.calibrated);
    QVERIFY2(std::abs(fit.a - a) < 0.02, qPrintable(QString("a = %1, expected %2").arg(fit.a).arg(a)));
    QVERIFY2(std::abs(fit.b - b) < 0.02, qPrintable(QString("b = %1, expected %2").arg(fit.b).arg(b)));
    QVERIFY(fit.iterations > 0 && fit.iterations < 50);
    QCOMPARE(fit.positives + fit.negatives, 41 * repeats);
    // apply() is the fitted sigmoid.
    QVERIFY(std::abs(FindingCalibrator::apply(fit, 0.5) - sigmoid(fit.a * 0.5 + fit.b)) < 1e-12);
}

void FindingCalibratorTest::recoversFromSampledLabels()
{
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double a = 2.5;
    const double b = -0.7;
    std::vector<double> scores;
    std::vector<int> labels;
    for (int i = 0; i < 20000; ++i) {
        const double z = -2.0 + 4.0 * uniform(random);
        scores.push_back(z);
        labels.push_back(uniform(random) < sigmoid(a * z + b) ? 1 : 0);
    }
    const auto fit = FindingCalibrator::fit(scores, labels);
    QVERIFY(fit.calibrated);
    // Standard errors are about 0.04 (a) and 0.02 (b) at this size.
    QVERIFY2(std::abs(fit.a - a) < 0.15, qPrintable(QString::number(fit.a)));
    QVERIFY2(std::abs(fit.b - b) < 0.1, qPrintable(QString::number(fit.b)));
    QVERIFY(fit.threshold > 0.0 && fit.threshold < 1.0);
    QVERIFY(fit.youden > 0.3);
}

void FindingCalibratorTest::oneClassIsLeftUncalibrated_data()
{
    QTest::addColumn<int>("label");
    QTest::newRow("all-positive") << 1;
    QTest::newRow("all-negative") << 0;
}

void FindingCalibratorTest::oneClassIsLeftUncalibrated()
{
    QFETCH(int, label);
    const std::vector<double> scores { -0.2, 0.1, 0.3, 0.05 };
    const std::vector<int> labels(scores.size(), label);
    const auto fit = FindingCalibrator::fit(scores, labels);
    QVERIFY(!fit.calibrated);
    QCOMPARE(fit.a, 1.0);
    QCOMPARE(fit.b, 0.0);
    QCOMPARE(fit.positives, label == 1 ? 4 : 0);
    QCOMPARE(fit.negatives, label == 1 ? 0 : 4);
    QVERIFY(!fit.note.empty());
    QVERIFY(!FindingCalibrator::fit({}, {}).calibrated);
}

// Perfectly separated classes have no finite maximum-likelihood slope; the penalty keeps it finite and positive.
void FindingCalibratorTest::separableClassesStayFinite()
{
    const std::vector<double> scores { -0.3, -0.2, -0.1, 0.1, 0.2, 0.3 };
    const std::vector<int> labels { 0, 0, 0, 1, 1, 1 };
    const auto fit = FindingCalibrator::fit(scores, labels);
    QVERIFY(fit.calibrated);
    QVERIFY(std::isfinite(fit.a) && std::isfinite(fit.b));
    QVERIFY2(fit.a > 10.0, qPrintable(QString::number(fit.a)));
    QVERIFY(FindingCalibrator::apply(fit, 0.3) > 0.95);
    QVERIFY(FindingCalibrator::apply(fit, -0.3) < 0.05);
    QCOMPARE(fit.youden, 1.0);
}

void FindingCalibratorTest::youdenThreshold_data()
{
    QTest::addColumn<std::vector<double>>("probabilities");
    QTest::addColumn<std::vector<int>>("labels");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<double>("youden");
    // J at each candidate (3 positives, 3 negatives): 0.9: 1/3, 0.8: 0, 0.7: 1/3, 0.6: 2/3, 0.5: 1/3, 0.4: 0.
    QTest::newRow("unique-optimum") << std::vector<double> { 0.9, 0.8, 0.7, 0.6, 0.5, 0.4 }
                                    << std::vector<int> { 1, 0, 1, 1, 0, 0 } << 0.6 << 2.0 / 3.0;
    // 4 and 4: 0.9: 1/4, 0.8: 1/2, 0.7: 1/4, 0.6: 1/2, 0.4: 1/4, 0.3: 0, 0.2: 1/4, 0.1: 0; the tie keeps 0.8.
    QTest::newRow("tie-keeps-higher") << std::vector<double> { 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9 }
                                      << std::vector<int> { 0, 1, 0, 0, 1, 0, 1, 1 } << 0.8 << 0.5;
    // Tied probabilities enter together: 0.5 -> TPR 1, FPR 1/2.
    QTest::newRow("tied-probabilities") << std::vector<double> { 0.5, 0.5, 0.2 } << std::vector<int> { 1, 0, 0 } << 0.5
                                        << 0.5;
}

void FindingCalibratorTest::youdenThreshold()
{
    QFETCH(std::vector<double>, probabilities);
    QFETCH(std::vector<int>, labels);
    QFETCH(double, threshold);
    QFETCH(double, youden);
    double j = -1.0;
    QCOMPARE(FindingCalibrator::youdenThreshold(probabilities, labels, &j), threshold);
    QVERIFY2(std::abs(j - youden) < 1e-12, qPrintable(QString::number(j)));
}

// p = 0.05, 0.15, 0.15, 0.85, 0.95, 1.0 with y = 0, 0, 1, 1, 1, 0.
// Brier: (0.0025 + 0.0225 + 0.7225 + 0.0225 + 0.0025 + 1) / 6 = 1.7725 / 6.
// ECE: bin 0 {0.05 | 0}: |0.05 - 0| = 0.05; bin 1 {0.15, 0.15 | 0, 1}: |0.3 - 1| = 0.7; bin 8 {0.85 | 1}: 0.15;
// bin 9 {0.95, 1.0 | 1, 0}: |1.95 - 1| = 0.95 (1.0 falls in the last bin) -> (0.05 + 0.7 + 0.15 + 0.95) / 6.
void FindingCalibratorTest::brierAndExpectedCalibrationError()
{
    const std::vector<double> p { 0.05, 0.15, 0.15, 0.85, 0.95, 1.0 };
    const std::vector<int> y { 0, 0, 1, 1, 1, 0 };
    QVERIFY(std::abs(FindingCalibrator::brierScore(p, y) - 1.7725 / 6.0) < 1e-12);
    QVERIFY(std::abs(FindingCalibrator::expectedCalibrationError(p, y) - 1.85 / 6.0) < 1e-12);
    // One bin: |mean p - mean y| = |3.15 / 6 - 3 / 6|.
    QVERIFY(std::abs(FindingCalibrator::expectedCalibrationError(p, y, 1) - 0.15 / 6.0) < 1e-12);
    QVERIFY(std::isnan(FindingCalibrator::brierScore({}, {})));
    QVERIFY(std::isnan(FindingCalibrator::expectedCalibrationError({}, {})));
}

void FindingCalibratorTest::mismatchedInputsAreRefused()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FindingCalibrator::fit({ 0.1, 0.2 }, { 1 }));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FindingCalibrator::fit({ 0.1, 0.2 }, { 1, 2 }));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FindingCalibrator::brierScore({ 0.1 }, {}));
}

QTEST_GUILESS_MAIN(FindingCalibratorTest)
#include "FindingCalibratorTest.moc"
