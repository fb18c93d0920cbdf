#include "ui/PacsBrowser.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "ui/PacsNodeDialog.h"
#include "ui/model/PacsStudyOpener.h"
#include "ui/model/PacsStudyRows.h"

namespace lrclr {

namespace {

const QString cacheFolderKey = QStringLiteral("pacs/cacheFolder");
const QString cacheMegabytesKey = QStringLiteral("pacs/cacheMegabytes");

QLineEdit* lineEdit(QWidget* parent, const QString& name, const QString& placeholder)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

QToolButton* toolButton(QWidget* parent, const QString& text, const QString& toolTip)
{
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    return button;
}

PacsStudyOpener* makeOpener(QObject* parent)
{
    const QSettings settings;
    const QString folder = settings.value(cacheFolderKey, PacsStudyOpener::defaultCacheFolder()).toString();
    const qint64 megabytes = settings.value(cacheMegabytesKey, PacsStudyOpener::defaultCacheBytes >> 20).toLongLong();
    return new PacsStudyOpener(folder, std::max<qint64>(megabytes, 0) << 20, parent);
}

} // namespace

PacsBrowser::PacsBrowser(QWidget* parent)
    : QWidget(parent)
    , m_search(new PacsSearch(this))
    , m_opener(makeOpener(this))
    , m_results(new QTreeView(this))
    , m_message(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    m_results->setObjectName(QStringLiteral("pacsResults"));
    m_results->setModel(m_search->rows());
    m_results->setRootIsDecorated(false);
    m_results->setAlternatingRowColors(true);
    m_results->setUniformRowHeights(true);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Fits the dock: the short columns as wide as their contents, the patient fitted after each search (at most
    // 2/5 of the list), the description the rest; elided text is in the row's tooltip.
    m_results->header()->setStretchLastSection(false);
    m_results->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_results->header()->setSectionResizeMode(PacsStudyRows::PatientColumn, QHeaderView::Interactive);
    m_results->header()->setSectionResizeMode(PacsStudyRows::DescriptionColumn, QHeaderView::Stretch);
    m_results->setTextElideMode(Qt::ElideRight);
    m_message->setObjectName(QStringLiteral("pacsMessage"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_progress->setTextVisible(true);

    auto* busyRow = new QHBoxLayout;
    busyRow->setContentsMargins(0, 0, 0, 0);
    busyRow->addWidget(m_progress, 1);
    busyRow->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(createNodeRow());
    layout->addWidget(createForm());
    layout->addWidget(m_results, 1);
    layout->addLayout(busyRow);
    layout->addWidget(m_message);
    setBusy(false, {});

    QSettings settings;
    m_saved = PacsNodeSettings::load(settings);
    fillNodes(0);
    showMessage(m_saved.isEmpty() ? tr("Add a PACS node to search it") : tr("Search the PACS for studies"));
    connectModels();
}

PacsBrowser::~PacsBrowser() = default;

QWidget* PacsBrowser::createNodeRow()
{
    auto* row = new QWidget(this);
    m_nodes = new QComboBox(row);
    m_nodes->setObjectName(QStringLiteral("pacsNode"));
    m_nodes->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_nodes->setMinimumContentsLength(12);
    auto* add = toolButton(row, QStringLiteral("+"), tr("Add a PACS node\u2026"));
    m_editNode = toolButton(row, QStringLiteral("\u270E"), tr("Edit this node\u2026"));
    m_removeNode = toolButton(row, QStringLiteral("\u2212"), tr("Remove this node"));
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_nodes, 1);
    layout->addWidget(add);
    layout->addWidget(m_editNode);
    layout->addWidget(m_removeNode);
    connect(add, &QToolButton::clicked, this, &PacsBrowser::addNode);
    connect(m_editNode, &QToolButton::clicked, this, &PacsBrowser::editNode);
    connect(m_removeNode, &QToolButton::clicked, this, &PacsBrowser::removeNode);
    connect(m_nodes, &QComboBox::currentIndexChanged, this, [this](int index) {
        const bool saved = index >= (m_commandLineNode ? 1 : 0) && index >= 0;
        m_editNode->setEnabled(saved);
        m_removeNode->setEnabled(saved);
        m_searchButton->setEnabled(index >= 0);
    });
    return row;
}

QWidget* PacsBrowser::createForm()
{
    auto* box = new QWidget(this);
    m_patientId = lineEdit(box, QStringLiteral("pacsPatientId"), tr("any"));
    m_patientName = lineEdit(box, QStringLiteral("pacsPatientName"), tr("DOE^J*  (wildcards * and ?)"));
    m_studyDates = lineEdit(box, QStringLiteral("pacsStudyDates"), tr("20240101-20241231"));
    m_accession = lineEdit(box, QStringLiteral("pacsAccession"), tr("any"));
    m_modality = new QComboBox(box);
    m_modality->setObjectName(QStringLiteral("pacsModality"));
    m_modality->setEditable(true);
    m_modality->addItems({ QString(), QStringLiteral("CR"), QStringLiteral("DX"), QStringLiteral("DR") });
    m_modality->lineEdit()->setPlaceholderText(tr("any"));
    m_searchButton = new QPushButton(tr("Search"), box);
    m_searchButton->setObjectName(QStringLiteral("pacsSearch"));
    m_searchButton->setDefault(true);

    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Patient ID"), m_patientId);
    form->addRow(tr("Name"), m_patientName);
    form->addRow(tr("Study date"), m_studyDates);
    form->addRow(tr("Accession"), m_accession);
    form->addRow(tr("Modality"), m_modality);
    form->addRow(QString(), m_searchButton);
    connect(m_searchButton, &QPushButton::clicked, this, [this] { searchNow(); });
    for (QLineEdit* edit : { m_patientId, m_patientName, m_studyDates, m_accession, m_modality->lineEdit() })
        connect(edit, &QLineEdit::returnPressed, this, [this] { searchNow(); });
    return box;
}

void PacsBrowser::connectModels()
{
    connect(m_search, &PacsSearch::stateChanged, this, [this] {
        showMessage(m_search->message());
        if (m_search->isSearching())
            setBusy(true, tr("Searching\u2026"));
        else if (!m_opener->isRunning())
            setBusy(false, {});
    });
    connect(m_search, &PacsSearch::finished, this, [this](int count) {
        m_results->resizeColumnToContents(PacsStudyRows::PatientColumn);
        const int most = m_results->viewport()->width() * 2 / 5;
        if (m_results->columnWidth(PacsStudyRows::PatientColumn) > most)
            m_results->setColumnWidth(PacsStudyRows::PatientColumn, most);
        if (std::exchange(m_openFirst, false) && count > 0)
            openRow(0);
    });
    connect(m_search, &PacsSearch::failed, this, [this] { m_openFirst = false; });
    connect(m_results, &QTreeView::activated, this, [this](const QModelIndex& index) { openRow(index.row()); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_search->cancel();
        m_opener->cancel();
    });
    connect(m_opener, &PacsStudyOpener::started, this, [this] {
        showMessage(tr("Retrieving the study from %1\u2026").arg(m_search->node().node.toString()));
        setBusy(true, tr("Retrieving\u2026"));
    });
    connect(m_opener, &PacsStudyOpener::progress, this, [this](int done, int total) {
        m_progress->setRange(0, std::max(total, 0));
        m_progress->setValue(done);
        m_progress->setFormat(total > 0 ? tr("%1 / %2 images").arg(done).arg(total) : tr("%1 images").arg(done));
    });
    connect(m_opener, &PacsStudyOpener::opened, this, [this](const QString&, const QString&, bool fromCache) {
        setBusy(false, {});
        showMessage(fromCache ? tr("Opened from the local cache") : tr("Retrieved and opened"));
    });
    connect(m_opener, &PacsStudyOpener::failed, this, [this](const QString&, const QString& message) {
        setBusy(false, {});
        showMessage(message);
    });
    connect(m_opener, &PacsStudyOpener::canceled, this, [this] {
        setBusy(false, {});
        showMessage(tr("Retrieve canceled"));
    });
}

void PacsBrowser::setSession(ViewerSession* session)
{
    m_opener->setSession(session);
}

void PacsBrowser::useNode(const PacsNodeEntry& entry)
{
    m_commandLineNode = entry;
    fillNodes(0);
    showMessage(tr("Search %1 for studies").arg(entry.node.toString()));
}

std::optional<PacsNodeEntry> PacsBrowser::currentNode() const
{
    int index = m_nodes->currentIndex();
    if (index < 0)
        return std::nullopt;
    if (m_commandLineNode) {
        if (index == 0)
            return m_commandLineNode;
        --index;
    }
    return m_saved.value(index);
}

PacsSearch::Form PacsBrowser::form() const
{
    return { m_patientId->text(), m_patientName->text(), m_studyDates->text(), m_accession->text(),
        m_modality->currentText() };
}

void PacsBrowser::setForm(const PacsSearch::Form& form)
{
    m_patientId->setText(form.patientId);
    m_patientName->setText(form.patientName);
    m_studyDates->setText(form.studyDates);
    m_accession->setText(form.accessionNumber);
    m_modality->setCurrentText(form.modality);
}

void PacsBrowser::searchNow(bool openFirst)
{
    const std::optional<PacsNodeEntry> node = currentNode();
    if (!node) {
        showMessage(tr("Add a PACS node first"));
        return;
    }
    m_openFirst = openFirst;
    m_search->search(*node, form());
}

void PacsBrowser::openRow(int row)
{
    const PacsStudy study = m_search->rows()->study(row);
    if (study.studyInstanceUid.isEmpty())
        return;
    m_results->setCurrentIndex(m_search->rows()->index(row, 0));
    m_opener->open(m_search->node(), study.studyInstanceUid);
}

void PacsBrowser::addNode()
{
    PacsNodeDialog dialog(PacsNodeEntry {}, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_saved.removeAll(dialog.entry());
    m_saved.append(dialog.entry());
    saveNodes();
    fillNodes(int(m_saved.size()) - 1 + (m_commandLineNode ? 1 : 0));
}

void PacsBrowser::editNode()
{
    const int index = m_nodes->currentIndex() - (m_commandLineNode ? 1 : 0);
    if (index < 0 || index >= m_saved.size())
        return;
    PacsNodeDialog dialog(m_saved[index], this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_saved[index] = dialog.entry();
    saveNodes();
    fillNodes(m_nodes->currentIndex());
}

void PacsBrowser::removeNode()
{
    const int index = m_nodes->currentIndex() - (m_commandLineNode ? 1 : 0);
    if (index < 0 || index >= m_saved.size())
        return;
    m_saved.removeAt(index);
    saveNodes();
    fillNodes(0);
}

void PacsBrowser::fillNodes(int select)
{
    m_nodes->clear();
    if (m_commandLineNode) {
        m_nodes->addItem(m_commandLineNode->label());
        m_nodes->setItemData(0, tr("From the command line (--pacs), for this run; not saved"), Qt::ToolTipRole);
    }
    for (const PacsNodeEntry& entry : m_saved) {
        m_nodes->addItem(entry.label());
        m_nodes->setItemData(m_nodes->count() - 1, tr("Saved in the settings"), Qt::ToolTipRole);
    }
    m_nodes->setCurrentIndex(m_nodes->count() > 0 ? std::clamp(select, 0, m_nodes->count() - 1) : -1);
    const bool saved = m_nodes->currentIndex() >= (m_commandLineNode ? 1 : 0) && m_nodes->currentIndex() >= 0;
    m_editNode->setEnabled(saved);
    m_removeNode->setEnabled(saved);
    m_searchButton->setEnabled(m_nodes->count() > 0);
}

void PacsBrowser::saveNodes() const
{
    QSettings settings;
    PacsNodeSettings::save(settings, m_saved);
}

void PacsBrowser::showMessage(const QString& text)
{
    m_message->setText(text);
}

void PacsBrowser::setBusy(bool busy, const QString& text)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (busy) {
        m_progress->setRange(0, 0); // "busy" until the node says how many
        m_progress->setFormat(text);
    }
}

} // namespace lrclr
