#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr render FILE --out x.png [--window C,W] [--frame N] [--invert]`: one frame of a DICOM or raster image through
/// the display pipeline (default window, or the one given) into an 8-bit PNG/PGM/JPEG/TIFF. Prints nothing about the
/// patient; errors name the file and the problem.
class RenderCommand : public Command {
public:
    RenderCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
