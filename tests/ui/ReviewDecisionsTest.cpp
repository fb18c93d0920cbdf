#include <csignal>

#include <sys/resource.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/TestFiles.h"
#include "tests/ui/SyntheticAnalysis.h"
#include "ui/model/ReviewDecisions.h"

using namespace lrclr;
using Decision = ReviewDecisions::Decision;

class ReviewDecisionsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_directory.isValid());
        m_path = m_directory.filePath(QStringLiteral("study-%1.dcm.lrclr-review.json").arg(++m_counter));
    }

    void defaultPathIsBesideTheStudy_data()
    {
        QTest::addColumn<QString>("study");
        QTest::addColumn<QString>("expected");
        QTest::newRow("file") << "/data/cxr/study.dcm"
                              << "/data/cxr/study.dcm.lrclr-review.json";
        QTest::newRow("folder-with-slash") << "/data/cxr/case7/"
                                           << "/data/cxr/case7.lrclr-review.json";
    }

    void defaultPathIsBesideTheStudy()
    {
        QFETCH(QString, study);
        QFETCH(QString, expected);
        QCOMPARE(ReviewDecisions::defaultPathFor(study), expected);
    }

    void decisionsRoundTrip()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        QSignalSpy changed(&decisions, &ReviewDecisions::decisionChanged);
        decisions.setDecision(0, 0, Decision::Accepted);
        decisions.setDecision(1, 1, Decision::Accepted);
        decisions.setDecision(2, 2, Decision::Rejected);
        decisions.setDecision(5, 0, Decision::Accepted); // no sentence 5: ignored
        QCOMPARE(changed.size(), 3);
        QVERIFY(decisions.isModified());
        QString error;
        QVERIFY2(decisions.save(m_path, &error), qPrintable(error));
        QVERIFY(!decisions.isModified());

        // The file carries the model identity and readable decisions.
        const QJsonObject root = QJsonDocument::fromJson(test::readAll(m_path)).object();
        QCOMPARE(root.value("format").toString(), QStringLiteral("lrclr-review-decisions"));
        QCOMPARE(root.value("model").toObject().value("sha256").toString(), QStringLiteral("abc123"));
        QCOMPARE(root.value("model").toObject().value("preprocessing").toString(), QStringLiteral("center-crop 224"));
        QCOMPARE(root.value("decisions").toArray().size(), 3);

        ReviewDecisions reloaded;
        reloaded.setResult(testing::syntheticAnalysis());
        QVERIFY2(reloaded.load(m_path, &error), qPrintable(error));
        QCOMPARE(reloaded.decision(0, 0), Decision::Accepted);
        QCOMPARE(reloaded.decision(1, 1), Decision::Accepted);
        QCOMPARE(reloaded.decision(2, 2), Decision::Rejected);
        QCOMPARE(reloaded.decision(0, 1), Decision::Undecided);
        QCOMPARE(reloaded.count(), 3);
        QCOMPARE(QString::fromStdString(reloaded.loadedModelIdentity().name), QStringLiteral("synthetic"));
        QVERIFY(!reloaded.isModified());
    }

    void decisionsFollowSentencesAcrossReanalysis()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(1, 1, Decision::Rejected); // "Small left pleural effusion." x patch 10
        QString error;
        QVERIFY2(decisions.save(m_path, &error), qPrintable(error));

        // Re-analysis with the report reordered and the regions in another order: keys are text and patch.
        auto reordered = std::make_shared<AnalysisResult>(*testing::syntheticAnalysis());
        std::swap(reordered->sentences[0], reordered->sentences[1]);
        std::swap(reordered->regions[1], reordered->regions[2]);
        ReviewDecisions reloaded;
        reloaded.setResult(reordered);
        QVERIFY2(reloaded.load(m_path, &error), qPrintable(error));
        QCOMPARE(reloaded.decision(0, 2), Decision::Rejected);
        QCOMPARE(reloaded.decision(1, 1), Decision::Undecided);
        QCOMPARE(reloaded.entries().size(), 1);
        QCOMPARE(reloaded.entries().at(0).sentenceText, QStringLiteral("Small left pleural effusion."));

        // A sentence that no longer exists keeps its decision in the file.
        auto edited = std::make_shared<AnalysisResult>(*reordered);
        edited->sentences[0].text = "Moderate left pleural effusion.";
        reloaded.setResult(edited);
        QVERIFY(reloaded.entries().isEmpty());
        QCOMPARE(reloaded.allEntries().size(), 1);
        QCOMPARE(reloaded.allEntries().at(0).sentence, -1);
    }

    void undecidedRemovesTheDecision()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(0, 0, Decision::Accepted);
        decisions.setDecision(0, 0, Decision::Undecided);
        QCOMPARE(decisions.count(), 0);
    }

    void forgettingASentenceDropsOnlyItsDecisions()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(0, 0, Decision::Accepted);
        decisions.setDecision(0, 1, Decision::Rejected);
        decisions.setDecision(1, 1, Decision::Rejected);
        decisions.save(m_path); // not modified from here
        QVERIFY(!decisions.isModified());
        decisions.forgetSentence(QStringLiteral("No such sentence."));
        QVERIFY(!decisions.isModified());
        decisions.forgetSentence(QStringLiteral("Opacity in the right mid zone."));
        QCOMPARE(decisions.count(), 1);
        QCOMPARE(decisions.decision(0, 0), Decision::Undecided);
        QCOMPARE(decisions.decision(1, 1), Decision::Rejected);
        QVERIFY(decisions.isModified());
    }

    void missingFileIsAClearError()
    {
        ReviewDecisions decisions;
        QString error;
        QVERIFY(!decisions.load(m_path, &error));
        QVERIFY2(error.contains(m_path), qPrintable(error));
    }

    void corruptFileIsAnErrorAndKeepsDecisions_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("truncated-json") << QByteArray("{\"format\": \"lrclr-review-decisions\", \"decis")
                                        << QStringLiteral("not valid JSON");
        QTest::newRow("other-json") << QByteArray("{\"hello\": 1}") << QStringLiteral("not an LRCLR review");
        QTest::newRow("future-version") << QByteArray(
            R"({"format": "lrclr-review-decisions", "version": 99, "decisions": []})")
                                        << QStringLiteral("version 99");
        QTest::newRow("bad-entry") << QByteArray(R"({"format": "lrclr-review-decisions", "version": 1,
                           "decisions": [{"sentence": "x", "patchIndex": 3, "decision": "maybe"}]})")
                                   << QStringLiteral("decision 1");
        QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0", 10) << QStringLiteral("not valid JSON");
    }

    void corruptFileIsAnErrorAndKeepsDecisions()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, messagePart);
        QVERIFY(test::writeAll(m_path, content));
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(0, 0, Decision::Accepted);
        QString error;
        QVERIFY(!decisions.load(m_path, &error));
        QVERIFY2(error.contains(messagePart) && error.contains(m_path), qPrintable(error));
        QCOMPARE(decisions.decision(0, 0), Decision::Accepted);
        QCOMPARE(test::readAll(m_path), content); // never touched by a failed load
    }

    void failedSaveKeepsThePreviousFile()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(0, 0, Decision::Accepted);
        QString error;
        QVERIFY2(decisions.save(m_path, &error), qPrintable(error));
        const QByteArray before = test::readAll(m_path);

        // Saving into a folder that does not exist fails with the path in the message.
        const QString impossible = m_directory.filePath(QStringLiteral("missing/folder/review.json"));
        QVERIFY(!decisions.save(impossible, &error));
        QVERIFY2(error.contains(impossible), qPrintable(error));

        // A write that fails half-way (file size limit, which binds root too): the existing file stays as it was.
        decisions.setDecision(1, 1, Decision::Rejected);
        decisions.setDecision(2, 0, Decision::Rejected);
        const auto filesBefore = QDir(m_directory.path()).entryList(QDir::Files | QDir::Hidden).size();
        rlimit previous {};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &previous) == 0);
        const auto previousSignal = std::signal(SIGXFSZ, SIG_IGN);
        rlimit tight = previous;
        tight.rlim_cur = static_cast<rlim_t>(before.size() / 2);
        QVERIFY(setrlimit(RLIMIT_FSIZE, &tight) == 0);
        const bool saved = decisions.save(m_path, &error);
        setrlimit(RLIMIT_FSIZE, &previous);
        std::signal(SIGXFSZ, previousSignal);
        QVERIFY2(!saved, "a save over the file size limit must fail");
        QVERIFY2(error.contains(m_path), qPrintable(error));
        QCOMPARE(test::readAll(m_path), before);
        QVERIFY(decisions.isModified());
        // No temporary file is left behind.
        QCOMPARE(QDir(m_directory.path()).entryList(QDir::Files | QDir::Hidden).size(), filesBefore);
    }

    void resetForgetsWithoutMarkingModified()
    {
        ReviewDecisions decisions;
        decisions.setResult(testing::syntheticAnalysis());
        decisions.setDecision(0, 0, Decision::Accepted);
        decisions.reset();
        QCOMPARE(decisions.count(), 0);
        QVERIFY(!decisions.isModified());
    }

private:
    QTemporaryDir m_directory;
    QString m_path;
    int m_counter = 0;
};

QTEST_GUILESS_MAIN(ReviewDecisionsTest)
#include "ReviewDecisionsTest.moc"
