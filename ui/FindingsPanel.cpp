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
#include "ui/model/FindingRows.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewDecisions.h"

namespace lrclr {

namespace {

constexpr int probabilityRole = Qt::UserRole + 1;
constexpr int thresholdRole = Qt::UserRole + 2; ///< operating threshold drawn as a tick on the bar

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
        QStyleOptionViewItem styled = option;
        initStyleOption(&styled, index); // the item's font: bold above the threshold
        painter->save();
        if (option.state & QStyle::State_Selected)
            painter->fillRect(option.rect, option.palette.highlight());
        const QRect track = option.rect.adjusted(3, 4, -3, -4);
        painter->fillRect(track, QColor(255, 255, 255, 18));
        painter->fillRect(QRect(track.topLeft(), QSize(int(track.width() * probability), track.height())), m_color);
        const QVariant threshold = index.data(thresholdRole);
        if (threshold.isValid()) {
            const int x = track.left() + int(track.width() * std::clamp(threshold.toDouble(), 0.0, 1.0));
            painter->setPen(QPen(QColor(255, 255, 255, 200), 2));
            painter->drawLine(x, track.top() - 2, x, track.bottom() + 2);
        }
        painter->setFont(styled.font);
        painter->setPen(option.palette.color(QPalette::Text));
        painter->drawText(track.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight,
            QString::number(probability * 100.0, 'f', 0) + QLatin1Char('%'));
        const QString marker = index.data(Qt::DisplayRole).toString(); // e.g. the above-threshold marker
        if (!marker.isEmpty())
            painter->drawText(track.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, marker);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(90, 22));
    }

private:
    QColor m_color;
};

enum FindingColumn { NameColumn, ProbabilityColumn, GlobalColumn, LocalColumn, CombinedColumn };
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
    m_findings->setColumnCount(5);
    m_findings->setHeaderLabels(
        { tr("Finding"), tr("Probability"), tr("Global (raw)"), tr("Local (raw)"), tr("Combined (raw)") });
    m_findings->setRootIsDecorated(false);
    m_findings->setUniformRowHeights(true);
    m_findings->setItemDelegateForColumn(ProbabilityColumn, new ProbabilityBarDelegate(QColor(200, 90, 60), this));
    m_findings->setItemDelegateForColumn(GlobalColumn, new ProbabilityBarDelegate(QColor(70, 130, 200), this));
    m_findings->setItemDelegateForColumn(LocalColumn, new ProbabilityBarDelegate(QColor(60, 170, 150), this));
    m_findings->setItemDelegateForColumn(CombinedColumn, new ProbabilityBarDelegate(QColor(230, 150, 40), this));
    // The names must stay readable in a narrow dock: the name column fits its contents, the bars get fixed widths,
    // and the global/local raw bars are hidden (their values stay in each row's tooltip).
    m_findings->header()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    m_findings->header()->setStretchLastSection(true);
    m_findings->setColumnWidth(ProbabilityColumn, 104);
    m_findings->setColumnHidden(GlobalColumn, true);
    m_findings->setColumnHidden(LocalColumn, true);
    m_findings->setSortingEnabled(false);
    m_findings->setToolTip(tr("Probability: the combined zero-shot score calibrated on labelled studies (the raw "
                              "combined score when the model has no calibration); bold with \u25B2 at or above the "
                              "finding's operating threshold (the tick on the bar). Raw CheXzero scores: global image "
                              "embedding, region-attended local embedding, and their combination. Click a finding to "
                              "show its heatmap."));

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
        // The sentence's heatmap with its supporting regions emphasised (one selection at a time: no pin).
        m_selection->selectSentence(item->data(SentenceColumn, Qt::UserRole).toInt());
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
    // Most probable first (FindingRows orders and marks them).
    for (const auto& row : FindingRows::fromResult(*result)) {
        auto* item = new QTreeWidgetItem(m_findings);
        item->setText(NameColumn, row.name);
        item->setData(NameColumn, Qt::UserRole, row.index);
        item->setData(NameColumn, aboveThresholdRole, row.aboveThreshold);
        item->setData(ProbabilityColumn, probabilityRole, row.probability);
        if (row.threshold)
            item->setData(ProbabilityColumn, thresholdRole, *row.threshold);
        item->setData(GlobalColumn, probabilityRole, row.globalProbability);
        item->setData(LocalColumn, probabilityRole, row.localProbability);
        item->setData(CombinedColumn, probabilityRole, row.combinedProbability);
        if (row.aboveThreshold) {
            // The marker goes on the probability bar, so the name column keeps the finding's name.
            item->setText(ProbabilityColumn, QStringLiteral("\u25B2"));
            QFont font = item->font(NameColumn);
            font.setBold(true);
            for (int column = NameColumn; column <= CombinedColumn; ++column)
                item->setFont(column, font);
        }
        for (int column = NameColumn; column <= CombinedColumn; ++column)
            item->setToolTip(column, row.toolTip());
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
