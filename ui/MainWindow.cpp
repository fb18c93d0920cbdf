#include "ui/MainWindow.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "core/model/AnalysisJson.h"
#include "core/report/Report.h"
#include "core/study/DicomdirReader.h"
#include "core/study/DisplayPipeline.h"
#include "ui/FindingsPanel.h"
#include "ui/ImageViewport.h"
#include "ui/OverlayControls.h"
#include "ui/ReportPanel.h"
#include "ui/ShortcutSheet.h"
#include "ui/StudyBrowser.h"
#include "ui/StudyLoader.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/FindingRows.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewDecisions.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

constexpr int maximumRecent = 10;
constexpr int snapshotSide = 2048;

/// Platform standard keys plus our own, without duplicates (F11 is both on Linux; a key bound twice is ambiguous).
QList<QKeySequence> uniqueKeys(const QList<QKeySequence>& keys)
{
    QList<QKeySequence> unique;
    for (const QKeySequence& key : keys)
        if (!key.isEmpty() && !unique.contains(key))
            unique << key;
    return unique;
}

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut, const QString& tip = {})
{
    auto* action = new QAction(text, parent);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    action->setToolTip(tip.isEmpty() ? text : tip);
    action->setShortcutContext(Qt::WindowShortcut);
    return action;
}

QString formatNumber(double value)
{
    return std::abs(value - std::round(value)) < 1e-9 ? QString::number(value, 'f', 0) : QString::number(value, 'f', 2);
}

} // namespace

MainWindow::MainWindow(InferenceService* service, QWidget* parent)
    : QMainWindow(parent)
    , m_service(service)
{
    if (!m_service) {
        m_ownedService = new InferenceService(
            std::make_unique<LrclrAnalyzer>(qEnvironmentVariable("LRCLR_MODEL_DIR").toStdString()), this);
        m_service = m_ownedService;
    }
    m_session = new ViewerSession(m_service, this);
    m_overlay = new OverlaySettings(this);

    setWindowTitle(QStringLiteral("LRCLR Viewer"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_viewport = new ImageViewport(this);
    m_viewport->setOverlaySettings(m_overlay);
    setCentralWidget(m_viewport);

    createDocks();
    createActions();
    connectSession();

    m_pixelLabel = new QLabel(this);
    m_positionLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_windowLabel = new QLabel(this);
    m_analysisLabel = new QLabel(tr("No study open"), this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(140);
    m_progress->setVisible(false);
    for (QLabel* label : { m_pixelLabel, m_positionLabel, m_zoomLabel, m_windowLabel })
        label->setTextFormat(Qt::PlainText);
    m_analysisLabel->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_analysisLabel, 1);
    statusBar()->addWidget(m_progress);
    statusBar()->addPermanentWidget(m_pixelLabel);
    statusBar()->addPermanentWidget(m_positionLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
    statusBar()->addPermanentWidget(m_windowLabel);

    connect(m_viewport, &ImageViewport::cursorInfoChanged, this, [this](const ImageViewport::CursorInfo& info) {
        if (!info.insideImage) {
            m_pixelLabel->clear();
            m_positionLabel->clear();
            return;
        }
        QString value
            = tr("(%1, %2)  stored %3").arg(info.pixel.x()).arg(info.pixel.y()).arg(formatNumber(info.storedValue));
        value += tr("  value %1%2")
                     .arg(formatNumber(info.modalityValue),
                         info.modalityUnit.isEmpty() ? QString() : QLatin1Char(' ') + info.modalityUnit);
        m_pixelLabel->setText(value);
        m_positionLabel->setText(info.positionMm
                ? tr("%1, %2 mm").arg(info.positionMm->x(), 0, 'f', 1).arg(info.positionMm->y(), 0, 'f', 1)
                : tr("no pixel spacing"));
    });
    connect(m_viewport, &ImageViewport::windowChanged, this, &MainWindow::updateStatusWindow);
    connect(m_viewport, &ImageViewport::viewChanged, this, &MainWindow::updateStatusWindow);

    resize(1500, 950);
    QSettings settings;
    restoreSettings(settings);
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    auto* links = m_session->links();
    auto* selection = m_session->selection();

    m_browser = new StudyBrowser(this);
    auto* browserDock = new QDockWidget(tr("Studies"), this);
    browserDock->setObjectName(QStringLiteral("studiesDock"));
    browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, browserDock);

    m_reportPanel = new ReportPanel(links, selection, this);
    m_reportPanel->setSession(m_session);
    auto* reportDock = new QDockWidget(tr("Report"), this);
    reportDock->setObjectName(QStringLiteral("reportDock"));
    reportDock->setWidget(m_reportPanel);
    addDockWidget(Qt::RightDockWidgetArea, reportDock);

    m_findingsPanel = new FindingsPanel(links, selection, m_session->decisions(), this);
    auto* findingsDock = new QDockWidget(tr("Findings"), this);
    findingsDock->setObjectName(QStringLiteral("findingsDock"));
    findingsDock->setWidget(m_findingsPanel);
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
            showMessage(tr("No image found there"));
    });
    connect(m_browser, &StudyBrowser::message, this, [this](const QString& text) { showMessage(text); });
}

