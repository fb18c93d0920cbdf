#pragma once

#include <atomic>
#include <memory>

#include <QWidget>

#include "core/study/StudyIndex.h"
#include "ui/model/WorklistRows.h"

class QLabel;
class QLineEdit;
class QTabWidget;
class QThreadPool;
class QTreeWidget;
class QTreeWidgetItem;

namespace lrclr {

class PacsBrowser;
class StudyIndexer;

/// The study browser, with two sources. "Folders": a worklist of a folder or DICOMDIR indexed in the background by
/// StudyIndexer — one row per study (patient, ID, date, views, images, description; WorklistRows), sortable with a
/// numeric-aware order, filtered by the box above it, a thumbnail rendered off the GUI thread; a single click (or
/// Enter) asks the window to open the study's frontal image with its report, and openNextStudy() steps through the
/// visible rows. "PACS": PacsBrowser, searching
/// a PACS node and opening its studies through the session. GUI thread only.
class StudyBrowser : public QWidget {
    Q_OBJECT

public:
    explicit StudyBrowser(QWidget* parent = nullptr);
    ~StudyBrowser() override;

    /// Indexes `path` (folder or DICOMDIR) in the background; the tree fills when done, and with `openFirst` the
    /// indexed() signal asks for the first image to be opened.
    void index(const QString& path, bool openFirst = true);
    /// The folder beside a file the user opened: that folder only (not its subfolders), at most
    /// StudyIndexScanner::FolderScope::neighbours() files.
    void indexNeighbours(const QString& folder);
    const StudyIndex& studyIndex() const { return m_index; }
    QTreeWidget* tree() const { return m_tree; }
    PacsBrowser* pacsBrowser() const { return m_pacs; }
    QTabWidget* sources() const { return m_sources; }
    /// Brings the PACS source to the front.
    void showPacs();
    QLineEdit* filterBox() const { return m_filter; }

public Q_SLOTS:
    /// Opens the study `step` visible rows after (negative: before) the current one, wrapping around.
    void openNextStudy(int step = 1);

Q_SIGNALS:
    /// An image was activated: its file and the study's first report file (empty when none).
    void imageActivated(const QString& imagePath, const QString& reportPath);
    /// Indexing finished; `firstImage` is the first image of the first study (empty when none).
    void indexed(const QString& firstImage, const QString& firstReport);
    void message(const QString& text);

private:
    void populate(const StudyIndex& index);
    void applyFilter(const QString& filter);
    void renderThumbnails();
    void widenDockForPacs();

    StudyIndexer* m_indexer = nullptr;
    StudyIndex m_index;
    QTabWidget* m_sources = nullptr;
    QTreeWidget* m_tree = nullptr;
    QLineEdit* m_filter = nullptr;
    QList<WorklistRow> m_rows; ///< the worklist's rows, in index order (items keep their row under rowRole)
    QString m_lastOpened; ///< the image a click last asked for: a second click on it does not re-open
    PacsBrowser* m_pacs = nullptr;
    QLabel* m_status = nullptr;
    QThreadPool* m_thumbnailPool = nullptr;
    std::shared_ptr<std::atomic<bool>> m_thumbnailsCanceled;
    bool m_openFirst = true;
};

} // namespace lrclr
