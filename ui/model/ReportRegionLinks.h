#pragma once

#include <memory>

#include <QList>
#include <QMetaType>
#include <QObject>

#include "core/model/AlignmentAudit.h"
#include "core/model/AnalysisResult.h"

namespace lrclr {

using SharedAnalysisResult = std::shared_ptr<const AnalysisResult>;

/// The two-way links between report sentences and selected image regions of one AnalysisResult: sentence -> regions
/// with cross-attention weights, region -> sentences whose weight on it reaches the threshold, per-sentence alignment
/// scores for highlighting, and the audit flags (sentences without support, regions no sentence explains).
/// Not thread-safe: GUI thread only.
class ReportRegionLinks : public QObject {
    Q_OBJECT
    Q_PROPERTY(double threshold READ threshold WRITE setThreshold NOTIFY thresholdChanged)

public:
    struct Link {
        int index = -1; ///< region index (for regionsForSentence) or sentence index (for sentencesForRegion)
        float weight = 0.0f; ///< cross-attention weight of the sentence on the region
        bool operator==(const Link&) const = default;
    };

    explicit ReportRegionLinks(QObject* parent = nullptr);

    SharedAnalysisResult result() const { return m_result; }
    int sentenceCount() const;
    int regionCount() const;

    /// Minimum cross-attention weight (0..1) for a region to count as supporting a sentence (AlignmentAudit decides).
    double threshold() const { return m_threshold; }

    /// All regions of the sentence with their weights, strongest first (empty for an invalid index).
    QList<Link> regionsForSentence(int sentence) const;
    /// Regions of the sentence whose weight reaches the threshold, strongest first.
    QList<Link> supportingRegions(int sentence) const;
    /// Sentences whose weight on the region reaches the threshold, strongest first.
    QList<Link> sentencesForRegion(int region) const;

    /// The sentence's alignment with the image: its local (region-attended) similarity.
    float alignmentScore(int sentence) const;
    /// alignmentScore rescaled to 0..1 over the sentences of this report (for highlight intensity); 1 when all equal.
    double alignmentStrength(int sentence) const;

    /// Whether the sentence is a negative finding ("No pneumothorax.", "Heart size is normal.": FindingMentions):
    /// it states an absence, so no region is expected to support it. False for an invalid index.
    bool isNegativeFinding(int sentence) const;
    /// Audit: sentences with no region at or above the threshold, negative findings left out.
    QList<int> unsupportedSentences() const;
    /// Audit: regions no sentence reaches the threshold on.
    QList<int> unexplainedRegions() const;

    /// The region whose box contains the point (original image pixels); the highest-scoring one when boxes overlap,
    /// -1 when none.
    int regionAt(double x, double y) const;

public Q_SLOTS:
    void setResult(lrclr::SharedAnalysisResult result);
    void clear() { setResult({}); }
    void setThreshold(double threshold);

Q_SIGNALS:
    void resultChanged();
    void thresholdChanged(double threshold);
    /// The result or the threshold changed: every link and flag may differ.
    void linksChanged();

private:
    float weight(int sentence, int region) const;

    SharedAnalysisResult m_result;
    double m_threshold = AlignmentAudit::defaultThreshold;
};

} // namespace lrclr

Q_DECLARE_METATYPE(lrclr::ReportRegionLinks::Link)
