// The contrastive losses against values worked out by hand.
#include <cmath>

#include <QTest>

#include <torch/torch.h>

#include "training/ContrastiveLoss.h"

using namespace lrclr;

class ContrastiveLossTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void clipSymmetricInfoNce();
    void localMultiPositive();
};

void ContrastiveLossTest::clipSymmetricInfoNce()
{
    // Image i matches text i; after normalisation both are the identity, so logits = I (scale 1).
    // Each row: -log(e / (e + 1)) = log(1 + 1/e) = 0.3132617; both directions alike.
    const auto image = torch::tensor({ { 2.0, 0.0 }, { 0.0, 3.0 } });
    const auto text = torch::tensor({ { 1.0, 0.0 }, { 0.0, 0.5 } });
    const double loss = ContrastiveLoss::clip(image, text, 1.0).item<double>();
    QVERIFY2(std::abs(loss - std::log(1.0 + std::exp(-1.0))) < 1e-6, qPrintable(QString::number(loss)));
    // A larger scale sharpens the softmax: scale 10 -> log(1 + e^-10) = 4.5398e-5.
    QVERIFY(std::abs(ContrastiveLoss::clip(image, text, 10.0).item<double>() - std::log1p(std::exp(-10.0))) < 1e-7);
    // Gradients flow to both inputs.
    auto learnable = torch::tensor({ { 1.0, 0.2 }, { 0.1, 1.0 } }, torch::requires_grad());
    ContrastiveLoss::clip(learnable, text, 1.0).backward();
    QVERIFY(learnable.grad().abs().sum().item<double>() > 0.0);
}

void ContrastiveLossTest::localMultiPositive()
{
    // Sentences 0 and 1 belong to study 0, sentence 2 to study 1. similarity = [[1, 0], [1, 0], [0, 1]], scale 1.
    // Sentence -> image: every row is a 2-way softmax with 1 on the target: log(1 + 1/e) = 0.3132617.
    // Image -> sentence: study 0's column [1, 1, 0]: own mass 2e / (2e + 1) -> -log = log(1 + 1/(2e)) = 0.1688476;
    //                    study 1's column [0, 0, 1]: own mass e / (e + 2) -> -log = log(1 + 2/e) = 0.5514447; mean
    //                    0.3601462.
    // Total (0.3132617 + 0.3601462) / 2 = 0.3367039.
    const auto similarity = torch::tensor({ { 1.0, 0.0 }, { 1.0, 0.0 }, { 0.0, 1.0 } });
    const auto owners = torch::tensor({ 0, 0, 1 }, torch::kLong);
    const double e = std::exp(1.0);
    const double sentenceToImage = std::log(1.0 + 1.0 / e);
    const double imageToSentence = (-std::log(2 * e / (2 * e + 1)) - std::log(e / (e + 2))) / 2;
    const double expected = (sentenceToImage + imageToSentence) / 2;
    const double loss = ContrastiveLoss::local(similarity, owners, 1.0).item<double>();
    QVERIFY2(std::abs(loss - expected) < 1e-6, qPrintable(QString("%1 vs %2").arg(loss).arg(expected)));
    QVERIFY(std::abs(expected - 0.3367039) < 1e-6);
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument, ContrastiveLoss::local(similarity, torch::tensor({ 0, 1 }, torch::kLong), 1.0));
}

QTEST_GUILESS_MAIN(ContrastiveLossTest)
#include "ContrastiveLossTest.moc"
