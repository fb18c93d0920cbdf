// DicomWebClient against a real Orthanc with its DICOMweb plugin (started here, in the test's own network namespace):
// STOW-RS store, QIDO-RS find with the C-FIND filters, WADO-RS retrieve with byte-identical pixel data under our
// names; and against a tiny HTTP server of the test's own: malformed, oversized, broken-off and silent answers, and
// hostile parts, each a clear error with nothing written outside the output folder.
#include <future>
#include <memory>
#include <thread>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "core/pacs/DicomWebClient.h"
#include "core/pacs/StudyCache.h"
#include "tests/pacs/FakeHttpServer.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/pacs/PacsTestStudies.h"
#include "tests/study/TestDicomFiles.h"

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

QStringList sortedUids(const PacsStudyList& list)
{
    QStringList uids;
    for (const PacsStudy& study : list.studies)
        uids.append(study.studyInstanceUid);
    uids.sort();
    return uids;
}

/// A multipart/related body of `parts` (Content-Type, content) with boundary "B1"; without the close delimiter
/// when `closed` is false.
QByteArray multipart(const QList<QPair<QByteArray, QByteArray>>& parts, bool closed = true)
{
    QByteArray body;
    for (const auto& [type, content] : parts)
        body += "--B1\r\nContent-Type: " + type + "\r\n\r\n" + content + "\r\n";
    return closed ? body + "--B1--\r\n" : body;
}

const QByteArray multipartType = "multipart/related; type=\"application/dicom\"; boundary=B1";

/// A generated instance of study `studyUid` with SOP Instance UID `instanceUid`; its bytes, empty with `error`.
QByteArray instanceBytes(const QString& folder, const std::string& studyUid, const std::string& instanceUid)
{
    SyntheticImage image;
    image.samples = patternSamples(image);
    image.attributes = { { 0x0008, 0x0018, instanceUid }, { 0x0020, 0x000D, studyUid }, { 0x0010, 0x0020, "PAT-H" } };
    const QString path
        = QDir(folder).filePath(QStringLiteral("instance-%1.dcm").arg(sha256Hex(QString::fromStdString(instanceUid))));
    if (!writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path.toStdString()).empty())
        return {};
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

Q_DECLARE_METATYPE(lrclr::StudyQuery)

class DicomWebClientTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void parseUrlRefusesWhatItCannotUse_data();
    void parseUrlRefusesWhatItCannotUse();
    void findByPatientIdReadsFields();
    void findFilters_data();
    void findFilters();
    void findStopsAtLimit();
    void findWorksFromWorkerThread();
    void retrieveGivesIdenticalPixelsUnderOurNames();
    void compressedStudyKeepsItsTransferSyntax();
    void retrieveUnknownStudyFails();
    void cancelDuringRetrieveStops();
    void storeGeneratedThenFind();
    void storeReportsUnreadableFiles();
    void unreachableServerFails();
    void hostileAnswersWriteNothing_data();
    void hostileAnswersWriteNothing();
    void hostilePartsAreRefusedOrRenamed();
    void hostileQueryAnswersFail_data();
    void hostileQueryAnswersFail();
    void cancelFromAnotherThreadStopsWaiting();
    void cacheRetrievesOnceThenOpensOffline();

private:
    std::unique_ptr<DicomWebClient> client() const;
    const PacsTestStudy& study(int index) const { return m_studies.at(index); }

    QTemporaryDir m_directory;
    OrthancServer m_orthanc;
    QList<PacsTestStudy> m_studies;
};

std::unique_ptr<DicomWebClient> DicomWebClientTest::client() const
{
    auto client = std::make_unique<DicomWebClient>(QUrl(m_orthanc.dicomWebUrl()));
    client->setTimeoutSeconds(20);
    return client;
}

void DicomWebClientTest::initTestCase()
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
    const QStringList files = filesOf(m_studies);
    int lastDone = 0;
    const auto stored = client()->store(
        files, [&lastDone](int done, int) { lastDone = done; }, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->failures.isEmpty(), qPrintable(stored->failures.join(u'\n')));
    QCOMPARE(stored->storedCount, 3);
    QCOMPARE(lastDone, 3);
}

void DicomWebClientTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void DicomWebClientTest::parseUrlRefusesWhatItCannotUse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message"); // empty: accepted
    QTest::newRow("http") << "http://pacs.example.org:8042/dicom-web" << QString();
    QTest::newRow("https") << "https://pacs.example.org/dicom-web"
                           << "https is not supported yet";
    QTest::newRow("relative") << "dicom-web"
                              << "is not an absolute URL";
    QTest::newRow("ftp") << "ftp://pacs.example.org/"
                         << "is not an http:// URL";
    QTest::newRow("query") << "http://pacs.example.org/dicom-web?x=1"
                           << "has a query or fragment";
}

void DicomWebClientTest::parseUrlRefusesWhatItCannotUse()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    const auto url = DicomWebClient::parseUrl(text, &error);
    QCOMPARE(url.has_value(), message.isEmpty());
    QVERIFY2(error.contains(message), qPrintable(error));
}

void DicomWebClientTest::findByPatientIdReadsFields()
{
    StudyQuery query;
    query.patientId = QStringLiteral("PAT-A1");
    QString error;
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(found->studies.size(), 1);
    const PacsStudy& answer = found->studies.first();
    QCOMPARE(answer.studyInstanceUid, study(0).studyInstanceUid);
    QCOMPARE(answer.patientName, QStringLiteral("DOE^JANE"));
    QCOMPARE(answer.patientBirthDate, QDate(1970, 3, 4));
    QCOMPARE(answer.studyDate, QDate(2024, 1, 15));
    QCOMPARE(answer.accessionNumber, QStringLiteral("ACC-A"));
    QCOMPARE(answer.modalities, QStringList { QStringLiteral("CR") });
    QCOMPARE(answer.seriesCount, 1);
    QCOMPARE(answer.instanceCount, 2);
    QVERIFY(!found->truncated);
}

void DicomWebClientTest::findFilters_data()
{
    QTest::addColumn<StudyQuery>("query");
    QTest::addColumn<QList<int>>("expected"); // indexes into m_studies
    const auto query = [](auto edit) {
        StudyQuery value;
        edit(value);
        return value;
    };
    QTest::newRow("name-star") << query([](StudyQuery& q) { q.patientName = QStringLiteral("DOE*"); })
                               << QList<int> { 0 };
    QTest::newRow("name-caret") << query([](StudyQuery& q) { q.patientName = QStringLiteral("ROE^RICH*"); })
                                << QList<int> { 1 };
    QTest::newRow("name-exact") << query([](StudyQuery& q) { q.patientName = QStringLiteral("DOE^JANE"); })
                                << QList<int> { 0 };
    QTest::newRow("date-january") << query([](StudyQuery& q) {
        q.studyDateFrom = QDate(2024, 1, 1);
        q.studyDateTo = QDate(2024, 1, 31);
    }) << QList<int> { 0 };
    QTest::newRow("date-open-end") << query([](StudyQuery& q) { q.studyDateFrom = QDate(2024, 3, 1); })
                                   << QList<int> { 1 };
    QTest::newRow("modality-dx") << query([](StudyQuery& q) { q.modality = QStringLiteral("DX"); }) << QList<int> { 1 };
    QTest::newRow("accession") << query([](StudyQuery& q) { q.accessionNumber = QStringLiteral("ACC-B"); })
                               << QList<int> { 1 };
    QTest::newRow("birth-date") << query([](StudyQuery& q) { q.patientBirthDate = QDate(1970, 3, 4); })
                                << QList<int> { 0 };
    QTest::newRow("no-match") << query([](StudyQuery& q) { q.patientId = QStringLiteral("NOBODY"); }) << QList<int> {};
}

void DicomWebClientTest::findFilters()
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
}

void DicomWebClientTest::findStopsAtLimit()
{
    StudyQuery query;
    query.limit = 1;
    QString error;
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(found->studies.size(), 1);
    QVERIFY(found->truncated);
}

void DicomWebClientTest::findWorksFromWorkerThread()
{
    const auto webClient = client();
    StudyQuery query;
    query.patientId = QStringLiteral("PAT-B2");
    std::promise<std::pair<std::optional<PacsStudyList>, QString>> promise;
    auto future = promise.get_future();
    std::thread worker([&] {
        QString error;
        auto found = webClient->findStudies(query, &error);
        promise.set_value({ std::move(found), error });
    });
    // The main thread keeps its own event loop running meanwhile.
    QVERIFY(QTest::qWaitFor(
        [&future] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 60000));
    worker.join();
    const auto [found, error] = future.get();
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(sortedUids(*found), QStringList { study(1).studyInstanceUid });
}

