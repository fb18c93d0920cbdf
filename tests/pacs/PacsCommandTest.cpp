// `lrclr pacs echo|find|get|store` end to end: runs the built executable against a real Orthanc (started here, in the
// test's own network namespace, with its DICOMweb plugin) over DIMSE and DICOMweb, and checks exit codes, JSON fields
// and the retrieved pixel data.
#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/pacs/OrthancServer.h"
#include "tests/pacs/PacsTestStudies.h"

using namespace lrclr::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run runCli(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(LRCLR_CLI_PATH), arguments);
    Run run;
    if (!process.waitForFinished(120000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = QString::fromLocal8Bit(process.readAllStandardError());
    return run;
}

QString sha256Hex(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

class PacsCommandTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void listedInHelp();
    void echoJson();
    void findByPatientIdJson();
    void findSeriesJson();
    void getWritesIdenticalPixels_data();
    void getWritesIdenticalPixels();
    void dicomWebStoreFindGet();
    void failuresExitWithOne();
    void badUsageExitsWithTwo_data();
    void badUsageExitsWithTwo();

private:
    QStringList pacs(const QString& subcommand, const QStringList& arguments) const;

    QTemporaryDir m_directory;
    OrthancServer m_orthanc;
    QList<PacsTestStudy> m_studies;
};

QStringList PacsCommandTest::pacs(const QString& subcommand, const QStringList& arguments) const
{
    return QStringList { QStringLiteral("pacs"), subcommand, QStringLiteral("--pacs"), m_orthanc.node().toString() }
    + arguments;
}

void PacsCommandTest::initTestCase()
{
    if (const QString problem = OrthancServer::namespaceProblem(); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    QVERIFY(m_directory.isValid());
    m_orthanc.setDicomWebEnabled(true);
    QString error;
    QVERIFY2(m_orthanc.start(&error), qPrintable(error));
    const QString sources = m_directory.filePath(QStringLiteral("sources"));
    QVERIFY(QDir().mkpath(sources));
    m_studies = writePacsTestStudies(sources, &error);
    QVERIFY2(m_studies.size() == 2, qPrintable(error));

    // store, given a folder: every file below it.
    const Run stored = runCli(pacs(QStringLiteral("store"), { sources, QStringLiteral("--json") }));
    QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
    QCOMPARE(stored.json()[QStringLiteral("stored")].toInt(), 3);
    QCOMPARE(stored.json()[QStringLiteral("failures")].toArray().size(), 0);
}

void PacsCommandTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void PacsCommandTest::listedInHelp()
{
    const Run help = runCli({ QStringLiteral("--help") });
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.contains("\n  pacs "), help.out.constData());
    const Run pacsHelp = runCli({ QStringLiteral("pacs"), QStringLiteral("--help") });
    QCOMPARE(pacsHelp.exitCode, 0);
    QVERIFY(pacsHelp.out.contains("echo|find|get|store"));
}

void PacsCommandTest::echoJson()
{
    const Run echo = runCli(pacs(QStringLiteral("echo"), { QStringLiteral("--json") }));
    QVERIFY2(echo.exitCode == 0, qPrintable(echo.err));
    QCOMPARE(echo.json()[QStringLiteral("echo")].toBool(), true);
    QCOMPARE(echo.json()[QStringLiteral("pacs")].toString(), m_orthanc.node().toString());
}

void PacsCommandTest::findByPatientIdJson()
{
    const Run found = runCli(pacs(QStringLiteral("find"),
        { QStringLiteral("--patient-id"), QStringLiteral("PAT-B2"), QStringLiteral("--study-date"),
            QStringLiteral("20240601-20240630"), QStringLiteral("--modality"), QStringLiteral("dx"),
            QStringLiteral("--json") }));
    QVERIFY2(found.exitCode == 0, qPrintable(found.err));
    const QJsonArray studies = found.json()[QStringLiteral("studies")].toArray();
    QCOMPARE(studies.size(), 1);
    const QJsonObject study = studies.first().toObject();
    QCOMPARE(study[QStringLiteral("studyInstanceUid")].toString(), m_studies[1].studyInstanceUid);
    QCOMPARE(study[QStringLiteral("patientName")].toString(), QStringLiteral("ROE^RICHARD"));
    QCOMPARE(study[QStringLiteral("studyDate")].toString(), QStringLiteral("2024-06-20"));
    QCOMPARE(study[QStringLiteral("accessionNumber")].toString(), QStringLiteral("ACC-B"));
    QCOMPARE(study[QStringLiteral("modalities")].toArray(), QJsonArray { QStringLiteral("DX") });
    QCOMPARE(study[QStringLiteral("instanceCount")].toInt(), 1);
    QCOMPARE(found.json()[QStringLiteral("truncated")].toBool(), false);

    const Run limited = runCli(pacs(QStringLiteral("find"), { QStringLiteral("--limit"), "1", "--json" }));
    QVERIFY2(limited.exitCode == 0, qPrintable(limited.err));
    QCOMPARE(limited.json()[QStringLiteral("studies")].toArray().size(), 1);
    QCOMPARE(limited.json()[QStringLiteral("truncated")].toBool(), true);
}

void PacsCommandTest::findSeriesJson()
{
    const Run found
        = runCli(pacs(QStringLiteral("find"), { QStringLiteral("--study"), m_studies[0].studyInstanceUid, "--json" }));
    QVERIFY2(found.exitCode == 0, qPrintable(found.err));
    const QJsonArray series = found.json()[QStringLiteral("series")].toArray();
    QCOMPARE(series.size(), 1);
    QCOMPARE(series.first()[QStringLiteral("modality")].toString(), QStringLiteral("CR"));
    QCOMPARE(series.first()[QStringLiteral("instanceCount")].toInt(), 2);
}

void PacsCommandTest::getWritesIdenticalPixels_data()
{
    QTest::addColumn<bool>("byMove");
    QTest::newRow("c-get") << false;
    QTest::newRow("c-move") << true;
}

void PacsCommandTest::getWritesIdenticalPixels()
{
    QFETCH(bool, byMove);
    const QString out = m_directory.filePath(byMove ? QStringLiteral("moved") : QStringLiteral("retrieved"));
    const PacsTestStudy& study = m_studies[0];
    QStringList arguments { QStringLiteral("--study"), study.studyInstanceUid, "--out", out, "--json" };
    if (byMove)
        arguments += { QStringLiteral("--move-port"), QString::number(m_orthanc.movePort()) };
    const Run got = runCli(pacs(QStringLiteral("get"), arguments));
    QVERIFY2(got.exitCode == 0, qPrintable(got.err));
    QVERIFY2(got.err.contains(QStringLiteral("received 2")), qPrintable(got.err));
    QCOMPARE(
        got.json()[QStringLiteral("method")].toString(), byMove ? QStringLiteral("C-MOVE") : QStringLiteral("C-GET"));
    const QString folder = QDir(out).filePath(sha256Hex(study.studyInstanceUid));
    QCOMPARE(got.json()[QStringLiteral("folder")].toString(), folder);
    QStringList files;
    for (const auto& file : got.json()[QStringLiteral("files")].toArray())
        files.append(file.toString());
    files.sort();
    QStringList expected;
    for (const PacsTestInstance& instance : study.instances)
        expected.append(folder + u'/' + sha256Hex(instance.sopInstanceUid) + QStringLiteral(".dcm"));
    expected.sort();
    QCOMPARE(files, expected);
    QString error;
    for (const PacsTestInstance& instance : study.instances) {
        const QString received = folder + u'/' + sha256Hex(instance.sopInstanceUid) + QStringLiteral(".dcm");
        const QByteArray sent = pixelDataOf(instance.path, &error);
        QVERIFY2(!sent.isEmpty(), qPrintable(error));
        QVERIFY(pixelDataOf(received, &error) == sent);
    }
}

void PacsCommandTest::dicomWebStoreFindGet()
{
    const QString url = m_orthanc.dicomWebUrl();
    const PacsTestStudy& study = m_studies[1];
    const Run stored
        = runCli({ "pacs", "store", "--dicomweb", url, study.instances.first().path, QStringLiteral("--json") });
    QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
    QCOMPARE(stored.json()[QStringLiteral("stored")].toInt(), 1);
    QCOMPARE(stored.json()[QStringLiteral("dicomweb")].toString(), url);

    const Run found = runCli({ "pacs", "find", "--dicomweb", url, "--patient-id", study.patientId, "--json" });
    QVERIFY2(found.exitCode == 0, qPrintable(found.err));
    const QJsonArray studies = found.json()[QStringLiteral("studies")].toArray();
    QCOMPARE(studies.size(), 1);
    QCOMPARE(studies.first()[QStringLiteral("studyInstanceUid")].toString(), study.studyInstanceUid);
    QCOMPARE(studies.first()[QStringLiteral("patientName")].toString(), study.patientName);

    const QString out = m_directory.filePath(QStringLiteral("web"));
    const Run got = runCli({ "pacs", "get", "--dicomweb", url, "--study", study.studyInstanceUid, "--out", out,
        QStringLiteral("--json") });
    QVERIFY2(got.exitCode == 0, qPrintable(got.err));
    QCOMPARE(got.json()[QStringLiteral("method")].toString(), QStringLiteral("WADO-RS"));
    const QString received = QDir(out).filePath(sha256Hex(study.studyInstanceUid)) + u'/'
        + sha256Hex(study.instances.first().sopInstanceUid) + QStringLiteral(".dcm");
    QCOMPARE(got.json()[QStringLiteral("files")].toArray().size(), 1);
    QCOMPARE(got.json()[QStringLiteral("files")].toArray().first().toString(), received);
    QString error;
    const QByteArray sent = pixelDataOf(study.instances.first().path, &error);
    QVERIFY2(!sent.isEmpty(), qPrintable(error));
    QVERIFY(pixelDataOf(received, &error) == sent);

    const QString closed = QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(OrthancServer::freePort());
    const Run refused = runCli({ "pacs", "find", "--dicomweb", closed });
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("Connection refused")), qPrintable(refused.err));
}

