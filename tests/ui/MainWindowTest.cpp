// MainWindow offscreen: settings persist across windows, a PNG with a report sidecar opens into the viewport and
// the report panel, a missing model fails with a readable message, dropped files and folders open, shortcuts exist,
// and export refuses politely without an analysis.
#include <sys/stat.h>

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QImage>
#include <QMimeData>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QUrl>

#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "tests/TestFiles.h"
#include "tests/study/TestDicomFiles.h"
#include "ui/ImageViewport.h"
#include "ui/MainWindow.h"
#include "ui/ReportPanel.h"
#include "ui/ShortcutSheet.h"
#include "ui/StudyBrowser.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

bool writeDicom(const QString& path, int columns, int rows)
{
    test::SyntheticImage image;
    image.columns = columns;
    image.rows = rows;
    image.samples = test::patternSamples(image);
    return test::writeSyntheticDicom(image, test::TestSyntax::ExplicitLittle, path.toStdString()).empty();
}

bool dragEnter(QWidget& window, const QList<QUrl>& urls)
{
    QMimeData data;
    data.setUrls(urls);
    QDragEnterEvent event(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    event.setAccepted(false);
    QApplication::sendEvent(&window, &event);
    return event.isAccepted();
}

/// Drags `urls` onto the window and drops them there, as a platform delivers it (Qt sends the drop to the widget that
/// accepted the drag); true when the window accepted the drop.
bool drop(QWidget& window, const QList<QUrl>& urls)
{
    if (!dragEnter(window, urls))
        return false;
    QMimeData data;
    data.setUrls(urls);
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    event.setAccepted(false);
    QApplication::sendEvent(&window, &event);
    return event.isAccepted();
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_folder;

    std::unique_ptr<InferenceService> missingModelService() const
    {
        return std::make_unique<InferenceService>(
            std::make_unique<LrclrAnalyzer>(m_folder.filePath(QStringLiteral("no-such-model")).toStdString()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        // Keep the user's real settings out of it.
        test::isolateSettings(m_folder);
        QCoreApplication::setOrganizationName(QStringLiteral("LRCLR-test"));
        QCoreApplication::setApplicationName(QStringLiteral("MainWindowTest"));
    }

    void settingsPersist()
    {
        const QString file = m_folder.filePath(QStringLiteral("persist.ini"));
        auto service = missingModelService();
        {
            MainWindow window(service.get());
            window.resize(1111, 777);
            window.overlaySettings()->setColormap(QStringLiteral("turbo"));
            window.overlaySettings()->setOpacity(0.7);
            window.overlaySettings()->setThreshold(0.45);
            window.overlaySettings()->setContoursVisible(false);
            QSettings settings(file, QSettings::IniFormat);
            window.saveSettings(settings);
        }
        MainWindow restored(service.get());
        QCOMPARE(restored.overlaySettings()->colormap(), QStringLiteral("inferno"));
        QSettings settings(file, QSettings::IniFormat);
        restored.restoreSettings(settings);
        QCOMPARE(restored.overlaySettings()->colormap(), QStringLiteral("turbo"));
        QCOMPARE(restored.overlaySettings()->opacity(), 0.7);
        QCOMPARE(restored.overlaySettings()->threshold(), 0.45);
        QCOMPARE(restored.overlaySettings()->contoursVisible(), false);
        QCOMPARE(restored.size(), QSize(1111, 777));
    }

    void opensAnImageWithItsReportAndReportsAMissingModel()
    {
        const QString image = m_folder.filePath(QStringLiteral("chest.png"));
        QImage pixels(300, 200, QImage::Format_Grayscale8);
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 300; ++x)
                pixels.scanLine(y)[x] = uchar((x + y) % 256);
        QVERIFY(pixels.save(image));
        const QString reportText = QStringLiteral("FINDINGS: Small right effusion. No pneumothorax.");
        QFile report(m_folder.filePath(QStringLiteral("chest.txt")));
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write(reportText.toUtf8());
        report.close();

        auto service = missingModelService();
        MainWindow window(service.get());
        QVERIFY(window.openPath(image));
        // Read on a worker: the image arrives through the event loop.
        QTRY_VERIFY_WITH_TIMEOUT(window.viewport()->hasImage(), 10000);
        QCOMPARE(window.viewport()->image().columns, 300);
        QCOMPARE(window.reportPanel()->textView()->toPlainText(), reportText);
        QCOMPARE(window.session()->study().sentences.size(), 2);
        // Listed before any analysis, without scores.
        QCOMPARE(window.reportPanel()->sentenceList()->topLevelItemCount(), 2);
        QCOMPARE(window.reportPanel()->sentenceList()->topLevelItem(1)->text(3), QStringLiteral("No pneumothorax."));
        QVERIFY(window.recentStudies().contains(QFileInfo(image).absoluteFilePath()));

        // No model there: the analysis fails with a message naming the problem, and the window stays usable.
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), ViewerSession::State::Failed, 20000);
        QVERIFY2(!window.session()->errorMessage().isEmpty(), "failure without a message");
        QString error;
        QVERIFY(!window.exportAnalysisJson(m_folder.filePath(QStringLiteral("a.json")), &error));
        QVERIFY(!error.isEmpty());
        const QString snapshot = m_folder.filePath(QStringLiteral("shot.png"));
        QVERIFY2(window.exportSnapshot(snapshot, &error), qPrintable(error));
        QImage written(snapshot);
        QVERIFY(!written.isNull());
        QCOMPARE(written.width(), 800);
        QVERIFY2(std::abs(written.height() - 533) <= 1, qPrintable(QString::number(written.height())));
    }

    void openingSomethingMissingFailsWithAMessage()
    {
        auto service = missingModelService();
        MainWindow window(service.get());
        QVERIFY(!window.openPath(m_folder.filePath(QStringLiteral("absent.dcm"))));
        QVERIFY(!window.viewport()->hasImage());
    }

    void droppedFilesAndFoldersOpen()
    {
        const QDir folder(m_folder.path());
        QVERIFY(folder.mkpath(QStringLiteral("drop/folder")));
        const QString file = folder.filePath(QStringLiteral("drop/single.dcm"));
        const QString inFolder = folder.filePath(QStringLiteral("drop/folder/image.dcm"));
        QVERIFY(writeDicom(file, 40, 48));
        QVERIFY(writeDicom(inFolder, 56, 64));

        auto service = missingModelService();
        MainWindow window(service.get());
        QVERIFY(window.acceptDrops());

        // Local files are welcome; remote ones and plain text are not.
        QVERIFY(dragEnter(window, { QUrl::fromLocalFile(file) }));
        QVERIFY(!dragEnter(window, { QUrl(QStringLiteral("https://example.org/chest.dcm")) }));
        QMimeData text;
        text.setText(file);
        QDragEnterEvent textEnter(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &textEnter);
        QVERIFY(!textEnter.isAccepted());

        // A file opens in the viewport and joins the recent studies.
        QVERIFY(drop(window, { QUrl::fromLocalFile(file) }));
        QTRY_VERIFY_WITH_TIMEOUT(window.viewport()->hasImage(), 10000);
        QCOMPARE(window.viewport()->image().columns, 40);
        QVERIFY(window.recentStudies().contains(QFileInfo(file).absoluteFilePath()));

        // Remote and missing files are refused and leave the open image alone; the first that opens wins.
        QVERIFY(!drop(window, { QUrl(QStringLiteral("https://example.org/chest.dcm")) }));
        QVERIFY(!drop(window, { QUrl::fromLocalFile(folder.filePath(QStringLiteral("drop/absent.dcm"))) }));
        QCOMPARE(window.viewport()->image().columns, 40);

        // A folder is indexed in the browser and its first image opened.
        QVERIFY(drop(window,
            { QUrl::fromLocalFile(folder.filePath(QStringLiteral("drop/absent.dcm"))),
                QUrl::fromLocalFile(folder.filePath(QStringLiteral("drop/folder"))) }));
        QTRY_COMPARE_WITH_TIMEOUT(window.viewport()->image().columns, 56, 20000);
        QCOMPARE(window.studyBrowser()->tree()->topLevelItemCount(), 1);
        QCOMPARE(window.session()->study().path, QFileInfo(inFolder).absoluteFilePath());
    }

    void standardShortcutsExist()
    {
        auto service = missingModelService();
        MainWindow window(service.get());
        QStringList keys;
        for (const QAction* action : window.shortcutActions())
            for (const QKeySequence& key : action->shortcuts())
                keys << key.toString(QKeySequence::PortableText);
        for (const char* key : { "H", "F", "1", "I", "W", "C", "B", "F1", "Ctrl+O", "Ctrl+E", "PgDown", "Esc",
                 "Ctrl+PgDown", "Ctrl+PgUp" })
            QVERIFY2(keys.contains(QString::fromLatin1(key)), key);
        // No key bound twice (an ambiguous shortcut silently does nothing).
        QStringList seen;
        for (const QString& key : keys) {
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen << key;
        }
    }

    // Quitting while a folder holding a FIFO (and many images) is being indexed returns within a second: the FIFO is
    // never opened, and the indexer and thumbnail threads do not hold up the window's destruction.
    void quittingDuringIndexingReturnsWithinASecond()
    {
        const QString folder = m_folder.filePath(QStringLiteral("indexing-with-fifo"));
        QVERIFY(QDir().mkpath(folder));
        QCOMPARE(::mkfifo(QFile::encodeName(folder + QStringLiteral("/pipe.dcm")).constData(), 0600), 0);
        QImage image(2000, 2000, QImage::Format_Grayscale8);
        image.fill(80);
        for (int k = 0; k < 40; ++k)
            QVERIFY(image.save(folder + QStringLiteral("/image-%1.png").arg(k)));
        auto service = missingModelService();
        QElapsedTimer timer;
        {
            auto window = std::make_unique<MainWindow>(service.get());
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            QVERIFY(window->openPath(folder));
            QTest::qWait(50); // indexing has started
            timer.start();
            window->close();
            window.reset();
        }
        const qint64 elapsed = timer.elapsed();
        qInfo("closed the window %lld ms after indexing started", elapsed);
        QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("closing took %1 ms").arg(elapsed)));
    }

    // The F1 sheet lists every shortcut and is tall enough to show them all where the screen allows it.
    void shortcutSheetShowsEveryRow()
    {
        auto service = missingModelService();
        MainWindow window(service.get());
        ShortcutSheet sheet(
            { { QStringLiteral("All"), window.shortcutActions() } }, { QStringLiteral("Pan\tMiddle drag") }, &window);
        auto* tree = sheet.findChild<QTreeWidget*>();
        QVERIFY(tree);
        int rows = 0;
        for (QTreeWidgetItemIterator it(tree); *it; ++it)
            ++rows;
        QVERIFY2(rows >= 25, qPrintable(QString::number(rows))); // 24 shortcuts today, two headings, one hint
        sheet.show();
        QVERIFY(QTest::qWaitForWindowExposed(&sheet));
        const int available = sheet.screen()->availableGeometry().height() * 9 / 10;
        if (sheet.height() < available)
            QVERIFY2(!tree->verticalScrollBar()->isVisible(),
                qPrintable(QStringLiteral("%1 rows in a %2 px sheet").arg(rows).arg(sheet.height())));
        else
            QCOMPARE(sheet.height(), available);
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::MainWindowTest)
#include "MainWindowTest.moc"
