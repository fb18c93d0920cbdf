#include <algorithm>

#include <QSignalSpy>
#include <QtTest>

#include "tests/ui/SyntheticAnalysis.h"
#include "ui/model/AnalysisSelection.h"

using namespace lrclr;
using Links = QList<ReportRegionLinks::Link>;

class AnalysisSelectionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_result = testing::syntheticAnalysis();
        m_links = std::make_unique<ReportRegionLinks>();
        m_links->setResult(m_result);
        m_selection = std::make_unique<AnalysisSelection>(m_links.get());
    }

    void nothingSelectedShowsNoHeatmap()
    {
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Nothing);
        QVERIFY(!m_selection->heatmap().isValid());
        QVERIFY(m_selection->highlightedSentences().isEmpty());
    }

    void selectingASentenceShowsItsHeatmap_data()
    {
        QTest::addColumn<int>("sentence");
        QTest::newRow("first") << 0;
        QTest::newRow("second") << 1;
        QTest::newRow("third") << 2;
    }

    void selectingASentenceShowsItsHeatmap()
    {
        QFETCH(int, sentence);
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_selection->selectSentence(sentence);
        QCOMPARE(heatmapChanged.size(), 1);
        const OverlayHeatmap shown = heatmapChanged.at(0).at(0).value<OverlayHeatmap>();
        const auto& expected = m_result->sentences[static_cast<std::size_t>(sentence)];
        QCOMPARE(shown.source, OverlayHeatmap::Source::Sentence);
        QCOMPARE(shown.index, sentence);
        QCOMPARE(shown.label, QString::fromStdString(expected.text));
        QCOMPARE(shown.map.values, expected.similarityMap.values);
        QCOMPARE(shown.map.rows, 4);
        // The colour range spans this sentence's map: s + 0/100 .. s + 15/100.
        QCOMPARE(shown.minimum, static_cast<float>(sentence));
        QCOMPARE(shown.maximum, static_cast<float>(sentence) + 0.15f);
        QCOMPARE(m_selection->heatmap(), shown);
        // Its supporting regions (weights >= 0.2) light up in the image.
        const Links expectedRegions = m_links->supportingRegions(sentence);
        QCOMPARE(m_selection->highlightedRegions(), expectedRegions);
    }

    void switchingSentenceMapShowsAttention()
    {
        m_selection->selectSentence(1);
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_selection->setSentenceMap(AnalysisSelection::SentenceMap::Attention);
        QCOMPARE(heatmapChanged.size(), 1);
        const OverlayHeatmap shown = m_selection->heatmap();
        QCOMPARE(shown.map.values, m_result->sentences[1].attentionMap.values);
        QCOMPARE(shown.maximum, 0.85f); // sentence 1 weighs region 1 (patch 10) most
        QCOMPARE(shown.minimum, 0.0f);
        const auto peak = std::max_element(shown.map.values.begin(), shown.map.values.end());
        QCOMPARE(static_cast<int>(peak - shown.map.values.begin()), m_result->regions[1].patchIndex);
    }

    void modelScaleIsSharedBySimilarityMaps()
    {
        // With the model's shared scale, every similarity map (sentences and findings) spans the same range and carries
        // the model's threshold; attention maps keep their own range and have no model threshold.
        auto result = std::make_shared<AnalysisResult>(*m_result);
        result->similarityScale = AnalysisResult::SimilarityScale { -0.1f, 0.25f, 0.6f };
        m_links->setResult(result);
        for (int sentence = 0; sentence < 3; ++sentence) {
            m_selection->selectSentence(sentence);
            const OverlayHeatmap shown = m_selection->heatmap();
            QCOMPARE(shown.minimum, -0.1f);
            QCOMPARE(shown.maximum, 0.6f);
            QCOMPARE(shown.threshold, std::optional<float>(0.25f));
            QVERIFY(shown.hasSharedScale());
            QCOMPARE(shown.negativeFinding, sentence == 2); // "Heart size is normal."
        }
        m_selection->selectFinding(1);
        QCOMPARE(m_selection->heatmap().threshold, std::optional<float>(0.25f));
        QCOMPARE(m_selection->heatmap().maximum, 0.6f);
        m_selection->setSentenceMap(AnalysisSelection::SentenceMap::Attention);
        m_selection->selectSentence(1);
        QVERIFY(!m_selection->heatmap().hasSharedScale());
        QCOMPARE(m_selection->heatmap().maximum, 0.85f);
        // Without a scale (the synthetic result's own), the map's own range and no threshold.
        m_selection->setSentenceMap(AnalysisSelection::SentenceMap::Similarity);
        m_links->setResult(m_result);
        m_selection->selectSentence(0);
        QVERIFY(!m_selection->heatmap().hasSharedScale());
        QCOMPARE(m_selection->heatmap().maximum, 0.15f);
    }

    void selectingAFindingShowsItsHeatmap()
    {
        m_selection->selectSentence(0);
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_selection->selectFinding(1);
        QCOMPARE(heatmapChanged.size(), 1);
        const OverlayHeatmap shown = m_selection->heatmap();
        QCOMPARE(shown.source, OverlayHeatmap::Source::Finding);
        QCOMPARE(shown.label, QStringLiteral("Cardiomegaly"));
        QCOMPARE(shown.map.values, m_result->findings[1].map.values);
        QVERIFY(m_selection->highlightedRegions().isEmpty());
    }

    void findingsFollowTheChoiceOfMap()
    {
        m_selection->selectFinding(1);
        m_selection->setSentenceMap(AnalysisSelection::SentenceMap::Attention);
        OverlayHeatmap shown = m_selection->heatmap();
        QCOMPARE(shown.map.values, m_result->findings[1].attentionMap.values);
        QCOMPARE(shown.scoreName, QStringLiteral("attention weight"));
        m_selection->setSentenceMap(AnalysisSelection::SentenceMap::Similarity);
        shown = m_selection->heatmap();
        QCOMPARE(shown.map.values, m_result->findings[1].map.values);
        QCOMPARE(shown.scoreName, QStringLiteral("cosine similarity"));
    }

    void invalidIndexesSelectNothing()
    {
        m_selection->selectSentence(1);
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_selection->selectSentence(9);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Nothing);
        QCOMPARE(heatmapChanged.size(), 1);
        QVERIFY(!heatmapChanged.at(0).at(0).value<OverlayHeatmap>().isValid());
        m_selection->selectFinding(-3);
        QCOMPARE(heatmapChanged.size(), 1); // still nothing: no change, no signal
    }

    void hoveringARegionHighlightsItsSentences_data()
    {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("y");
        QTest::addColumn<int>("region");
        QTest::addColumn<QList<int>>("sentences");
        // Threshold 0.2 (default): the weights of the synthetic analysis decide which sentences match.
        QTest::newRow("region0") << 150.0 << 100.0 << 0 << QList<int> { 0, 2 };
        QTest::newRow("region1") << 250.0 << 200.0 << 1 << QList<int> { 1, 2, 0 };
        QTest::newRow("region2") << 350.0 << 30.0 << 2 << QList<int> { 2 };
        QTest::newRow("background") << 10.0 << 290.0 << -1 << QList<int> {};
    }

    void hoveringARegionHighlightsItsSentences()
    {
        QFETCH(double, x);
        QFETCH(double, y);
        QFETCH(int, region);
        QFETCH(QList<int>, sentences);
        QSignalSpy highlighted(m_selection.get(), &AnalysisSelection::highlightedSentencesChanged);
        m_selection->hoverAt(x, y);
        QCOMPARE(m_selection->hoveredRegion(), region);
        QList<int> shown;
        for (const auto& link : m_selection->highlightedSentences())
            shown.append(link.index);
        QCOMPARE(shown, sentences);
        QCOMPARE(highlighted.size(), sentences.isEmpty() ? 0 : 1);
        // Hovering does not change the overlay.
        QVERIFY(!m_selection->heatmap().isValid());
    }

    void hoverTakesPrecedenceOverPinnedRegion()
    {
        m_selection->pinRegion(2);
        QCOMPARE(m_selection->focusedRegion(), 2);
        m_selection->setHoveredRegion(0);
        QCOMPARE(m_selection->focusedRegion(), 0);
        m_selection->setHoveredRegion(-1);
        QCOMPARE(m_selection->focusedRegion(), 2);
        QCOMPARE(m_selection->highlightedSentences(), (Links { { 2, 0.25f } }));
    }

    // One selection model: a sentence, a finding or a pinned region, never two; Esc (clearSelection) clears all.
    void oneSelectionAtATime()
    {
        m_selection->selectSentence(1);
        QVERIFY(m_selection->heatmap().isValid());
        m_selection->pinRegion(2);
        QCOMPARE(m_selection->pinnedRegion(), 2);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Nothing);
        QVERIFY(!m_selection->heatmap().isValid());
        m_selection->selectFinding(1);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Finding);
        QCOMPARE(m_selection->pinnedRegion(), -1);
        m_selection->pinRegion(0);
        m_selection->selectSentence(0);
        QCOMPARE(m_selection->pinnedRegion(), -1);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Sentence);
        m_selection->pinRegion(1);
        QSignalSpy pinned(m_selection.get(), &AnalysisSelection::pinnedRegionChanged);
        m_selection->clearSelection();
        QCOMPARE(pinned.size(), 1);
        QCOMPARE(m_selection->pinnedRegion(), -1);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Nothing);
        QVERIFY(m_selection->highlightedSentences().isEmpty());
    }

    void thresholdChangeUpdatesHighlights()
    {
        m_selection->setHoveredRegion(1);
        QSignalSpy highlighted(m_selection.get(), &AnalysisSelection::highlightedSentencesChanged);
        m_links->setThreshold(0.5);
        QCOMPARE(highlighted.size(), 1);
        QCOMPARE(m_selection->highlightedSentences(), (Links { { 1, 0.85f } }));
    }

    void newResultResetsWhatNoLongerExists()
    {
        m_selection->selectFinding(1);
        m_selection->setHoveredRegion(2);
        auto smaller = std::make_shared<AnalysisResult>(*m_result);
        smaller->findings.resize(1);
        smaller->regions.resize(2);
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_links->setResult(smaller);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Nothing);
        QCOMPARE(m_selection->hoveredRegion(), -1);
        QCOMPARE(heatmapChanged.size(), 1);
    }

    void regroundedSentenceKeepsSelectionAndUpdatesMap()
    {
        m_selection->selectSentence(1);
        auto edited = std::make_shared<AnalysisResult>(*m_result);
        edited->sentences[1].text = "Large left pleural effusion.";
        for (float& value : edited->sentences[1].similarityMap.values)
            value *= 2.0f;
        QSignalSpy heatmapChanged(m_selection.get(), &AnalysisSelection::heatmapChanged);
        m_links->setResult(edited);
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Sentence);
        QCOMPARE(m_selection->selectedIndex(), 1);
        QCOMPARE(heatmapChanged.size(), 1);
        QCOMPARE(m_selection->heatmap().label, QStringLiteral("Large left pleural effusion."));
        QCOMPARE(m_selection->heatmap().map.values, edited->sentences[1].similarityMap.values);
    }

    void inconsistentMapShowsNothing()
    {
        auto broken = std::make_shared<AnalysisResult>(*m_result);
        broken->sentences[0].similarityMap.values.resize(3); // 4 x 4 grid, 3 values
        m_links->setResult(broken);
        m_selection->selectSentence(0);
        QVERIFY(!m_selection->heatmap().isValid());
    }

private:
    SharedAnalysisResult m_result;
    std::unique_ptr<ReportRegionLinks> m_links;
    std::unique_ptr<AnalysisSelection> m_selection;
};

QTEST_GUILESS_MAIN(AnalysisSelectionTest)
#include "AnalysisSelectionTest.moc"
