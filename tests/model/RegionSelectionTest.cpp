// Region selection on hand-built attention tensors whose answers follow from the definitions by hand.
#include <QtTest>

#include <torch/torch.h>

#include "core/model/internal/RegionSelection.h"

using lrclr::internal::SelectionMode;
using lrclr::internal::selectRegions;

namespace {

// Rows of a 4x4 attention matrix (token 0 = CLS, tokens 1..3 = patches 0..2).
torch::Tensor matrix(std::initializer_list<std::initializer_list<double>> rows)
{
    std::vector<double> values;
    for (const auto& row : rows)
        values.insert(values.end(), row);
    const auto size = static_cast<int64_t>(rows.size());
    return torch::tensor(values, torch::kDouble).reshape({ size, size }).to(torch::kFloat);
}

torch::Tensor identityWithClsRow(std::initializer_list<double> clsRow)
{
    auto result = torch::eye(static_cast<int64_t>(clsRow.size()));
    result[0] = torch::tensor(std::vector<double>(clsRow)).to(torch::kFloat);
    return result;
}

// Layer [B=1, H, N, N] from per-head matrices.
torch::Tensor layer(std::vector<torch::Tensor> heads)
{
    return torch::stack(heads).unsqueeze(0);
}

} // namespace

class RegionSelectionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void partSelectionMultipliesAllButTheLastLayer()
    {
        const auto first = matrix({ { 0.1, 0.2, 0.6, 0.1 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0.1, 0.2, 0.3, 0.4 } });
        // Head 0's CLS looks at token 1, whose row in layer 0 is one-hot on token 1: patch 0, score 1.
        // Head 1's CLS looks at token 3, whose layer-0 row peaks at token 3 (0.4): patch 2, score 0.4.
        const auto second = layer({ identityWithClsRow({ 0, 1, 0, 0 }), identityWithClsRow({ 0, 0, 0, 1 }) });
        // If the last layer were used, head 0 would pick token 2 (patch 1) instead.
        const auto last = layer({ identityWithClsRow({ 0, 0, 1, 0 }), identityWithClsRow({ 0, 0, 1, 0 }) });
        const auto result = selectRegions({ layer({ first, first }), second, last }, SelectionMode::PartSelection, 0);
        QCOMPARE(result.size(), std::size_t(1));
        QCOMPARE(result[0].patchIndices, (std::vector<int> { 0, 2 }));
        QCOMPARE(result[0].scores.size(), std::size_t(2));
        QVERIFY(qAbs(result[0].scores[0] - 1.0f) < 1e-6f);
        QVERIFY(qAbs(result[0].scores[1] - 0.4f) < 1e-6f);
    }

    void partSelectionDeduplicatesHeads()
    {
        // Both heads pick patch 1 (token 2): it is reported once with the larger score.
        const auto a = identityWithClsRow({ 0.1, 0.2, 0.7, 0.0 });
        const auto b = identityWithClsRow({ 0.3, 0.1, 0.5, 0.1 });
        const auto last = layer({ torch::eye(4), torch::eye(4) });
        const auto result = selectRegions({ layer({ a, b }), last }, SelectionMode::PartSelection, 0);
        QCOMPARE(result[0].patchIndices, (std::vector<int> { 1 }));
        QVERIFY(qAbs(result[0].scores[0] - 0.7f) < 1e-6f);
    }

    void partSelectionHandlesBatches()
    {
        const auto a = layer({ identityWithClsRow({ 0, 0, 0, 1 }) });
        const auto b = layer({ identityWithClsRow({ 0, 1, 0, 0 }) });
        const auto batch = torch::cat({ a, b }, 0); // image 0 -> patch 2, image 1 -> patch 0
        const auto result = selectRegions({ batch, batch }, SelectionMode::PartSelection, 0);
        QCOMPARE(result.size(), std::size_t(2));
        QCOMPARE(result[0].patchIndices, (std::vector<int> { 2 }));
        QCOMPARE(result[1].patchIndices, (std::vector<int> { 0 }));
    }

    void rollout_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("topK");
        QTest::addColumn<std::vector<int>>("patches");
        QTest::addColumn<std::vector<float>>("scores");
        // Heads' CLS rows [0.5, 0.5, 0] and [0.6, 0, 0.4] fuse to [0.55, 0.25, 0.2]; (A + I) / 2 gives
        // [0.775, 0.125, 0.1] (patch rows are identity, so they stay one-hot).
        QTest::newRow("one-layer") << 1 << 2 << std::vector<int> { 0, 1 } << std::vector<float> { 0.125f, 0.1f };
        // Two layers: 0.775 * [0.775, 0.125, 0.1] + 0.125 * e1 + 0.1 * e2 = [0.600625, 0.221875, 0.1775].
        QTest::newRow("two-layers") << 2 << 2 << std::vector<int> { 0, 1 } << std::vector<float> { 0.221875f, 0.1775f };
        QTest::newRow("top-k-clamped") << 2 << 10 << std::vector<int> { 0, 1 }
                                       << std::vector<float> { 0.221875f, 0.1775f };
        QTest::newRow("top-1") << 1 << 1 << std::vector<int> { 0 } << std::vector<float> { 0.125f };
    }

    void rollout()
    {
        QFETCH(int, layers);
        QFETCH(int, topK);
        QFETCH(std::vector<int>, patches);
        QFETCH(std::vector<float>, scores);
        const auto head0 = matrix({ { 0.5, 0.5, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        const auto head1 = matrix({ { 0.6, 0, 0.4 }, { 0, 1, 0 }, { 0, 0, 1 } });
        const std::vector<torch::Tensor> attention(static_cast<std::size_t>(layers), layer({ head0, head1 }));
        const auto result = selectRegions(attention, SelectionMode::Rollout, topK);
        QCOMPARE(result[0].patchIndices, patches);
        QCOMPARE(result[0].scores.size(), scores.size());
        for (std::size_t i = 0; i < scores.size(); ++i)
            QVERIFY2(qAbs(result[0].scores[i] - scores[i]) < 1e-6f, qPrintable(QString::number(result[0].scores[i])));
    }

    void rejectsBadShapes()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, selectRegions({}, SelectionMode::Rollout, 1));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument, selectRegions({ torch::ones({ 1, 1, 3, 4 }) }, SelectionMode::Rollout, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
            selectRegions(
                { torch::ones({ 1, 1, 3, 3 }), torch::ones({ 1, 1, 4, 4 }) }, SelectionMode::PartSelection, 1));
    }
};

QTEST_GUILESS_MAIN(RegionSelectionTest)
#include "RegionSelectionTest.moc"