void DicomWebClientTest::retrieveGivesIdenticalPixelsUnderOurNames()
{
    QTemporaryDir output;
    QString error;
    int lastDone = -1;
    int lastTotal = -1;
    const auto retrieved = client()->retrieveStudy(
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

void DicomWebClientTest::compressedStudyKeepsItsTransferSyntax()
{
    // WADO-RS asks for the stored syntax (transfer-syntax=*): a JPEG Lossless and a JPEG-LS instance come back as
    // stored, their compressed fragments byte for byte.
    const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.10.543.62");
    const QList<QPair<TestSyntax, QString>> syntaxes { { TestSyntax::JpegLossless, "1.2.840.10008.1.2.4.70" },
        { TestSyntax::JpegLs, "1.2.840.10008.1.2.4.80" } };
    QStringList paths;
    for (int i = 0; i < syntaxes.size(); ++i) {
        SyntheticImage image;
        image.samples = patternSamples(image);
        image.attributes = { { 0x0008, 0x0016, "1.2.840.10008.5.1.4.1.1.1" },
            { 0x0020, 0x000D, studyUid.toStdString() }, { 0x0010, 0x0020, "PAT-W2" } };
        const QString path = m_directory.filePath(QStringLiteral("web-compressed-%1.dcm").arg(i));
        QCOMPARE(QString::fromStdString(writeSyntheticDicom(image, syntaxes[i].first, path.toStdString())), QString());
        paths.append(path);
    }
    QString error;
    const auto stored = client()->store(paths, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->storedCount == 2, qPrintable(stored->failures.join(u'\n')));
    QTemporaryDir output;
    const auto retrieved = client()->retrieveStudy(studyUid, output.path(), {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->files.size(), 2);
    for (int i = 0; i < syntaxes.size(); ++i) {
        const QString received = retrieved->folder + u'/' + sha256Hex(sopInstanceUidOf(paths[i])) + ".dcm";
        QVERIFY(retrieved->files.contains(received));
        QCOMPARE(transferSyntaxOf(received), syntaxes[i].second);
        const QByteArray sent = pixelDataOf(paths[i], &error);
        QVERIFY2(!sent.isEmpty(), qPrintable(error));
        QVERIFY(pixelDataOf(received, &error) == sent);
    }
}

void DicomWebClientTest::retrieveUnknownStudyFails()
{
    QTemporaryDir output;
    QString error;
    QVERIFY(!client()->retrieveStudy(QStringLiteral("1.2.826.0.1.3680043.10.543.999"), output.path(), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("has no study 1.2.826.0.1.3680043.10.543.999")), qPrintable(error));
    QVERIFY(!client()->retrieveStudy(QStringLiteral("../../etc"), output.path(), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("is not a DICOM UID")), qPrintable(error));
    QCOMPARE(filesBelow(output.path()), QStringList());
}

void DicomWebClientTest::cancelDuringRetrieveStops()
{
    QTemporaryDir output;
    const auto retrieving = client();
    DicomWebClient* const raw = retrieving.get();
    const auto progress = [raw](int done, int) {
        if (done >= 1)
            raw->cancel();
    };
    QString error;
    QVERIFY(!retrieving->retrieveStudy(study(0).studyInstanceUid, output.path(), progress, &error));
    QCOMPARE(error, QStringLiteral("WADO-RS retrieve cancelled after 1 instance(s)"));
    QCOMPARE(filesBelow(output.path()).size(), 1);
    QVERIFY(!retrieving->findStudies({}, &error));
    QCOMPARE(error, QStringLiteral("cancelled"));
}

void DicomWebClientTest::storeGeneratedThenFind()
{
    const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.10.543.61");
    SyntheticImage image;
    image.samples = patternSamples(image);
    image.attributes
        = { { 0x0008, 0x0018, "1.2.826.0.1.3680043.10.543.61.1.1" }, { 0x0020, 0x000D, studyUid.toStdString() },
              { 0x0010, 0x0020, "PAT-W1" }, { 0x0010, 0x0010, "WEB^STORED" }, { 0x0008, 0x0060, "DX" } };
    const QString path = m_directory.filePath(QStringLiteral("web.dcm"));
    QCOMPARE(
        QString::fromStdString(writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path.toStdString())), QString());
    QString error;
    const auto stored = client()->store({ path }, {}, &error);
    QVERIFY2(stored.has_value(), qPrintable(error));
    QVERIFY2(stored->storedCount == 1, qPrintable(stored->failures.join(u'\n')));
    StudyQuery query;
    query.patientName = QStringLiteral("WEB^*");
    const auto found = client()->findStudies(query, &error);
    QVERIFY2(found.has_value(), qPrintable(error));
    QCOMPARE(sortedUids(*found), QStringList { studyUid });
    QCOMPARE(found->studies.first().patientId, QStringLiteral("PAT-W1"));
}

void DicomWebClientTest::storeReportsUnreadableFiles()
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
    QVERIFY2(stored->failures.at(1).startsWith(missing + QStringLiteral(": cannot open")),
        qPrintable(stored->failures.at(1)));
}

void DicomWebClientTest::unreachableServerFails()
{
    const QString url = QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(OrthancServer::freePort());
    DicomWebClient closed { QUrl(url) };
    QString error;
    QVERIFY(!closed.findStudies({}, &error));
    QVERIFY2(error.startsWith(QStringLiteral("GET %1/studies").arg(url)), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("failed: Connection refused")), qPrintable(error));
    const auto stored = closed.store({ study(1).instances.first().path }, {}, &error);
    QVERIFY(!stored.has_value());
    QVERIFY2(error.startsWith(QStringLiteral("POST %1/studies failed").arg(url)), qPrintable(error));
}

