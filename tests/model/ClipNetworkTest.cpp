// The network's structure and invariants with random weights (no reference data needed).
#include <QtTest>

#include <torch/torch.h>

#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/StateDict.h"
#include "tests/model/ModelTestSupport.h"

using namespace lrclr;

namespace {

// OpenAI's state-dict names for a config, written from clip/model.py's module tree.
std::set<std::string> openAiNames(const ClipConfig& config)
{
    std::set<std::string> names = { "positional_embedding", "text_projection", "logit_scale", "visual.class_embedding",
        "visual.positional_embedding", "visual.proj", "visual.conv1.weight", "visual.ln_pre.weight",
        "visual.ln_pre.bias", "visual.ln_post.weight", "visual.ln_post.bias", "token_embedding.weight",
        "ln_final.weight", "ln_final.bias" };
    const auto blocks = [&](const std::string& prefix, int layers) {
        for (int i = 0; i < layers; ++i) {
            const auto block = prefix + "resblocks." + std::to_string(i) + ".";
            for (const char* leaf : { "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight",
                     "attn.out_proj.bias", "ln_1.weight", "ln_1.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                     "mlp.c_proj.weight", "mlp.c_proj.bias", "ln_2.weight", "ln_2.bias" })
                names.insert(block + leaf);
        }
    };
    blocks("visual.transformer.", config.visionLayers);
    blocks("transformer.", config.textLayers);
    return names;
}

// Token rows: SOT, `length` random word ids, EOT, then junk after EOT (which the causal mask must ignore).
torch::Tensor tokenBatch(const std::vector<int>& lengths, bool junkAfterEnd)
{
    auto tokens = torch::zeros({ static_cast<int64_t>(lengths.size()), 77 }, torch::kLong);
    for (std::size_t i = 0; i < lengths.size(); ++i) {
        const auto row = static_cast<int64_t>(i);
        tokens[row][0] = 49406;
        tokens[row].slice(0, 1, 1 + lengths[i]).copy_(torch::randint(1, 49000, { lengths[i] }, torch::kLong));
        tokens[row][1 + lengths[i]] = 49407;
        if (junkAfterEnd && 2 + lengths[i] < 77)
            tokens[row].slice(0, 2 + lengths[i]).copy_(torch::randint(1, 49000, { 75 - lengths[i] }, torch::kLong));
    }
    return tokens;
}

} // namespace

class ClipNetworkTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        torch::manual_seed(7);
        torch::set_num_threads(2);
        m_network = std::make_unique<internal::ClipNetwork>(test::smallConfig());
    }

    void stateDictNamesAreOpenAis()
    {
        const auto keys = m_network->stateDict().keys();
        std::set<std::string> backbone;
        std::set<std::string> lrclrKeys;
        for (const auto& key : keys)
            (key.rfind("lrclr.", 0) == 0 ? lrclrKeys : backbone).insert(key);
        QCOMPARE(backbone, openAiNames(test::smallConfig()));
        const std::set<std::string> expectedLrclr = { "lrclr.interaction.query_projection",
            "lrclr.interaction.key_projection", "lrclr.interaction.value_projection",
            "lrclr.interaction.output_projection", "lrclr.interaction.logit_scale", "lrclr.interaction.gate" };
        QCOMPARE(lrclrKeys, expectedLrclr);
        QCOMPARE(m_network->lrclrParameters().size(), expectedLrclr.size());
        for (const auto& parameter : m_network->lrclrParameters())
            QVERIFY(parameter.requires_grad());
    }

    void textCutAtLastEotEqualsFullContext_data()
    {
        QTest::addColumn<std::vector<int>>("lengths");
        QTest::addColumn<bool>("junk");
        QTest::newRow("one-short") << std::vector<int> { 3 } << false;
        QTest::newRow("mixed-lengths") << std::vector<int> { 1, 12, 5, 30 } << false;
        QTest::newRow("junk-after-eot") << std::vector<int> { 4, 9 } << true;
        QTest::newRow("full-context") << std::vector<int> { 75, 2 } << false;
    }

    void textCutAtLastEotEqualsFullContext()
    {
        QFETCH(std::vector<int>, lengths);
        QFETCH(bool, junk);
        c10::InferenceMode guard;
        const auto tokens = tokenBatch(lengths, junk);
        const auto cut = m_network->encodeText(tokens);
        const auto full = m_network->encodeTextFullContext(tokens);
        const double error = test::maxAbsError(cut, full);
        QVERIFY2(error < 1e-5, qPrintable(QString("max abs error %1").arg(error)));
        // Each row alone gives the same result as in the batch (the cut length differs per batch).
        for (int64_t i = 0; i < tokens.size(0); ++i) {
            const auto alone = m_network->encodeText(tokens.slice(0, i, i + 1));
            QVERIFY(test::maxAbsError(alone, cut.slice(0, i, i + 1)) < 1e-5);
        }
    }

