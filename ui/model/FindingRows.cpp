#include "ui/model/FindingRows.h"

#include <algorithm>

#include <QCoreApplication>

namespace lrclr {

namespace {

QString percent(double probability)
{
    return QString::number(probability * 100.0, 'f', 0) + QLatin1Char('%');
}

} // namespace

QString FindingRow::toolTip() const
{
    QString text = calibrated
        ? QCoreApplication::translate("FindingRows", "Calibrated probability %1").arg(percent(probability))
        : QCoreApplication::translate("FindingRows", "Uncalibrated (raw combined score) %1").arg(percent(probability));
    if (threshold)
        text += QCoreApplication::translate("FindingRows", " (operating threshold %1: %2)")
                    .arg(percent(*threshold),
                        aboveThreshold ? QCoreApplication::translate("FindingRows", "above")
                                       : QCoreApplication::translate("FindingRows", "below"));
    return text
        + QCoreApplication::translate("FindingRows", "\nRaw CheXzero scores: combined %1, global %2, local %3")
              .arg(percent(combinedProbability), percent(globalProbability), percent(localProbability));
}

QList<FindingRow> FindingRows::fromResult(const AnalysisResult& result)
{
    QList<FindingRow> rows;
    for (std::size_t k = 0; k < result.findings.size(); ++k) {
        const auto& finding = result.findings[k];
        FindingRow row;
        row.index = static_cast<int>(k);
        row.name = QString::fromStdString(finding.name);
        // An uncalibrated finding shows its raw combined score (which `probability` equals for model output).
        row.calibrated = finding.calibrated;
        row.probability = finding.calibrated ? finding.probability : finding.combinedProbability;
        if (finding.calibrated && finding.threshold)
            row.threshold = *finding.threshold;
        row.aboveThreshold = row.threshold && row.probability >= *row.threshold;
        row.globalProbability = finding.globalProbability;
        row.localProbability = finding.localProbability;
        row.combinedProbability = finding.combinedProbability;
        rows.append(row);
    }
    // Most probable first: the reader's eye goes to the top of the list, not to the alphabet.
    std::stable_sort(rows.begin(), rows.end(),
        [](const FindingRow& a, const FindingRow& b) { return a.probability > b.probability; });
    return rows;
}

} // namespace lrclr
