#include "ui/model/ReportRegionLinks.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/report/FindingMentions.h"

namespace lrclr {

namespace {

void sortStrongestFirst(QList<ReportRegionLinks::Link>& links)
{
    std::stable_sort(links.begin(), links.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
}

} // namespace

ReportRegionLinks::ReportRegionLinks(QObject* parent)
    : QObject(parent)
{
}

void ReportRegionLinks::setResult(SharedAnalysisResult result)
{
    if (m_result == result)
        return;
    m_result = std::move(result);
    Q_EMIT resultChanged();
    Q_EMIT linksChanged();
}

void ReportRegionLinks::setThreshold(double threshold)
{
    threshold = std::isfinite(threshold) ? std::clamp(threshold, 0.0, 1.0) : 0.0;
    if (m_threshold == threshold)
        return;
    m_threshold = threshold;
    Q_EMIT thresholdChanged(threshold);
    Q_EMIT linksChanged();
}

int ReportRegionLinks::sentenceCount() const
{
    return m_result ? static_cast<int>(m_result->sentences.size()) : 0;
}

int ReportRegionLinks::regionCount() const
{
    return m_result ? static_cast<int>(m_result->regions.size()) : 0;
}

float ReportRegionLinks::weight(int sentence, int region) const
{
    return m_result ? AlignmentAudit::weight(*m_result, sentence, region) : 0.0f;
}

QList<ReportRegionLinks::Link> ReportRegionLinks::regionsForSentence(int sentence) const
{
    QList<Link> links;
    if (sentence < 0 || sentence >= sentenceCount())
        return links;
    for (int region = 0; region < regionCount(); ++region)
        links.append({ region, weight(sentence, region) });
    sortStrongestFirst(links);
    return links;
}

QList<ReportRegionLinks::Link> ReportRegionLinks::supportingRegions(int sentence) const
{
    QList<Link> links;
    if (m_result)
        for (const int region : AlignmentAudit::supportingRegions(*m_result, sentence, m_threshold))
            links.append({ region, weight(sentence, region) });
    return links;
}

QList<ReportRegionLinks::Link> ReportRegionLinks::sentencesForRegion(int region) const
{
    QList<Link> links;
    if (m_result)
        for (const int sentence : AlignmentAudit::explainingSentences(*m_result, region, m_threshold))
            links.append({ sentence, weight(sentence, region) });
    return links;
}

float ReportRegionLinks::alignmentScore(int sentence) const
{
    if (sentence < 0 || sentence >= sentenceCount())
        return 0.0f;
    return m_result->sentences[static_cast<std::size_t>(sentence)].localSimilarity;
}

double ReportRegionLinks::alignmentStrength(int sentence) const
{
    if (sentence < 0 || sentence >= sentenceCount())
        return 0.0;
    // Relative to this report: CLIP cosines sit in a narrow band (about 0.1..0.4), so raw values would all look alike.
    float lowest = alignmentScore(0);
    float highest = lowest;
    for (int index = 1; index < sentenceCount(); ++index) {
        lowest = std::min(lowest, alignmentScore(index));
        highest = std::max(highest, alignmentScore(index));
    }
    if (!(highest > lowest))
        return 1.0;
    return (static_cast<double>(alignmentScore(sentence)) - lowest) / (static_cast<double>(highest) - lowest);
}

bool ReportRegionLinks::isNegativeFinding(int sentence) const
{
    if (!m_result || sentence < 0 || sentence >= sentenceCount())
        return false;
    return FindingMentions::isNegativeFinding(
        QString::fromStdString(m_result->sentences[static_cast<std::size_t>(sentence)].text));
}

QList<int> ReportRegionLinks::unsupportedSentences() const
{
    QList<int> sentences;
    if (m_result)
        for (const int sentence : AlignmentAudit::unsupportedSentences(*m_result, m_threshold))
            if (!isNegativeFinding(sentence))
                sentences.append(sentence);
    return sentences;
}

QList<int> ReportRegionLinks::unexplainedRegions() const
{
    QList<int> regions;
    if (m_result)
        for (const int region : AlignmentAudit::unexplainedRegions(*m_result, m_threshold))
            regions.append(region);
    return regions;
}

int ReportRegionLinks::regionAt(double x, double y) const
{
    int best = -1;
    float bestScore = 0.0f;
    for (int region = 0; region < regionCount(); ++region) {
        const AnalysisResult::Box& box = m_result->regions[static_cast<std::size_t>(region)].box;
        const bool inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
        const float score = m_result->regions[static_cast<std::size_t>(region)].score;
        if (inside && (best < 0 || score > bestScore)) {
            best = region;
            bestScore = score;
        }
    }
    return best;
}

} // namespace lrclr