void PacsCommandTest::failuresExitWithOne()
{
    const QString closed = QStringLiteral("NOBODY@127.0.0.1:%1").arg(OrthancServer::freePort());
    const Run echo = runCli({ "pacs", "echo", "--pacs", closed, "--timeout", "3" });
    QCOMPARE(echo.exitCode, 1);
    QVERIFY2(echo.err.startsWith(QStringLiteral("lrclr pacs echo: cannot connect to ") + closed), qPrintable(echo.err));

    const Run unknown
        = runCli(pacs(QStringLiteral("get"), { "--study", "1.2.3.4.5", "--out", m_directory.filePath("none") }));
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(m_orthanc.node().toString()), qPrintable(unknown.err));

    const QString text = m_directory.filePath(QStringLiteral("note.txt"));
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not DICOM at all, but long enough to be scanned");
    file.close();
    const QString emptyFolder = m_directory.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(emptyFolder));
    const Run nothing = runCli(pacs(QStringLiteral("store"), { emptyFolder }));
    QCOMPARE(nothing.exitCode, 1);
    QVERIFY2(nothing.err.contains(QStringLiteral("no files in the folders given")), qPrintable(nothing.err));

    const Run store = runCli(pacs(QStringLiteral("store"), { text, "--json" }));
    QCOMPARE(store.exitCode, 1);
    QCOMPARE(store.json()[QStringLiteral("stored")].toInt(), 0);
    QCOMPARE(store.json()[QStringLiteral("failures")].toArray().size(), 1);
}

