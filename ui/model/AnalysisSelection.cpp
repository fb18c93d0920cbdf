#include "ui/model/AnalysisSelection.h"

#include <algorithm>

namespace lrclr {

namespace {

/// The range the colormap spans: the model's shared scale for a similarity map when the model has one (the same
/// colours mean the same cosine for every sentence and finding), else the map's own minimum and maximum, so that its
/// structure uses every colour.
void setRange(OverlayHeatmap& heatmap, const std::optional<AnalysisResult::SimilarityScale>& scale, bool similarity)
{
    const auto& values = heatmap.map.values;
    if (values.empty())
        return;
    if (similarity && scale) {
        heatmap.minimum = scale->low;
        heatmap.maximum = scale->high;
        heatmap.threshold = scale->threshold;
        return;
    }
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    heatmap.minimum = *lowest;
    heatmap.maximum = *highest;
}

} // namespace

AnalysisSelection::AnalysisSelection(const ReportRegionLinks* links, QObject* parent)
    : QObject(parent)
    , m_links(links)
{
    Q_ASSERT(m_links);
    connect(m_links, &ReportRegionLinks::resultChanged, this, &AnalysisSelection::resetForNewResult);
    connect(m_links, &ReportRegionLinks::thresholdChanged, this, &AnalysisSelection::updateHighlightedSentences);
}

OverlayHeatmap AnalysisSelection::heatmap() const
{
    return m_heatmap;
}

QList<ReportRegionLinks::Link> AnalysisSelection::highlightedSentences() const
{
    return m_links->sentencesForRegion(focusedRegion());
}

QList<ReportRegionLinks::Link> AnalysisSelection::highlightedRegions() const
{
    if (m_kind != Kind::Sentence)
        return {};
    return m_links->supportingRegions(m_index);
}

void AnalysisSelection::selectNextSentence(int step)
{
    const int count = m_links->sentenceCount();
    if (count == 0 || step == 0)
        return;
    const int current = m_kind == Kind::Sentence ? m_index : -1;
    selectSentence(((current < 0 ? (step > 0 ? -1 : 0) : current) + step % count + count) % count);
}

void AnalysisSelection::selectSentence(int sentence)
{
    if (sentence < 0 || sentence >= m_links->sentenceCount())
        select(Kind::Nothing, -1);
    else
        select(Kind::Sentence, sentence);
}

void AnalysisSelection::selectFinding(int finding)
{
    const SharedAnalysisResult result = m_links->result();
    if (!result || finding < 0 || finding >= static_cast<int>(result->findings.size()))
        select(Kind::Nothing, -1);
    else
        select(Kind::Finding, finding);
}

void AnalysisSelection::clearSelection()
{
    select(Kind::Nothing, -1);
    pinRegion(-1);
}

void AnalysisSelection::select(Kind kind, int index)
{
    // One selection at a time: a sentence or finding replaces a pinned region.
    if (kind != Kind::Nothing)
        pinRegion(-1);
    if (m_kind == kind && m_index == index)
        return;
    m_kind = kind;
    m_index = index;
    Q_EMIT selectionChanged();
    updateHeatmap();
}

void AnalysisSelection::setHoveredRegion(int region)
{
    if (region < 0 || region >= m_links->regionCount())
        region = -1;
    if (m_hoveredRegion == region)
        return;
    m_hoveredRegion = region;
    Q_EMIT hoveredRegionChanged(region);
    updateHighlightedSentences();
}

void AnalysisSelection::hoverAt(double x, double y)
{
    setHoveredRegion(m_links->regionAt(x, y));
}

void AnalysisSelection::pinRegion(int region)
{
    if (region < 0 || region >= m_links->regionCount())
        region = -1;
    if (m_pinnedRegion == region)
        return;
    m_pinnedRegion = region;
    // One selection at a time: a pinned region replaces the selected sentence or finding (and its heatmap).
    if (region >= 0 && m_kind != Kind::Nothing) {
        m_kind = Kind::Nothing;
        m_index = -1;
        Q_EMIT selectionChanged();
        updateHeatmap();
    }
    Q_EMIT pinnedRegionChanged(region);
    updateHighlightedSentences();
}

void AnalysisSelection::setSentenceMap(SentenceMap map)
{
    if (m_sentenceMap == map)
        return;
    m_sentenceMap = map;
    Q_EMIT sentenceMapChanged(map);
    updateHeatmap();
}

void AnalysisSelection::resetForNewResult()
{
    // Indexes of the old result mean nothing in the new one, except after a re-grounding that kept the sentence
    // count: then keep the selection so that editing a sentence updates its overlay in place.
    const int sentences = m_links->sentenceCount();
    const SharedAnalysisResult result = m_links->result();
    const int findings = result ? static_cast<int>(result->findings.size()) : 0;
    const bool keep
        = (m_kind == Kind::Sentence && m_index < sentences) || (m_kind == Kind::Finding && m_index < findings);
    if (!keep && m_kind != Kind::Nothing) {
        m_kind = Kind::Nothing;
        m_index = -1;
        Q_EMIT selectionChanged();
    }
    if (m_hoveredRegion >= m_links->regionCount()) {
        m_hoveredRegion = -1;
        Q_EMIT hoveredRegionChanged(-1);
    }
    if (m_pinnedRegion >= m_links->regionCount()) {
        m_pinnedRegion = -1;
        Q_EMIT pinnedRegionChanged(-1);
    }
    updateHeatmap();
    updateHighlightedSentences();
}

void AnalysisSelection::updateHeatmap()
{
    OverlayHeatmap heatmap;
    bool similarity = false;
    const SharedAnalysisResult result = m_links->result();
    if (result && m_kind == Kind::Sentence && m_index >= 0 && m_index < static_cast<int>(result->sentences.size())) {
        const AnalysisResult::Sentence& sentence = result->sentences[static_cast<std::size_t>(m_index)];
        heatmap.source = OverlayHeatmap::Source::Sentence;
        heatmap.index = m_index;
        heatmap.label = QString::fromStdString(sentence.text);
        heatmap.negativeFinding = m_links->isNegativeFinding(m_index);
        if (m_sentenceMap == SentenceMap::Similarity) {
            heatmap.map = sentence.similarityMap;
            heatmap.scoreName = QStringLiteral("cosine similarity");
            similarity = true;
        } else {
            heatmap.map = sentence.attentionMap;
            heatmap.scoreName = QStringLiteral("attention weight");
        }
    } else if (result && m_kind == Kind::Finding && m_index >= 0
        && m_index < static_cast<int>(result->findings.size())) {
        const AnalysisResult::Finding& finding = result->findings[static_cast<std::size_t>(m_index)];
        heatmap.source = OverlayHeatmap::Source::Finding;
        heatmap.index = m_index;
        heatmap.label = QString::fromStdString(finding.name);
        // The same choice of map as for sentences; results saved before finding attention maps existed have none.
        if (m_sentenceMap == SentenceMap::Attention && !finding.attentionMap.values.empty()) {
            heatmap.map = finding.attentionMap;
            heatmap.scoreName = QStringLiteral("attention weight");
        } else {
            heatmap.map = finding.map;
            heatmap.scoreName = QStringLiteral("cosine similarity");
            similarity = true;
        }
    }
    // A map whose size does not match its grid would be read out of bounds downstream: show nothing instead.
    if (heatmap.map.values.size()
        != static_cast<std::size_t>(std::max(0, heatmap.map.rows))
            * static_cast<std::size_t>(std::max(0, heatmap.map.columns)))
        heatmap = OverlayHeatmap {};
    if (result)
        setRange(heatmap, result->similarityScale, similarity);
    if (heatmap == m_heatmap)
        return;
    m_heatmap = heatmap;
    Q_EMIT heatmapChanged(m_heatmap);
}

void AnalysisSelection::updateHighlightedSentences()
{
    const QList<ReportRegionLinks::Link> sentences = highlightedSentences();
    if (sentences == m_highlightedSentences)
        return;
    m_highlightedSentences = sentences;
    Q_EMIT highlightedSentencesChanged(sentences);
}

} // namespace lrclr
