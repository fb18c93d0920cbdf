#include "ui/FindingsPanel.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/model/AnalysisSelection.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewDecisions.h"

namespace lrclr {

namespace {

constexpr int probabilityRole = Qt::UserRole + 1;

/// Paints a probability 0..1 as a horizontal bar with its percentage, so 14 findings can be compared at a glance.
class ProbabilityBarDelegate : public QStyledItemDelegate {
public:
    explicit ProbabilityBarDelegate(QColor color, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_color(color)
    {
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const QVariant value = index.data(probabilityRole);
        if (!value.isValid()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        const double probability = std::clamp(value.toDouble(), 0.0, 1.0);
        painter->save();
        if (option.state & QStyle::State_Selected)
            painter->fillRect(option.rect, option.palette.highlight());
        const QRect track = option.rect.adjusted(3, 4, -3, -4);
        painter->fillRect(track, QColor(255, 255, 255, 18));
        painter->fillRect(QRect(track.topLeft(), QSize(int(track.width() * probability), track.height())), m_color);
        painter->setPen(option.palette.color(QPalette::Text));
        painter->drawText(track.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight,
            QString::number(probability * 100.0, 'f', 0) + QLatin1Char('%'));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(90, 22));
    }

private:
    QColor m_color;
};

enum FindingColumn { NameColumn, GlobalColumn, LocalColumn, CombinedColumn };
enum PairColumn { SentenceColumn, RegionColumn, WeightColumn, DecisionColumn };

QString decisionText(ReviewDecisions::Decision decision)
{
    switch (decision) {
    case ReviewDecisions::Decision::Accepted:
        return QStringLiteral("\u2713 accepted");
    case ReviewDecisions::Decision::Rejected:
        return QStringLiteral("\u2717 rejected");
    case ReviewDecisions::Decision::Undecided:
        break;
    }
    return QString();
}

} // namespace

FindingsPanel::FindingsPanel(
    ReportRegionLinks* links, AnalysisSelection* selection, ReviewDecisions* decisions, QWidget* parent)
    : QWidget(parent)
    , m_links(links)
    , m_selection(selection)
    , m_decisions(decisions)
    , m_findings(new QTreeWidget(this))
    , m_pairs(new QTreeWidget(this))
    , m_accept(new QPushButton(tr("Accept (A)"), this))
    , m_reject(new QPushButton(tr("Reject (R)"), this))
{
    m_findings->setColumnCount(4);
    m_findings->setHeaderLabels({ tr("Finding"), tr("Global"), tr("Local"), tr("Combined") });
    m_findings->setRootIsDecorated(false);
    m_findings->setUniformRowHeights(true);
    m_findings->setItemDelegateForColumn(GlobalColumn, new ProbabilityBarDelegate(QColor(70, 130, 200), this));
    m_findings->setItemDelegateForColumn(LocalColumn, new ProbabilityBarDelegate(QColor(60, 170, 150), this));
    m_findings->setItemDelegateForColumn(CombinedColumn, new ProbabilityBarDelegate(QColor(230, 150, 40), this));
    m_findings->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_findings->header()->setStretchLastSection(false);
    m_findings->setSortingEnabled(false);
    m_findings->setToolTip(tr("Zero-shot probability: global image embedding, region-attended local embedding, and "
                              "their combination. Click a finding to show its heatmap."));

    m_pairs->setColumnCount(4);
    m_pairs->setHeaderLabels({ tr("Sentence"), tr("Region"), tr("Weight"), tr("Decision") });
    m_pairs->setRootIsDecorated(false);
    m_pairs->setUniformRowHeights(true);
    m_pairs->header()->setSectionResizeMode(SentenceColumn, QHeaderView::Stretch);
    m_pairs->header()->setStretchLastSection(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_reject);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(new QLabel(tr("Findings (zero-shot)"), this));
    layout->addWidget(m_findings, 3);
    layout->addWidget(new QLabel(tr("Sentence \u2194 region links"), this));
    layout->addWidget(m_pairs, 2);
    layout->addLayout(buttons);

    for (const auto& [key, slot] : { std::pair { Qt::Key_A, &FindingsPanel::acceptCurrentPair },
             std::pair { Qt::Key_R, &FindingsPanel::rejectCurrentPair },
             std::pair { Qt::Key_U, &FindingsPanel::clearCurrentPair } }) {
        auto* shortcut = new QShortcut(QKeySequence(key), m_pairs);
        shortcut->setContext(Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    }
    connect(m_accept, &QPushButton::clicked, this, &FindingsPanel::acceptCurrentPair);
    connect(m_reject, &QPushButton::clicked, this, &FindingsPanel::rejectCurrentPair);
    connect(m_findings, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        if (m_selection)
            m_selection->selectFinding(item->data(NameColumn, Qt::UserRole).toInt());
    });
    connect(m_pairs, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        if (!m_selection)
            return;
        m_selection->selectSentence(item->data(SentenceColumn, Qt::UserRole).toInt());
        m_selection->pinRegion(item->data(RegionColumn, Qt::UserRole).toInt());
    });
    if (links)
        connect(links, &ReportRegionLinks::linksChanged, this, &FindingsPanel::refresh);
    if (decisions) {
        connect(decisions, &ReviewDecisions::decisionChanged, this, &FindingsPanel::refreshDecisions);
        connect(decisions, &ReviewDecisions::decisionsReset, this, &FindingsPanel::refreshDecisions);
    }
    refresh();
}

void FindingsPanel::refresh()
{
    m_findings->clear();
    m_pairs->clear();
    const auto result = m_links ? m_links->result() : SharedAnalysisResult();
    if (!result)
        return;
    // Most probable first: the reader's eye goes to the top of the list, not to the alphabet.
    std::vector<std::size_t> order(result->findings.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&result](std::size_t a, std::size_t b) {
        return result->findings[a].combinedProbability > result->findings[b].combinedProbability;
    });
    for (const std::size_t k : order) {
        const auto& finding = result->findings[k];
        auto* item = new QTreeWidgetItem(m_findings);
        item->setText(NameColumn, QString::fromStdString(finding.name));
        item->setData(NameColumn, Qt::UserRole, static_cast<int>(k));
        item->setData(GlobalColumn, probabilityRole, finding.globalProbability);
        item->setData(LocalColumn, probabilityRole, finding.localProbability);
        item->setData(CombinedColumn, probabilityRole, finding.combinedProbability);
    }
    for (int sentence = 0; sentence < m_links->sentenceCount(); ++sentence) {
        const QString text = QString::fromStdString(result->sentences[static_cast<std::size_t>(sentence)].text);
        for (const auto& link : m_links->supportingRegions(sentence)) {
            auto* item = new QTreeWidgetItem(m_pairs);
            item->setText(SentenceColumn, QStringLiteral("%1. %2").arg(sentence + 1).arg(text));
            item->setToolTip(SentenceColumn, text);
            item->setData(SentenceColumn, Qt::UserRole, sentence);
            item->setText(RegionColumn, QStringLiteral("R%1").arg(link.index + 1));
            item->setData(RegionColumn, Qt::UserRole, link.index);
            item->setText(WeightColumn, QString::number(link.weight, 'f', 2));
        }
    }
    refreshDecisions();
}

