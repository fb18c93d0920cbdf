// StudyCache without a PACS: completeness markers, least-recently-used eviction by whole study, opening a cached
// study without the network, and what a failed retrieve leaves (nothing).
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "core/pacs/PacsClient.h"
#include "core/pacs/StudyCache.h"

using namespace lrclr;

namespace {

const QString studyOne = QStringLiteral("1.2.826.0.1.3680043.10.543.11");
const QString studyTwo = QStringLiteral("1.2.826.0.1.3680043.10.543.12");
const QString studyThree = QStringLiteral("1.2.826.0.1.3680043.10.543.13");
const QString studyFour = QStringLiteral("1.2.826.0.1.3680043.10.543.14");

/// Puts a study of one `bytes`-long file where PacsClient::retrieveStudy() would.
bool putStudy(const QString& cacheFolder, const QString& studyUid, int bytes)
{
    const QString folder = PacsClient::studyFolder(cacheFolder, studyUid);
    QFile file(folder + QStringLiteral("/instance.dcm"));
    return QDir().mkpath(folder) && file.open(QIODevice::WriteOnly) && file.write(QByteArray(bytes, 'x')) == bytes;
}

QDateTime day(int number)
{
    return QDateTime(QDate(2024, 1, number), QTime(12, 0), Qt::UTC);
}

} // namespace

class StudyCacheTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void completeStudiesOnly();
    void evictsLeastRecentlyUsed();
    void noLimitKeepsEverything();
    void refusesNonUids();
    void opensCachedStudyWithoutNetwork();
    void failedRetrieveLeavesNothing();
};

void StudyCacheTest::completeStudiesOnly()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    QVERIFY(putStudy(directory.path(), studyOne, 100));
    QVERIFY(!cache.contains(studyOne));
    QCOMPARE(cache.files(studyOne), QStringList());
    QVERIFY(!cache.markUsed(studyOne));
    QVERIFY(cache.markComplete(studyOne));
    QVERIFY(cache.contains(studyOne));
    QCOMPARE(cache.files(studyOne),
        QStringList { PacsClient::studyFolder(directory.path(), studyOne) + QStringLiteral("/instance.dcm") });
    QVERIFY(!cache.markComplete(studyTwo)); // no folder: nothing to mark
    QVERIFY(cache.remove(studyOne));
    QVERIFY(!cache.contains(studyOne));
    QVERIFY(!cache.remove(studyOne));
}

void StudyCacheTest::evictsLeastRecentlyUsed()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 2500);
    const QString studies[] = { studyOne, studyTwo, studyThree };
    for (int i = 0; i < 3; ++i) {
        QVERIFY(putStudy(directory.path(), studies[i], 1000));
        QVERIFY(cache.markComplete(studies[i]));
        QVERIFY(cache.markUsed(studies[i], day(i + 1)));
    }
    QVERIFY(cache.sizeBytes() > 2500);
    QCOMPARE(cache.evict(), 1);
    QVERIFY(!cache.contains(studyOne));
    QVERIFY(cache.contains(studyTwo));
    QVERIFY(cache.contains(studyThree));
    QVERIFY(cache.sizeBytes() <= 2500);

    // Using study two makes study three the oldest; the study just added is never the one to go.
    QVERIFY(cache.markUsed(studyTwo, day(10)));
    QVERIFY(putStudy(directory.path(), studyFour, 1000));
    QVERIFY(cache.markComplete(studyFour));
    QVERIFY(cache.markUsed(studyFour, day(1)));
    QCOMPARE(cache.evict(studyFour), 1);
    QVERIFY(!cache.contains(studyThree));
    QVERIFY(cache.contains(studyTwo));
    QVERIFY(cache.contains(studyFour));
}

void StudyCacheTest::noLimitKeepsEverything()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    QVERIFY(putStudy(directory.path(), studyOne, 5000));
    QVERIFY(cache.markComplete(studyOne));
    QCOMPARE(cache.evict(), 0);
    QVERIFY(cache.contains(studyOne));
}

void StudyCacheTest::refusesNonUids()
{
    QTemporaryDir directory;
    const QString outside = directory.filePath(QStringLiteral("outside"));
    QVERIFY(QDir().mkpath(outside));
    StudyCache cache(directory.filePath(QStringLiteral("cache")), 0);
    QVERIFY(!cache.contains(QStringLiteral("../outside")));
    QVERIFY(!cache.remove(QStringLiteral("../outside")));
    QVERIFY(!cache.markComplete(QStringLiteral("..")));
    QVERIFY(QFileInfo(outside).isDir());
}

void StudyCacheTest::opensCachedStudyWithoutNetwork()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    QVERIFY(putStudy(directory.path(), studyOne, 100));
    QVERIFY(cache.markComplete(studyOne));
    QVERIFY(cache.markUsed(studyOne, day(1)));
    // A node nobody could reach: the cached study must not need it.
    PacsClient unreachable(PacsNode(QStringLiteral("NOWHERE"), QStringLiteral("nowhere.invalid"), 104));
    unreachable.cancel(); // any network call would now fail at once as "cancelled"
    QString error;
    const auto files = cache.open(unreachable, studyOne, {}, &error);
    QVERIFY2(files.has_value(), qPrintable(error));
    QCOMPARE(*files, cache.files(studyOne));
    QCOMPARE(files->size(), 1);
    QVERIFY(QFileInfo(PacsClient::studyFolder(directory.path(), studyOne) + QStringLiteral("/.lrclr-complete"))
                .lastModified()
        > day(1));
}

void StudyCacheTest::failedRetrieveLeavesNothing()
{
    QTemporaryDir directory;
    StudyCache cache(directory.path(), 0);
    // Left by an interrupted retrieve: a folder without the completeness marker.
    QVERIFY(putStudy(directory.path(), studyTwo, 100));
    PacsClient cancelled(PacsNode(QStringLiteral("NOWHERE"), QStringLiteral("nowhere.invalid"), 104));
    cancelled.cancel();
    QString error;
    QVERIFY(!cache.open(cancelled, studyTwo, {}, &error).has_value());
    QCOMPARE(error, QStringLiteral("cancelled"));
    QVERIFY(!cache.contains(studyTwo));
    QCOMPARE(QDir(directory.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
}

QTEST_GUILESS_MAIN(StudyCacheTest)
#include "StudyCacheTest.moc"
