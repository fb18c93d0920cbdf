#pragma once

#include <string>

#include "training/EvaluationResults.h"

namespace lrclr {

/// Writes evaluation results as results.json (machine-readable, schema "lrclr-evaluation/1") and as report.html:
/// one self-contained page (no external files or scripts) with tables, ROC curves as inline SVG, and example
/// overlays (heatmap over the radiograph with the ground-truth boxes) embedded as base64 PNG images. Runs appear
/// side by side for ablations. Stateless; reentrant.
class EvaluationReportWriter {
public:
    static std::string json(const EvaluationResults& results);
    static std::string html(const EvaluationResults& results);
    /// Writes results.json and report.html into `directory` (created if needed); throws std::runtime_error
    /// naming the file on failure.
    static void write(const EvaluationResults& results, const std::string& directory);

    /// ROC curves of one finding (one polyline per named curve) as an SVG element.
    static std::string rocSvg(
        const std::string& title, const std::vector<std::pair<std::string, std::vector<RocAnalysis::Point>>>& curves);
    /// The example rendered as PNG bytes: the radiograph in gray, the normalised heatmap in a blue-to-red ramp
    /// blended over it, and the boxes outlined in green.
    static std::string overlayPng(const EvaluationResults::Example& example, int maximumSide = 384);
};

} // namespace lrclr