void MainWindow::createActions()
{
    // File
    QMenu* file = menuBar()->addMenu(tr("&File"));
    auto* open = makeAction(this, tr("&Open Image or DICOMDIR..."), QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::openFileDialog);
    auto* openFolder = makeAction(this, tr("Open &Folder..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openFolder, &QAction::triggered, this, &MainWindow::openFolderDialog);
    m_recentMenu = new QMenu(tr("Recent Studies"), this);
    auto* snapshot = makeAction(this, tr("Export &Snapshot (PNG)..."), QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(snapshot, &QAction::triggered, this, &MainWindow::exportSnapshotDialog);
    auto* json = makeAction(this, tr("Export Analysis &JSON..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(json, &QAction::triggered, this, &MainWindow::exportAnalysisDialog);
    auto* save = makeAction(this, tr("Save &Review Decisions"), QKeySequence::Save);
    connect(save, &QAction::triggered, this, &MainWindow::saveReview);
    auto* quit = makeAction(this, tr("&Quit"), QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(open);
    file->addAction(openFolder);
    file->addMenu(m_recentMenu);
    file->addSeparator();
    file->addAction(snapshot);
    file->addAction(json);
    file->addAction(save);
    file->addSeparator();
    file->addAction(quit);
    m_fileActions = { open, openFolder, snapshot, json, save, quit };

    // View
    QMenu* view = menuBar()->addMenu(tr("&View"));
    auto* fit = makeAction(this, tr("&Fit to Window"), QKeySequence(Qt::Key_F));
    connect(fit, &QAction::triggered, m_viewport, &ImageViewport::fitToWindow);
    auto* actual = makeAction(this, tr("&Actual Size (1:1)"), QKeySequence(Qt::Key_1));
    connect(actual, &QAction::triggered, m_viewport, &ImageViewport::showActualSize);
    auto* zoomIn = makeAction(this, tr("Zoom &In"), QKeySequence::ZoomIn);
    zoomIn->setShortcuts(uniqueKeys(QKeySequence::keyBindings(QKeySequence::ZoomIn)
        + QList<QKeySequence> { QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal) }));
    connect(zoomIn, &QAction::triggered, m_viewport, &ImageViewport::zoomIn);
    auto* zoomOut = makeAction(this, tr("Zoom &Out"), QKeySequence::ZoomOut);
    zoomOut->setShortcuts(uniqueKeys(
        QKeySequence::keyBindings(QKeySequence::ZoomOut) + QList<QKeySequence> { QKeySequence(Qt::Key_Minus) }));
    connect(zoomOut, &QAction::triggered, m_viewport, &ImageViewport::zoomOut);
    auto* invert = makeAction(this, tr("&Invert"), QKeySequence(Qt::Key_I));
    connect(invert, &QAction::triggered, m_viewport, &ImageViewport::toggleInverted);
    auto* autoWindow = makeAction(this, tr("Auto &Window (histogram)"), QKeySequence(Qt::Key_W));
    connect(autoWindow, &QAction::triggered, m_viewport, &ImageViewport::autoWindow);
    auto* reset = makeAction(this, tr("&Reset View"), QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(reset, &QAction::triggered, m_viewport, &ImageViewport::resetView);
    auto* fullScreen = makeAction(this, tr("F&ull Screen"), QKeySequence::FullScreen);
    fullScreen->setShortcuts(uniqueKeys(
        QKeySequence::keyBindings(QKeySequence::FullScreen) + QList<QKeySequence> { QKeySequence(Qt::Key_F11) }));
    connect(fullScreen, &QAction::triggered, this, [this] { isFullScreen() ? showNormal() : showFullScreen(); });
    m_presetMenu = new QMenu(tr("Window &Presets"), this);
    view->addAction(fit);
    view->addAction(actual);
    view->addAction(zoomIn);
    view->addAction(zoomOut);
    view->addSeparator();
    view->addAction(invert);
    view->addAction(autoWindow);
    view->addMenu(m_presetMenu);
    view->addAction(reset);
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addAction(fullScreen);
    m_viewActions = { fit, actual, zoomIn, zoomOut, invert, autoWindow, reset, fullScreen };

    // Overlay
    QMenu* overlay = menuBar()->addMenu(tr("&Overlay"));
    auto* toggle = makeAction(this, tr("Show &Heatmap"), QKeySequence(Qt::Key_H));
    toggle->setCheckable(true);
    toggle->setChecked(m_overlay->isVisible());
    connect(toggle, &QAction::toggled, m_overlay, &OverlaySettings::setVisible);
    connect(m_overlay, &OverlaySettings::visibleChanged, toggle, &QAction::setChecked);
    auto* contours = makeAction(this, tr("Show &Contours"), QKeySequence(Qt::Key_C));
    contours->setCheckable(true);
    contours->setChecked(m_overlay->contoursVisible());
    connect(contours, &QAction::toggled, m_overlay, &OverlaySettings::setContoursVisible);
    connect(m_overlay, &OverlaySettings::contoursVisibleChanged, contours, &QAction::setChecked);
    auto* boxes = makeAction(this, tr("Show Region &Boxes"), QKeySequence(Qt::Key_B));
    boxes->setCheckable(true);
    boxes->setChecked(m_overlay->regionBoxesVisible());
    connect(boxes, &QAction::toggled, m_overlay, &OverlaySettings::setRegionBoxesVisible);
    connect(m_overlay, &OverlaySettings::regionBoxesVisibleChanged, boxes, &QAction::setChecked);
    auto* attention = makeAction(this, tr("Sentence Map: &Attention instead of Similarity"), QKeySequence(Qt::Key_M));
    attention->setCheckable(true);
    connect(attention, &QAction::toggled, this, [this](bool on) {
        m_session->selection()->setSentenceMap(
            on ? AnalysisSelection::SentenceMap::Attention : AnalysisSelection::SentenceMap::Similarity);
    });
    QMenu* colormaps = overlay->addMenu(tr("Color&map"));
    auto* colormapGroup = new QActionGroup(this);
    for (const QString& name : OverlaySettings::availableColormaps()) {
        QAction* action = colormaps->addAction(name);
        action->setCheckable(true);
        action->setChecked(name == m_overlay->colormap());
        colormapGroup->addAction(action);
        connect(action, &QAction::triggered, m_overlay, [this, name] { m_overlay->setColormap(name); });
        connect(m_overlay, &OverlaySettings::colormapChanged, action,
            [action, name](const QString& current) { action->setChecked(current == name); });
    }
    overlay->addAction(toggle);
    overlay->addAction(contours);
    overlay->addAction(boxes);
    overlay->addAction(attention);
    m_overlayActions = { toggle, contours, boxes, attention };

    // Report
    QMenu* report = menuBar()->addMenu(tr("&Report"));
    auto* next = makeAction(this, tr("&Next Sentence"), QKeySequence(Qt::Key_PageDown));
    connect(next, &QAction::triggered, this, [this] { selectNextSentence(1); });
    auto* previous = makeAction(this, tr("&Previous Sentence"), QKeySequence(Qt::Key_PageUp));
    connect(previous, &QAction::triggered, this, [this] { selectNextSentence(-1); });
    auto* clear = makeAction(this, tr("&Clear Selection"), QKeySequence(Qt::Key_Escape));
    connect(clear, &QAction::triggered, m_session->selection(), &AnalysisSelection::clearSelection);
    auto* reanalyze = makeAction(this, tr("&Analyze Again"), QKeySequence(Qt::Key_F5));
    connect(reanalyze, &QAction::triggered, m_session, &ViewerSession::reanalyze);
    report->addAction(next);
    report->addAction(previous);
    report->addAction(clear);
    report->addAction(reanalyze);
    m_reportActions = { next, previous, clear, reanalyze };

    // Help
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    auto* sheet = makeAction(this, tr("&Keyboard and Mouse..."), QKeySequence::HelpContents);
    sheet->setShortcuts(uniqueKeys(
        QKeySequence::keyBindings(QKeySequence::HelpContents) + QList<QKeySequence> { QKeySequence(Qt::Key_F1) }));
    connect(sheet, &QAction::triggered, this, &MainWindow::showShortcutSheet);
    auto* about = makeAction(this, tr("&About"), QKeySequence());
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About LRCLR Viewer"),
            tr("LRCLR Viewer %1\nChest X-ray viewer with region-sentence grounding.\nNot for diagnostic "
               "use.")
                .arg(QApplication::applicationVersion()));
    });
    help->addAction(sheet);
    help->addAction(about);
    m_helpActions = { sheet };

    for (QAction* action : shortcutActions())
        addAction(action); // shortcuts work with the menu bar hidden (full screen)
    rebuildRecentMenu();
}

QList<QAction*> MainWindow::shortcutActions() const
{
    return m_fileActions + m_viewActions + m_overlayActions + m_reportActions + m_helpActions;
}

void MainWindow::connectSession()
{
    auto* selection = m_session->selection();
    connect(m_session, &ViewerSession::resultChanged, this, &MainWindow::onResultChanged);
    connect(selection, &AnalysisSelection::heatmapChanged, m_viewport, &ImageViewport::setHeatmap);
    connect(selection, &AnalysisSelection::selectionChanged, this,
        [this, selection] { m_viewport->setEmphasisedRegions(selection->highlightedRegions()); });
    const auto focus = [this, selection] { m_viewport->setFocusedRegion(selection->focusedRegion()); };
    connect(selection, &AnalysisSelection::hoveredRegionChanged, this, focus);
    connect(selection, &AnalysisSelection::pinnedRegionChanged, this, focus);
    connect(m_viewport, &ImageViewport::imagePointHovered, selection, &AnalysisSelection::hoverAt);
    connect(m_viewport, &ImageViewport::hoverLeft, selection, [selection] { selection->setHoveredRegion(-1); });
    connect(m_viewport, &ImageViewport::imagePointClicked, this, [this, selection](double x, double y) {
        const int region = m_session->links()->regionAt(x, y);
        selection->pinRegion(region == selection->pinnedRegion() ? -1 : region);
    });
    connect(m_session, &ViewerSession::stateChanged, this, [this](ViewerSession::State state) {
        m_progress->setVisible(state == ViewerSession::State::Analyzing);
        switch (state) {
        case ViewerSession::State::Empty:
            m_analysisLabel->setText(tr("No study open"));
            break;
        case ViewerSession::State::Analyzing:
            m_analysisLabel->setText(tr("Analyzing..."));
            break;
        case ViewerSession::State::Ready: {
            // The demo model analyses in tens of milliseconds: "0.0 s" would read as "did nothing".
            const double seconds = m_session->result() ? m_session->result()->seconds : 0.0;
            m_analysisLabel->setText(seconds < 1.0 ? tr("Analysis ready (%1 ms)").arg(std::lround(seconds * 1000.0))
                                                   : tr("Analysis ready (%1 s)").arg(seconds, 0, 'f', 1));
            break;
        }
        case ViewerSession::State::Failed:
            m_analysisLabel->setText(tr("Analysis failed: %1").arg(m_session->errorMessage()));
            break;
        case ViewerSession::State::Canceled:
            m_analysisLabel->setText(tr("Analysis canceled"));
            break;
        }
    });
    connect(m_session, &ViewerSession::progress, this, [this](InferenceStage stage, double fraction) {
        m_progress->setValue(int(std::lround(fraction * 100)));
        m_analysisLabel->setText(tr("Analyzing: %1").arg(stageName(stage)));
    });
    connect(m_session, &ViewerSession::groundingFailed, this,
        [this](const QString& message) { showMessage(tr("Grounding failed: %1").arg(message)); });
    connect(
        m_session, &ViewerSession::decisionsLoadFailed, this, [this](const QString& message) { showMessage(message); });
}

void MainWindow::onResultChanged()
{
    const auto result = m_session->result();
    m_viewport->setAnalysis(result);
    auto* selection = m_session->selection();
    m_viewport->setEmphasisedRegions(selection->highlightedRegions());
    m_viewport->setHeatmap(selection->heatmap());
    if (result && selection->kind() == AnalysisSelection::Kind::Nothing) {
        // Put something meaningful on the image at once: the best-aligned sentence, else the most probable finding.
        auto* links = m_session->links();
        int best = -1;
        for (int k = 0; k < links->sentenceCount(); ++k)
            if (best < 0 || links->alignmentScore(k) > links->alignmentScore(best))
                best = k;
        if (best >= 0) {
            selection->selectSentence(best);
        } else if (!result->findings.empty()) {
            // The findings panel's top row: the highest shown (calibrated, where available) probability.
            selection->selectFinding(FindingRows::fromResult(*result).front().index);
        }
    }
}

void MainWindow::showTestPattern()
{
    constexpr int size = 768;
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(size) * size);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const double dx = (x - size / 2.0) / size;
            const double dy = (y - size / 2.0) / size;
            const bool grid = (x % 64 == 0) || (y % 64 == 0);
            pixels[static_cast<std::size_t>(y) * size + x]
                = static_cast<std::uint8_t>(grid ? 255 : 220.0 * std::exp(-4.0 * (dx * dx + dy * dy)));
        }
    }
    XrayImage image = XrayImage::fromUnsigned8(size, size, std::move(pixels));
    image.windowPresets = { { 127.5, 256.0, "FULL" } };
    m_viewport->setImage(image);
    m_analysisLabel->setText(tr("Generated test pattern (no study or model loaded)"));
}

