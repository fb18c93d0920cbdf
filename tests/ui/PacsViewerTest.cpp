// The viewer's PACS source without widgets (ui/model), against a real Orthanc that the test starts in its own
// network namespace (tests/pacs/in-network-namespace.sh): a search by patient ID gives one row with the study's
// fields; opening it retrieves it into the cache and the session opens its first frontal image; a cached study
// opens again with Orthanc stopped; a closed port fails with a message while the GUI thread keeps running.
#include <algorithm>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "core/inference/InferenceService.h"
#include "core/pacs/PacsClient.h"
#include "core/pacs/StudyCache.h"
#include "tests/TestFiles.h"
#include "tests/inference/FakeAnalyzer.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/pacs/PacsTestStudies.h"
#include "tests/ui/EventLoopGaps.h"
#include "tests/ui/PacsViewerTestData.h"
#include "ui/model/PacsNodeSettings.h"
#include "ui/model/PacsSearch.h"
#include "ui/model/PacsStudyOpener.h"
#include "ui/model/PacsStudyRows.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

QString text(const PacsStudyRows* rows, int row, int column)
{
    return rows->data(rows->index(row, column)).toString();
}

} // namespace

class PacsViewerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void nodesRoundTripThroughSettings();
    void searchByPatientIdGivesOneRow();
    void searchByNameWildcardAndDates();
    void invalidFormSaysWhyWithoutTheNetwork();
    void canceledRetrieveLeavesNothing();
    void openRetrievesIntoCacheAndOpensTheFrontalImage();
    void newerOpenSupersedesTheRunningOne();
    void closedPortFailsWithAMessageAndTheLoopKeepsRunning();
    void silentNodeTimesOutWithAMessageAndTheLoopKeepsRunning();
    void cachedStudyOpensWithOrthancStopped();

private:
    PacsNodeEntry orthanc() const { return { m_orthanc.node(), QStringLiteral("LRCLR") }; }
    std::unique_ptr<PacsStudyOpener> makeOpener() const;

    QTemporaryDir m_folder;
    test::OrthancServer m_orthanc;
    QList<test::ViewerPacsStudy> m_studies;
    std::shared_ptr<testing::FakeAnalyzerControl> m_control;
    std::unique_ptr<InferenceService> m_service;
};

