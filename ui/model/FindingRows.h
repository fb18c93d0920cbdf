#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// One row of the findings panel as plain values: the probability to show (calibrated when the model has a
/// calibration for the finding, else CheXzero's raw combined score), whether it reaches the finding's operating
/// threshold, and the raw scores kept for the tooltip.
struct FindingRow {
    int index = -1; ///< into AnalysisResult::findings
    QString name;
    double probability = 0.0; ///< shown
    bool calibrated = false;
    std::optional<double> threshold; ///< on `probability`; none when not calibrated
    bool aboveThreshold = false;
    double globalProbability = 0.0; ///< raw CheXzero scores
    double localProbability = 0.0;
    double combinedProbability = 0.0;

    /// "Calibrated probability 81 % (operating threshold 40 %: above) · raw CheXzero scores: combined 56 %, ...".
    QString toolTip() const;
};

/// Builds the findings panel's rows from an analysis, most probable (shown probability) first. No widgets: the
/// panel's ordering and marking are tested through it. Stateless.
class FindingRows {
public:
    static QList<FindingRow> fromResult(const AnalysisResult& result);
};

} // namespace lrclr
