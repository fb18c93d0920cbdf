#include "ui/StudyBrowser.h"

#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
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
constexpr int thumbnailSide = 64;
constexpr int maximumThumbnails = 200;
constexpr int pacsDockWidth = 440;

QString patientLabel(const StudyIndexPatient& patient)
{
    QString name = patient.patientName;
    name.replace(QLatin1Char('^'), QStringLiteral(", "));
    if (name.isEmpty())
        name = patient.patientId.isEmpty() ? QObject::tr("(no patient name)") : patient.patientId;
    return patient.patientId.isEmpty() || name == patient.patientId
        ? name
        : QStringLiteral("%1  [%2]").arg(name, patient.patientId);
}

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
    , m_pacs(new PacsBrowser(this))
    , m_status(new QLabel(this))
{
    m_tree->setHeaderHidden(true);
    m_tree->setIconSize(QSize(thumbnailSide, thumbnailSide));
    m_tree->setUniformRowHeights(false);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_sources->setObjectName(QStringLiteral("studySources"));
    m_sources->setDocumentMode(true);
    m_sources->addTab(m_tree, tr("Folders"));
    m_sources->addTab(m_pacs, tr("PACS"));
    layout->addWidget(m_sources);
    // A direct child below the sources, and shown with the folders only: the indexing status is theirs.
    layout->addWidget(m_status);
    connect(m_sources, &QTabWidget::currentChanged, this, [this](int index) {
        m_status->setVisible(m_sources->widget(index) == m_tree);
        if (m_sources->widget(index) == m_pacs)
            widenDockForPacs();
    });

    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString path = item->data(0, pathRole).toString();
        if (!path.isEmpty())
            Q_EMIT imageActivated(path, item->data(0, reportRole).toString());
    });
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
    m_sources->setCurrentWidget(m_tree);
    m_openFirst = openFirst;
    m_status->setText(tr("Indexing %1").arg(path));
    m_indexer->start(path);
}

void StudyBrowser::indexNeighbours(const QString& folder)
{
    m_sources->setCurrentWidget(m_tree);
    m_openFirst = false;
    m_status->setText(tr("Indexing %1 (this folder only)").arg(folder));
    m_indexer->start(folder, StudyIndexScanner::FolderScope::neighbours());
}

void StudyBrowser::populate(const StudyIndex& index)
{
    m_index = index;
    m_tree->clear();
    QString firstImage;
    QString firstReport;
    int images = 0;
    for (const auto& patient : index.patients()) {
        auto* patientItem = new QTreeWidgetItem(m_tree, { patientLabel(patient) });
        for (const auto& study : patient.studies) {
            const QString report = study.reportPaths.value(0);
            QString label = study.date.isValid() ? study.date.toString(Qt::ISODate) : tr("(no date)");
            if (!study.description.isEmpty())
                label += QStringLiteral("  ") + study.description;
            if (!study.reportPaths.isEmpty())
                label += tr("  \u2022 report");
            auto* studyItem = new QTreeWidgetItem(patientItem, { label });
            for (const auto& series : study.series) {
                auto* seriesItem = new QTreeWidgetItem(studyItem,
                    { tr("Series %1 %2 %3").arg(series.seriesNumber).arg(series.modality, series.description) });
                for (const auto& instance : series.instances) {
                    if (instance.kind != StudyIndexInstance::Kind::DicomImage
                        && instance.kind != StudyIndexInstance::Kind::Raster)
                        continue;
                    QString text = instance.viewPosition.isEmpty() ? tr("Image %1").arg(instance.instanceNumber)
                                                                   : instance.viewPosition;
                    if (instance.rows > 0)
                        text += QStringLiteral("  %1\u00D7%2").arg(instance.columns).arg(instance.rows);
                    auto* item = new QTreeWidgetItem(seriesItem, { text });
                    item->setData(0, pathRole, instance.filePath);
                    item->setData(
                        0, reportRole, report.isEmpty() ? StudyReader::findReportFor(instance.filePath) : report);
                    item->setToolTip(0, instance.filePath);
                    ++images;
                    if (firstImage.isEmpty()) {
                        firstImage = instance.filePath;
                        firstReport = item->data(0, reportRole).toString();
                    }
                }
            }
        }
    }
    m_tree->expandAll();
    QString status = tr("%n image(s)", nullptr, images);
    if (!index.problems().isEmpty())
        status += tr(", %n file(s) not indexed", nullptr, int(index.problems().size()));
    m_status->setText(status);
    renderThumbnails();
    if (m_openFirst)
        Q_EMIT indexed(firstImage, firstReport);
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
        QThreadPool::globalInstance()->start([self, path, canceled, k] {
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
