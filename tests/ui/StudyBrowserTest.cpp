// StudyBrowser offscreen on a folder of generated files: DICOM images of two patients (two studies, a PA and a lateral
// in one series), a PNG with a report sidecar and a file that is neither. The worklist must hold one row per study
// with the headers' names, IDs, dates and view positions, sort numeric-aware, filter, thumbnails must arrive from the
// worker threads, and a click (or Enter) must ask for the study's frontal image with its report.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "tests/study/TestDicomFiles.h"
#include "ui/StudyBrowser.h"
#include "ui/model/WorklistRows.h"

namespace lrclr {

namespace {

constexpr int rows = 48;
constexpr int columns = 40;

struct DicomFile {
    QString name;
    std::string patientName;
    std::string patientId;
    std::string studyUid;
    std::string studyDate;
    std::string studyDescription;
    std::string seriesUid;
    std::string instanceNumber;
    std::string viewPosition;
};

QString writeDicom(const QDir& folder, const DicomFile& file)
{
    test::SyntheticImage image;
    image.rows = rows;
    image.columns = columns;
    image.samples = test::patternSamples(image);
    image.attributes = {
        { 0x0010, 0x0010, file.patientName },
        { 0x0010, 0x0020, file.patientId },
        { 0x0020, 0x000D, file.studyUid },
        { 0x0008, 0x0020, file.studyDate },
        { 0x0008, 0x1030, file.studyDescription },
        { 0x0020, 0x000E, file.seriesUid },
        { 0x0020, 0x0011, "1" },
        { 0x0008, 0x103E, "PA and lateral" },
        { 0x0020, 0x0013, file.instanceNumber },
        { 0x0018, 0x5101, file.viewPosition },
    };
    const QString path = folder.filePath(file.name);
    const std::string error = test::writeSyntheticDicom(image, test::TestSyntax::ExplicitLittle, path.toStdString());
    return error.empty() ? path : QString();
}

/// Press, release, double-click, release: the sequence a platform delivers for a double-click.
void doubleClick(QWidget* widget, QPoint position)
{
    const QPointF global = widget->mapToGlobal(QPointF(position));
    for (const auto type : { QEvent::MouseButtonPress, QEvent::MouseButtonRelease, QEvent::MouseButtonDblClick,
             QEvent::MouseButtonRelease }) {
        QMouseEvent event(type, QPointF(position), global, Qt::LeftButton,
            type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(widget, &event);
    }
}

/// The worklist's rows, in their order.
QList<QTreeWidgetItem*> imageItems(QTreeWidget* tree)
{
    QList<QTreeWidgetItem*> items;
    for (int k = 0; k < tree->topLevelItemCount(); ++k)
        items << tree->topLevelItem(k);
    return items;
}

/// The row whose tooltip names `path` (the image it opens).
QTreeWidgetItem* rowFor(QTreeWidget* tree, const QString& path)
{
    for (QTreeWidgetItem* item : imageItems(tree))
        if (item->toolTip(0).split(QLatin1Char('\n')).contains(path))
            return item;
    return nullptr;
}

} // namespace

class StudyBrowserTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_folder;
    QString m_pa;
    QString m_lateral;
    QString m_followUp;
    QString m_otherPatient;
    QString m_png;
    QString m_pngReport;

