#pragma once

#include "app/cli/ICommand.h"

namespace lrclr::cli {

/// `lrclr synth`: writes a phantom chest radiograph dataset (images, reports, ground truth, manifest).
class SynthCommand : public ICommand {
public:
    std::string name() const override { return "synth"; }
    std::string summary() const override
    {
        return "Generate synthetic chest X-ray phantoms with reports and ground-truth boxes";
    }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
