#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// The one place the JSON schema of an LRCLR analysis lives (`lrclr analyze` prints it, the viewer exports it; the
/// schema is documented in docs/MODEL.md). Torch-free. Thread-safe (stateless).
class AnalysisJson {
public:
    static constexpr const char* schemaName = "lrclr-analysis";
    static constexpr int schemaVersion = 1;

    /// Files written beside the JSON for a heatmap (paths as they should appear in the JSON; empty = none).
    struct HeatmapFiles {
        std::string png;
        std::string npy;
    };
    /// Optional heatmap files, indexed like AnalysisResult::sentences / findings (shorter vectors are fine).
    struct Attachments {
        std::vector<HeatmapFiles> sentenceSimilarity;
        std::vector<HeatmapFiles> sentenceAttention;
        std::vector<HeatmapFiles> findingMaps;
    };

    /// Serialises `result` (and attachments) as a JSON document; `indent` < 0 gives one line.
    static std::string toJson(const AnalysisResult& result, const Attachments& attachments, int indent = 2);
    static std::string toJson(const AnalysisResult& result, int indent = 2) { return toJson(result, {}, indent); }

    /// Parses a document written by toJson (same schema version); throws std::runtime_error naming `origin` and the
    /// problem. Attachments are ignored.
    static AnalysisResult fromJson(const std::string& text, const std::string& origin);
};

} // namespace lrclr
