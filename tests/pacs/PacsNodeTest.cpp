// PacsNode's "AET@HOST:PORT" parsing and StudyQuery's date ranges and value checks (no network).
#include <QTest>

#include "core/pacs/PacsNode.h"
#include "core/pacs/StudyQuery.h"

using namespace lrclr;

class PacsNodeTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesNodes_data();
    void parsesNodes();
    void refusesNodes_data();
    void refusesNodes();
    void parsesDateRanges_data();
    void parsesDateRanges();
    void refusesDateRanges_data();
    void refusesDateRanges();
    void queryProblems();
};

void PacsNodeTest::parsesNodes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("aeTitle");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "ORTHANC@127.0.0.1:4242"
                          << "ORTHANC"
                          << "127.0.0.1" << 4242;
    QTest::newRow("name") << "PACS_1@pacs.example.org:104"
                          << "PACS_1"
                          << "pacs.example.org" << 104;
    QTest::newRow("ipv6") << "A@[::1]:11112"
                          << "A"
                          << "::1" << 11112;
    QTest::newRow("sixteen") << "ABCDEFGHIJKLMNOP@h:1"
                             << "ABCDEFGHIJKLMNOP"
                             << "h" << 1;
}

void PacsNodeTest::parsesNodes()
{
    QFETCH(QString, text);
    QFETCH(QString, aeTitle);
    QFETCH(QString, host);
    QFETCH(int, port);
    QString error;
    const auto node = PacsNode::parse(text, &error);
    QVERIFY2(node.has_value(), qPrintable(error));
    QCOMPARE(node->aeTitle(), aeTitle);
    QCOMPARE(node->host(), host);
    QCOMPARE(node->port(), port);
    QCOMPARE(PacsNode::parse(node->toString())->toString(), node->toString());
}

void PacsNodeTest::refusesNodes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no-at") << "127.0.0.1:4242"
                           << "has no '@'";
    QTest::newRow("no-port") << "ORTHANC@127.0.0.1"
                             << "has no ':'";
    QTest::newRow("empty-aet") << "@127.0.0.1:4242"
                               << "AE title is empty";
    QTest::newRow("long-aet") << "ABCDEFGHIJKLMNOPQ@h:1"
                              << "longer than 16";
    QTest::newRow("backslash-aet") << "A\\B@h:1"
                                   << "not allowed";
    QTest::newRow("spaces-aet") << "   @h:1"
                                << "only spaces";
    QTest::newRow("no-host") << "A@:104"
                             << "host is missing";
    QTest::newRow("bad-host") << "A@ho/st:104"
                              << "host contains '/'";
    QTest::newRow("port-zero") << "A@h:0"
                               << "from 1 to 65535";
    QTest::newRow("port-big") << "A@h:65536"
                              << "from 1 to 65535";
    QTest::newRow("port-text") << "A@h:dicom"
                               << "'dicom' is not a number";
    QTest::newRow("bare-ipv6") << "A@::1:104"
                               << "in brackets";
}

void PacsNodeTest::refusesNodes()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!PacsNode::parse(text, &error).has_value());
    QVERIFY2(error.contains(message), qPrintable(error));
}

void PacsNodeTest::parsesDateRanges_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::newRow("closed") << "20240101-20240131" << QDate(2024, 1, 1) << QDate(2024, 1, 31);
    QTest::newRow("from") << "20240301-" << QDate(2024, 3, 1) << QDate();
    QTest::newRow("until") << "-19991231" << QDate() << QDate(1999, 12, 31);
    QTest::newRow("one-day") << "20240229" << QDate(2024, 2, 29) << QDate(2024, 2, 29);
}

void PacsNodeTest::parsesDateRanges()
{
    QFETCH(QString, text);
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QDate parsedFrom(1900, 1, 1);
    QDate parsedTo(1900, 1, 1);
    QString error;
    QVERIFY2(StudyQuery::parseDateRange(text, &parsedFrom, &parsedTo, &error), qPrintable(error));
    QCOMPARE(parsedFrom, from);
    QCOMPARE(parsedTo, to);
}

void PacsNodeTest::refusesDateRanges_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << ""
                           << "not a date range";
    QTest::newRow("dash") << "-"
                          << "not a date range";
    QTest::newRow("two-dashes") << "2024-01-01"
                                << "not a date range";
    QTest::newRow("no-such-day") << "20230229-"
                                 << "not a valid YYYYMMDD";
    QTest::newRow("short") << "202401-202402"
                           << "not a valid YYYYMMDD";
    QTest::newRow("reversed") << "20240201-20240101"
                              << "starts after it ends";
}

void PacsNodeTest::refusesDateRanges()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QDate from;
    QDate to;
    QString error;
    QVERIFY(!StudyQuery::parseDateRange(text, &from, &to, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void PacsNodeTest::queryProblems()
{
    StudyQuery query;
    QCOMPARE(query.problem(), QString());
    query.patientId = QStringLiteral("A\\B");
    QVERIFY(query.problem().contains(QStringLiteral("backslash")));
    query.patientId.clear();
    query.accessionNumber = QString(17, u'1');
    QVERIFY(query.problem().contains(QStringLiteral("accession number is longer than 16")));
    query.accessionNumber.clear();
    query.limit = -1;
    QVERIFY(query.problem().contains(QStringLiteral("negative")));
}

QTEST_GUILESS_MAIN(PacsNodeTest)
#include "PacsNodeTest.moc"