    /// Indexes the folder and waits for the tree.
    void indexFolder(StudyBrowser& browser, bool openFirst = true)
    {
        browser.index(m_folder.path(), openFirst);
        QTRY_VERIFY_WITH_TIMEOUT(browser.tree()->topLevelItemCount() == 4, 20000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        const QDir folder(m_folder.path());
        QVERIFY(folder.mkpath(QStringLiteral("jane/2024")));
        QVERIFY(folder.mkpath(QStringLiteral("jane/2025")));
        QVERIFY(folder.mkpath(QStringLiteral("richard")));
        m_pa = writeDicom(QDir(folder.filePath(QStringLiteral("jane/2024"))),
            { QStringLiteral("pa.dcm"), "DOE^JANE", "P1", "1.2.826.0.1.3680043.99.1", "20240301", "CHEST PA LAT",
                "1.2.826.0.1.3680043.99.1.1", "1", "PA" });
        m_lateral = writeDicom(QDir(folder.filePath(QStringLiteral("jane/2024"))),
            { QStringLiteral("lateral.dcm"), "DOE^JANE", "P1", "1.2.826.0.1.3680043.99.1", "20240301", "CHEST PA LAT",
                "1.2.826.0.1.3680043.99.1.1", "2", "LL" });
        m_followUp = writeDicom(QDir(folder.filePath(QStringLiteral("jane/2025"))),
            { QStringLiteral("ap.dcm"), "DOE^JANE", "P1", "1.2.826.0.1.3680043.99.2", "20250110", "CHEST AP",
                "1.2.826.0.1.3680043.99.2.1", "1", "AP" });
        m_otherPatient = writeDicom(QDir(folder.filePath(QStringLiteral("richard"))),
            { QStringLiteral("image.dcm"), "ROE^RICHARD", "P2", "1.2.826.0.1.3680043.99.3", "20230715", "CHEST",
                "1.2.826.0.1.3680043.99.3.1", "1", "PA" });
        for (const QString& path : { m_pa, m_lateral, m_followUp, m_otherPatient })
            QVERIFY2(!path.isEmpty(), "a synthetic DICOM file could not be written");

        m_png = folder.filePath(QStringLiteral("chest.png"));
        QImage png(columns, rows, QImage::Format_Grayscale8);
        png.fill(90);
        QVERIFY(png.save(m_png));
        m_pngReport = folder.filePath(QStringLiteral("chest.txt"));
        QFile report(m_pngReport);
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("FINDINGS: No effusion.");
        report.close();
        QFile junk(folder.filePath(QStringLiteral("notes.bin")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(300, '\x7f'));
    }

    void worklistHasOneRowPerStudy()
    {
        StudyBrowser browser;
        QSignalSpy indexed(&browser, &StudyBrowser::indexed);
        indexFolder(browser);
        QTreeWidget* tree = browser.tree();
        QCOMPARE(tree->columnCount(), 6);

        // Jane's first study: PA + lateral in one row, opening the PA; sorted by patient, Jane's studies by date.
        QTreeWidgetItem* first = rowFor(tree, m_pa);
        QVERIFY2(first, "no row opens the PA");
        QCOMPARE(first->text(0), QStringLiteral("DOE, JANE"));
        QCOMPARE(first->text(1), QStringLiteral("P1"));
        QCOMPARE(first->text(2), QStringLiteral("2024-03-01"));
        QCOMPARE(first->text(3), QStringLiteral("PA, LL"));
        QCOMPARE(first->text(4), QStringLiteral("2"));
        QVERIFY(first->text(5).contains(QStringLiteral("CHEST PA LAT")));
        QVERIFY2(first->toolTip(3).contains(QStringLiteral("DOE, JANE  [P1]")), qPrintable(first->toolTip(3)));
        QTreeWidgetItem* followUp = rowFor(tree, m_followUp);
        QVERIFY(followUp);
        QCOMPARE(followUp->text(3), QStringLiteral("AP"));
        QVERIFY(tree->indexOfTopLevelItem(first) < tree->indexOfTopLevelItem(followUp));
        QVERIFY(rowFor(tree, m_otherPatient));
        QVERIFY(!rowFor(tree, m_lateral)); // the lateral is in the PA's row
        // The PNG has no patient name; its row carries the sidecar report.
        QTreeWidgetItem* png = rowFor(tree, m_png);
        QVERIFY(png);
        QCOMPARE(png->text(0), QStringLiteral("(no patient name)"));
        QVERIFY2(png->text(5).contains(QStringLiteral("report")), qPrintable(png->text(5)));

        // Five images in four studies; the file that is neither an image nor a report is counted as not indexed.
        bool junkListed = false;
        for (const auto& problem : browser.studyIndex().problems())
            junkListed = junkListed || problem.filePath.endsWith(QStringLiteral("notes.bin"));
        QVERIFY(junkListed);
        const QLabel* status = browser.findChild<QLabel*>(QString(), Qt::FindDirectChildrenOnly);
        QVERIFY(status);
        QVERIFY2(status->text().startsWith(QStringLiteral("4 stud(ies), 5 image(s)"))
                && status->text().contains(
                    QStringLiteral("%1 file(s) not indexed").arg(browser.studyIndex().problems().size())),
            qPrintable(status->text()));

        // The window is asked to open the first row's image.
        QCOMPARE(indexed.size(), 1);
        QVERIFY(tree->topLevelItem(0)->toolTip(0).split(QLatin1Char('\n')).contains(indexed[0][0].toString()));
    }

    void sortsNumericAwareAndFilters()
    {
        QVERIFY(WorklistRows::naturalLess(QStringLiteral("3-2"), QStringLiteral("3-10")));
        QVERIFY(!WorklistRows::naturalLess(QStringLiteral("3-10"), QStringLiteral("3-2")));
        QVERIFY(WorklistRows::naturalLess(QStringLiteral("img9"), QStringLiteral("IMG10")));
        QVERIFY(WorklistRows::naturalLess(QStringLiteral("a"), QStringLiteral("a1")));
        QVERIFY(!WorklistRows::naturalLess(QStringLiteral("x007"), QStringLiteral("x7")));
        QVERIFY(!WorklistRows::naturalLess(QStringLiteral("x7"), QStringLiteral("x007")));
        QVERIFY(WorklistRows::naturalLess(QStringLiteral("DOE, JANE"), QStringLiteral("roe, richard")));
        StudyBrowser browser;
        indexFolder(browser, false);
        QTreeWidget* tree = browser.tree();
        tree->sortByColumn(2, Qt::DescendingOrder); // newest first
        QCOMPARE(tree->topLevelItem(0)->text(2), QStringLiteral("2025-01-10"));
        browser.filterBox()->setText(QStringLiteral("roe"));
        int visible = 0;
        for (QTreeWidgetItem* item : imageItems(tree))
            visible += item->isHidden() ? 0 : 1;
        QCOMPARE(visible, 1);
        QVERIFY(!rowFor(tree, m_otherPatient)->isHidden());
        browser.filterBox()->setText(QStringLiteral("jane 2025"));
        QVERIFY(!rowFor(tree, m_followUp)->isHidden());
        QVERIFY(rowFor(tree, m_pa)->isHidden());
        browser.filterBox()->clear();
        for (QTreeWidgetItem* item : imageItems(tree))
            QVERIFY(!item->isHidden());
    }

    void thumbnailsArriveFromTheWorkers()
    {
        StudyBrowser browser;
        indexFolder(browser);
        const QList<QTreeWidgetItem*> images = imageItems(browser.tree());
        QCOMPARE(images.size(), 4);
        for (QTreeWidgetItem* item : images) {
            QTRY_VERIFY2_WITH_TIMEOUT(!item->icon(0).isNull(), qPrintable(item->toolTip(0)), 20000);
            // Aspect kept: the images are taller than wide.
            const QSize thumbnail = item->icon(0).availableSizes().value(0);
            QVERIFY2(thumbnail.height() == 64 && thumbnail.width() < 64,
                qPrintable(QStringLiteral("%1: %2 x %3")
                               .arg(item->toolTip(0))
                               .arg(thumbnail.width())
                               .arg(thumbnail.height())));
        }
    }

    void aClickOrEnterOpensTheStudyAndKeysStepThroughThem()
    {
        StudyBrowser browser;
        browser.resize(700, 600);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        indexFolder(browser, false);
        QSignalSpy activated(&browser, &StudyBrowser::imageActivated);
        QTreeWidget* tree = browser.tree();

        // One click on the PNG's row asks for it with its report; a second click on it does not re-open.
        QTreeWidgetItem* png = rowFor(tree, m_png);
        QVERIFY(png);
        tree->scrollToItem(png);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(png).center());
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][0].toString(), m_png);
        QCOMPARE(activated[0][1].toString(), m_pngReport);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(png).center());
        QCOMPARE(activated.size(), 1);

