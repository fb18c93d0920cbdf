#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr anonymize FILES|DIRS... --out DIR`: de-identified copies of DICOM files (images, our SR/SEG/SC results) per
/// PS3.15 Annex E, Basic Application Level Confidentiality Profile (DicomDeidentifier), with UIDs remapped
/// consistently across every file of the run (or of every run with the same --key), and plain-text reports (.txt)
/// scrubbed of the names, IDs and dates found in the DICOM headers. Outputs are named by us (IM0001.dcm, IM0001.txt
/// for the report beside it), never from input names, which may hold identity; inputs are never modified. Files of
/// other kinds are skipped and listed. Exit 0 when every file was written, 1 when any failed (the others are still
/// written), 2 for bad usage.
class AnonymizeCommand : public Command {
public:
    AnonymizeCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
