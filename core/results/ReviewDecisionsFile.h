#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/results/DicomResultTypes.h"

namespace lrclr {

/// Reads the reviewer's decisions that the viewer saves beside a study (ui/model/ReviewDecisions, format
/// "lrclr-review-decisions" version 1) for `lrclr analyze --dicom --review FILE`, matched to an analysis the way the
/// viewer matches them: by sentence text and the region's patch index. Decisions naming a sentence or patch the
/// analysis does not have are left out (they belong to another analysis). Only the fields needed are read; the
/// format's owner is ReviewDecisions (DicomResultsTest checks that a file it saves reads back here).
/// Stateless; thread-safe.
class ReviewDecisionsFile {
public:
    /// Throws std::runtime_error naming the file when it cannot be read or is not such a file.
    static std::vector<ReviewedRegion> read(const std::string& path, const AnalysisResult& result);
};

} // namespace lrclr