void DicomWebClientTest::hostileAnswersWriteNothing_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("message");
    const QByteArray part = "DICM-ish but not closed";
    QTest::newRow("truncated-multipart") << FakeHttpServer::answer(
        200, multipartType, multipart({ { "application/dicom", part } }, false))
                                         << "part 1 is not closed by a boundary delimiter";
    QTest::newRow("no-boundary") << FakeHttpServer::answer(200, "multipart/related", multipart({}))
                                 << "has no valid boundary";
    QTest::newRow("not-multipart") << FakeHttpServer::answer(200, "application/json", "[]")
                                   << "expected a multipart response";
    QTest::newRow("garbage-part") << FakeHttpServer::answer(
        200, multipartType, multipart({ { "application/dicom", QByteArray(300, 'x') } }))
                                  << "sent no usable instance of study 1.2.3: part 1 refused";
    QTest::newRow("server-error") << FakeHttpServer::answer(500, "text/plain", "database on fire")
                                  << "HTTP 500 (Fake) from GET";
    QTest::newRow("broken-off") << FakeHttpServer::answer(200, multipartType, "--B1\r\n", 100000) << "failed:";
    QTest::newRow("too-large") << FakeHttpServer::answer(200, multipartType, QByteArray(5000, 'x'))
                               << "is larger than 4096 bytes: refused";
    QTest::newRow("too-many-parts") << FakeHttpServer::answer(200, multipartType,
        multipart({ { "application/dicom", "a" }, { "application/dicom", "b" }, { "application/dicom", "c" } }))
                                    << "more than 2 parts";
    QTest::newRow("silent") << QByteArray() << "timed out: no data within 1 s";
}

