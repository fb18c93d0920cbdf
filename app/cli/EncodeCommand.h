#pragma once

#include "app/cli/ICommand.h"
#include "app/cli/ModelCommands.h"

namespace lrclr::cli {

/// `lrclr encode --model DIR (--image FILE | --tensor x.npy) [--text "..."]... [--json]`: CLIP embeddings of an
/// image (global and every visual token) and of texts (with their token ids), as JSON or a short summary.
class EncodeCommand : public ICommand {
public:
    std::string name() const override { return "encode"; }
    std::string summary() const override { return std::string(modelCommandSummary(name())); }
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
