// PacsClient against a real Orthanc (started here, in the test's own network namespace) and against fake peers of
// the test's own: echo, refused and silent peers, store, find with every filter, C-GET with byte-identical pixel
// data into files named by us, and a stored instance whose UID tries to escape the folder.
#include <algorithm>
#include <future>
#include <memory>
#include <thread>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "core/pacs/PacsClient.h"
#include "core/pacs/StudyCache.h"
#include "tests/pacs/FakeGetPeer.h"
#include "tests/pacs/FakePacsPeer.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/pacs/PacsTestStudies.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;
using namespace lrclr::test;

Q_DECLARE_METATYPE(lrclr::StudyQuery)

namespace {

QString sha256Hex(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

/// Every file below `folder`, relative to it, sorted.
QStringList filesBelow(const QString& folder)
{
    QStringList files;
    QDirIterator iterator(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (iterator.hasNext())
        files.append(QDir(folder).relativeFilePath(iterator.next()));
    files.sort();
    return files;
}

/// A fake peer on its own thread: accepts one connection, reads the association request and answers with an
/// A-ASSOCIATE-RJ PDU (type 03, length 4: reserved, result 1 "rejected-permanent", source 1 "service-user",
/// reason 1 "no reason given").
class RejectingPeer {
public:
    RejectingPeer()
    {
        std::promise<int> portPromise;
        m_port = portPromise.get_future();
        m_thread = std::thread([promise = std::move(portPromise)]() mutable {
            QTcpServer server;
            promise.set_value(server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0);
            if (!server.waitForNewConnection(20000))
                return;
            QTcpSocket* socket = server.nextPendingConnection();
            socket->waitForReadyRead(10000);
            socket->readAll();
            socket->write(QByteArray::fromHex("03000000000400010101"));
            socket->waitForBytesWritten(5000);
            socket->waitForDisconnected(10000);
        });
    }
    ~RejectingPeer() { m_thread.join(); }
    int port() { return m_port.get(); }

private:
    std::future<int> m_port;
    std::thread m_thread;
};

QStringList sortedUids(const PacsStudyList& list)
{
    QStringList uids;
    for (const PacsStudy& study : list.studies)
        uids.append(study.studyInstanceUid);
    uids.sort();
    return uids;
}

} // namespace

class PacsClientTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void echoAnswers();
    void echoToClosedPortFails();
    void refusedAssociationSaysSo();
    void silentPeerTimesOut();
    void peerThatNeverAnswersTimesOut();
    void floodingPeerIsCutOff_data();
    void floodingPeerIsCutOff();
    void findFilters_data();
    void findFilters();
    void findReadsStudyFields();
    void findStopsAtLimit();
    void findSeriesOfStudy();
    void retrieveGivesIdenticalPixelsUnderOurNames();
    void retrieveRefusesBadInput();
    void retrieveUnknownStudyFails();
    void cancelledClientDoesNothing();
    void cancelDuringRetrieveStops();
    void storeReportsUnreadableFiles();
    void hostileUidStaysInsideFolder();
    void hostileGetPeerCannotPlaceFiles();
    void cacheRetrievesOnceThenOpensOffline();
    void compressedStudyKeepsItsTransferSyntax();

private:
    std::unique_ptr<PacsClient> client() const;
    const PacsTestStudy& study(int index) const { return m_studies.at(index); }

    QTemporaryDir m_directory;
    OrthancServer m_orthanc;
    QList<PacsTestStudy> m_studies;
};

std::unique_ptr<PacsClient> PacsClientTest::client() const
{
    auto client = std::make_unique<PacsClient>(m_orthanc.node(), QStringLiteral("LRCLR"));
    client->setTimeouts({ 5, 20 });
    return client;
}

void PacsClientTest::initTestCase()
{
    if (const QString problem = OrthancServer::namespaceProblem(); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    QVERIFY(m_directory.isValid());
    QString error;
    QVERIFY2(m_orthanc.start(&error), qPrintable(error));
    const QString sources = m_directory.filePath(QStringLiteral("sources"));
    QVERIFY(QDir().mkpath(sources));
    m_studies = writePacsTestStudies(sources, &error);
    QVERIFY2(m_studies.size() == 2, qPrintable(error));

    const QStringList files = filesOf(m_studies);
    int lastDone = 0;
    const auto stored = client()->store(
        files, [&lastDone](int done, int) { lastDone = done; }, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->failures.isEmpty(), qPrintable(stored->failures.join(u'\n')));
    QCOMPARE(stored->storedCount, 3);
    QCOMPARE(lastDone, 3);
}

void PacsClientTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void PacsClientTest::echoAnswers()
{
    QString error;
    QVERIFY2(client()->echo(&error), qPrintable(error));
    QVERIFY(error.isEmpty());
}

void PacsClientTest::echoToClosedPortFails()
{
    const int port = OrthancServer::freePort();
    PacsClient closed(PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), port));
    closed.setTimeouts({ 3, 3 });
    QString error;
    QVERIFY(!closed.echo(&error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot connect to NOBODY@127.0.0.1:%1").arg(port)), qPrintable(error));
}

void PacsClientTest::refusedAssociationSaysSo()
{
    RejectingPeer peer;
    const int port = peer.port();
    QVERIFY(port > 0);
    PacsClient refusing(PacsNode(QStringLiteral("REFUSER"), QStringLiteral("127.0.0.1"), port));
    refusing.setTimeouts({ 5, 5 });
    QString error;
    QVERIFY(!refusing.echo(&error));
    QVERIFY2(error.contains(QStringLiteral("refused the association")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("REFUSER@127.0.0.1")), qPrintable(error));
}

void PacsClientTest::silentPeerTimesOut()
{
    // Listening but never accepting: the kernel completes the TCP handshake, nobody answers the association request.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    PacsClient waiting(PacsNode(QStringLiteral("SILENT"), QStringLiteral("127.0.0.1"), silent.serverPort()));
    waiting.setTimeouts({ 2, 2 });
    QString error;
    QVERIFY(!waiting.echo(&error));
    QVERIFY2(
        error.contains(QStringLiteral("timeout")) || error.contains(QStringLiteral("timed out")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("SILENT@127.0.0.1")), qPrintable(error));
}

void PacsClientTest::peerThatNeverAnswersTimesOut()
{
    const int port = OrthancServer::freePort();
    const FakePacsPeer peer(FakePacsPeer::Behaviour::HoldCommands, port);
    PacsClient waiting(PacsNode(QStringLiteral("SILENT"), QStringLiteral("127.0.0.1"), port));
    waiting.setTimeouts({ 5, 2 });
    QString error;
    bool answered = true;
    // The peer's thread may need a moment before it listens; a refused connection means it was not there yet.
    for (int attempt = 0; attempt < 50; ++attempt) {
        answered = waiting.echo(&error);
        if (!error.startsWith(QStringLiteral("cannot connect")))
            break;
        QThread::msleep(100);
    }
    QVERIFY(!answered);
    QVERIFY(peer.commandSeen());
    QCOMPARE(error, QStringLiteral("C-ECHO on SILENT@127.0.0.1:%1 timed out: no answer within 2 s").arg(port));
}

void PacsClientTest::floodingPeerIsCutOff_data()
{
    QTest::addColumn<int>("matchCount");
    QTest::addColumn<bool>("succeeds");
    // Ignoring C-CANCEL but stopping by itself: the first ten are kept, the rest dropped.
    QTest::newRow("ignores-cancel-then-ends") << 300 << true;
    // Thousands of matches after C-CANCEL: the client gives up and aborts.
    QTest::newRow("never-stops") << 20000 << false;
}

void PacsClientTest::floodingPeerIsCutOff()
{
    QFETCH(int, matchCount);
    QFETCH(bool, succeeds);
    const int port = OrthancServer::freePort();
    const FakePacsPeer peer(FakePacsPeer::Behaviour::FloodFindMatches, port, matchCount);
    PacsClient flooded(PacsNode(QStringLiteral("FLOOD"), QStringLiteral("127.0.0.1"), port));
    flooded.setTimeouts({ 5, 5 });
    StudyQuery query;
    query.limit = 10;
    QString error;
    std::optional<PacsStudyList> found;
    for (int attempt = 0; attempt < 50; ++attempt) {
        found = flooded.findStudies(query, &error);
        if (found || !error.startsWith(QStringLiteral("cannot connect")))
            break;
        QThread::msleep(100);
    }
    QCOMPARE(found.has_value(), succeeds);
    if (succeeds) {
        QCOMPARE(found->studies.size(), 10);
        QVERIFY(found->truncated);
        QCOMPARE(found->studies.last().studyInstanceUid, QStringLiteral("1.2.826.0.1.3680043.10.543.9.10"));
    } else {
        QVERIFY2(error.contains(QStringLiteral("kept sending matches after C-CANCEL")), qPrintable(error));
        QVERIFY(peer.matchesSent() < matchCount);
    }
}

void PacsClientTest::findFilters_data()
{
    QTest::addColumn<StudyQuery>("query");
    QTest::addColumn<QList<int>>("expected"); // indexes into m_studies
    const auto query = [](auto edit) {
        StudyQuery value;
        edit(value);
        return value;
    };
    QTest::newRow("patient-id") << query([](StudyQuery& q) { q.patientId = QStringLiteral("PAT-A1"); })
                                << QList<int> { 0 };
    QTest::newRow("name-star") << query([](StudyQuery& q) { q.patientName = QStringLiteral("DOE*"); })
                               << QList<int> { 0 };
    QTest::newRow("name-question") << query([](StudyQuery& q) { q.patientName = QStringLiteral("?OE^RICH*"); })
                                   << QList<int> { 1 };
    QTest::newRow("date-january") << query([](StudyQuery& q) {
        q.studyDateFrom = QDate(2024, 1, 1);
        q.studyDateTo = QDate(2024, 1, 31);
    }) << QList<int> { 0 };
    QTest::newRow("date-open-end") << query([](StudyQuery& q) { q.studyDateFrom = QDate(2024, 3, 1); })
                                   << QList<int> { 1 };
    QTest::newRow("date-year") << query([](StudyQuery& q) {
        q.studyDateFrom = QDate(2024, 1, 1);
        q.studyDateTo = QDate(2024, 12, 31);
    }) << QList<int> { 0, 1 };
    QTest::newRow("modality-dx") << query([](StudyQuery& q) { q.modality = QStringLiteral("DX"); }) << QList<int> { 1 };
    QTest::newRow("modality-cr") << query([](StudyQuery& q) { q.modality = QStringLiteral("CR"); }) << QList<int> { 0 };
    QTest::newRow("accession") << query([](StudyQuery& q) { q.accessionNumber = QStringLiteral("ACC-B"); })
                               << QList<int> { 1 };
    QTest::newRow("birth-date") << query([](StudyQuery& q) { q.patientBirthDate = QDate(1970, 3, 4); })
                                << QList<int> { 0 };
    QTest::newRow("no-match") << query([](StudyQuery& q) { q.patientId = QStringLiteral("NOBODY"); }) << QList<int> {};
}

void PacsClientTest::findFilters()
{
    QFETCH(StudyQuery, query);
    QFETCH(QList<int>, expected);
    QString error;
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QStringList expectedUids;
    for (const int index : expected)
        expectedUids.append(study(index).studyInstanceUid);
    expectedUids.sort();
    QCOMPARE(sortedUids(*found), expectedUids);
    QVERIFY(!found->truncated);
}

void PacsClientTest::findReadsStudyFields()
{
    StudyQuery query;
    query.patientId = QStringLiteral("PAT-A1");
    QString error;
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(found->studies.size(), 1);
    const PacsStudy& answer = found->studies.first();
    QCOMPARE(answer.patientName, QStringLiteral("DOE^JANE"));
    QCOMPARE(answer.patientBirthDate, QDate(1970, 3, 4));
    QCOMPARE(answer.studyDate, QDate(2024, 1, 15));
    QCOMPARE(answer.accessionNumber, QStringLiteral("ACC-A"));
    QCOMPARE(answer.modalities, QStringList { QStringLiteral("CR") });
    QCOMPARE(answer.seriesCount, 1);
    QCOMPARE(answer.instanceCount, 2);
}

void PacsClientTest::findStopsAtLimit()
{
    StudyQuery query;
    query.limit = 1;
    QString error;
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(found->studies.size(), 1);
    QVERIFY(found->truncated);
}

void PacsClientTest::findSeriesOfStudy()
{
    QString error;
    const auto series = client()->findSeries(study(0).studyInstanceUid, &error);
    QVERIFY2(series.has_value(), qPrintable(error));
    QCOMPARE(series->size(), 1);
    QCOMPARE(series->first().seriesInstanceUid, study(0).studyInstanceUid + QStringLiteral(".1"));
    QCOMPARE(series->first().modality, QStringLiteral("CR"));
    QCOMPARE(series->first().instanceCount, 2);
}

void PacsClientTest::retrieveGivesIdenticalPixelsUnderOurNames()
{
    QTemporaryDir output;
    QVERIFY(output.isValid());
    QString error;
    int lastDone = -1;
    const auto retrieved = client()->retrieveStudy(
        study(0).studyInstanceUid, output.path(), [&lastDone](int done, int) { lastDone = done; }, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->files.size(), 2);
    QCOMPARE(lastDone, 2);
    QCOMPARE(retrieved->failedCount, 0);
    QCOMPARE(retrieved->refusedCount, 0);
    const QString studyFolder = sha256Hex(study(0).studyInstanceUid);
    QCOMPARE(
        QFileInfo(retrieved->folder).canonicalFilePath(), QDir(output.path()).canonicalPath() + u'/' + studyFolder);

    QStringList expectedFiles;
    for (const PacsTestInstance& instance : study(0).instances)
        expectedFiles.append(studyFolder + u'/' + sha256Hex(instance.sopInstanceUid) + QStringLiteral(".dcm"));
    expectedFiles.sort();
    QCOMPARE(filesBelow(output.path()), expectedFiles);

    for (const PacsTestInstance& instance : study(0).instances) {
        const QString received = output.filePath(studyFolder + u'/' + sha256Hex(instance.sopInstanceUid) + ".dcm");
        QVERIFY(retrieved->files.contains(received));
        QCOMPARE(sopInstanceUidOf(received), instance.sopInstanceUid);
        const QByteArray sent = pixelDataOf(instance.path, &error);
        QVERIFY2(!sent.isEmpty(), qPrintable(error));
        const QByteArray got = pixelDataOf(received, &error);
        QVERIFY2(!got.isEmpty(), qPrintable(error));
        QCOMPARE(got.size(), sent.size());
        QVERIFY(got == sent);
    }
}

void PacsClientTest::retrieveRefusesBadInput()
{
    QTemporaryDir output;
    QString error;
    QVERIFY(!client()->retrieveStudy(QStringLiteral("../../etc"), output.path(), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("is not a DICOM UID")), qPrintable(error));
    QVERIFY(!client()->retrieveStudy(QStringLiteral("1.2.*"), output.path(), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("is not a DICOM UID")), qPrintable(error));
    // A file where the output folder should be: nothing can be written, and the message says where.
    const QString blocked = output.filePath(QStringLiteral("blocked"));
    QFile blocker(blocked);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(!client()->retrieveStudy(study(0).studyInstanceUid, blocked, {}, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot create the folder ") + blocked), qPrintable(error));
    QVERIFY(blocker.remove());
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsClientTest::retrieveUnknownStudyFails()
{
    QTemporaryDir output;
    QString error;
    QVERIFY(!client()->retrieveStudy(QStringLiteral("1.2.826.0.1.3680043.10.543.999"), output.path(), {}, &error));
    QVERIFY2(error.contains(m_orthanc.node().toString()), qPrintable(error));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsClientTest::cancelledClientDoesNothing()
{
    QTemporaryDir output;
    const auto cancelled = client();
    cancelled->cancel();
    QString error;
    QVERIFY(!cancelled->retrieveStudy(study(0).studyInstanceUid, output.path(), {}, &error));
    QCOMPARE(error, QStringLiteral("cancelled"));
    QVERIFY(!cancelled->findStudies({}, &error));
    QCOMPARE(error, QStringLiteral("cancelled"));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsClientTest::cancelDuringRetrieveStops()
{
    QTemporaryDir output;
    const auto retrieving = client();
    PacsClient* const raw = retrieving.get();
    int calls = 0;
    const auto progress = [raw, &calls](int done, int) {
        ++calls;
        if (done >= 1)
            raw->cancel();
    };
    QString error;
    QVERIFY(!retrieving->retrieveStudy(study(0).studyInstanceUid, output.path(), progress, &error));
    QVERIFY2(error.startsWith(
                 QStringLiteral("C-GET from %1 cancelled after 1 instance(s)").arg(m_orthanc.node().toString())),
        qPrintable(error));
    QVERIFY(calls >= 1);
    // The instance received before the cancel stays, under our name; the second never arrived.
    const QStringList files = filesBelow(output.path());
    QCOMPARE(files.size(), 1);
    QVERIFY(files.first().endsWith(QStringLiteral(".dcm")));
    // Orthanc is still fine after the aborted association.
    QVERIFY2(client()->echo(&error), qPrintable(error));
}

void PacsClientTest::storeReportsUnreadableFiles()
{
    const QString notDicom = m_directory.filePath(QStringLiteral("note.txt"));
    QFile file(notDicom);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not a DICOM file, only some text that is long enough");
    file.close();
    const QString missing = m_directory.filePath(QStringLiteral("missing.dcm"));
    QString error;
    const auto stored = client()->store({ notDicom, missing }, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QCOMPARE(stored->storedCount, 0);
    QCOMPARE(stored->failures.size(), 2);
    QVERIFY2(stored->failures.at(0).startsWith(notDicom), qPrintable(stored->failures.at(0)));
    QVERIFY2(stored->failures.at(1).startsWith(missing), qPrintable(stored->failures.at(1)));
}

void PacsClientTest::hostileUidStaysInsideFolder()
{
    // An instance whose SOP Instance UID is a path: stored in Orthanc, it comes back under a hashed name.
    const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.10.543.3");
    const QString hostileUid = QStringLiteral("../../../escaped/x");
    SyntheticImage image;
    image.samples = patternSamples(image);
    image.attributes = { { 0x0008, 0x0018, hostileUid.toStdString() }, { 0x0020, 0x000D, studyUid.toStdString() },
        { 0x0010, 0x0020, "HOSTILE" }, { 0x0008, 0x0060, "OT" } };
    const QString path = m_directory.filePath(QStringLiteral("hostile.dcm"));
    QCOMPARE(
        QString::fromStdString(writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path.toStdString())), QString());
    QString error;
    const auto stored = client()->store({ path }, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->storedCount == 1, qPrintable(stored->failures.join(u'\n')));

    QTemporaryDir parent;
    const QString output = parent.filePath(QStringLiteral("a/b/c/out"));
    const auto retrieved = client()->retrieveStudy(studyUid, output, {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    const QString expected = sha256Hex(studyUid) + u'/' + sha256Hex(hostileUid) + QStringLiteral(".dcm");
    QCOMPARE(filesBelow(parent.path()), QStringList { QStringLiteral("a/b/c/out/") + expected });
    QCOMPARE(sopInstanceUidOf(output + u'/' + expected), hostileUid);
}

void PacsClientTest::hostileGetPeerCannotPlaceFiles()
{
    // A peer that answers a C-GET with an instance of another study and one whose SOP Instance UID is a path.
    const std::string asked = "1.2.826.0.1.3680043.10.543.77";
    const std::string escaping = "1.2.3/../../../../../tmp/lrclr-escaped";
    const int port = OrthancServer::freePort();
    FakeGetPeer peer(port, { { "9.9.9.9", "../../foreign" }, { asked, escaping } });
    PacsClient hostile(PacsNode(QStringLiteral("HOSTILE"), QStringLiteral("127.0.0.1"), port));
    hostile.setTimeouts({ 5, 5 });
    QTemporaryDir parent;
    const QString output = parent.filePath(QStringLiteral("out"));
    QString error;
    std::optional<PacsRetrieveResult> retrieved;
    for (int attempt = 0; attempt < 50 && !retrieved; ++attempt) {
        retrieved = hostile.retrieveStudy(QString::fromStdString(asked), output, {}, &error);
        if (!error.startsWith(QStringLiteral("cannot connect")))
            break;
        QThread::msleep(100);
    }
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->refusedCount, 1);
    const QString expected = sha256Hex(QString::fromStdString(asked)) + u'/'
        + sha256Hex(QString::fromStdString(escaping)) + QStringLiteral(".dcm");
    QCOMPARE(retrieved->files, QStringList { output + u'/' + expected });
    QCOMPARE(filesBelow(parent.path()), QStringList { QStringLiteral("out/") + expected });
    QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/lrclr-escaped.dcm")));
    // The client refused the foreign instance (0xC000, cannot understand) and took the other.
    QCOMPARE(peer.storeStatuses(), (std::vector<int> { 0xC000, 0x0000 }));
}

void PacsClientTest::cacheRetrievesOnceThenOpensOffline()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    QString error;
    const auto retrieved = cache.open(*client(), study(1).studyInstanceUid, {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->size(), 1);
    QVERIFY(cache.contains(study(1).studyInstanceUid));
    QCOMPARE(sopInstanceUidOf(retrieved->first()), study(1).instances.first().sopInstanceUid);

    PacsClient closed(PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), OrthancServer::freePort()));
    const auto cached = cache.open(closed, study(1).studyInstanceUid, {}, &error);
    QVERIFY2(cached.has_value(), qPrintable(error));
    QCOMPARE(*cached, *retrieved);
    QVERIFY(!closed.echo(&error)); // the node really is unreachable
}

void PacsClientTest::compressedStudyKeepsItsTransferSyntax()
{
    // A CR in JPEG Lossless and a CT in JPEG-LS in one study: each is stored in its own syntax (proposed beside
    // explicit and implicit little endian) and comes back in it, because C-GET asks which SOP classes the study
    // holds and offers their compressed syntaxes; so the compressed fragments come back byte for byte.
    const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.10.543.4");
    struct Instance {
        TestSyntax syntax;
        QString transferSyntax;
        std::string sopClass;
        QString path;
    };
    QList<Instance> instances {
        { TestSyntax::JpegLossless, QStringLiteral("1.2.840.10008.1.2.4.70"), "1.2.840.10008.5.1.4.1.1.1", {} },
        { TestSyntax::JpegLs, QStringLiteral("1.2.840.10008.1.2.4.80"), "1.2.840.10008.5.1.4.1.1.2", {} },
    };
    QStringList paths;
    for (int i = 0; i < instances.size(); ++i) {
        SyntheticImage image;
        image.samples = patternSamples(image);
        image.attributes = { { 0x0008, 0x0016, instances[i].sopClass }, { 0x0020, 0x000D, studyUid.toStdString() },
            { 0x0010, 0x0020, "PAT-D4" } };
        instances[i].path = m_directory.filePath(QStringLiteral("compressed-%1.dcm").arg(i));
        QCOMPARE(
            QString::fromStdString(writeSyntheticDicom(image, instances[i].syntax, instances[i].path.toStdString())),
            QString());
        QCOMPARE(transferSyntaxOf(instances[i].path), instances[i].transferSyntax);
        paths.append(instances[i].path);
    }
    QString error;
    const auto stored = client()->store(paths, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->storedCount == 2, qPrintable(stored->failures.join(u'\n')));

    QTemporaryDir output;
    const auto retrieved = client()->retrieveStudy(studyUid, output.path(), {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->files.size(), 2);
    for (const Instance& instance : instances) {
        const QString received = retrieved->folder + u'/' + sha256Hex(sopInstanceUidOf(instance.path)) + ".dcm";
        QVERIFY(retrieved->files.contains(received));
        QCOMPARE(transferSyntaxOf(received), instance.transferSyntax);
        const QByteArray sent = pixelDataOf(instance.path, &error);
        QVERIFY2(!sent.isEmpty(), qPrintable(error));
        const QByteArray got = pixelDataOf(received, &error);
        QVERIFY2(!got.isEmpty(), qPrintable(error));
        QVERIFY(got == sent);
    }
}

QTEST_GUILESS_MAIN(PacsClientTest)
#include "PacsClientTest.moc"
