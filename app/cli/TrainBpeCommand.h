#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr train-bpe --corpus FILES... --merges N --out merges.txt.gz`: learns a CLIP-format BPE merges file from
/// report text files or dataset manifests (their reports), for models trained from scratch.
class TrainBpeCommand : public Command {
public:
    TrainBpeCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
