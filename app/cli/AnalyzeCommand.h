#pragma once

#include "app/cli/Command.h"

namespace lrclr::cli {

/// `lrclr analyze --model DIR IMAGE [--report FILE] [--text T]... --out DIR`: the full LRCLR analysis — zero-shot
/// finding probabilities, selected regions, each report sentence grounded to regions — written as analysis.json
/// (AnalysisJson's schema, also printed) plus every heatmap at the original resolution as PNG and float32 .npy.
/// With `--dicom DIR` (DICOM images only) also as DICOM in the source study (core/results): a Comprehensive SR,
/// an overlay Secondary Capture and a float Parametric Map of the heatmaps.
class AnalyzeCommand : public Command {
public:
    AnalyzeCommand();
    int run(const std::vector<std::string>& arguments) override;
};

} // namespace lrclr::cli
