#pragma once

#include <string>
#include <vector>

#include "training/DatasetManifest.h"

namespace lrclr {

/// Builds a manifest from the MIMIC-CXR-JPG layout (PhysioNet):
///   ROOT/files/pXX/pXXXXXXXX/sXXXXXXXX/<dicom_id>.jpg        images
///   ROOT/mimic-cxr-2.0.0-chexpert.csv                         labels: subject_id, study_id + 14 observations
///   ROOT/mimic-cxr-2.0.0-metadata.csv (optional)              dicom_id, ..., ViewPosition: keeps PA/AP views
///   ROOT/mimic-cxr-2.0.0-split.csv (optional)                 dicom_id, study_id, subject_id, split
///   REPORTS/files/pXX/pXXXXXXXX/sXXXXXXXX.txt                 reports (from MIMIC-CXR; REPORTS defaults to ROOT)
/// Labels are stored as given (1, 0, -1, blank); the uncertainty policy is the consumer's choice. Paths in the
/// result are absolute. Stateless; reentrant.
class MimicCxrReader {
public:
    struct Options {
        std::string root;
        std::string reportsRoot; ///< default: root
        std::string chexpertCsv; ///< default: root/mimic-cxr-2.0.0-chexpert.csv
        std::string metadataCsv; ///< default: root/mimic-cxr-2.0.0-metadata.csv when present
        std::string splitCsv; ///< default: root/mimic-cxr-2.0.0-split.csv when present
        bool frontalOnly = true; ///< drop views other than PA/AP (needs the metadata CSV)
    };

    /// Throws ManifestError naming the file (and line) for a missing folder, CSV column or bad cell. Images
    /// without a report or without labels are kept and counted in `warnings`.
    static DatasetManifest read(const Options& options, std::vector<std::string>* warnings = nullptr);
};

} // namespace lrclr
