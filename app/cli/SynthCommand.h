#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr synth`: writes a phantom chest radiograph dataset (images, reports, ground truth, manifest).
class SynthCommand : public Command {
public:
    SynthCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