void DicomWebClientTest::hostileAnswersWriteNothing()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, message);
    FakeHttpServer server(answer);
    QVERIFY(server.listen());
    DicomWebClient hostile { QUrl(server.url()) };
    hostile.setTimeoutSeconds(1);
    DicomWebClient::Limits limits;
    limits.maximumResponseBytes = 4096;
    limits.maximumParts = 2;
    hostile.setLimits(limits);
    QTemporaryDir parent;
    QString error;
    QVERIFY(!hostile.retrieveStudy(QStringLiteral("1.2.3"), parent.filePath(QStringLiteral("out")), {}, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(server.requestCount() >= 1);
    QCOMPARE(filesBelow(parent.path()), QStringList());
}

void DicomWebClientTest::hostilePartsAreRefusedOrRenamed()
{
    // One instance of the study whose SOP Instance UID is a path, one of another study, one part that is text.
    const std::string asked = "1.2.826.0.1.3680043.10.543.70";
    const std::string escaping = "1.2.3/../../../../../tmp/lrclr-web-escaped";
    const QByteArray inside = instanceBytes(m_directory.path(), asked, escaping);
    const QByteArray foreign = instanceBytes(m_directory.path(), "9.9.9.9", "9.9.9.9.1");
    QVERIFY(!inside.isEmpty() && !foreign.isEmpty());
    FakeHttpServer server(FakeHttpServer::answer(200, multipartType,
        multipart({ { "application/dicom", foreign }, { "text/plain", "hello" }, { "application/dicom", inside } })));
    QVERIFY(server.listen());
    DicomWebClient hostile { QUrl(server.url()) };
    hostile.setTimeoutSeconds(5);
    QTemporaryDir parent;
    const QString output = parent.filePath(QStringLiteral("out"));
    QString error;
    const auto retrieved = hostile.retrieveStudy(QString::fromStdString(asked), output, {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->refusedCount, 2);
    const QString expected = sha256Hex(QString::fromStdString(asked)) + u'/'
        + sha256Hex(QString::fromStdString(escaping)) + QStringLiteral(".dcm");
    QCOMPARE(retrieved->files, QStringList { output + u'/' + expected });
    QCOMPARE(filesBelow(parent.path()), QStringList { QStringLiteral("out/") + expected });
    QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/lrclr-web-escaped.dcm")));
    // Written byte for byte as received.
    QFile written(output + u'/' + expected);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(written.readAll() == inside);
}

void DicomWebClientTest::hostileQueryAnswersFail_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("message");
    QTest::newRow("html") << FakeHttpServer::answer(200, "text/html", "<html>hello</html>") << "is not JSON";
    QTest::newRow("object") << FakeHttpServer::answer(200, "application/dicom+json", "{}") << "not a JSON array";
    QTest::newRow("path-uid") << FakeHttpServer::answer(
        200, "application/dicom+json", R"([{"0020000D": {"vr": "UI", "Value": ["../x"]}}])")
                              << "without a valid Study Instance UID";
    // Thousands of matches, more than the answer may weigh.
    QByteArray many = "[";
    for (int i = 0; i < 5000; ++i)
        many += R"({"0020000D": {"vr": "UI", "Value": ["1.2.)" + QByteArray::number(i) + R"("]}},)";
    many.back() = ']';
    QTest::newRow("too-many") << FakeHttpServer::answer(200, "application/dicom+json", many)
                              << "is larger than 65536 bytes: refused";
    QTest::newRow("unauthorized") << FakeHttpServer::answer(401, "text/plain", "") << "HTTP 401 (Fake) from GET";
}

void DicomWebClientTest::hostileQueryAnswersFail()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, message);
    FakeHttpServer server(answer);
    QVERIFY(server.listen());
    DicomWebClient hostile { QUrl(server.url()) };
    hostile.setTimeoutSeconds(5);
    DicomWebClient::Limits limits;
    limits.maximumQueryBytes = 65536;
    hostile.setLimits(limits);
    QString error;
    QVERIFY(!hostile.findStudies({}, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(server.requestCount(), 1);
}

void DicomWebClientTest::cancelFromAnotherThreadStopsWaiting()
{
    // A server that never answers and a timeout far away: only the cancel can end the wait.
    FakeHttpServer silent { QByteArray() };
    QVERIFY(silent.listen());
    DicomWebClient waiting { QUrl(silent.url()) };
    waiting.setTimeoutSeconds(300);
    std::thread canceller([&waiting, &silent] {
        while (silent.requestCount() == 0)
            std::this_thread::yield();
        waiting.cancel();
    });
    QTemporaryDir parent;
    QString error;
    QVERIFY(!waiting.retrieveStudy(QStringLiteral("1.2.3"), parent.filePath(QStringLiteral("out")), {}, &error));
    canceller.join();
    QVERIFY2(error.endsWith(QStringLiteral("/dicom-web/studies/1.2.3 cancelled")), qPrintable(error));
    QCOMPARE(filesBelow(parent.path()), QStringList());
}

void DicomWebClientTest::cacheRetrievesOnceThenOpensOffline()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    QString error;
    const auto retrieved = cache.open(*client(), study(1).studyInstanceUid, {}, &error);
    QVERIFY2(retrieved.has_value(), qPrintable(error));
    QCOMPARE(retrieved->size(), 1);
    QVERIFY(cache.contains(study(1).studyInstanceUid));
    QCOMPARE(sopInstanceUidOf(retrieved->first()), study(1).instances.first().sopInstanceUid);
    DicomWebClient closed { QUrl(QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(OrthancServer::freePort())) };
    const auto cached = cache.open(closed, study(1).studyInstanceUid, {}, &error);
    QVERIFY2(cached.has_value(), qPrintable(error));
    QCOMPARE(*cached, *retrieved);
    QVERIFY(!closed.findStudies({}, &error)); // the server really is unreachable
}

QTEST_GUILESS_MAIN(DicomWebClientTest)
#include "DicomWebClientTest.moc"
