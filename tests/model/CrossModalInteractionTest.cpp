// The cross-modality interaction layer: neutral at initialisation (plain CLIP scores), masked, trainable.
#include <QtTest>

#include <torch/torch.h>

#include "core/model/internal/CrossModalInteraction.h"
#include "tests/model/ModelTestSupport.h"

using lrclr::internal::CrossModalInteraction;
namespace F = torch::nn::functional;

class CrossModalInteractionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initialisationGivesPlainClipScores()
    {
        torch::manual_seed(3);
        const double logScale = std::log(50.0);
        CrossModalInteraction layer(16, logScale);
        const auto sentences = torch::randn({ 2, 3, 16 });
        const auto regions = torch::randn({ 2, 5, 16 });
        const auto global = torch::randn({ 2, 16 });
        torch::NoGradGuard noGrad;
        const auto [weights, local, conditioned] = layer.forward(sentences, regions, global, torch::Tensor());

        // Weights are the softmax of 50 x plain cosine(sentence, region); local is their average of the regions.
        const auto cosine = torch::matmul(F::normalize(sentences, F::NormalizeFuncOptions().dim(-1)),
            F::normalize(regions, F::NormalizeFuncOptions().dim(-1)).transpose(1, 2));
        const auto expected = torch::softmax(50.0 * cosine, -1);
        QVERIFY(lrclr::test::maxAbsError(weights, expected) < 1e-5);
        QVERIFY(lrclr::test::maxAbsError(weights.sum(-1), torch::ones({ 2, 3 })) < 1e-5);
        QVERIFY(lrclr::test::maxAbsError(local, torch::matmul(expected, regions)) < 1e-4);
        // The region-conditioned embedding is exactly the global one, so zero-shot scores equal CLIP's.
        QCOMPARE(lrclr::test::maxAbsError(conditioned, global.unsqueeze(1).expand({ 2, 3, 16 })), 0.0);
    }

    void temperatureIsCappedAtClipsMaximum()
    {
        CrossModalInteraction layer(4, std::log(1000.0));
        const auto sentences = torch::tensor({ 1.0f, 0.0f, 0.0f, 0.0f }).reshape({ 1, 1, 4 });
        const auto regions = torch::tensor({ 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f }).reshape({ 1, 2, 4 });
        torch::NoGradGuard noGrad;
        const auto weights = std::get<0>(layer.forward(sentences, regions, torch::zeros({ 1, 4 }), torch::Tensor()));
        // Cosines 1 and 0 at temperature 100: weights 1 / (1 + e^-100) and e^-100 / (1 + e^-100).
        QVERIFY(qAbs(weights[0][0][1].item<double>() - std::exp(-100.0)) < 1e-40);
    }

    void maskedRegionsGetNoWeight()
    {
        CrossModalInteraction layer(8, std::log(10.0));
        const auto mask = torch::tensor({ true, false, true }).reshape({ 1, 3 });
        torch::NoGradGuard noGrad;
        const auto weights = std::get<0>(
            layer.forward(torch::randn({ 1, 2, 8 }), torch::randn({ 1, 3, 8 }), torch::randn({ 1, 8 }), mask));
        QCOMPARE(weights.select(2, 1).abs().max().item<float>(), 0.0f);
        QVERIFY(lrclr::test::maxAbsError(weights.sum(-1), torch::ones({ 1, 2 })) < 1e-6);
    }

    void parametersAreRegisteredAndTrainable()
    {
        CrossModalInteraction layer(8, std::log(10.0));
        std::set<std::string> names;
        for (const auto& item : layer.module()->named_parameters())
            names.insert(item.key());
        const std::set<std::string> expected
            = { "query_projection", "key_projection", "value_projection", "output_projection", "logit_scale", "gate" };
        QCOMPARE(names, expected);

        const auto sentences = torch::randn({ 1, 2, 8 });
        const auto regions = torch::randn({ 1, 4, 8 });
        const auto global = torch::randn({ 1, 8 });
        const auto lossGradients = [&]() {
            layer.module()->zero_grad();
            const auto [weights, local, conditioned] = layer.forward(sentences, regions, global, torch::Tensor());
            (conditioned.sum() + local.pow(2).sum()).backward();
            std::map<std::string, double> result;
            for (const auto& item : layer.module()->named_parameters())
                result[item.key()]
                    = item.value().grad().defined() ? item.value().grad().abs().sum().item<double>() : -1.0;
            return result;
        };
        // At the neutral start the output projection sits behind the zero gate (ReZero-style): only it gets no
        // gradient, and it does as soon as the gate has moved.
        for (const auto& [name, gradient] : lossGradients())
            QVERIFY2(name == "output_projection" ? gradient == 0.0 : gradient > 0.0, name.c_str());
        {
            torch::NoGradGuard noGrad;
            layer.module()->named_parameters()["gate"].fill_(0.5);
        }
        QVERIFY(lossGradients().at("output_projection") > 0.0);
    }

    void rejectsInconsistentShapes()
    {
        CrossModalInteraction layer(8, 0.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
            layer.forward(
                torch::randn({ 1, 2, 8 }), torch::randn({ 1, 0, 8 }), torch::randn({ 1, 8 }), torch::Tensor()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
            layer.forward(
                torch::randn({ 1, 2, 4 }), torch::randn({ 1, 3, 4 }), torch::randn({ 1, 4 }), torch::Tensor()));
    }
};

QTEST_GUILESS_MAIN(CrossModalInteractionTest)
#include "CrossModalInteractionTest.moc"
