#pragma once

#include <string>
#include <vector>

#include "training/DatasetManifest.h"

namespace lrclr {

/// Builds a manifest from a CheXpert CSV (train.csv / valid.csv of CheXpert-v1.0[-small]): columns Path, Sex, Age,
/// Frontal/Lateral, AP/PA and the 14 observations with 1.0 / 0.0 / -1.0 / blank. CheXpert has no reports, so the
/// entries carry labels only (zero-shot evaluation). Labels are stored as given; see Observations for the
/// U-Ignore / U-Ones / U-Zeros policies. Paths in the result are absolute. Stateless; reentrant.
class ChexpertReader {
public:
    struct Options {
        std::string csv;
        /// Folder the Path column is relative to. Default: the parent of the CSV's folder (Path starts with
        /// "CheXpert-v1.0-small/..."); paths are also tried relative to the CSV's folder without that first part.
        std::string imageRoot;
        bool frontalOnly = true;
        std::string split; ///< default from the file name: train.csv -> train, valid.csv -> validate, test.csv -> test
    };

    /// Throws ManifestError with "file:line:" for a missing column or a bad cell.
    static DatasetManifest read(const Options& options, std::vector<std::string>* warnings = nullptr);
};

} // namespace lrclr