void FindingsPanel::refreshDecisions()
{
    for (int row = 0; row < m_pairs->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = m_pairs->topLevelItem(row);
        const auto decision = m_decisions ? m_decisions->decision(item->data(SentenceColumn, Qt::UserRole).toInt(),
                                  item->data(RegionColumn, Qt::UserRole).toInt())
                                          : ReviewDecisions::Decision::Undecided;
        item->setText(DecisionColumn, decisionText(decision));
        item->setForeground(DecisionColumn,
            decision == ReviewDecisions::Decision::Rejected ? QBrush(QColor(240, 110, 100))
                                                            : QBrush(QColor(120, 210, 130)));
    }
}

void FindingsPanel::decideCurrent(int decision)
{
    QTreeWidgetItem* item = m_pairs->currentItem();
    if (!item || !m_decisions)
        return;
    m_decisions->setDecision(item->data(SentenceColumn, Qt::UserRole).toInt(),
        item->data(RegionColumn, Qt::UserRole).toInt(), static_cast<ReviewDecisions::Decision>(decision));
    // Move on to the next pair, so a reviewer can go down the list with A/R.
    const int row = m_pairs->indexOfTopLevelItem(item);
    if (row + 1 < m_pairs->topLevelItemCount())
        m_pairs->setCurrentItem(m_pairs->topLevelItem(row + 1));
}

void FindingsPanel::acceptCurrentPair()
{
    decideCurrent(int(ReviewDecisions::Decision::Accepted));
}

void FindingsPanel::rejectCurrentPair()
{
    decideCurrent(int(ReviewDecisions::Decision::Rejected));
}

void FindingsPanel::clearCurrentPair()
{
    decideCurrent(int(ReviewDecisions::Decision::Undecided));
}

} // namespace lrclr