void PacsViewerTest::initTestCase()
{
    if (const QString problem = test::OrthancServer::namespaceProblem(); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    QVERIFY(m_folder.isValid());
    test::isolateSettings(m_folder);
    QCoreApplication::setOrganizationName(QStringLiteral("LRCLR tests"));
    QCoreApplication::setApplicationName(QStringLiteral("PacsViewerTest"));
    QString error;
    QVERIFY2(m_orthanc.start(&error), qPrintable(error));
    const QString sources = m_folder.filePath(QStringLiteral("sources"));
    QVERIFY(QDir().mkpath(sources));
    m_studies = test::viewerPacsStudies();
    error = test::writeViewerPacsStudies(sources, m_studies);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    PacsClient client(m_orthanc.node());
    client.setTimeouts({ 5, 20 });
    error = test::storeViewerPacsStudies(client, m_studies);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void PacsViewerTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void PacsViewerTest::init()
{
    m_control = std::make_shared<testing::FakeAnalyzerControl>();
    m_service = std::make_unique<InferenceService>(std::make_unique<testing::FakeAnalyzer>(m_control));
}

std::unique_ptr<PacsStudyOpener> PacsViewerTest::makeOpener() const
{
    auto opener = std::make_unique<PacsStudyOpener>(m_folder.filePath(QStringLiteral("cache")), 0);
    opener->setTimeouts({ 5, 20 });
    return opener;
}

void PacsViewerTest::nodesRoundTripThroughSettings()
{
    const PacsNodeEntry first { PacsNode(QStringLiteral("MAIN"), QStringLiteral("pacs.example.org"), 4242),
        QStringLiteral("READER1") };
    const PacsNodeEntry second { PacsNode(QStringLiteral("ARCHIVE"), QStringLiteral("10.0.0.7"), 104),
        QStringLiteral("LRCLR") };
    {
        QSettings settings;
        PacsNodeSettings::save(settings, { first, second });
        // An entry edited by hand into something unusable is left out on reading.
        settings.setValue(QStringLiteral("pacs/nodes/3/aeTitle"), QStringLiteral("BAD\\AET"));
        settings.setValue(QStringLiteral("pacs/nodes/3/host"), QStringLiteral("x"));
        settings.setValue(QStringLiteral("pacs/nodes/3/port"), 104);
        settings.setValue(QStringLiteral("pacs/nodes/size"), 3);
    }
    QSettings settings;
    const QList<PacsNodeEntry> loaded = PacsNodeSettings::load(settings);
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded[0].node.toString(), QStringLiteral("MAIN@pacs.example.org:4242"));
    QCOMPARE(loaded[0].callingAeTitle, QStringLiteral("READER1"));
    QCOMPARE(loaded[1].node.toString(), QStringLiteral("ARCHIVE@10.0.0.7:104"));
    QVERIFY(PacsNodeSettings::problem({ PacsNode(QStringLiteral("A"), QString(), 104), QStringLiteral("B") })
                .contains(QStringLiteral("host")));
    QVERIFY(PacsNodeSettings::problem({ PacsNode(QStringLiteral("A"), QStringLiteral("h"), 0), QStringLiteral("B") })
                .contains(QStringLiteral("port")));
}

void PacsViewerTest::searchByPatientIdGivesOneRow()
{
    PacsSearch search;
    search.setTimeouts({ 5, 20 });
    QSignalSpy finished(&search, &PacsSearch::finished);
    PacsSearch::Form form;
    form.patientId = QStringLiteral("VIEW-A1");
    QVERIFY(search.search(orthanc(), form));
    QCOMPARE(search.state(), PacsSearch::State::Searching);
    QVERIFY2(finished.wait(30000), qPrintable(search.message()));
    QCOMPARE(search.state(), PacsSearch::State::Done);
    const PacsStudyRows* rows = search.rows();
    QCOMPARE(rows->rowCount(), 1);
    QCOMPARE(rows->columnCount(), 5);
    QCOMPARE(text(rows, 0, PacsStudyRows::PatientColumn), QStringLiteral("DOE, JANE  [VIEW-A1]"));
    QCOMPARE(text(rows, 0, PacsStudyRows::DateColumn), QStringLiteral("2024-01-15"));
    QCOMPARE(text(rows, 0, PacsStudyRows::DescriptionColumn), QStringLiteral("Chest PA and lateral"));
    QCOMPARE(text(rows, 0, PacsStudyRows::ModalityColumn), QStringLiteral("CR"));
    QCOMPARE(text(rows, 0, PacsStudyRows::InstancesColumn), QStringLiteral("2"));
    QCOMPARE(rows->data(rows->index(0, 0), PacsStudyRows::studyUidRole).toString(), m_studies[0].studyInstanceUid);
    QCOMPARE(search.message(), QStringLiteral("1 study"));
}

void PacsViewerTest::searchByNameWildcardAndDates()
{
    PacsSearch search;
    search.setTimeouts({ 5, 20 });
    QSignalSpy finished(&search, &PacsSearch::finished);
    PacsSearch::Form form;
    form.patientName = QStringLiteral("ROE*");
    form.studyDates = QStringLiteral("2024-06-01 - 2024-06-30");
    QVERIFY(search.search(orthanc(), form));
    QVERIFY2(finished.wait(30000), qPrintable(search.message()));
    QCOMPARE(search.rows()->rowCount(), 1);
    QCOMPARE(search.rows()->study(0).studyInstanceUid, m_studies[1].studyInstanceUid);
    QCOMPARE(text(search.rows(), 0, PacsStudyRows::ModalityColumn), QStringLiteral("DX"));
    // Every study of the node: most recent first.
    form = {};
    QVERIFY(search.search(orthanc(), form));
    QVERIFY2(finished.wait(30000), qPrintable(search.message()));
    QCOMPARE(search.rows()->rowCount(), 2);
    QCOMPARE(search.rows()->study(0).studyInstanceUid, m_studies[1].studyInstanceUid);
    QCOMPARE(search.rows()->study(1).studyInstanceUid, m_studies[0].studyInstanceUid);
    QCOMPARE(search.message(), QStringLiteral("2 studies"));
    // A date range before both studies: nothing.
    form.patientName = QStringLiteral("ROE*");
    form.studyDates = QStringLiteral("-20231231");
    QVERIFY(search.search(orthanc(), form));
    QVERIFY2(finished.wait(30000), qPrintable(search.message()));
    QCOMPARE(search.rows()->rowCount(), 0);
    QCOMPARE(search.message(), QStringLiteral("No study matches"));
}

void PacsViewerTest::invalidFormSaysWhyWithoutTheNetwork()
{
    PacsSearch search;
    QSignalSpy failed(&search, &PacsSearch::failed);
    PacsSearch::Form form;
    form.studyDates = QStringLiteral("20241301");
    // A node nobody listens on: the form is refused before any connection is tried.
    const PacsNodeEntry nowhere { PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), 9),
        QStringLiteral("LRCLR") };
    QVERIFY(!search.search(nowhere, form));
    QCOMPARE(search.state(), PacsSearch::State::Failed);
    QCOMPARE(failed.count(), 1);
    QVERIFY2(search.message().startsWith(QStringLiteral("Study date:")), qPrintable(search.message()));
    form.studyDates.clear();
    form.patientId = QStringLiteral("A\\B");
    QVERIFY(!search.search(nowhere, form));
    QVERIFY2(search.message().contains(QStringLiteral("backslash")), qPrintable(search.message()));
}

