// The DICOMweb client's parsers on their own: the multipart/related splitter on good and hostile bodies, and the
// QIDO-RS query string and DICOM JSON answer.
#include <QTest>

#include "core/pacs/internal/MultipartParser.h"
#include "core/pacs/internal/QidoStudies.h"

using namespace lrclr;
using namespace lrclr::internal;

class DicomWebPartsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void boundaryOfContentType_data();
    void boundaryOfContentType();
    void splitsParts();
    void acceptsEmptyMultipart();
    void refusesHostileBodies_data();
    void refusesHostileBodies();
    void queryStringEncodesFilters();
    void matchesNamesLikeDicom();
    void parsesStudies();
    void refusesBadStudyJson_data();
    void refusesBadStudyJson();
};

void DicomWebPartsTest::boundaryOfContentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary"); // empty: refused
    QTest::newRow("quoted") << QByteArray("multipart/related; type=\"application/dicom\"; boundary=\"a b:c\"")
                            << QByteArray("a b:c");
    QTest::newRow("bare") << QByteArray("Multipart/Related;boundary=XYZ-1;type=application/dicom")
                          << QByteArray("XYZ-1");
    QTest::newRow("no-boundary") << QByteArray("multipart/related; type=\"application/dicom\"") << QByteArray();
    QTest::newRow("not-multipart") << QByteArray("application/dicom+json; boundary=x") << QByteArray();
    QTest::newRow("too-long") << QByteArray("multipart/related; boundary=" + QByteArray(71, 'a')) << QByteArray();
    QTest::newRow("bad-character") << QByteArray("multipart/related; boundary=\"a\\r\\nb\"") << QByteArray();
    QTest::newRow("trailing-space") << QByteArray("multipart/related; boundary=\"ab \"") << QByteArray();
}

void DicomWebPartsTest::boundaryOfContentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    QString error;
    const auto found = MultipartParser::boundaryOf(contentType, &error);
    QCOMPARE(found.has_value(), !boundary.isEmpty());
    if (found)
        QCOMPARE(*found, boundary);
    else
        QVERIFY(!error.isEmpty());
}

void DicomWebPartsTest::splitsParts()
{
    // A preamble, two parts (one holding CRLFs and a near-boundary), an epilogue.
    const QByteArray body = "preamble\r\n--B1\r\nContent-Type: application/dicom\r\nX-Other: 1\r\n\r\n"
                            "first\r\n--B\r\n--B1x\r\n--B1\r\ncontent-type:  text/plain \r\n\r\nsecond"
                            "\r\n--B1--\r\nepilogue";
    QString error;
    const auto parts = MultipartParser::parse(body, "B1", {}, &error);
    QVERIFY2(parts.has_value(), qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).contentType, QByteArray("application/dicom"));
    QCOMPARE(body.mid(parts->at(0).offset, parts->at(0).size), QByteArray("first\r\n--B\r\n--B1x"));
    QCOMPARE(parts->at(1).contentType, QByteArray("text/plain"));
    QCOMPARE(body.mid(parts->at(1).offset, parts->at(1).size), QByteArray("second"));
}

void DicomWebPartsTest::acceptsEmptyMultipart()
{
    QString error;
    const auto parts = MultipartParser::parse(QByteArray("--B1--\r\n"), "B1", {}, &error);
    QVERIFY2(parts.has_value(), qPrintable(error));
    QCOMPARE(parts->size(), 0);
}

void DicomWebPartsTest::refusesHostileBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("maximumParts");
    QTest::addColumn<int>("maximumPartBytes");
    QTest::addColumn<QString>("message");
    const QByteArray part = "--B1\r\nContent-Type: application/dicom\r\n\r\n0123456789\r\n";
    QTest::newRow("empty") << QByteArray() << 100 << 1000 << "no boundary delimiter";
    QTest::newRow("no-delimiter") << QByteArray("just text\r\n--B2\r\n") << 100 << 1000 << "no boundary delimiter";
    QTest::newRow("truncated") << QByteArray("--B1\r\nContent-Type: application/dicom\r\n\r\n01234") << 100 << 1000
                               << "part 1 is not closed";
    QTest::newRow("ends-after-delimiter") << QByteArray(part + "--B1") << 100 << 1000 << "part 1 is not closed";
    QTest::newRow("garbage-after-delimiter")
        << QByteArray("--B1garbage\r\n\r\nx\r\n--B1--") << 100 << 1000 << "not followed by a line end";
    QTest::newRow("headers-without-end") << QByteArray("--B1\r\nContent-Type: application/dicom\r\nx\r\n--B1--") << 100
                                         << 1000 << "has no end of its headers";
    QTest::newRow("headers-too-long") << QByteArray("--B1\r\nX: " + QByteArray(20000, 'h') + "\r\n\r\nx\r\n--B1--")
                                      << 100 << 1000 << "headers over 16384 bytes";
    QTest::newRow("too-many-parts") << QByteArray(part + part + part + "--B1--") << 2 << 1000 << "more than 2 parts";
    QTest::newRow("part-too-large") << QByteArray(part + "--B1--") << 100 << 9 << "larger than 9 bytes";
}

