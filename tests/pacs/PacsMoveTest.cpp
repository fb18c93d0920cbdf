// PacsClient's C-MOVE against a real Orthanc (started here, in the test's own network namespace): our storage SCP
// receives the study under our names with byte-identical pixel data; a move to a port nothing listens on, a port
// already taken, another study's instance and a cancel all end in a clear message with nothing misplaced.
#include <memory>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcobject.h>

#include "core/pacs/PacsClient.h"
#include "core/pacs/internal/MoveReceiver.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/pacs/PacsTestStudies.h"

using namespace lrclr;
using namespace lrclr::test;

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

/// A port that is free and is not `other`.
int freePortOtherThan(int other)
{
    int port = OrthancServer::freePort();
    while (port == other)
        port = OrthancServer::freePort();
    return port;
}

} // namespace

class PacsMoveTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void moveGivesIdenticalPixelsUnderOurNames();
    void moveToPortNobodyListensOnFails();
    void movePortInUseFails();
    void moveRefusesBadPort();
    void receiverRefusesOtherStudies();
    void cancelDuringMoveStops();

private:
    std::unique_ptr<PacsClient> client(int movePort) const;
    const PacsTestStudy& study(int index) const { return m_studies.at(index); }

    QTemporaryDir m_directory;
    OrthancServer m_orthanc;
    QList<PacsTestStudy> m_studies;
};

std::unique_ptr<PacsClient> PacsMoveTest::client(int movePort) const
{
    auto client = std::make_unique<PacsClient>(m_orthanc.node(), QStringLiteral("LRCLR"));
    client->setTimeouts({ 5, 20 });
    client->setMovePort(movePort);
    return client;
}

void PacsMoveTest::initTestCase()
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
    const auto stored = client(0)->store(files, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->storedCount == 3, qPrintable(stored->failures.join(u'\n')));
}

void PacsMoveTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void PacsMoveTest::moveGivesIdenticalPixelsUnderOurNames()
{
    QTemporaryDir output;
    QVERIFY(output.isValid());
    QString error;
    int lastDone = -1;
    int lastTotal = -1;
    const auto retrieved = client(m_orthanc.movePort())
                               ->retrieveStudy(
                                   study(0).studyInstanceUid, output.path(),
                                   [&](int done, int total) {
                                       lastDone = done;
                                       lastTotal = total;
                                   },
                                   &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->files.size(), 2);
    QCOMPARE(lastDone, 2);
    QCOMPARE(lastTotal, 2);
    QCOMPARE(retrieved->failedCount, 0);
    QCOMPARE(retrieved->refusedCount, 0);
    const QString studyFolder = sha256Hex(study(0).studyInstanceUid);
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

void PacsMoveTest::moveToPortNobodyListensOnFails()
{
    // We listen on another port than the one Orthanc knows for our AE title: its sub-operations reach nobody.
    const int ours = freePortOtherThan(m_orthanc.movePort());
    QTemporaryDir output;
    QString error;
    QVERIFY(!client(ours)->retrieveStudy(study(1).studyInstanceUid, output.path(), {}, &error));
    QVERIFY2(error.startsWith(QStringLiteral("%1 could not send the study to our storage SCP 'LRCLR' on port %2")
                                  .arg(m_orthanc.node().toString())
                                  .arg(ours)),
        qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("check that it knows 'LRCLR'")), qPrintable(error));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsMoveTest::movePortInUseFails()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::Any, 0));
    QTemporaryDir output;
    QString error;
    QVERIFY(!client(taken.serverPort())->retrieveStudy(study(1).studyInstanceUid, output.path(), {}, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot listen on port %1 for the C-MOVE (our storage SCP 'LRCLR')")
                                  .arg(taken.serverPort())),
        qPrintable(error));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsMoveTest::moveRefusesBadPort()
{
    QTemporaryDir output;
    QString error;
    QVERIFY(!client(70000)->retrieveStudy(study(1).studyInstanceUid, output.path(), {}, &error));
    QCOMPARE(error, QStringLiteral("the C-MOVE port 70000 is not a TCP port (1 to 65535)"));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void PacsMoveTest::receiverRefusesOtherStudies()
{
    // Our storage SCP waits for study A; a peer of the test's own stores study A and study B to it.
    QTemporaryDir output;
    const int port = OrthancServer::freePort();
    internal::ScuSettings settings;
    settings.callingAeTitle = QStringLiteral("LRCLR");
    internal::MoveReceiver receiver(study(0).studyInstanceUid, output.path());
    QCOMPARE(receiver.start(settings, port), QString());
    // Opening the port leaves DCMTK's process-wide input correction as the rest of the process uses it.
    QVERIFY(dcmEnableAutomaticInputDataCorrection.get());
    PacsClient sender(PacsNode(QStringLiteral("LRCLR"), QStringLiteral("127.0.0.1"), port), QStringLiteral("PEER"));
    sender.setTimeouts({ 5, 10 });
    const QStringList files = filesOf(m_studies);
    QString error;
    const auto stored = sender.store(files, {}, &error);
    receiver.stop();
    QVERIFY2(stored.has_value(), qPrintable(error));
    QCOMPARE(stored->storedCount, 2);
    QCOMPARE(stored->failures.size(), 1);
    QVERIFY2(
        stored->failures.first().startsWith(study(1).instances.first().path), qPrintable(stored->failures.first()));
    QCOMPARE(receiver.refusedCount(), 1);
    QCOMPARE(receiver.fileCount(), 2);
    QStringList expected;
    for (const PacsTestInstance& instance : study(0).instances)
        expected.append(sha256Hex(instance.sopInstanceUid) + QStringLiteral(".dcm"));
    expected.sort();
    QCOMPARE(filesBelow(output.path()), expected);
}

void PacsMoveTest::cancelDuringMoveStops()
{
    QTemporaryDir output;
    const auto moving = client(m_orthanc.movePort());
    PacsClient* const raw = moving.get();
    const auto progress = [raw](int done, int) {
        if (done >= 1)
            raw->cancel();
    };
    QString error;
    QVERIFY(!moving->retrieveStudy(study(0).studyInstanceUid, output.path(), progress, &error));
    QVERIFY2(error.startsWith(QStringLiteral("C-MOVE from %1 cancelled after").arg(m_orthanc.node().toString())),
        qPrintable(error));
    // What arrived before the cancel stays under our names; nothing else is there.
    for (const QString& file : filesBelow(output.path()))
        QVERIFY2(
            QFileInfo(file).fileName().size() == 64 + 4 && file.endsWith(QStringLiteral(".dcm")), qPrintable(file));
    // Orthanc is still fine after the aborted association.
    QVERIFY2(client(0)->echo(&error), qPrintable(error));
}

QTEST_GUILESS_MAIN(PacsMoveTest)
#include "PacsMoveTest.moc"
