#pragma once

#include "app/cli/ICommand.h"
#include "app/cli/ModelCommands.h"

namespace lrclr::cli {

/// `lrclr train-bpe --corpus FILES... --merges N --out merges.txt.gz`: learns a CLIP-format BPE merges file from
/// report text files or dataset manifests (their reports), for models trained from scratch.
class TrainBpeCommand : public ICommand {
public:
    std::string name() const override { return "train-bpe"; }
    std::string summary() const override { return std::string(modelCommandSummary(name())); }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
