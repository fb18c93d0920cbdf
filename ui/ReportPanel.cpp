#include "ui/ReportPanel.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QTextBlock>
#include <QTextEdit>
#include <QToolTip>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/model/AnalysisSelection.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

enum Column { IndexColumn, ScoreColumn, LinkColumn, TextColumn };

/// Amber tint whose strength follows the sentence's alignment: readable on the dark base, distinct from the blue
/// selection and the yellow "linked to this region" marking.
QColor alignmentTint(double strength)
{
    return QColor(230, 150, 40, 25 + int(100 * std::clamp(strength, 0.0, 1.0)));
}

} // namespace

ReportPanel::ReportPanel(ReportRegionLinks* links, AnalysisSelection* selection, QWidget* parent)
    : QWidget(parent)
    , m_links(links)
    , m_selection(selection)
    , m_text(new QTextEdit(this))
    , m_list(new QTreeWidget(this))
    , m_audit(new QLabel(this))
    , m_edit(new QLineEdit(this))
    , m_groundButton(new QPushButton(tr("Ground"), this))
    , m_replaceButton(new QPushButton(tr("Replace selected"), this))
{
    m_text->setReadOnly(true);
    m_text->setUndoRedoEnabled(false);
    m_text->setPlaceholderText(tr("No report for this study. Type a sentence below to ground it."));
    m_text->viewport()->installEventFilter(this);
    m_text->viewport()->setMouseTracking(true);
    m_text->viewport()->setCursor(Qt::PointingHandCursor);
    QFont font = m_text->font();
    font.setPointSizeF(font.pointSizeF() * 1.1);
    m_text->setFont(font);

    m_list->setColumnCount(4);
    m_list->setHeaderLabels({ QStringLiteral("#"), tr("Align"), tr("Region"), tr("Sentence") });
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(IndexColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(ScoreColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(LinkColumn, QHeaderView::ResizeToContents);
    m_list->setToolTip(tr("Align: local similarity of the sentence with its attended regions. Region: weight of the "
                          "sentence on the region under the mouse."));

    m_audit->setTextFormat(Qt::PlainText);
    m_audit->setWordWrap(true);
    m_audit->setStyleSheet(QStringLiteral("color: #f0b34a;"));

    m_edit->setPlaceholderText(tr("Edit or type a sentence, then Ground (Enter)"));
    m_edit->setClearButtonEnabled(true);
    m_replaceButton->setToolTip(tr("Re-ground the selected report sentence with the edited text"));
    auto* editRow = new QHBoxLayout;
    editRow->addWidget(m_edit, 1);
    editRow->addWidget(m_groundButton);
    editRow->addWidget(m_replaceButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_list, 2);
    layout->addWidget(m_audit);
    layout->addLayout(editRow);

    connect(m_list, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        if (m_selection)
            m_selection->selectSentence(item->data(IndexColumn, Qt::UserRole).toInt());
    });
    connect(m_edit, &QLineEdit::returnPressed, this, &ReportPanel::groundTyped);
    connect(m_groundButton, &QPushButton::clicked, this, &ReportPanel::groundTyped);
    connect(m_replaceButton, &QPushButton::clicked, this, &ReportPanel::replaceSelected);
    if (links)
        connect(links, &ReportRegionLinks::linksChanged, this, &ReportPanel::refresh);
    if (selection) {
        connect(selection, &AnalysisSelection::selectionChanged, this, &ReportPanel::refresh);
        connect(selection, &AnalysisSelection::selectionChanged, this, &ReportPanel::showSelectedInEditBox);
        connect(selection, &AnalysisSelection::highlightedSentencesChanged, this, &ReportPanel::refreshHighlights);
    }
    setSession(nullptr);
    refresh();
}

void ReportPanel::setSession(ViewerSession* session)
{
    m_session = session;
    const bool enabled = session != nullptr;
    m_edit->setEnabled(enabled);
    m_groundButton->setEnabled(enabled);
    m_replaceButton->setEnabled(enabled);
}

void ReportPanel::setReport(const QString& text, const QList<QPair<qsizetype, qsizetype>>& spans)
{
    m_text->setPlainText(text);
    m_spans = spans;
    refresh();
}

int ReportPanel::sentenceAtPosition(int position) const
{
    for (qsizetype k = 0; k < m_spans.size(); ++k) {
        if (position >= m_spans[k].first && position < m_spans[k].second)
            return static_cast<int>(k);
    }
    return -1;
}

int ReportPanel::sentencePosition(int index) const
{
    return index >= 0 && index < m_spans.size() ? static_cast<int>(m_spans[index].first) : -1;
}

void ReportPanel::refresh()
{
    const int count = m_links ? m_links->sentenceCount() : 0;
    const int selected
        = m_selection && m_selection->kind() == AnalysisSelection::Kind::Sentence ? m_selection->selectedIndex() : -1;
    const auto result = m_links ? m_links->result() : SharedAnalysisResult();
    const QList<int> unsupported = m_links ? m_links->unsupportedSentences() : QList<int>();

    m_list->clear();
    // Before an analysis arrives, the report's sentences are listed without scores, so the reader sees what will
    // be grounded.
    const QString reportText = m_text->toPlainText();
    for (int k = count; k < m_spans.size(); ++k) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setData(IndexColumn, Qt::UserRole, k);
        item->setText(IndexColumn, QString::number(k + 1));
        item->setText(ScoreColumn, QStringLiteral("–"));
        item->setText(TextColumn, reportText.mid(m_spans[k].first, m_spans[k].second - m_spans[k].first));
    }
    for (int k = 0; k < count; ++k) {
        const QString text = QString::fromStdString(result->sentences[static_cast<std::size_t>(k)].text);
        auto* item = new QTreeWidgetItem(m_list);
        item->setData(IndexColumn, Qt::UserRole, k);
        item->setText(IndexColumn, k < m_spans.size() ? QString::number(k + 1) : tr("typed"));
        item->setText(ScoreColumn, QString::number(m_links->alignmentScore(k), 'f', 2));
        item->setBackground(ScoreColumn, alignmentTint(m_links->alignmentStrength(k)));
        const bool negative = m_links->isNegativeFinding(k);
        item->setText(TextColumn,
            unsupported.contains(k) ? QStringLiteral("\u26A0 ") + text
                                    : (negative ? QStringLiteral("\u2205 ") + text : text));
        item->setToolTip(TextColumn,
            unsupported.contains(k)
                ? tr("No region reaches the link threshold for this sentence")
                : (negative ? tr("Negative finding: states an absence, so no region is expected to support it")
                            : text));
        if (k == selected)
            m_list->setCurrentItem(item);
    }

    QStringList audit;
    if (!unsupported.isEmpty()) {
        QStringList numbers;
        for (const int k : unsupported)
            numbers << QString::number(k + 1);
        audit << tr("Unsupported sentences (no region above threshold): %1").arg(numbers.join(QStringLiteral(", ")));
    }
    const QList<int> unexplained = m_links ? m_links->unexplainedRegions() : QList<int>();
    if (!unexplained.isEmpty()) {
        QStringList names;
        for (const int r : unexplained)
            names << QStringLiteral("R%1").arg(r + 1);
        audit << tr("Regions no sentence explains: %1").arg(names.join(QStringLiteral(", ")));
    }
    m_audit->setText(audit.join(QLatin1Char('\n')));
    m_audit->setVisible(!audit.isEmpty());
    m_replaceButton->setEnabled(m_session && selected >= 0 && selected < m_spans.size());
    refreshHighlights();
}