void PacsCommandTest::badUsageExitsWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no-subcommand") << QStringList { "pacs" } << "Usage: lrclr pacs";
    QTest::newRow("unknown-subcommand") << QStringList { "pacs", "move" } << "unknown subcommand 'move'";
    QTest::newRow("no-pacs") << QStringList { "pacs", "echo" } << "--pacs AET@HOST:PORT is required";
    QTest::newRow("bad-pacs") << QStringList { "pacs", "echo", "--pacs", "ORTHANC:4242" } << "has no '@'";
    QTest::newRow("bad-aet") << QStringList { "pacs", "echo", "--pacs", "A@h:1", "--aet", "ABCDEFGHIJKLMNOPQ" }
                             << "--aet: the AE title";
    QTest::newRow("bad-date") << QStringList { "pacs", "find", "--pacs", "A@h:1", "--study-date", "20230229-" }
                              << "--study-date:";
    QTest::newRow("get-no-out") << QStringList { "pacs", "get", "--pacs", "A@h:1", "--study", "1.2" }
                                << "--study UID and --out DIR are required";
    QTest::newRow("bad-move-port") << QStringList { "pacs", "get", "--pacs", "A@h:1", "--study", "1.2", "--out", "x",
        "--move-port", "0" } << "--move-port: expected a TCP port";
    QTest::newRow("both-transports") << QStringList { "pacs", "find", "--pacs", "A@h:1", "--dicomweb", "http://h/" }
                                     << "give --pacs or --dicomweb, not both";
    QTest::newRow("echo-dicomweb") << QStringList { "pacs", "echo", "--dicomweb", "http://h/" }
                                   << "echo is C-ECHO, a DIMSE service";
    QTest::newRow("move-dicomweb") << QStringList { "pacs", "get", "--dicomweb", "http://h/", "--study", "1.2", "--out",
        "x", "--move-port", "104" } << "--move-port is C-MOVE";
    QTest::newRow("https") << QStringList { "pacs", "find", "--dicomweb", "https://h/dicom-web" }
                           << "https is not supported yet";
    QTest::newRow("store-nothing") << QStringList { "pacs", "store", "--pacs", "A@h:1" } << "at least one FILE";
    QTest::newRow("stray-word") << QStringList { "pacs", "echo", "--pacs", "A@h:1", "extra" }
                                << "unexpected argument 'extra'";
}

void PacsCommandTest::badUsageExitsWithTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = runCli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(PacsCommandTest)
#include "PacsCommandTest.moc"