    void stateDictRoundTrips()
    {
        c10::InferenceMode guard;
        internal::ClipNetwork other(test::smallConfig());
        const auto images = torch::randn({ 2, 3, 64, 64 });
        QVERIFY(test::maxAbsError(
                    other.encodeImage(images, false).embedding(), m_network->encodeImage(images, false).embedding())
            > 1e-3);
        other.loadStateDict(m_network->stateDict());
        QCOMPARE(test::maxAbsError(
                     other.encodeImage(images, false).embedding(), m_network->encodeImage(images, false).embedding()),
            0.0);
    }

    void networkBuiltForLoadingMatchesOnceLoaded()
    {
        // A network built without random draws (a model load) equals the source once loaded, image and text, and
        // takes the loaded tensors' memory instead of copying them.
        c10::InferenceMode guard;
        internal::ClipNetwork loaded(test::smallConfig(), internal::ClipNetwork::Weights::ToBeLoaded);
        const auto weights = m_network->stateDict();
        loaded.loadStateDict(weights);
        const auto images = torch::randn({ 2, 3, 64, 64 });
        QCOMPARE(test::maxAbsError(
                     loaded.encodeImage(images, false).tokens(), m_network->encodeImage(images, false).tokens()),
            0.0);
        const auto tokens
            = torch::randint(1, test::smallConfig().vocabularySize - 1, { 3, test::smallConfig().contextLength });
        QCOMPARE(
            test::maxAbsError(loaded.encodeTextFullContext(tokens), m_network->encodeTextFullContext(tokens)), 0.0);
        QCOMPARE(loaded.logitScale(), m_network->logitScale());
        const auto parameters = loaded.module().named_parameters(true);
        QCOMPARE(parameters["visual.proj"].data_ptr(), weights.tensor("visual.proj").data_ptr());
    }

    void imageOutputsHaveDocumentedShapes()
    {
        c10::InferenceMode guard;
        auto output = m_network->encodeImage(torch::randn({ 3, 3, 64, 64 }), true);
        QCOMPARE(output.tokens().sizes().vec(), (std::vector<int64_t> { 3, 17, 32 }));
        QCOMPARE(output.embedding().sizes().vec(), (std::vector<int64_t> { 3, 32 }));
        QCOMPARE(output.attention().size(), std::size_t(2));
        QCOMPARE(output.attention()[0].sizes().vec(), (std::vector<int64_t> { 3, 2, 17, 17 }));
        // Softmax rows sum to one.
        QVERIFY(test::maxAbsError(output.attention()[1].sum(-1), torch::ones({ 3, 2, 17 })) < 1e-5);
        QVERIFY(m_network->encodeImage(torch::randn({ 1, 3, 64, 64 }), false).attention().empty());
    }

