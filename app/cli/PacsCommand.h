#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr pacs echo|find|get|store --pacs AET@HOST:PORT [--aet OURS] ...`: a PACS over DIMSE (lrclr::pacs): C-ECHO,
/// study or series C-FIND with the usual filters, C-GET (or C-MOVE to our own storage SCP with --move-port) of a
/// study into a folder under names we make, C-STORE of files; `find|get|store --dicomweb URL` does the same over
/// DICOMweb (QIDO-RS, WADO-RS, STOW-RS). Text or `--json` on stdout, errors on stderr; exit 0 ok, 1 failure (of the
/// network or of any file), 2 bad usage. Names and IDs go to stdout only, because the user asked for them.
class PacsCommand : public Command {
public:
    PacsCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