void ReportPanel::refreshHighlights()
{
    m_lit.clear();
    QHash<int, float> litWeights;
    if (m_selection) {
        for (const auto& link : m_selection->highlightedSentences()) {
            m_lit << link.index;
            litWeights.insert(link.index, link.weight);
        }
    }
    const int selected
        = m_selection && m_selection->kind() == AnalysisSelection::Kind::Sentence ? m_selection->selectedIndex() : -1;
    QList<QTextEdit::ExtraSelection> selections;
    const int count = m_links ? m_links->sentenceCount() : 0;
    for (int k = 0; k < count && k < m_spans.size(); ++k) {
        QTextEdit::ExtraSelection extra;
        extra.cursor = QTextCursor(m_text->document());
        extra.cursor.setPosition(static_cast<int>(m_spans[k].first));
        extra.cursor.setPosition(static_cast<int>(m_spans[k].second), QTextCursor::KeepAnchor);
        if (k == selected) {
            extra.format.setBackground(QColor(42, 110, 170));
            extra.format.setForeground(QColor(255, 255, 255));
        } else if (m_lit.contains(k)) {
            extra.format.setBackground(QColor(255, 214, 0, 170));
            extra.format.setForeground(QColor(10, 10, 10));
        } else {
            extra.format.setBackground(alignmentTint(m_links->alignmentStrength(k)));
        }
        if (m_lit.contains(k)) {
            extra.format.setUnderlineStyle(QTextCharFormat::SingleUnderline);
            extra.format.setUnderlineColor(QColor(255, 214, 0));
        }
        selections << extra;
    }
    m_text->setExtraSelections(selections);

    for (int row = 0; row < m_list->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = m_list->topLevelItem(row);
        const int k = item->data(IndexColumn, Qt::UserRole).toInt();
        const bool lit = litWeights.contains(k);
        item->setText(LinkColumn, lit ? QString::number(litWeights.value(k), 'f', 2) : QString());
        for (int column = 0; column < m_list->columnCount(); ++column) {
            if (column == ScoreColumn)
                continue;
            item->setBackground(column, lit ? QBrush(QColor(255, 214, 0, 90)) : QBrush());
        }
    }
}

