#pragma once

#include <QPointer>
#include <QWidget>

class QPushButton;
class QTreeWidget;

namespace lrclr {

class AnalysisSelection;
class ReportRegionLinks;
class ReviewDecisions;

/// The findings panel: per finding the probability to show (calibrated from the combined score when the model has a
/// calibration; bold with a marker at or above the finding's operating threshold) and the raw CheXzero global / local
/// / combined scores as bars (click a finding to put its heatmap on the viewport), and the sentence–region pairs above
/// the link threshold with accept / reject decisions (ReviewDecisions; keys A, R, U on the selected pair). GUI thread
/// only.
class FindingsPanel : public QWidget {
    Q_OBJECT

public:
    FindingsPanel(
        ReportRegionLinks* links, AnalysisSelection* selection, ReviewDecisions* decisions, QWidget* parent = nullptr);

    /// Item data role (name column) holding whether the finding is at or above its operating threshold.
    static constexpr int aboveThresholdRole = Qt::UserRole + 3;

    QTreeWidget* findingsList() const { return m_findings; }
    QTreeWidget* pairsList() const { return m_pairs; }

public Q_SLOTS:
    void acceptCurrentPair();
    void rejectCurrentPair();
    void clearCurrentPair();

private:
    void refresh();
    void refreshDecisions();
    void decideCurrent(int decision);

    QPointer<ReportRegionLinks> m_links;
    QPointer<AnalysisSelection> m_selection;
    QPointer<ReviewDecisions> m_decisions;
    QTreeWidget* m_findings = nullptr;
    QTreeWidget* m_pairs = nullptr;
    QPushButton* m_accept = nullptr;
    QPushButton* m_reject = nullptr;
};

} // namespace lrclr
