#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr info FILE|DIR [--json]`: the patient -> study -> series -> instance tree of a folder, a DICOMDIR or one
/// file (DICOM, SR, PNG/JPEG/TIFF), with the reports found beside the images and every file that was not indexed and
/// why. Header reads only; names and IDs go to stdout (the user asked for them), never to a log.
class InfoCommand : public Command {
public:
    InfoCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