    void loadingRejectsWrongWeights_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "remove:visual.proj"
                                 << "lacks tensor 'visual.proj'";
        QTest::newRow("misshapen") << "reshape:ln_final.weight"
                                   << "tensor 'ln_final.weight' has shape";
        QTest::newRow("unexpected") << "add:visual.extra"
                                    << "unexpected tensor 'visual.extra'";
    }

    void loadingRejectsWrongWeights()
    {
        QFETCH(QString, change);
        QFETCH(QString, message);
        const auto source = m_network->stateDict();
        const auto parts = change.split(':');
        const auto target = parts[1].toStdString();
        internal::StateDict weights;
        for (const auto& key : source.keys()) {
            if (key == target && parts[0] == "remove")
                continue;
            weights.insert(key, key == target && parts[0] == "reshape" ? torch::zeros({ 3 }) : source.tensor(key));
        }
        if (parts[0] == "add")
            weights.insert(target, torch::zeros({ 2 }));
        internal::ClipNetwork other(test::smallConfig());
        try {
            other.loadStateDict(weights);
            QFAIL("loading succeeded");
        } catch (const std::invalid_argument& error) {
            QVERIFY2(QString(error.what()).contains(message), error.what());
        }
    }

    void localPatchHeadTokensSeeOnlyTheirNeighbourhood()
    {
        // The reason the head exists: the tower's own patch tokens each see the whole image, the head's see only
        // patches within `layers` rows and columns. Changing the pixels of the bottom-right patch (3, 3) of the
        // 4 x 4 grid changes every tower token but no head token more than 2 patches away from it.
        c10::InferenceMode guard;
        internal::ClipNetwork withHead(test::smallConfig());
        withHead.loadStateDict(m_network->stateDict());
        withHead.addLocalPatchHead(2);
        QCOMPARE(withHead.localPatchHeadLayers(), 2);
        QCOMPARE(m_network->localPatchHeadLayers(), 0);
        const auto images = torch::randn({ 1, 3, 64, 64 });
        auto changed = images.clone();
        changed.slice(2, 48, 64).slice(3, 48, 64).add_(3.0);
        const auto difference = [](internal::ClipNetwork& network, const torch::Tensor& a, const torch::Tensor& b) {
            const auto first = network.encodeImage(a, false).tokens();
            const auto second = network.encodeImage(b, false).tokens();
            return (first - second).abs().amax(-1)[0]; // [1 + 16]: CLS first
        };
        const auto tower = difference(*m_network, images, changed);
        const auto head = difference(withHead, images, changed);
        for (int patch = 0; patch < 16; ++patch) {
            const int distance = std::max(3 - patch / 4, 3 - patch % 4);
            QVERIFY2(tower[1 + patch].item<float>() > 1e-4, qPrintable(QString("tower patch %1").arg(patch)));
            const float change = head[1 + patch].item<float>();
            // Not exactly 0: a convolution kernel may transform whole input tiles (Winograd), which mixes rounding.
            if (distance > 2)
                QVERIFY2(change < 1e-5F, qPrintable(QString("head patch %1 changed by %2").arg(patch).arg(change)));
            else
                QVERIFY2(change > 1e-3F, qPrintable(QString("head patch %1 did not change").arg(patch)));
        }
        // The global embedding stays the tower's.
        QCOMPARE(test::maxAbsError(withHead.encodeImage(images, false).embedding(),
                     m_network->encodeImage(images, false).embedding()),
            0.0);
    }

    void localPatchHeadWeightsRoundTrip()
    {
        c10::InferenceMode guard;
        internal::ClipNetwork source(test::smallConfig());
        source.addLocalPatchHead(1);
        const auto weights = source.stateDict();
        for (const char* name : { "lrclr.local.convolutions.0.weight", "lrclr.local.convolutions.0.bias",
                 "lrclr.local.ln.weight", "lrclr.local.ln.bias", "lrclr.local.proj" })
            QVERIFY2(weights.contains(name), name);
        internal::ClipNetwork loaded(test::smallConfig(), internal::ClipNetwork::Weights::ToBeLoaded);
        loaded.addLocalPatchHead(1);
        loaded.loadStateDict(weights);
        const auto images = torch::randn({ 2, 3, 64, 64 });
        QCOMPARE(
            test::maxAbsError(loaded.encodeImage(images, false).tokens(), source.encodeImage(images, false).tokens()),
            0.0);
        // A network without a head refuses the head's tensors; a head cannot be added twice or be empty.
        internal::ClipNetwork plain(test::smallConfig());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, plain.loadStateDict(weights));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, loaded.addLocalPatchHead(1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, plain.addLocalPatchHead(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, plain.addLocalPatchHead(9));
    }

    void localPatchHeadNewToTheWeightsStartsFromTheTowersProjection()
    {
        // Fine-tuning a base CLIP: the head's ln and proj start as the loaded tower's ln_post and proj.
        c10::InferenceMode guard;
        internal::ClipNetwork fineTuned(test::smallConfig());
        fineTuned.addLocalPatchHead(1);
        const auto base = m_network->stateDict();
        fineTuned.loadStateDict(base);
        const auto after = fineTuned.stateDict();
        QCOMPARE(test::maxAbsError(after.tensor("lrclr.local.proj"), base.tensor("visual.proj")), 0.0);
        QCOMPARE(test::maxAbsError(after.tensor("lrclr.local.ln.weight"), base.tensor("visual.ln_post.weight")), 0.0);
    }

    void rejectsBadInputs()
    {
        c10::InferenceMode guard;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_network->encodeImage(torch::zeros({ 1, 3, 32, 32 }), false));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_network->encodeText(torch::zeros({ 1, 10 }, torch::kLong)));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument, m_network->encodeText(torch::full({ 1, 77 }, 60000, torch::kLong)));
    }

private:
    std::unique_ptr<internal::ClipNetwork> m_network;
};

QTEST_GUILESS_MAIN(ClipNetworkTest)
#include "ClipNetworkTest.moc"