void DicomWebPartsTest::refusesHostileBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(int, maximumParts);
    QFETCH(int, maximumPartBytes);
    QFETCH(QString, message);
    MultipartParser::Limits limits;
    limits.maximumParts = maximumParts;
    limits.maximumPartBytes = maximumPartBytes;
    QString error;
    QVERIFY(!MultipartParser::parse(body, "B1", limits, &error).has_value());
    QVERIFY2(error.contains(message), qPrintable(error));
}

void DicomWebPartsTest::queryStringEncodesFilters()
{
    StudyQuery query;
    query.patientId = QStringLiteral("PAT&1");
    query.patientName = QStringLiteral("DOE^J*");
    query.studyDateFrom = QDate(2024, 1, 1);
    query.modality = QStringLiteral("CR");
    const QString text = QidoStudies::queryString(query, 11);
    // '^' goes as '?' (filtered afterwards), wildcards as they are, the rest percent-encoded.
    QVERIFY2(text.startsWith(QStringLiteral("PatientID=PAT%261&PatientName=DOE?J*&StudyDate=20240101-&"
                                            "ModalitiesInStudy=CR&includefield=00100030&")),
        qPrintable(text));
    QVERIFY(QidoStudies::nameFilterNeeded(query));
    query.patientName = QStringLiteral("DOE*");
    QVERIFY(!QidoStudies::nameFilterNeeded(query));
    QVERIFY2(text.endsWith(QStringLiteral("&limit=11")), qPrintable(text));
    query.studyDateTo = QDate(2024, 1, 1);
    QVERIFY(QidoStudies::queryString(query, 0).contains(QStringLiteral("&StudyDate=20240101&")));
    QVERIFY(!QidoStudies::queryString(query, 0).contains(QStringLiteral("limit")));
}

void DicomWebPartsTest::matchesNamesLikeDicom()
{
    QVERIFY(QidoStudies::matchesName(QStringLiteral("DOE^J*"), QStringLiteral("DOE^JANE")));
    QVERIFY(QidoStudies::matchesName(QStringLiteral("doe^jane"), QStringLiteral("DOE^JANE")));
    QVERIFY(QidoStudies::matchesName(QStringLiteral("?OE^JANE"), QStringLiteral("ROE^JANE")));
    QVERIFY(!QidoStudies::matchesName(QStringLiteral("DOE^J*"), QStringLiteral("DOE JANE")));
    QVERIFY(!QidoStudies::matchesName(QStringLiteral("DOE"), QStringLiteral("DOE^JANE")));
    QVERIFY(QidoStudies::matchesName(QStringLiteral("A.B(c)*"), QStringLiteral("a.b(C)x"))); // no regex leaks
    QVERIFY(!QidoStudies::matchesName(QStringLiteral("A.B"), QStringLiteral("AxB")));
}

void DicomWebPartsTest::parsesStudies()
{
    const QByteArray json = R"([{
        "0020000D": {"vr": "UI", "Value": ["1.2.3.4"]},
        "00100010": {"vr": "PN", "Value": [{"Alphabetic": "DOE^JANE"}]},
        "00100020": {"vr": "LO", "Value": ["PAT-A1"]},
        "00100030": {"vr": "DA", "Value": ["19700304"]},
        "00080020": {"vr": "DA", "Value": ["20240115"]},
        "00080050": {"vr": "SH"},
        "00080061": {"vr": "CS", "Value": ["CR", "SR"]},
        "00201206": {"vr": "IS", "Value": [1]},
        "00201208": {"vr": "IS", "Value": ["2"]}
    }])";
    QString error;
    const auto studies = QidoStudies::parse(json, &error);
    QVERIFY2(studies.has_value(), qPrintable(error));
    QCOMPARE(studies->size(), 1);
    const PacsStudy& study = studies->first();
    QCOMPARE(study.studyInstanceUid, QStringLiteral("1.2.3.4"));
    QCOMPARE(study.patientName, QStringLiteral("DOE^JANE"));
    QCOMPARE(study.patientId, QStringLiteral("PAT-A1"));
    QCOMPARE(study.patientBirthDate, QDate(1970, 3, 4));
    QCOMPARE(study.studyDate, QDate(2024, 1, 15));
    QCOMPARE(study.accessionNumber, QString());
    QCOMPARE(study.modalities, (QStringList { QStringLiteral("CR"), QStringLiteral("SR") }));
    QCOMPARE(study.seriesCount, 1);
    QCOMPARE(study.instanceCount, 2);
    QCOMPARE(QidoStudies::parse("  ", &error)->size(), 0); // 204: no body
}

void DicomWebPartsTest::refusesBadStudyJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not-json") << QByteArray("<html>") << "is not JSON";
    QTest::newRow("object") << QByteArray("{}") << "not a JSON array";
    QTest::newRow("no-uid") << QByteArray("[{}]") << "without a valid Study Instance UID";
    QTest::newRow("path-uid") << QByteArray(R"([{"0020000D": {"vr": "UI", "Value": ["../../etc"]}}])")
                              << "without a valid Study Instance UID ('../../etc')";
}

void DicomWebPartsTest::refusesBadStudyJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!QidoStudies::parse(json, &error).has_value());
    QVERIFY2(error.contains(message), qPrintable(error));
}

QTEST_GUILESS_MAIN(DicomWebPartsTest)
#include "DicomWebPartsTest.moc"
