#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// One study of a dataset manifest: an image, its report (a file or inline text), per-finding labels, an optional
/// split and optional per-sentence ground-truth boxes in original image pixels. A plain value; see
/// docs/DATASETS.md for the file format.
struct ManifestEntry {
    using Box = AnalysisResult::Box;

    struct Sentence {
        std::string text;
        std::vector<Box> boxes; ///< empty for sentences that assert nothing visible (negations, technique)
    };

    std::string image; ///< path, relative to the manifest's folder unless absolute
    std::string report; ///< path of a plain-text report, relative like `image`; empty when reportText is used
    std::string reportText; ///< the report itself, when there is no report file
    std::map<std::string, int> labels; ///< observation -> 1, 0 or -1; absent = blank (not mentioned)
    std::string split; ///< "train", "validate", "test" or "" (unassigned)
    std::string subjectId;
    std::string studyId;
    std::string view; ///< "PA", "AP", "LATERAL", ... or ""
    int width = 0; ///< original image size in pixels when known (0 = unknown), for checking boxes
    int height = 0;
    std::vector<Sentence> sentences;

    std::optional<int> label(const std::string& observation) const
    {
        const auto found = labels.find(observation);
        return found == labels.end() ? std::nullopt : std::optional<int>(found->second);
    }
};

} // namespace lrclr
