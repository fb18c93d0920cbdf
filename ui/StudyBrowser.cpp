#include "ui/StudyBrowser.h"

#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QPointer>
#include <QTabWidget>
#include <QThreadPool>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/study/DisplayPipeline.h"
#include "core/study/StudyIndexer.h"
#include "imaging/RasterImageReader.h"
#include "imaging/StudyReader.h"
#include "ui/PacsBrowser.h"

namespace lrclr {

namespace {

constexpr int pathRole = Qt::UserRole + 1;
constexpr int reportRole = Qt::UserRole + 2;
constexpr int rowRole = Qt::UserRole + 3;
constexpr int thumbnailSide = 64;
constexpr int maximumThumbnails = 200;
constexpr int pacsDockWidth = 440;

enum Column { PatientColumn, IdColumn, DateColumn, ViewsColumn, ImagesColumn, DescriptionColumn, ColumnCount };

/// A worklist row that sorts its text columns numeric-aware ("3-2" before "3-10"), dates by date and image counts
/// by number.
class WorklistItem : public QTreeWidgetItem {
public:
    using QTreeWidgetItem::QTreeWidgetItem;

    bool operator<(const QTreeWidgetItem& other) const override
    {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        if (column == ImagesColumn)
            return text(column).toInt() < other.text(column).toInt();
        return WorklistRows::naturalLess(text(column), other.text(column));
    }
};

QImage thumbnailOf(const QString& path)
{
    const auto image = StudyReader::readImage(path);
    if (!image)
        return {};
    DisplayPipeline pipeline(*image);
    const DisplayFrame frame = pipeline.render();
    if (!frame.isValid())
        return {};
    const QImage wrapped(frame.bytes.data(), frame.width, frame.height, frame.bytesPerLine(),
        frame.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    return wrapped.scaled(thumbnailSide, thumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

} // namespace

StudyBrowser::StudyBrowser(QWidget* parent)
    : QWidget(parent)
    , m_indexer(new StudyIndexer(std::make_shared<RasterImageReader>(), this))
    , m_sources(new QTabWidget(this))
    , m_tree(new QTreeWidget(this))
    , m_filter(new QLineEdit(this))
    , m_pacs(new PacsBrowser(this))
    , m_status(new QLabel(this))
    , m_thumbnailPool(new QThreadPool(this))
{
    // Thumbnails yield to everything else: one thread at idle priority, so that decoding a 3000 x 3000 JPEG 2000
    // for a 64-pixel icon never competes with the study being opened (or with the GUI thread) for the cores.
    m_thumbnailPool->setMaxThreadCount(1);
    m_thumbnailPool->setThreadPriority(QThread::IdlePriority);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({ tr("Patient"), tr("ID"), tr("Date"), tr("Views"), tr("Images"), tr("Description") });
    m_tree->setRootIsDecorated(false);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setIconSize(QSize(thumbnailSide, thumbnailSide));
    m_tree->setUniformRowHeights(false);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(PatientColumn, Qt::AscendingOrder);
    m_tree->header()->setSectionsMovable(false);
    m_filter->setPlaceholderText(tr("Filter: patient, ID, date, view, description"));
    m_filter->setClearButtonEnabled(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_sources->setObjectName(QStringLiteral("studySources"));
    m_sources->setDocumentMode(true);
    auto* folders = new QWidget(this);
    auto* foldersLayout = new QVBoxLayout(folders);
    foldersLayout->setContentsMargins(0, 0, 0, 0);
    foldersLayout->addWidget(m_filter);
    foldersLayout->addWidget(m_tree);
    m_sources->addTab(folders, tr("Folders"));
    m_sources->addTab(m_pacs, tr("PACS"));
    layout->addWidget(m_sources);
    // A direct child below the sources, and shown with the folders only: the indexing status is theirs.
    layout->addWidget(m_status);
    connect(m_sources, &QTabWidget::currentChanged, this, [this](int index) {
        m_status->setVisible(m_sources->widget(index) == m_tree->parentWidget());
        if (m_sources->widget(index) == m_pacs)
            widenDockForPacs();
    });

    // A worklist opens on a single click (and on Enter or a double-click, which arrive as activation).
    const auto open = [this](QTreeWidgetItem* item) {
        const QString path = item ? item->data(0, pathRole).toString() : QString();
        if (!path.isEmpty() && path != m_lastOpened) {
            m_lastOpened = path;
            Q_EMIT imageActivated(path, item->data(0, reportRole).toString());
        }
    };
    connect(m_tree, &QTreeWidget::itemClicked, this, open);
    connect(m_tree, &QTreeWidget::itemActivated, this, open);
    connect(m_filter, &QLineEdit::textChanged, this, &StudyBrowser::applyFilter);
    connect(m_indexer, &StudyIndexer::progress, this,
        [this](int done, int total) { m_status->setText(tr("Indexing %1 / %2 files").arg(done).arg(total)); });
    connect(m_indexer, &StudyIndexer::finished, this, &StudyBrowser::populate);
    connect(m_indexer, &StudyIndexer::failed, this, [this](const QString& message) {
        m_status->setText(message);
        Q_EMIT this->message(message);
    });
}

StudyBrowser::~StudyBrowser()
{
    if (m_thumbnailsCanceled)
        m_thumbnailsCanceled->store(true);
    // Queued thumbnails are dropped; one being decoded (or stuck in a read) must not hold up quitting: the pool is
    // then let go to the process's exit, like StudyIndexer's thread.
    m_thumbnailPool->clear();
    if (!m_thumbnailPool->waitForDone(StudyIndexer::shutdownWaitMilliseconds))
        m_thumbnailPool->setParent(nullptr);
}

void StudyBrowser::widenDockForPacs()
{
    // The results table needs more room than the folder tree: widen the dock once, when it is narrower.
    auto* dock = qobject_cast<QDockWidget*>(parentWidget());
    auto* window = dock ? qobject_cast<QMainWindow*>(dock->parentWidget()) : nullptr;
    if (window && dock->width() < pacsDockWidth)
        window->resizeDocks({ dock }, { pacsDockWidth }, Qt::Horizontal);
}

void StudyBrowser::showPacs()
{
    m_sources->setCurrentWidget(m_pacs);
}

void StudyBrowser::index(const QString& path, bool openFirst)
{
    m_sources->setCurrentWidget(m_tree->parentWidget());
    m_openFirst = openFirst;
    m_status->setText(tr("Indexing %1").arg(path));
    m_indexer->start(path);
}

void StudyBrowser::indexNeighbours(const QString& folder)
{
    m_sources->setCurrentWidget(m_tree->parentWidget());
    m_openFirst = false;
    m_status->setText(tr("Indexing %1 (this folder only)").arg(folder));
    m_indexer->start(folder, StudyIndexScanner::FolderScope::neighbours());
}

void StudyBrowser::populate(const StudyIndex& index)
{
    m_index = index;
    m_tree->setSortingEnabled(false);
    m_tree->clear();
    m_lastOpened.clear();
    m_rows = WorklistRows::fromIndex(index);
    const QList<WorklistRow>& rows = m_rows;
    int images = 0;
    for (qsizetype k = 0; k < rows.size(); ++k) {
        const WorklistRow& row = rows[k];
        auto* item = new WorklistItem(m_tree);
        item->setData(0, rowRole, int(k)); // the row behind the item, whatever the sort order
        item->setText(PatientColumn, row.patient);
        item->setText(IdColumn, row.patientId);
        item->setText(DateColumn, row.date.isValid() ? row.date.toString(Qt::ISODate) : QString());
        item->setText(ViewsColumn, row.views.join(QStringLiteral(", ")));
        item->setText(ImagesColumn, QString::number(row.images));
        item->setText(
            DescriptionColumn, row.description + (row.reportPath.isEmpty() ? QString() : tr("  \u2022 report")));
        item->setData(0, pathRole, row.imagePath);
        item->setData(
            0, reportRole, row.reportPath.isEmpty() ? StudyReader::findReportFor(row.imagePath) : row.reportPath);
        for (int column = 0; column < ColumnCount; ++column)
            item->setToolTip(column, row.toolTip());
        images += row.images;
    }
    m_tree->setSortingEnabled(true);
    for (int column = 0; column < ColumnCount; ++column)
        m_tree->resizeColumnToContents(column);
    applyFilter(m_filter->text());
    QString status = tr("%n stud(ies), ", nullptr, int(rows.size())) + tr("%n image(s)", nullptr, images);
    if (!index.problems().isEmpty())
        status += tr(", %n file(s) not indexed", nullptr, int(index.problems().size()));
    m_status->setText(status);
    renderThumbnails();
    QTreeWidgetItem* first = m_tree->topLevelItem(0);
    if (m_openFirst && first)
        m_lastOpened = first->data(0, pathRole).toString();
    if (m_openFirst)
        Q_EMIT indexed(first ? first->data(0, pathRole).toString() : QString(),
            first ? first->data(0, reportRole).toString() : QString());
}

void StudyBrowser::applyFilter(const QString& filter)
{
    for (int k = 0; k < m_tree->topLevelItemCount(); ++k) {
        QTreeWidgetItem* item = m_tree->topLevelItem(k);
        const int row = item->data(0, rowRole).toInt();
        item->setHidden(row >= 0 && row < m_rows.size() && !m_rows[row].matches(filter));
    }
}

void StudyBrowser::openNextStudy(int step)
{
    QList<QTreeWidgetItem*> visible;
    for (int k = 0; k < m_tree->topLevelItemCount(); ++k)
        if (!m_tree->topLevelItem(k)->isHidden())
            visible << m_tree->topLevelItem(k);
    if (visible.isEmpty() || step == 0)
        return;
    const qsizetype current = visible.indexOf(m_tree->currentItem());
    const qsizetype count = visible.size();
    const qsizetype next = current < 0 ? (step > 0 ? 0 : count - 1) : ((current + step) % count + count) % count;
    m_tree->setCurrentItem(visible[next]);
    const QString path = visible[next]->data(0, pathRole).toString();
    m_lastOpened = path;
    Q_EMIT imageActivated(path, visible[next]->data(0, reportRole).toString());
}

void StudyBrowser::renderThumbnails()
{
    if (m_thumbnailsCanceled)
        m_thumbnailsCanceled->store(true);
    m_thumbnailsCanceled = std::make_shared<std::atomic<bool>>(false);
    QList<QTreeWidgetItem*> items;
    QTreeWidgetItemIterator it(m_tree);
    while (*it && items.size() < maximumThumbnails) {
        if (!(*it)->data(0, pathRole).toString().isEmpty())
            items << *it;
        ++it;
    }
    const QPointer<StudyBrowser> self(this);
    for (int k = 0; k < items.size(); ++k) {
        const QString path = items[k]->data(0, pathRole).toString();
        auto canceled = m_thumbnailsCanceled;
        m_thumbnailPool->start([self, path, canceled, k] {
            if (canceled->load())
                return;
            const QImage thumbnail = thumbnailOf(path);
            if (thumbnail.isNull() || canceled->load())
                return;
            QMetaObject::invokeMethod(
                qApp,
                [self, thumbnail, canceled, k] {
                    if (!self || canceled->load())
                        return;
                    int seen = 0;
                    QTreeWidgetItemIterator iterator(self->m_tree);
                    while (*iterator) {
                        if (!(*iterator)->data(0, pathRole).toString().isEmpty() && seen++ == k) {
                            (*iterator)->setIcon(0, QIcon(QPixmap::fromImage(thumbnail)));
                            return;
                        }
                        ++iterator;
                    }
                },
                Qt::QueuedConnection);
        });
    }
}

} // namespace lrclr
