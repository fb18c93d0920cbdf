#pragma once

#include <optional>

#include <QMetaType>
#include <QString>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// The heatmap the overlay must show right now: a patch-grid map with a label for the colour bar and the score range
/// the colours span. For a similarity map of a model with a shared overlay scale (AnalysisResult::similarityScale)
/// the range and the threshold are the model's, the same for every sentence and finding, so how much is painted says
/// how sure the model is; otherwise the range is the map's own and there is no model threshold. A plain value;
/// `isValid()` is false when nothing is selected (the overlay shows nothing).
struct OverlayHeatmap {
    enum class Source { None, Sentence, Finding };

    Source source = Source::None;
    int index = -1; ///< sentence or finding index in the AnalysisResult
    QString label; ///< sentence text or finding name
    QString scoreName; ///< what the values mean, e.g. "cosine similarity", for the legend
    AnalysisResult::PatchMap map; ///< on the model's patch grid; map to pixels with PatchMapResampler::toPixels
    float minimum = 0.0f; ///< score range spanned by the colormap
    float maximum = 0.0f;
    /// The model's threshold on the shared scale (values below are not painted); none: the map's own range.
    std::optional<float> threshold;
    /// A sentence that states an absence ("No pneumothorax."): painted only where it passes the threshold, like any
    /// map, and labelled as a negative finding.
    bool negativeFinding = false;

    bool hasSharedScale() const { return threshold.has_value(); }

    bool isValid() const { return source != Source::None && map.rows > 0 && map.columns > 0; }
    bool operator==(const OverlayHeatmap& other) const
    {
        return source == other.source && index == other.index && label == other.label && map.values == other.map.values
            && minimum == other.minimum && maximum == other.maximum && threshold == other.threshold
            && negativeFinding == other.negativeFinding;
    }
};

} // namespace lrclr

Q_DECLARE_METATYPE(lrclr::OverlayHeatmap)
