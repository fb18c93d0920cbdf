#include "ui/ViewerMenus.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>

#include "core/study/XrayImage.h"
#include "ui/DisplayNumber.h"
#include "ui/ImageViewport.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

/// Platform standard keys plus our own, without duplicates (F11 is both on Linux; a key bound twice is ambiguous).
QList<QKeySequence> uniqueKeys(const QList<QKeySequence>& keys)
{
    QList<QKeySequence> unique;
    for (const QKeySequence& key : keys)
        if (!key.isEmpty() && !unique.contains(key))
            unique << key;
    return unique;
}

QList<QKeySequence> standardKeysAnd(QKeySequence::StandardKey standard, const QList<QKeySequence>& own)
{
    return uniqueKeys(QKeySequence::keyBindings(standard) + own);
}

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut)
{
    auto* action = new QAction(text, parent);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    action->setToolTip(text);
    action->setShortcutContext(Qt::WindowShortcut);
    return action;
}

/// A checkable action kept in step with a boolean overlay setting both ways.
QAction* makeToggle(QObject* parent, const QString& text, const QKeySequence& shortcut, bool checked)
{
    QAction* action = makeAction(parent, text, shortcut);
    action->setCheckable(true);
    action->setChecked(checked);
    return action;
}

} // namespace

ViewerMenus::ViewerMenus(QMainWindow* window, ImageViewport* viewport, ViewerSession* session, OverlaySettings* overlay)
    : QObject(window)
    , m_window(window)
    , m_viewport(viewport)
    , m_session(session)
    , m_overlay(overlay)
{
    createFileMenu();
    createViewMenu();
    createOverlayMenu();
    createReportMenu();
    createHelpMenu();
    for (QAction* action : shortcutActions())
        m_window->addAction(action); // shortcuts work with the menu bar hidden (full screen)
    setRecentStudies({});
}

QList<ShortcutSheet::Group> ViewerMenus::groups() const
{
    return m_groups;
}

QList<QAction*> ViewerMenus::shortcutActions() const
{
    QList<QAction*> actions;
    for (const ShortcutSheet::Group& group : m_groups)
        actions += group.actions;
    return actions;
}