void PacsViewerTest::canceledRetrieveLeavesNothing()
{
    auto opener = makeOpener();
    QSignalSpy canceled(opener.get(), &PacsStudyOpener::canceled);
    QSignalSpy opened(opener.get(), &PacsStudyOpener::opened);
    QSignalSpy running(opener.get(), &PacsStudyOpener::runningChanged);
    opener->open(orthanc(), m_studies[1].studyInstanceUid);
    QVERIFY(opener->isRunning());
    // Canceled before the worker sends anything: PacsClient's cancel is sticky, so the retrieve never happens.
    opener->cancel();
    QVERIFY(canceled.wait(30000));
    QCOMPARE(canceled.at(0).at(0).toString(), m_studies[1].studyInstanceUid);
    QCOMPARE(opened.count(), 0);
    QVERIFY(!opener->isRunning());
    QCOMPARE(running.count(), 2);
    QVERIFY(!StudyCache(opener->cacheFolder(), 0).contains(m_studies[1].studyInstanceUid));
    QVERIFY(!QFileInfo::exists(PacsClient::studyFolder(opener->cacheFolder(), m_studies[1].studyInstanceUid)));
}

void PacsViewerTest::openRetrievesIntoCacheAndOpensTheFrontalImage()
{
    ViewerSession session(m_service.get());
    auto opener = makeOpener();
    opener->setSession(&session);
    QSignalSpy opened(opener.get(), &PacsStudyOpener::opened);
    QSignalSpy failed(opener.get(), &PacsStudyOpener::failed);
    QSignalSpy progress(opener.get(), &PacsStudyOpener::progress);
    const QString uid = m_studies[0].studyInstanceUid;
    opener->open(orthanc(), uid);
    QVERIFY2(opened.wait(30000), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(opened.at(0).at(0).toString(), uid);
    QCOMPARE(opened.at(0).at(2).toBool(), false); // retrieved over the network
    QVERIFY(!progress.isEmpty());
    QVERIFY(progress.last().at(0).toInt() >= 1);

    const StudyCache cache(opener->cacheFolder(), 0);
    QVERIFY(cache.contains(uid));
    QCOMPARE(cache.files(uid).size(), 2);
    const QString image = opened.at(0).at(1).toString();
    QVERIFY(cache.files(uid).contains(image));
    // The PA (instance 2), not the lateral that comes first.
    QCOMPARE(test::sopInstanceUidOf(image), m_studies[0].sopInstanceUids[1]);

    // The session opens it like a local file.
    QCOMPARE(session.loadingPath(), image);
    QTRY_VERIFY_WITH_TIMEOUT(session.hasStudy(), 20000);
    QCOMPARE(session.study().path, image);
    QCOMPARE(session.study().displayImage->columns, 56);
    QCOMPARE(session.study().displayImage->rows, 72);
}

void PacsViewerTest::newerOpenSupersedesTheRunningOne()
{
    ViewerSession session(m_service.get());
    auto opener = makeOpener();
    opener->setSession(&session);
    QSignalSpy opened(opener.get(), &PacsStudyOpener::opened);
    QSignalSpy canceled(opener.get(), &PacsStudyOpener::canceled);
    QSignalSpy started(opener.get(), &PacsStudyOpener::started);
    // B's retrieve is canceled before it sends anything; A (cached by the test before) starts once B has stopped.
    opener->open(orthanc(), m_studies[1].studyInstanceUid);
    opener->open(orthanc(), m_studies[0].studyInstanceUid);
    QCOMPARE(opener->currentStudy(), m_studies[0].studyInstanceUid);
    QVERIFY(opened.wait(30000));
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), m_studies[0].studyInstanceUid);
    QCOMPARE(started.count(), 2);
    QCOMPARE(canceled.count(), 0); // superseded, not canceled by the user
    QVERIFY(!StudyCache(opener->cacheFolder(), 0).contains(m_studies[1].studyInstanceUid));
    QTRY_VERIFY_WITH_TIMEOUT(session.hasStudy(), 20000);
    QCOMPARE(session.study().path, opened.at(0).at(1).toString());
}

