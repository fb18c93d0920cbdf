#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

class QSettings;

namespace lrclr {

class FindingsPanel;
class ImageViewport;
class InferenceService;
class OverlaySettings;
class ReportPanel;
class StudyBrowser;
class ViewerMenus;
class ViewerSession;
class ViewerStatusBar;

/// The viewer's main window, as wiring only: study browser (left dock), image viewport (centre), report and findings
/// panels (right docks), overlay controls (toolbar), ViewerMenus, ViewerStatusBar, drag & drop, recent studies, and
/// QSettings persistence of geometry, dock layout and overlay settings. What to open, show and select is the
/// ViewerSession's (the UI-model layer); which analyzer runs is the composition root's (app/viewer/main.cpp).
/// Lives on the GUI thread; not thread-safe.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    /// Uses `service` for analyses (not owned; must outlive the window).
    explicit MainWindow(InferenceService* service, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shows a generated test pattern (no study), used by the smoke test and when the demo study is missing.
    void showTestPattern();

    /// Opens an image file, a folder or a DICOMDIR (folders and DICOMDIRs are indexed in the browser and their first
    /// image opened). Image files are read on a worker thread: true means the opening started (a file that then
    /// cannot be read shows its problem in the status bar and leaves the open study alone); false with a message in
    /// the status bar when `path` does not exist.
    bool openPath(const QString& path);
    /// Opens one image with its report (if any) in the background and then submits the analysis.
    void openImageFile(const QString& imagePath, const QString& reportPath = QString());

    /// PNG of the image fitted at up to 2048 pixels on the longer side, with overlay, contours, regions and legend.
    bool exportSnapshot(const QString& path, QString* error = nullptr);
    /// The analysis as JSON (the schema of `lrclr analyze`).
    bool exportAnalysisJson(const QString& path, QString* error = nullptr);

    void saveSettings(QSettings& settings) const;
    void restoreSettings(QSettings& settings);
    QStringList recentStudies() const { return m_recent; }

    ImageViewport* viewport() const { return m_viewport; }
    ReportPanel* reportPanel() const { return m_reportPanel; }
    FindingsPanel* findingsPanel() const { return m_findingsPanel; }
    StudyBrowser* studyBrowser() const { return m_browser; }
    ViewerSession* session() const { return m_session; }
    OverlaySettings* overlaySettings() const { return m_overlay; }
    ViewerStatusBar* viewerStatusBar() const { return m_status; }
    /// All actions with shortcuts, for the F1 sheet and tests.
    QList<QAction*> shortcutActions() const;

public Q_SLOTS:
    void showShortcutSheet();
    void openFileDialog();
    void openFolderDialog();
    void saveReview();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void connectMenus();
    void connectSession();
    void showStudy();
    void showReport(); ///< the report text and its sentence spans, as the session has them now
    void showResult();
    void addRecent(const QString& path);

    QPointer<InferenceService> m_service;
    ViewerSession* m_session = nullptr;
    OverlaySettings* m_overlay = nullptr;
    ImageViewport* m_viewport = nullptr;
    ReportPanel* m_reportPanel = nullptr;
    FindingsPanel* m_findingsPanel = nullptr;
    StudyBrowser* m_browser = nullptr;
    ViewerMenus* m_menus = nullptr;
    ViewerStatusBar* m_status = nullptr;
    QStringList m_recent;
};

} // namespace lrclr