void ViewerMenus::createFileMenu()
{
    QMenu* file = m_window->menuBar()->addMenu(tr("&File"));
    auto* open = makeAction(this, tr("&Open Image or DICOMDIR..."), QKeySequence::Open);
    connect(open, &QAction::triggered, this, &ViewerMenus::openFileRequested);
    auto* openFolder = makeAction(this, tr("Open &Folder..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openFolder, &QAction::triggered, this, &ViewerMenus::openFolderRequested);
    m_recentMenu = new QMenu(tr("Recent Studies"), m_window);
    auto* snapshot = makeAction(this, tr("Export &Snapshot (PNG)..."), QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(snapshot, &QAction::triggered, this, &ViewerMenus::exportSnapshotRequested);
    auto* json = makeAction(this, tr("Export Analysis &JSON..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(json, &QAction::triggered, this, &ViewerMenus::exportAnalysisRequested);
    auto* dicom = makeAction(this, tr("Export DICOM &Results (SR + Secondary Capture)..."), QKeySequence());
    connect(dicom, &QAction::triggered, this, &ViewerMenus::exportDicomResultsRequested);
    auto* deidentified = makeAction(this, tr("Export &De-identified Study..."), QKeySequence());
    connect(deidentified, &QAction::triggered, this, &ViewerMenus::exportDeidentifiedRequested);
    auto* save = makeAction(this, tr("Save &Review Decisions"), QKeySequence::Save);
    save->setToolTip(tr("Into your own review store (never beside the study), keyed by the image's UIDs"));
    connect(save, &QAction::triggered, this, &ViewerMenus::saveReviewRequested);
    auto* exportReview = makeAction(this, tr("Export Re&view Decisions..."), QKeySequence());
    connect(exportReview, &QAction::triggered, this, &ViewerMenus::exportReviewRequested);
    auto* quit = makeAction(this, tr("&Quit"), QKeySequence::Quit);
    connect(quit, &QAction::triggered, m_window, &QWidget::close);
    file->addActions({ open, openFolder });
    file->addMenu(m_recentMenu);
    file->addSeparator();
    file->addActions({ snapshot, json, dicom, deidentified, save, exportReview });
    file->addSeparator();
    file->addAction(quit);
    m_groups.append(
        { tr("File"), { open, openFolder, snapshot, json, dicom, deidentified, save, exportReview, quit } });
}

void ViewerMenus::createViewMenu()
{
    QMenu* view = m_window->menuBar()->addMenu(tr("&View"));
    auto* fit = makeAction(this, tr("&Fit to Window"), QKeySequence(Qt::Key_F));
    connect(fit, &QAction::triggered, m_viewport, &ImageViewport::fitToWindow);
    auto* actual = makeAction(this, tr("&Actual Size (1:1)"), QKeySequence(Qt::Key_1));
    connect(actual, &QAction::triggered, m_viewport, &ImageViewport::showActualSize);
    auto* zoomIn = makeAction(this, tr("Zoom &In"), QKeySequence::ZoomIn);
    zoomIn->setShortcuts(
        standardKeysAnd(QKeySequence::ZoomIn, { QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal) }));
    connect(zoomIn, &QAction::triggered, m_viewport, &ImageViewport::zoomIn);
    auto* zoomOut = makeAction(this, tr("Zoom &Out"), QKeySequence::ZoomOut);
    zoomOut->setShortcuts(standardKeysAnd(QKeySequence::ZoomOut, { QKeySequence(Qt::Key_Minus) }));
    connect(zoomOut, &QAction::triggered, m_viewport, &ImageViewport::zoomOut);
    auto* invert = makeAction(this, tr("&Invert"), QKeySequence(Qt::Key_I));
    connect(invert, &QAction::triggered, m_viewport, &ImageViewport::toggleInverted);
    auto* autoWindow = makeAction(this, tr("Auto &Window (histogram)"), QKeySequence(Qt::Key_W));
    connect(autoWindow, &QAction::triggered, m_viewport, &ImageViewport::autoWindow);
    auto* reset = makeAction(this, tr("&Reset View"), QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(reset, &QAction::triggered, m_viewport, &ImageViewport::resetView);
    auto* fullScreen = makeAction(this, tr("F&ull Screen"), QKeySequence::FullScreen);
    fullScreen->setShortcuts(standardKeysAnd(QKeySequence::FullScreen, { QKeySequence(Qt::Key_F11) }));
    connect(fullScreen, &QAction::triggered, m_window,
        [window = m_window] { window->isFullScreen() ? window->showNormal() : window->showFullScreen(); });
    m_presetMenu = new QMenu(tr("Window &Presets"), m_window);
    view->addActions({ fit, actual, zoomIn, zoomOut });
    view->addSeparator();
    view->addActions({ invert, autoWindow });
    view->addMenu(m_presetMenu);
    view->addAction(reset);
    view->addSeparator();
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addAction(fullScreen);
    m_groups.append({ tr("View"), { fit, actual, zoomIn, zoomOut, invert, autoWindow, reset, fullScreen } });
}

void ViewerMenus::createOverlayMenu()
{
    QMenu* overlay = m_window->menuBar()->addMenu(tr("&Overlay"));
    auto* heatmap = makeToggle(this, tr("Show &Heatmap"), QKeySequence(Qt::Key_H), m_overlay->isVisible());
    connect(heatmap, &QAction::toggled, m_overlay, &OverlaySettings::setVisible);
    connect(m_overlay, &OverlaySettings::visibleChanged, heatmap, &QAction::setChecked);
    auto* contours = makeToggle(this, tr("Show &Contours"), QKeySequence(Qt::Key_C), m_overlay->contoursVisible());
    connect(contours, &QAction::toggled, m_overlay, &OverlaySettings::setContoursVisible);
    connect(m_overlay, &OverlaySettings::contoursVisibleChanged, contours, &QAction::setChecked);
    auto* boxes = makeToggle(this, tr("Show Region &Boxes"), QKeySequence(Qt::Key_B), m_overlay->regionBoxesVisible());
    connect(boxes, &QAction::toggled, m_overlay, &OverlaySettings::setRegionBoxesVisible);
    connect(m_overlay, &OverlaySettings::regionBoxesVisibleChanged, boxes, &QAction::setChecked);
    auto* attention
        = makeToggle(this, tr("Sentence Map: &Attention instead of Similarity"), QKeySequence(Qt::Key_M), false);
    connect(attention, &QAction::toggled, m_session->selection(), [selection = m_session->selection()](bool on) {
        selection->setSentenceMap(
            on ? AnalysisSelection::SentenceMap::Attention : AnalysisSelection::SentenceMap::Similarity);
    });
    QMenu* colormaps = overlay->addMenu(tr("Color&map"));
    auto* colormapGroup = new QActionGroup(this);
    for (const QString& name : OverlaySettings::availableColormaps()) {
        QAction* action = colormaps->addAction(name);
        action->setCheckable(true);
        action->setChecked(name == m_overlay->colormap());
        colormapGroup->addAction(action);
        connect(action, &QAction::triggered, m_overlay, [overlay = m_overlay, name] { overlay->setColormap(name); });
        connect(m_overlay, &OverlaySettings::colormapChanged, action,
            [action, name](const QString& current) { action->setChecked(current == name); });
    }
    overlay->addActions({ heatmap, contours, boxes, attention });
    m_groups.append({ tr("Overlay"), { heatmap, contours, boxes, attention } });
}

void ViewerMenus::createReportMenu()
{
    QMenu* report = m_window->menuBar()->addMenu(tr("&Report"));
    AnalysisSelection* selection = m_session->selection();
    auto* next = makeAction(this, tr("&Next Sentence"), QKeySequence(Qt::Key_PageDown));
    connect(next, &QAction::triggered, selection, [selection] { selection->selectNextSentence(1); });
    auto* previous = makeAction(this, tr("&Previous Sentence"), QKeySequence(Qt::Key_PageUp));
    connect(previous, &QAction::triggered, selection, [selection] { selection->selectNextSentence(-1); });
    // Studies: the visible rows of the worklist, in its sort order.
    auto* nextStudy = makeAction(this, tr("Next &Study"), QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    connect(nextStudy, &QAction::triggered, this, [this] { Q_EMIT nextStudyRequested(1); });
    auto* previousStudy = makeAction(this, tr("Previous S&tudy"), QKeySequence(Qt::CTRL | Qt::Key_PageUp));
    connect(previousStudy, &QAction::triggered, this, [this] { Q_EMIT nextStudyRequested(-1); });
    auto* clear = makeAction(this, tr("&Clear Selection"), QKeySequence(Qt::Key_Escape));
    connect(clear, &QAction::triggered, selection, &AnalysisSelection::clearSelection);
    auto* reanalyze = makeAction(this, tr("&Analyze Again"), QKeySequence(Qt::Key_F5));
    connect(reanalyze, &QAction::triggered, m_session, &ViewerSession::reanalyze);
    report->addActions({ next, previous, nextStudy, previousStudy, clear, reanalyze });
    m_groups.append({ tr("Report"), { next, previous, nextStudy, previousStudy, clear, reanalyze } });
}

void ViewerMenus::createHelpMenu()
{
    QMenu* help = m_window->menuBar()->addMenu(tr("&Help"));
    auto* sheet = makeAction(this, tr("&Keyboard and Mouse..."), QKeySequence::HelpContents);
    sheet->setShortcuts(standardKeysAnd(QKeySequence::HelpContents, { QKeySequence(Qt::Key_F1) }));
    connect(sheet, &QAction::triggered, this, &ViewerMenus::showShortcutSheet);
    auto* about = makeAction(this, tr("&About"), QKeySequence());
    connect(about, &QAction::triggered, m_window, [window = m_window] {
        QMessageBox::about(window, tr("About LRCLR Viewer"),
            tr("LRCLR Viewer %1\nChest X-ray viewer with region-sentence grounding.\nNot for diagnostic use.")
                .arg(QApplication::applicationVersion()));
    });
    help->addActions({ sheet, about });
    m_groups.append({ tr("Help"), { sheet } });
}

void ViewerMenus::showShortcutSheet()
{
    ShortcutSheet sheet(m_groups,
        { tr("Window / level\tLeft drag (horizontal: width, vertical: level)"),
            tr("Pan\tMiddle drag, or Shift + left drag"), tr("Zoom to the cursor\tWheel, or right drag"),
            tr("Fit / 1:1\tDouble-click"), tr("Sentences of a region\tHover the region; click to pin it"),
            tr("Heatmap of a sentence\tClick it in the report"),
            tr("Accept / reject a link\tA / R / U in the link list"),
            tr("Open a study\tClick its row in Studies (filter with the box above it)"),
            tr("Threshold\tModel: the model's calibrated one; moving the slider sets your own") },
        m_window);
    sheet.exec();
}

void ViewerMenus::setRecentStudies(const QStringList& paths)
{
    m_recentMenu->clear();
    for (const QString& path : paths) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { Q_EMIT recentStudyRequested(path); });
    }
    m_recentMenu->setEnabled(!paths.isEmpty());
}

void ViewerMenus::setWindowPresets(const XrayImage& image)
{
    m_presetMenu->clear();
    const auto& presets = image.windowPresets;
    for (int k = 0; k < int(presets.size()); ++k) {
        const auto& preset = presets[static_cast<std::size_t>(k)];
        const QString name
            = preset.explanation.empty() ? tr("Preset %1").arg(k + 1) : QString::fromStdString(preset.explanation);
        QAction* action = m_presetMenu->addAction(
            tr("%1  (W %2 / L %3)").arg(name, displayNumber(preset.width), displayNumber(preset.center)));
        if (k < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + k)));
        connect(
            action, &QAction::triggered, m_viewport, [viewport = m_viewport, k] { viewport->applyWindowPreset(k); });
    }
    m_presetMenu->setEnabled(!presets.empty());
}

} // namespace lrclr