void PacsViewerTest::closedPortFailsWithAMessageAndTheLoopKeepsRunning()
{
    const int port = test::OrthancServer::freePort();
    const PacsNodeEntry closed { PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), port),
        QStringLiteral("LRCLR") };
    PacsSearch search;
    search.setTimeouts({ 3, 3 });
    QSignalSpy failed(&search, &PacsSearch::failed);
    PacsSearch::Form form;
    form.patientId = QStringLiteral("VIEW-A1");
    const test::GapMeasurement gaps
        = test::measureGaps([&] { QVERIFY(search.search(closed, form)); }, [&] { return !failed.isEmpty(); }, 30000);
    qInfo("failing search: longest event-loop gap %lld ms over %d ticks", gaps.longestGap, gaps.ticks);
    QVERIFY2(gaps.finished, "the search did not fail within 30 s");
    QCOMPARE(search.state(), PacsSearch::State::Failed);
    QCOMPARE(search.rows()->rowCount(), 0);
    const QString expected = QStringLiteral("Search failed: cannot connect to NOBODY@127.0.0.1:%1").arg(port);
    QVERIFY2(search.message().startsWith(expected), qPrintable(search.message()));
    QCOMPARE(failed.at(0).at(0).toString(), search.message());
    QVERIFY2(gaps.longestGap < 100, qPrintable(QStringLiteral("longest gap %1 ms").arg(gaps.longestGap)));
}

void PacsViewerTest::silentNodeTimesOutWithAMessageAndTheLoopKeepsRunning()
{
    // Listening, but nobody ever answers the association request: the client waits out its 2 s timeout.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const PacsNodeEntry node { PacsNode(QStringLiteral("SILENT"), QStringLiteral("127.0.0.1"), silent.serverPort()),
        QStringLiteral("LRCLR") };
    PacsSearch search;
    search.setTimeouts({ 2, 2 });
    QSignalSpy failed(&search, &PacsSearch::failed);
    PacsSearch::Form form;
    form.patientId = QStringLiteral("VIEW-A1");
    const test::GapMeasurement gaps
        = test::measureGaps([&] { QVERIFY(search.search(node, form)); }, [&] { return !failed.isEmpty(); }, 30000);
    qInfo("timing-out search: longest event-loop gap %lld ms over %d ticks", gaps.longestGap, gaps.ticks);
    QVERIFY2(gaps.finished, "the search did not fail within 30 s");
    QCOMPARE(search.state(), PacsSearch::State::Failed);
    const QString message = search.message();
    QVERIFY2(message.startsWith(QStringLiteral("Search failed:")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("timed out")) || message.contains(QStringLiteral("timeout")),
        qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("SILENT@127.0.0.1")), qPrintable(message));
    // The loop ran all along the 2 s wait, never stalled.
    QVERIFY2(gaps.ticks > 100, qPrintable(QStringLiteral("only %1 ticks").arg(gaps.ticks)));
    QVERIFY2(gaps.longestGap < 100, qPrintable(QStringLiteral("longest gap %1 ms").arg(gaps.longestGap)));
}

void PacsViewerTest::cachedStudyOpensWithOrthancStopped()
{
    const QString uid = m_studies[0].studyInstanceUid;
    QVERIFY(StudyCache(makeOpener()->cacheFolder(), 0).contains(uid)); // from the test before
    m_orthanc.stop();
    PacsClient probe(m_orthanc.node());
    probe.setTimeouts({ 3, 3 });
    QVERIFY2(!probe.echo(), "Orthanc still answers");

    ViewerSession session(m_service.get());
    auto opener = makeOpener();
    opener->setSession(&session);
    QSignalSpy opened(opener.get(), &PacsStudyOpener::opened);
    QSignalSpy failed(opener.get(), &PacsStudyOpener::failed);
    opener->open(orthanc(), uid);
    QVERIFY2(opened.wait(30000), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(opened.at(0).at(2).toBool(), true); // from the cache
    QCOMPARE(test::sopInstanceUidOf(opened.at(0).at(1).toString()), m_studies[0].sopInstanceUids[1]);
    QTRY_VERIFY_WITH_TIMEOUT(session.hasStudy(), 20000);
    QCOMPARE(session.study().path, opened.at(0).at(1).toString());

    // A study that is not cached needs the network, which is gone: a message that says so.
    opener->open(orthanc(), m_studies[1].studyInstanceUid);
    QVERIFY(failed.wait(30000));
    QCOMPARE(failed.at(0).at(0).toString(), m_studies[1].studyInstanceUid);
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("cannot connect")),
        qPrintable(failed.at(0).at(1).toString()));
}

} // namespace lrclr

QTEST_MAIN(lrclr::PacsViewerTest)
#include "PacsViewerTest.moc"
