#pragma once

#include "app/cli/ICommand.h"
#include "app/cli/ModelCommands.h"

namespace lrclr::cli {

/// `lrclr import-clip CHECKPOINT.pt [--merges FILE] [--findings FILE] --out DIR`: turns an OpenAI CLIP / CheXzero
/// state-dict checkpoint into a verified LRCLR model directory.
class ImportClipCommand : public ICommand {
public:
    std::string name() const override { return "import-clip"; }
    std::string summary() const override { return std::string(modelCommandSummary(name())); }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
