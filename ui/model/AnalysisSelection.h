#pragma once

#include <QList>
#include <QObject>

#include "ui/model/OverlayHeatmap.h"
#include "ui/model/ReportRegionLinks.h"

namespace lrclr {

/// What the radiologist has selected in the current analysis — one of a sentence, a finding, a pinned (clicked)
/// region, or nothing: selecting one clears the others, and clearSelection() (Esc) clears all — plus the region under
/// the mouse; derives the heatmap the overlay shows and the sentences and regions to highlight. Reads the result from a
/// ReportRegionLinks (which must outlive it) and clears itself when the result changes. Not thread-safe: GUI thread
/// only.
class AnalysisSelection : public QObject {
    Q_OBJECT
    Q_PROPERTY(Kind kind READ kind NOTIFY selectionChanged)
    Q_PROPERTY(int selectedIndex READ selectedIndex NOTIFY selectionChanged)
    Q_PROPERTY(int hoveredRegion READ hoveredRegion WRITE setHoveredRegion NOTIFY hoveredRegionChanged)
    Q_PROPERTY(int pinnedRegion READ pinnedRegion WRITE pinRegion NOTIFY pinnedRegionChanged)
    Q_PROPERTY(SentenceMap sentenceMap READ sentenceMap WRITE setSentenceMap NOTIFY sentenceMapChanged)

public:
    enum class Kind { Nothing, Sentence, Finding };
    Q_ENUM(Kind)
    /// Which of a sentence's maps the overlay shows: its similarity to each patch, or its cross-attention weights.
    enum class SentenceMap { Similarity, Attention };
    Q_ENUM(SentenceMap)

    explicit AnalysisSelection(const ReportRegionLinks* links, QObject* parent = nullptr);

    Kind kind() const { return m_kind; }
    /// Index of the selected sentence or finding; -1 when nothing is selected.
    int selectedIndex() const { return m_index; }
    int hoveredRegion() const { return m_hoveredRegion; }
    int pinnedRegion() const { return m_pinnedRegion; }
    SentenceMap sentenceMap() const { return m_sentenceMap; }

    /// The heatmap for the current selection (invalid when nothing is selected).
    OverlayHeatmap heatmap() const;
    /// Region under the mouse if any, else the pinned region, else -1: the region whose sentences light up.
    int focusedRegion() const { return m_hoveredRegion >= 0 ? m_hoveredRegion : m_pinnedRegion; }
    /// Sentences linked to focusedRegion() above the links' threshold, strongest first.
    QList<ReportRegionLinks::Link> highlightedSentences() const;
    /// Regions to emphasise for the selected sentence (its supporting regions); empty for findings and nothing.
    QList<ReportRegionLinks::Link> highlightedRegions() const;

public Q_SLOTS:
    /// Out-of-range indexes select nothing.
    void selectSentence(int sentence);
    /// Selects the sentence `step` places after (negative: before) the selected one, wrapping around; from no selected
    /// sentence, step 1 selects the first and step -1 the last.
    void selectNextSentence(int step);
    void selectFinding(int finding);
    void clearSelection();
    void setHoveredRegion(int region);
    /// Hover by image position (original pixels): resolves the region under the point via ReportRegionLinks::regionAt.
    void hoverAt(double x, double y);
    void pinRegion(int region);
    void setSentenceMap(lrclr::AnalysisSelection::SentenceMap map);

Q_SIGNALS:
    void selectionChanged();
    /// The overlay must now show `heatmap` (invalid: show none). Emitted only when it actually changes.
    void heatmapChanged(const lrclr::OverlayHeatmap& heatmap);
    void hoveredRegionChanged(int region);
    void pinnedRegionChanged(int region);
    void sentenceMapChanged(lrclr::AnalysisSelection::SentenceMap map);
    /// The sentences to highlight for the focused region changed.
    void highlightedSentencesChanged(const QList<lrclr::ReportRegionLinks::Link>& sentences);

private:
    void select(Kind kind, int index);
    void resetForNewResult();
    void updateHeatmap();
    void updateHighlightedSentences();

    const ReportRegionLinks* m_links = nullptr;
    Kind m_kind = Kind::Nothing;
    int m_index = -1;
    int m_hoveredRegion = -1;
    int m_pinnedRegion = -1;
    SentenceMap m_sentenceMap = SentenceMap::Similarity;
    OverlayHeatmap m_heatmap;
    QList<ReportRegionLinks::Link> m_highlightedSentences;
};

} // namespace lrclr