bool MainWindow::openPath(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        showMessage(tr("%1 does not exist").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    addRecent(info.absoluteFilePath());
    if (info.isDir() || DicomdirReader::isDicomdirFileName(path)) {
        m_browser->index(info.absoluteFilePath());
        return true;
    }
    if (!openImageFile(info.absoluteFilePath()))
        return false;
    // Show the file's neighbours (other views, prior studies in the same folder) in the browser.
    m_browser->index(info.absolutePath(), false);
    return true;
}

bool MainWindow::openImageFile(const QString& imagePath, const QString& reportPath)
{
    QString error;
    const auto loaded = StudyLoader::load(imagePath, reportPath, &error);
    if (!loaded) {
        showMessage(error);
        return false;
    }
    if (!loaded->reportProblem.isEmpty())
        showMessage(loaded->reportProblem);
    openStudy(loaded->image, loaded->report ? &*loaded->report : nullptr, imagePath);
    return true;
}

void MainWindow::openStudy(const XrayImage& image, const Report* report, const QString& path)
{
    m_viewport->setImage(image);
    rebuildPresetMenu();

    ViewerSession::Study study;
    study.path = path;
    const auto& identity = image.identity;
    study.title = QString::fromStdString(identity.patientName).replace(QLatin1Char('^'), QStringLiteral(", "));
    if (study.title.isEmpty())
        study.title = QFileInfo(path).fileName();
    study.image = std::make_shared<const GrayscaleImage>(DisplayPipeline::modelInput(image));
    QList<QPair<qsizetype, qsizetype>> spans;
    if (report) {
        study.reportText = report->text();
        for (const auto& sentence : report->sentences()) {
            study.sentences.append(
                { report->text().mid(sentence.begin, sentence.length()), sentence.begin, sentence.end });
            spans.append({ sentence.begin, sentence.end });
        }
    }
    m_reportPanel->setReport(study.reportText, spans);
    setWindowTitle(tr("%1 - LRCLR Viewer").arg(study.title));
    m_session->openStudy(study);
}

bool MainWindow::exportSnapshot(const QString& path, QString* error)
{
    if (!m_viewport->hasImage()) {
        if (error)
            *error = tr("No image to export");
        return false;
    }
    const QSize imageSize(m_viewport->image().columns, m_viewport->image().rows);
    // Native resolution, but at least 800 pixels (legible legend) and at most 2048 on the longer side.
    const int side = std::clamp(std::max(imageSize.width(), imageSize.height()), 800, snapshotSide);
    QSize size = imageSize.scaled(QSize(side, side), Qt::KeepAspectRatio);
    // The legend gets its own column beside the image, as on screen, instead of covering part of it.
    if (m_viewport->showsLegend())
        size.rwidth() += ImageViewport::legendColumnFor(size.width() + ImageViewport::legendColumnWidth);
    const QImage snapshot = m_viewport->renderToImage(size);
    if (!snapshot.save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

bool MainWindow::exportAnalysisJson(const QString& path, QString* error)
{
    const auto result = m_session->result();
    if (!result) {
        if (error)
            *error = tr("No analysis to export");
        return false;
    }
    QSaveFile file(path);
    const std::string json = AnalysisJson::toJson(*result);
    if (!file.open(QIODevice::WriteOnly) || file.write(json.data(), qint64(json.size())) != qint64(json.size())
        || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
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
    rebuildRecentMenu();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_session->decisions()->isModified() && !m_session->decisionsPath().isEmpty()) {
        const auto answer = QMessageBox::question(this, tr("Unsaved review"),
            tr("Save the accept/reject decisions beside the study?"),
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
    ShortcutSheet sheet(
        { { tr("File"), m_fileActions }, { tr("View"), m_viewActions }, { tr("Overlay"), m_overlayActions },
            { tr("Report"), m_reportActions }, { tr("Help"), m_helpActions } },
        { tr("Window / level\tLeft drag (horizontal: width, vertical: level)"),
            tr("Pan\tMiddle drag, or Shift + left drag"), tr("Zoom to the cursor\tWheel, or right drag"),
            tr("Fit / 1:1\tDouble-click"), tr("Sentences of a region\tHover the region; click to pin it"),
            tr("Heatmap of a sentence\tClick it in the report"),
            tr("Accept / reject a link\tA / R / U in the link list") },
        this);
    sheet.exec();
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

void MainWindow::exportSnapshotDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export snapshot"), QStringLiteral("overlay.png"), tr("PNG images (*.png)"));
    QString error;
    if (!path.isEmpty() && !exportSnapshot(path, &error))
        showMessage(error);
}

void MainWindow::exportAnalysisDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export analysis"), QStringLiteral("analysis.json"), tr("JSON (*.json)"));
    QString error;
    if (!path.isEmpty() && !exportAnalysisJson(path, &error))
        showMessage(error);
}

void MainWindow::saveReview()
{
    QString error;
    if (m_session->saveDecisions(&error))
        showMessage(tr("Review decisions saved to %1").arg(QDir::toNativeSeparators(m_session->decisionsPath())));
    else
        showMessage(error);
}

void MainWindow::selectNextSentence(int step)
{
    auto* selection = m_session->selection();
    const int count = m_session->links()->sentenceCount();
    if (count == 0)
        return;
    const int current = selection->kind() == AnalysisSelection::Kind::Sentence ? selection->selectedIndex() : -1;
    selection->selectSentence(((current < 0 ? (step > 0 ? -1 : 0) : current) + step + count) % count);
}

void MainWindow::updateStatusWindow()
{
    if (!m_viewport->hasImage()) {
        m_zoomLabel->clear();
        m_windowLabel->clear();
        return;
    }
    m_zoomLabel->setText(tr("Zoom %1%").arg(m_viewport->zoomPercent(), 0, 'f', 0));
    m_windowLabel->setText(tr("W %1 / L %2%3")
                               .arg(formatNumber(m_viewport->windowWidth()), formatNumber(m_viewport->windowCenter()),
                                   m_viewport->isInverted() ? tr("  inverted") : QString()));
}

void MainWindow::addRecent(const QString& path)
{
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > maximumRecent)
        m_recent.removeLast();
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (const QString& path : m_recent) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { openPath(path); });
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainWindow::rebuildPresetMenu()
{
    m_presetMenu->clear();
    const auto& presets = m_viewport->image().windowPresets;
    for (int k = 0; k < int(presets.size()); ++k) {
        const auto& preset = presets[static_cast<std::size_t>(k)];
        const QString name
            = preset.explanation.empty() ? tr("Preset %1").arg(k + 1) : QString::fromStdString(preset.explanation);
        QAction* action = m_presetMenu->addAction(
            tr("%1  (W %2 / L %3)").arg(name, formatNumber(preset.width), formatNumber(preset.center)));
        if (k < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + k)));
        connect(action, &QAction::triggered, m_viewport, [this, k] { m_viewport->applyWindowPreset(k); });
    }
    m_presetMenu->setEnabled(!presets.empty());
}

void MainWindow::showMessage(const QString& message, int timeout)
{
    statusBar()->showMessage(message, timeout);
}

} // namespace lrclr
