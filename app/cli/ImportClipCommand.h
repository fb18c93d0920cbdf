#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr import-clip CHECKPOINT.pt [--merges FILE] [--findings FILE] --out DIR`: turns an OpenAI CLIP / CheXzero
/// state-dict checkpoint into a verified LRCLR model directory.
class ImportClipCommand : public Command {
public:
    ImportClipCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
