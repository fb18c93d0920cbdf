#include "ui/MainWindow.h"

#include <algorithm>

#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include "core/inference/InferenceService.h"
#include "core/study/DicomdirReader.h"
#include "core/study/SyntheticRadiograph.h"
#include "ui/ExportDialogs.h"
#include "ui/FindingsPanel.h"
#include "ui/ImageViewport.h"
#include "ui/OverlayControls.h"
#include "ui/PacsBrowser.h"
#include "ui/ReportPanel.h"
#include "ui/StudyBrowser.h"
#include "ui/ViewerMenus.h"
#include "ui/ViewerStatusBar.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewDecisions.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

constexpr int maximumRecent = 10;
constexpr int snapshotSide = 2048;

QDockWidget* makeDock(QMainWindow* window, const QString& title, const QString& name, QWidget* content)
{
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    dock->setWidget(content);
    return dock;
}

} // namespace

MainWindow::MainWindow(InferenceService* service, QWidget* parent)
    : QMainWindow(parent)
    , m_service(service)
{
    Q_ASSERT(service);
    m_session = new ViewerSession(service, this);
    m_overlay = new OverlaySettings(this);

    setWindowTitle(QStringLiteral("LRCLR Viewer"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_viewport = new ImageViewport(this);
    m_viewport->setOverlaySettings(m_overlay);
    setCentralWidget(m_viewport);

    createDocks();
    m_menus = new ViewerMenus(this, m_viewport, m_session, m_overlay);
    m_status = new ViewerStatusBar(statusBar(), m_viewport, m_session);
    connectMenus();
    connectSession();

    resize(1500, 950);
    QSettings settings;
    restoreSettings(settings);
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_browser = new StudyBrowser(this);
    m_browser->pacsBrowser()->setSession(m_session);
    auto* browserDock = makeDock(this, tr("Studies"), QStringLiteral("studiesDock"), m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, browserDock);

    m_reportPanel = new ReportPanel(m_session->links(), m_session->selection(), this);
    m_reportPanel->setSession(m_session);
    auto* reportDock = makeDock(this, tr("Report"), QStringLiteral("reportDock"), m_reportPanel);
    addDockWidget(Qt::RightDockWidgetArea, reportDock);

    m_findingsPanel = new FindingsPanel(m_session->links(), m_session->selection(), m_session->decisions(), this);
    auto* findingsDock = makeDock(this, tr("Findings"), QStringLiteral("findingsDock"), m_findingsPanel);
    addDockWidget(Qt::RightDockWidgetArea, findingsDock);
    splitDockWidget(reportDock, findingsDock, Qt::Vertical);
    resizeDocks({ browserDock, reportDock }, { 260, 440 }, Qt::Horizontal);

    auto* overlayBar = new QToolBar(tr("Overlay"), this);
    overlayBar->setObjectName(QStringLiteral("overlayToolBar"));
    overlayBar->addWidget(new OverlayControls(m_overlay, overlayBar));
    addToolBar(Qt::TopToolBarArea, overlayBar);

    connect(m_browser, &StudyBrowser::imageActivated, this,
        [this](const QString& image, const QString& report) { openImageFile(image, report); });
    connect(m_browser, &StudyBrowser::indexed, this, [this](const QString& image, const QString& report) {
        if (!image.isEmpty())
            openImageFile(image, report);
        else
            m_status->showMessage(tr("No image found there"));
    });
    connect(m_browser, &StudyBrowser::message, this, [this](const QString& text) { m_status->showMessage(text); });
}

void MainWindow::connectMenus()
{
    connect(m_menus, &ViewerMenus::openFileRequested, this, &MainWindow::openFileDialog);
    connect(m_menus, &ViewerMenus::openFolderRequested, this, &MainWindow::openFolderDialog);
    connect(m_menus, &ViewerMenus::recentStudyRequested, this, &MainWindow::openPath);
    auto* exports = new ExportDialogs(this);
    connect(m_menus, &ViewerMenus::exportSnapshotRequested, exports, &ExportDialogs::exportSnapshot);
    connect(m_menus, &ViewerMenus::exportAnalysisRequested, exports, &ExportDialogs::exportAnalysis);
    connect(m_menus, &ViewerMenus::exportReviewRequested, exports, &ExportDialogs::exportReview);
    connect(m_menus, &ViewerMenus::nextStudyRequested, m_browser, &StudyBrowser::openNextStudy);
    connect(m_menus, &ViewerMenus::exportDicomResultsRequested, exports, &ExportDialogs::exportDicomResults);
    connect(m_menus, &ViewerMenus::exportDeidentifiedRequested, exports, &ExportDialogs::exportDeidentified);
    connect(m_menus, &ViewerMenus::saveReviewRequested, this, &MainWindow::saveReview);
}

QList<QAction*> MainWindow::shortcutActions() const
{
    return m_menus->shortcutActions();
}

void MainWindow::connectSession()
{
    auto* selection = m_session->selection();
    connect(m_session, &ViewerSession::studyChanged, this, &MainWindow::showStudy);
    connect(m_session, &ViewerSession::reportTextChanged, this, &MainWindow::showReport);
    connect(m_session, &ViewerSession::resultChanged, this, &MainWindow::showResult);
    // One route per change: a new result reaches the viewport through showResult() alone; selection changes on the
    // result the viewport already shows arrive here.
    const auto current = [this] { return m_viewport->analysis() == m_session->result(); };
    connect(selection, &AnalysisSelection::heatmapChanged, m_viewport, [this, current](const OverlayHeatmap& heatmap) {
        if (current())
            m_viewport->setHeatmap(heatmap);
    });
    connect(selection, &AnalysisSelection::selectionChanged, m_viewport, [this, selection, current] {
        if (current())
            m_viewport->setEmphasisedRegions(selection->highlightedRegions());
    });
    const auto focus = [this, selection] { m_viewport->setFocusedRegion(selection->focusedRegion()); };
    connect(selection, &AnalysisSelection::hoveredRegionChanged, this, focus);
    connect(selection, &AnalysisSelection::pinnedRegionChanged, this, focus);
    connect(m_viewport, &ImageViewport::imagePointHovered, selection, &AnalysisSelection::hoverAt);
    connect(m_viewport, &ImageViewport::hoverLeft, selection, [selection] { selection->setHoveredRegion(-1); });
    connect(m_viewport, &ImageViewport::imagePointClicked, this, [this, selection](double x, double y) {
        const int region = m_session->links()->regionAt(x, y);
        selection->pinRegion(region == selection->pinnedRegion() ? -1 : region);
    });
}

void MainWindow::showReport()
{
    const ViewerSession::Study& study = m_session->study();
    QList<QPair<qsizetype, qsizetype>> spans;
    for (const ViewerSession::Sentence& sentence : study.sentences)
        spans.append({ sentence.begin, sentence.end });
    m_reportPanel->setReport(study.reportText, spans);
}

void MainWindow::showStudy()
{
    const ViewerSession::Study& study = m_session->study();
    if (!m_session->hasStudy()) {
        m_viewport->clearImage();
        m_reportPanel->setReport({}, {});
        setWindowTitle(QStringLiteral("LRCLR Viewer"));
        return;
    }
    if (study.display)
        m_viewport->setImage(
            study.display->pipeline, std::shared_ptr<const DisplayFrame>(study.display, &study.display->frame));
    else if (study.displayImage)
        m_viewport->setImage(*study.displayImage);
    if (study.displayImage)
        m_menus->setWindowPresets(*study.displayImage);
    showReport();
    setWindowTitle(tr("%1 - LRCLR Viewer").arg(study.title));
    if (!study.reportProblem.isEmpty())
        m_status->showMessage(study.reportProblem);
}

void MainWindow::showResult()
{
    auto* selection = m_session->selection();
    m_viewport->showAnalysis(m_session->result(), selection->heatmap(), selection->highlightedRegions());
}

void MainWindow::showTestPattern()
{
    m_viewport->setImage(SyntheticRadiograph::image(768));
    m_status->setActivityText(tr("Generated test pattern (no study or model loaded)"));
}

bool MainWindow::openPath(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        m_status->showMessage(tr("%1 does not exist").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    addRecent(info.absoluteFilePath());
    if (info.isDir() || DicomdirReader::isDicomdirFileName(path)) {
        m_browser->index(info.absoluteFilePath());
        return true;
    }
    openImageFile(info.absoluteFilePath());
    // Show the file's neighbours (other views, prior studies in the same folder, not its subfolders) in the browser.
    m_browser->indexNeighbours(info.absolutePath());
    return true;
}

void MainWindow::openImageFile(const QString& imagePath, const QString& reportPath)
{
    m_session->openFile(imagePath, reportPath);
}

bool MainWindow::exportSnapshot(const QString& path, QString* error)
{
    if (!m_viewport->hasImage()) {
        if (error)
            *error = tr("No image to export");
        return false;
    }
    if (!m_viewport->renderSnapshot(snapshotSide).save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

bool MainWindow::exportAnalysisJson(const QString& path, QString* error)
{
    return m_session->exportAnalysisJson(path, error);
}

void MainWindow::saveSettings(QSettings& settings) const
{
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("recentStudies"), m_recent);
    m_overlay->save(settings);
}

void MainWindow::restoreSettings(QSettings& settings)
{
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_recent = settings.value(QStringLiteral("recentStudies")).toStringList();
    m_overlay->load(settings);
    m_menus->setRecentStudies(m_recent);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_session->decisions()->isModified() && !m_session->decisionsPath().isEmpty()) {
        const auto answer = QMessageBox::question(this, tr("Unsaved review"),
            tr("Save the accept/reject decisions to your review store?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save)
            saveReview();
    }
    QSettings settings;
    saveSettings(settings);
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    // Only local files and folders can be opened: anything else shows the "no drop" cursor instead of failing later.
    const QList<QUrl> urls = event->mimeData()->urls();
    if (std::any_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); }))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile() && openPath(url.toLocalFile())) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::showShortcutSheet()
{
    m_menus->showShortcutSheet();
}

void MainWindow::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open image or DICOMDIR"), QString(),
        tr("Images and DICOM (*.dcm *.DCM DICOMDIR *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"));
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::openFolderDialog()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open folder of studies"));
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::saveReview()
{
    QString error;
    if (m_session->saveDecisions(&error))
        m_status->showMessage(
            tr("Review decisions saved to %1").arg(QDir::toNativeSeparators(m_session->decisionsPath())));
    else
        m_status->showMessage(error);
}

void MainWindow::addRecent(const QString& path)
{
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > maximumRecent)
        m_recent.removeLast();
    m_menus->setRecentStudies(m_recent);
}

} // namespace lrclr
