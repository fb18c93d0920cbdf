#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QSettings;

namespace lrclr {

class FindingsPanel;
class ImageViewport;
class InferenceService;
class OverlaySettings;
class ReportPanel;
class StudyBrowser;
class ViewerSession;
struct XrayImage;
class Report;

/// The viewer's main window: study browser (left dock), image viewport (centre), report and findings panels (right
/// docks), overlay controls (toolbar), status bar read-outs, menus with standard shortcuts and an F1 sheet, drag &
/// drop, recent studies, and QSettings persistence of geometry, dock layout and overlay settings. Lives on the GUI
/// thread; not thread-safe.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    /// Uses `service` for analyses (not owned; must outlive the window). Without one, the window creates its own
    /// over the model directory in $LRCLR_MODEL_DIR (a missing model then shows as a readable failure).
    explicit MainWindow(InferenceService* service = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shows a generated test pattern (no study), used by the smoke test and when the demo study is missing.
    void showTestPattern();

    /// Opens an image file, a folder or a DICOMDIR (folders and DICOMDIRs are indexed in the browser and their first
    /// image opened). Returns false with a message in the status bar when the path cannot be opened.
    bool openPath(const QString& path);
    /// Opens one image with its report (if any) and submits the analysis.
    bool openImageFile(const QString& imagePath, const QString& reportPath = QString());
    /// Shows `image` with `report` and submits the analysis; `path` names the study for saved decisions and titles.
    void openStudy(const XrayImage& image, const Report* report, const QString& path);

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
    /// All actions with shortcuts, for the F1 sheet and tests.
    QList<QAction*> shortcutActions() const;

public Q_SLOTS:
    void showShortcutSheet();
    void openFileDialog();
    void openFolderDialog();
    void exportSnapshotDialog();
    void exportAnalysisDialog();
    void saveReview();
    void selectNextSentence(int step);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createActions();
    void connectSession();
    void onResultChanged();
    void updateStatusWindow();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void rebuildPresetMenu();
    void showMessage(const QString& message, int timeout = 8000);

    QPointer<InferenceService> m_service;
    InferenceService* m_ownedService = nullptr;
    ViewerSession* m_session = nullptr;
    OverlaySettings* m_overlay = nullptr;
    ImageViewport* m_viewport = nullptr;
    ReportPanel* m_reportPanel = nullptr;
    FindingsPanel* m_findingsPanel = nullptr;
    StudyBrowser* m_browser = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_presetMenu = nullptr;
    QList<QAction*> m_fileActions;
    QList<QAction*> m_viewActions;
    QList<QAction*> m_overlayActions;
    QList<QAction*> m_reportActions;
    QList<QAction*> m_helpActions;
    QStringList m_recent;

    QLabel* m_pixelLabel = nullptr;
    QLabel* m_positionLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_windowLabel = nullptr;
    QLabel* m_analysisLabel = nullptr;
    QProgressBar* m_progress = nullptr;
};

} // namespace lrclr