        // Enter on Jane's first study opens its PA, not the lateral.
        tree->setFocus();
        tree->setCurrentItem(rowFor(tree, m_pa));
        QTest::keyClick(tree, Qt::Key_Return);
        QCOMPARE(activated.size(), 2);
        QCOMPARE(activated[1][0].toString(), m_pa);

        // A double-click (press, release, double-click) opens the row once.
        QTreeWidgetItem* followUp = rowFor(tree, m_followUp);
        tree->scrollToItem(followUp);
        doubleClick(tree->viewport(), tree->visualItemRect(followUp).center());
        QCOMPARE(activated.size(), 3);
        QCOMPARE(activated[2][0].toString(), m_followUp);
        activated.clear();

        // Next and previous study follow the visible rows and wrap around.
        const int at = tree->indexOfTopLevelItem(tree->currentItem());
        browser.openNextStudy(1);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(tree->indexOfTopLevelItem(tree->currentItem()), (at + 1) % 4);
        browser.openNextStudy(-1);
        browser.openNextStudy(-1);
        QCOMPARE(tree->indexOfTopLevelItem(tree->currentItem()), (at + 3) % 4);
        QCOMPARE(activated.size(), 3);
    }

    void indexingWithoutOpeningAsksForNothing()
    {
        StudyBrowser browser;
        QSignalSpy indexed(&browser, &StudyBrowser::indexed);
        indexFolder(browser, false);
        QCOMPARE(indexed.size(), 0);
    }

    void aMissingFolderIsAMessage()
    {
        StudyBrowser browser;
        QSignalSpy message(&browser, &StudyBrowser::message);
        QSignalSpy indexed(&browser, &StudyBrowser::indexed);
        browser.index(m_folder.filePath(QStringLiteral("no-such-folder")));
        QTRY_COMPARE_WITH_TIMEOUT(message.size(), 1, 20000);
        QVERIFY2(
            message[0][0].toString().contains(QStringLiteral("no-such-folder")), qPrintable(message[0][0].toString()));
        QCOMPARE(indexed.size(), 0);
        QCOMPARE(browser.tree()->topLevelItemCount(), 0);
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::StudyBrowserTest)
#include "StudyBrowserTest.moc"
