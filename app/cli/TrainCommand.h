#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr train --manifest M (--init MODEL_DIR | --architecture FILE.json|tiny) --out DIR [options]`: fine-tunes an
/// LRCLR model, or trains one from scratch, with lrclr::Trainer; prints a progress line on stderr.
class TrainCommand : public Command {
public:
    TrainCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
