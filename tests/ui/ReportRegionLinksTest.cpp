#include <QSignalSpy>
#include <QtTest>

#include "tests/ui/SyntheticAnalysis.h"
#include "ui/model/ReportRegionLinks.h"

using namespace lrclr;
using Links = QList<ReportRegionLinks::Link>;

class ReportRegionLinksTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyWithoutResult()
    {
        ReportRegionLinks links;
        QCOMPARE(links.sentenceCount(), 0);
        QVERIFY(links.regionsForSentence(0).isEmpty());
        QVERIFY(links.sentencesForRegion(0).isEmpty());
        QCOMPARE(links.regionAt(150, 100), -1);
        QVERIFY(links.unsupportedSentences().isEmpty());
    }

    void regionsForSentenceAreSortedByWeight()
    {
        ReportRegionLinks links;
        links.setResult(testing::syntheticAnalysis());
        QCOMPARE(links.regionsForSentence(0), (Links { { 0, 0.70f }, { 1, 0.25f }, { 2, 0.05f } }));
        QCOMPARE(links.regionsForSentence(1), (Links { { 1, 0.85f }, { 0, 0.10f }, { 2, 0.05f } }));
        QVERIFY(links.regionsForSentence(3).isEmpty());
        QVERIFY(links.regionsForSentence(-1).isEmpty());
    }

    void sentencesForRegion_data()
    {
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("region");
        QTest::addColumn<Links>("expected");
        QTest::newRow("r0-at-0.3") << 0.3 << 0 << Links { { 0, 0.70f }, { 2, 0.40f } };
        QTest::newRow("r1-at-0.3") << 0.3 << 1 << Links { { 1, 0.85f }, { 2, 0.35f } };
        QTest::newRow("r2-at-0.3-none") << 0.3 << 2 << Links {};
        QTest::newRow("r1-at-0.2") << 0.2 << 1 << Links { { 1, 0.85f }, { 2, 0.35f }, { 0, 0.25f } };
        QTest::newRow("r2-at-0.25-inclusive") << 0.25 << 2 << Links { { 2, 0.25f } };
        QTest::newRow("invalid-region") << 0.2 << 7 << Links {};
    }

    void sentencesForRegion()
    {
        QFETCH(double, threshold);
        QFETCH(int, region);
        QFETCH(Links, expected);
        ReportRegionLinks links;
        links.setResult(testing::syntheticAnalysis());
        links.setThreshold(threshold);
        QCOMPARE(links.sentencesForRegion(region), expected);
    }

    void auditFlags_data()
    {
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QList<int>>("unsupported");
        QTest::addColumn<QList<int>>("unexplained");
        QTest::newRow("0.2-everything-linked") << 0.2 << QList<int> {} << QList<int> {};
        QTest::newRow("0.3-region2-unexplained") << 0.3 << QList<int> {} << QList<int> { 2 };
        // Sentence 2 ("Heart size is normal.") has no region here but is a negative finding: not flagged.
        QTest::newRow("0.45-negative-finding-not-flagged") << 0.45 << QList<int> {} << QList<int> { 2 };
        QTest::newRow("0.9-nothing-linked") << 0.9 << QList<int> { 0, 1 } << QList<int> { 0, 1, 2 };
    }

    void auditFlags()
    {
        QFETCH(double, threshold);
        QFETCH(QList<int>, unsupported);
        QFETCH(QList<int>, unexplained);
        ReportRegionLinks links;
        links.setResult(testing::syntheticAnalysis());
        links.setThreshold(threshold);
        QCOMPARE(links.unsupportedSentences(), unsupported);
        QCOMPARE(links.unexplainedRegions(), unexplained);
    }

    void negativeFindingsAreNamed()
    {
        ReportRegionLinks links;
        QVERIFY(!links.isNegativeFinding(0));
        links.setResult(testing::syntheticAnalysis());
        QVERIFY(!links.isNegativeFinding(0));
        QVERIFY(!links.isNegativeFinding(1));
        QVERIFY(links.isNegativeFinding(2)); // "Heart size is normal."
        QVERIFY(!links.isNegativeFinding(3)); // out of range
        auto result = std::make_shared<AnalysisResult>(*testing::syntheticAnalysis());
        result->sentences[1].text = "No pleural effusion.";
        links.setResult(result);
        QVERIFY(links.isNegativeFinding(1));
    }

    void alignmentScoresForHighlighting()
    {
        ReportRegionLinks links;
        links.setResult(testing::syntheticAnalysis());
        QCOMPARE(links.alignmentScore(0), 0.31f);
        QCOMPARE(links.alignmentStrength(0), 1.0);
        QCOMPARE(links.alignmentStrength(2), 0.0);
        QVERIFY(qAbs(links.alignmentStrength(1) - (0.27 - 0.19) / (0.31 - 0.19)) < 1e-5);
    }

    void regionAtPoint_data()
    {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("y");
        QTest::addColumn<int>("region");
        QTest::newRow("inside-r0") << 150.0 << 100.0 << 0;
        QTest::newRow("inside-r1") << 250.0 << 200.0 << 1;
        QTest::newRow("top-left-corner-of-r2") << 300.0 << 0.0 << 2;
        QTest::newRow("right-edge-of-r0-excluded") << 200.0 << 100.0 << -1; // x = 200 is the next cell
        QTest::newRow("background") << 10.0 << 10.0 << -1;
        QTest::newRow("outside-image") << -5.0 << 500.0 << -1;
    }

    void regionAtPoint()
    {
        QFETCH(double, x);
        QFETCH(double, y);
        QFETCH(int, region);
        ReportRegionLinks links;
        links.setResult(testing::syntheticAnalysis());
        QCOMPARE(links.regionAt(x, y), region);
    }

    void overlappingBoxesPickTheHighestScore()
    {
        auto result = std::make_shared<AnalysisResult>(*testing::syntheticAnalysis());
        result->regions[2].box = { 120.0, 80.0, 100.0, 75.0 }; // overlaps region 0 (score 0.9) with score 0.4
        ReportRegionLinks links;
        links.setResult(result);
        QCOMPARE(links.regionAt(150.0, 100.0), 0);
        result->regions[2].score = 0.95f;
        links.setResult(std::make_shared<AnalysisResult>(*result));
        QCOMPARE(links.regionAt(150.0, 100.0), 2);
    }

    void missingWeightsCountAsNoLink()
    {
        auto result = std::make_shared<AnalysisResult>(*testing::syntheticAnalysis());
        result->sentences[1].regionWeights.resize(1);
        ReportRegionLinks links;
        links.setResult(result);
        QCOMPARE(links.regionsForSentence(1), (Links { { 0, 0.10f }, { 1, 0.0f }, { 2, 0.0f } }));
        QVERIFY(links.unsupportedSentences().contains(1));
    }

    void changesAreSignalled()
    {
        ReportRegionLinks links;
        QSignalSpy linksChanged(&links, &ReportRegionLinks::linksChanged);
        QSignalSpy thresholdChanged(&links, &ReportRegionLinks::thresholdChanged);
        links.setResult(testing::syntheticAnalysis());
        links.setThreshold(0.5);
        links.setThreshold(0.5);
        links.setThreshold(7.0); // clamped to 1
        QCOMPARE(links.threshold(), 1.0);
        QCOMPARE(linksChanged.size(), 3);
        QCOMPARE(thresholdChanged.size(), 2);
    }
};

QTEST_GUILESS_MAIN(ReportRegionLinksTest)
#include "ReportRegionLinksTest.moc"
