#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr evaluate --manifest M --model DIR --out DIR [--compare DIR]...`: runs the model (and the models to compare
/// with) over a split of a dataset manifest and writes results.json and report.html (ModelEvaluation,
/// EvaluationReportWriter): zero-shot AUC per finding with bootstrap intervals, grounding of the sentence heatmaps
/// against the manifest's boxes, image<->report retrieval. Progress on stderr.
class EvaluateCommand : public Command {
public:
    EvaluateCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
