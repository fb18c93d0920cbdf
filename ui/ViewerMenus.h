#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include "ui/ShortcutSheet.h"

class QAction;
class QMainWindow;
class QMenu;

namespace lrclr {

class ImageViewport;
class OverlaySettings;
class ViewerSession;
struct XrayImage;

/// The viewer's menu bar (File, View, Overlay, Report, Help) with standard shortcuts, the recent-studies and
/// window-preset menus, and the grouped action lists the F1 sheet shows. View and overlay actions act on the viewport
/// and the overlay settings directly; file-level actions are signals for the window to handle. GUI thread only.
class ViewerMenus : public QObject {
    Q_OBJECT

public:
    /// Builds the menus into `window`'s menu bar (after its docks exist: their toggle actions join the View menu).
    ViewerMenus(QMainWindow* window, ImageViewport* viewport, ViewerSession* session, OverlaySettings* overlay);

    /// Every action with a shortcut, grouped by menu (the F1 sheet's groups).
    QList<ShortcutSheet::Group> groups() const;
    /// Every action with a shortcut.
    QList<QAction*> shortcutActions() const;

    void setRecentStudies(const QStringList& paths);
    /// The window presets of the image now shown (Ctrl+1..9).
    void setWindowPresets(const XrayImage& image);

public Q_SLOTS:
    /// The F1 sheet: the groups' shortcuts and the mouse gestures.
    void showShortcutSheet();

Q_SIGNALS:
    void openFileRequested();
    void openFolderRequested();
    void recentStudyRequested(const QString& path);
    void exportSnapshotRequested();
    void exportAnalysisRequested();
    void exportDicomResultsRequested();
    void exportDeidentifiedRequested();
    void saveReviewRequested();
    void exportReviewRequested();
    /// Open the worklist's study `step` rows away (1 next, -1 previous).
    void nextStudyRequested(int step);

private:
    void createFileMenu();
    void createViewMenu();
    void createOverlayMenu();
    void createReportMenu();
    void createHelpMenu();

    QMainWindow* m_window;
    ImageViewport* m_viewport;
    ViewerSession* m_session;
    OverlaySettings* m_overlay;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_presetMenu = nullptr;
    QList<ShortcutSheet::Group> m_groups;
};

} // namespace lrclr
