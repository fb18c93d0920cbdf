#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr encode --model DIR (--image FILE | --tensor x.npy) [--text "..."]... [--json]`: CLIP embeddings of an
/// image (global and every visual token) and of texts (with their token ids), as JSON or a short summary.
class EncodeCommand : public Command {
public:
    EncodeCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
