#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr calibrate --model DIR --manifest M [--split validate]`: runs the model's zero-shot findings over a labelled
/// split of a dataset manifest (ModelEvaluation, findings only), fits each finding's Platt scaling and Youden
/// threshold (FindingCalibrator) and writes them into the model's manifest.json as "calibration" (atomically; the
/// manifest is not covered by the SHA-256s). LrclrModel applies it to every analysis afterwards.
class CalibrateCommand : public Command {
public:
    CalibrateCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
