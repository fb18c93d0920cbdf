// StudyBrowser offscreen on a folder of generated files: DICOM images of two patients (two studies, a PA and a lateral
// in one series), a PNG with a report sidecar and a file that is neither. The tree must read patient -> study ->
// series -> image with the headers' names, dates, view positions and sizes, thumbnails must arrive from the worker
// threads, and activating an image must ask for that file with its report.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "tests/study/TestDicomFiles.h"
#include "ui/StudyBrowser.h"

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

QTreeWidgetItem* topLevelContaining(QTreeWidget* tree, const QString& text)
{
    for (int k = 0; k < tree->topLevelItemCount(); ++k)
        if (tree->topLevelItem(k)->text(0).contains(text))
            return tree->topLevelItem(k);
    return nullptr;
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

/// Image rows of the tree (the leaves with a file behind them), in tree order.
QList<QTreeWidgetItem*> imageItems(QTreeWidget* tree)
{
    QList<QTreeWidgetItem*> items;
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        if (!(*it)->toolTip(0).isEmpty())
            items << *it;
    return items;
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
        QTRY_VERIFY_WITH_TIMEOUT(browser.tree()->topLevelItemCount() == 3, 20000);
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

    void treeReadsPatientStudySeriesImage()
    {
        StudyBrowser browser;
        QSignalSpy indexed(&browser, &StudyBrowser::indexed);
        indexFolder(browser);
        QTreeWidget* tree = browser.tree();

        QTreeWidgetItem* jane = topLevelContaining(tree, QStringLiteral("DOE, JANE"));
        QVERIFY2(jane, "no row for patient DOE^JANE");
        QVERIFY2(jane->text(0).contains(QStringLiteral("[P1]")), qPrintable(jane->text(0)));
        QCOMPARE(jane->childCount(), 2);
        // Studies by date, with their descriptions.
        QVERIFY2(jane->child(0)->text(0).startsWith(QStringLiteral("2024-03-01")), qPrintable(jane->child(0)->text(0)));
        QVERIFY(jane->child(0)->text(0).contains(QStringLiteral("CHEST PA LAT")));
        QVERIFY2(jane->child(1)->text(0).startsWith(QStringLiteral("2025-01-10")), qPrintable(jane->child(1)->text(0)));
        QTreeWidgetItem* series = jane->child(0)->child(0);
        QVERIFY(series);
        QVERIFY2(series->text(0).contains(QStringLiteral("Series 1 CR PA and lateral")), qPrintable(series->text(0)));
        // The two images of the series in instance-number order, named by view position and size.
        QCOMPARE(series->childCount(), 2);
        const QString size = QStringLiteral("%1\u00D7%2").arg(columns).arg(rows);
        QCOMPARE(series->child(0)->text(0), QStringLiteral("PA  ") + size);
        QCOMPARE(series->child(0)->toolTip(0), m_pa);
        QCOMPARE(series->child(1)->text(0), QStringLiteral("LL  ") + size);
        QCOMPARE(series->child(1)->toolTip(0), m_lateral);

        QTreeWidgetItem* richard = topLevelContaining(tree, QStringLiteral("ROE, RICHARD"));
        QVERIFY2(richard, "no row for patient ROE^RICHARD");
        QCOMPARE(richard->childCount(), 1);

        // The PNG has no patient name; its study carries the sidecar report.
        QTreeWidgetItem* unnamed = topLevelContaining(tree, QStringLiteral("no patient name"));
        QVERIFY2(unnamed, "no row for the PNG");
        QVERIFY2(unnamed->child(0)->text(0).contains(QStringLiteral("report")), qPrintable(unnamed->child(0)->text(0)));

        // Five images; the file that is neither an image nor a report is counted as not indexed.
        const QList<QTreeWidgetItem*> images = imageItems(tree);
        QCOMPARE(images.size(), 5);
        bool junkListed = false;
        for (const auto& problem : browser.studyIndex().problems())
            junkListed = junkListed || problem.filePath.endsWith(QStringLiteral("notes.bin"));
        QVERIFY(junkListed);
        const QLabel* status = browser.findChild<QLabel*>();
        QVERIFY(status);
        QVERIFY2(status->text().startsWith(QStringLiteral("5 image(s)"))
                && status->text().contains(
                    QStringLiteral("%1 file(s) not indexed").arg(browser.studyIndex().problems().size())),
            qPrintable(status->text()));

        // The window is asked to open the first image of the tree.
        QCOMPARE(indexed.size(), 1);
        QCOMPARE(indexed[0][0].toString(), images[0]->toolTip(0));
    }

    void thumbnailsArriveFromTheWorkers()
    {
        StudyBrowser browser;
        indexFolder(browser);
        const QList<QTreeWidgetItem*> images = imageItems(browser.tree());
        QCOMPARE(images.size(), 5);
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

    void activatingAnImageAsksForItWithItsReport()
    {
        StudyBrowser browser;
        browser.resize(400, 600);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        indexFolder(browser, false);
        QSignalSpy activated(&browser, &StudyBrowser::imageActivated);
        QTreeWidget* tree = browser.tree();

        QTreeWidgetItem* png = nullptr;
        for (QTreeWidgetItem* item : imageItems(tree))
            png = item->toolTip(0) == m_png ? item : png;
        QVERIFY(png);
        tree->setFocus();
        tree->setCurrentItem(png);
        QTest::keyClick(tree, Qt::Key_Return);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][0].toString(), m_png);
        QCOMPARE(activated[0][1].toString(), m_pngReport);

        // Double-clicking a DICOM image; a study row has no file behind it and asks for nothing.
        QTreeWidgetItem* lateral = nullptr;
        for (QTreeWidgetItem* item : imageItems(tree))
            lateral = item->toolTip(0) == m_lateral ? item : lateral;
        QVERIFY(lateral);
        tree->scrollToItem(lateral);
        doubleClick(tree->viewport(), tree->visualItemRect(lateral).center());
        QCOMPARE(activated.size(), 2);
        QCOMPARE(activated[1][0].toString(), m_lateral);
        tree->setCurrentItem(lateral->parent()->parent());
        QTest::keyClick(tree, Qt::Key_Return);
        QCOMPARE(activated.size(), 2);
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
