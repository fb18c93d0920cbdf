#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr bench study [--size N] [--runs R] [--directory DIR]`: the study benchmark. Generates an N x N 12-bit CR,
/// compresses it with DCMTK's own dcmcrle / dcmcjpeg / dcmcjpls, then times in the same run `lrclr render` against
/// dcmj2pnm / dcml2pnm doing the same job (file -> windowed 8-bit binary PGM on disk), both as processes and
/// in-process, and a window/level re-render of the loaded frame against a memcpy of the same bytes. Prints ratios;
/// asserts nothing.
class BenchCommand : public Command {
public:
    BenchCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
