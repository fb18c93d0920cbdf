#pragma once

#include <QList>
#include <QPair>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTextEdit;
class QTreeWidget;

namespace lrclr {

class AnalysisSelection;
class ReportRegionLinks;
class ViewerSession;

/// The report panel: the report text exactly as written with each sentence tinted by its alignment with the image,
/// the selected sentence marked, and the sentences linked to the region under the mouse lit with their weights; a
/// sentence list with scores and audit flags; a line to edit or type a sentence and re-ground just that text.
/// Clicking a sentence (in the text or the list) selects it, which puts its heatmap on the viewport.
/// GUI thread only.
class ReportPanel : public QWidget {
    Q_OBJECT

public:
    ReportPanel(ReportRegionLinks* links, AnalysisSelection* selection, QWidget* parent = nullptr);

    /// The session used for re-grounding (optional: without it the edit line is disabled).
    void setSession(ViewerSession* session);
    /// The report text and the span (begin, end in UTF-16 code units) of each report sentence, in the order of the
    /// analysis' sentences; sentences beyond the spans are typed ones and show in the list only.
    void setReport(const QString& text, const QList<QPair<qsizetype, qsizetype>>& spans);

    /// Sentence index at a character position of the text view, or -1.
    int sentenceAtPosition(int position) const;
    /// The text position where sentence `index` starts (for tests and keyboard navigation), or -1.
    int sentencePosition(int index) const;
    /// Sentences currently lit because the focused region links to them.
    QList<int> litSentences() const { return m_lit; }

    QTextEdit* textView() const { return m_text; }
    QTreeWidget* sentenceList() const { return m_list; }
    QLineEdit* editLine() const { return m_edit; }
    QLabel* auditLabel() const { return m_audit; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh();
    void refreshHighlights();
    void showSelectedInEditBox();
    void groundTyped();
    void replaceSelected();

    QPointer<ReportRegionLinks> m_links;
    QPointer<AnalysisSelection> m_selection;
    QPointer<ViewerSession> m_session;
    QList<QPair<qsizetype, qsizetype>> m_spans;
    QList<int> m_lit;

    QTextEdit* m_text = nullptr;
    QTreeWidget* m_list = nullptr;
    QLabel* m_audit = nullptr;
    QLineEdit* m_edit = nullptr;
    QPushButton* m_groundButton = nullptr;
    QPushButton* m_replaceButton = nullptr;
};

} // namespace lrclr
