// MainWindow offscreen: settings persist across windows, a PNG with a report sidecar opens into the viewport and
// the report panel, a missing model fails with a readable message, shortcuts exist, and export refuses politely
// without an analysis.
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidget>

#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "ui/ImageViewport.h"
#include "ui/MainWindow.h"
#include "ui/ReportPanel.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

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
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_folder.filePath(QStringLiteral("config")));
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
        QVERIFY(window.viewport()->hasImage());
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

    void standardShortcutsExist()
    {
        auto service = missingModelService();
        MainWindow window(service.get());
        QStringList keys;
        for (const QAction* action : window.shortcutActions())
            for (const QKeySequence& key : action->shortcuts())
                keys << key.toString(QKeySequence::PortableText);
        for (const char* key : { "H", "F", "1", "I", "W", "C", "B", "F1", "Ctrl+O", "Ctrl+E", "PgDown", "Esc" })
            QVERIFY2(keys.contains(QString::fromLatin1(key)), key);
        // No key bound twice (an ambiguous shortcut silently does nothing).
        QStringList seen;
        for (const QString& key : keys) {
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen << key;
        }
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::MainWindowTest)
#include "MainWindowTest.moc"