bool ReportPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_text->viewport()) {
        if (event->type() == QEvent::MouseButtonRelease) {
            const auto* mouse = static_cast<QMouseEvent*>(event);
            const int sentence = sentenceAtPosition(m_text->cursorForPosition(mouse->position().toPoint()).position());
            if (sentence >= 0 && m_selection)
                m_selection->selectSentence(sentence);
        } else if (event->type() == QEvent::MouseMove && m_links) {
            const auto* mouse = static_cast<QMouseEvent*>(event);
            const int sentence = sentenceAtPosition(m_text->cursorForPosition(mouse->position().toPoint()).position());
            if (sentence >= 0 && sentence < m_links->sentenceCount()) {
                QStringList regions;
                for (const auto& link : m_links->supportingRegions(sentence))
                    regions << QStringLiteral("R%1 %2").arg(link.index + 1).arg(link.weight, 0, 'f', 2);
                QToolTip::showText(mouse->globalPosition().toPoint(),
                    tr("Alignment %1\nSupporting regions: %2")
                        .arg(m_links->alignmentScore(sentence), 0, 'f', 2)
                        .arg(regions.isEmpty() ? tr("none") : regions.join(QStringLiteral(", "))),
                    m_text->viewport());
            } else {
                QToolTip::hideText();
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ReportPanel::showSelectedInEditBox()
{
    // Whichever way the sentence was selected (text, table, keys, viewport), the edit box holds its words, so that
    // Replace never sends another sentence's text.
    if (!m_selection || m_selection->kind() != AnalysisSelection::Kind::Sentence)
        return;
    const int index = m_selection->selectedIndex();
    const auto result = m_links ? m_links->result() : SharedAnalysisResult();
    if (result && index >= 0 && index < static_cast<int>(result->sentences.size()))
        m_edit->setText(QString::fromStdString(result->sentences[static_cast<std::size_t>(index)].text));
    else if (index >= 0 && index < m_spans.size())
        m_edit->setText(m_text->toPlainText().mid(m_spans[index].first, m_spans[index].second - m_spans[index].first));
}

void ReportPanel::groundTyped()
{
    const QString text = m_edit->text().trimmed();
    if (text.isEmpty() || !m_session)
        return;
    m_session->groundTypedSentence(text);
}

void ReportPanel::replaceSelected()
{
    const QString text = m_edit->text().trimmed();
    if (text.isEmpty() || !m_session || !m_selection || m_selection->kind() != AnalysisSelection::Kind::Sentence)
        return;
    m_session->regroundSentence(m_selection->selectedIndex(), text);
}

} // namespace lrclr
