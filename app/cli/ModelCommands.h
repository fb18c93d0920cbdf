#pragma once

#include <array>
#include <string_view>

namespace lrclr::cli {

/// The subcommands that need LibTorch. They run in the `lrclr-model` executable; `lrclr` delegates to it, so that
/// the other commands start without loading LibTorch. One list, read by both executables, keeps them in step.
struct ModelCommandInfo {
    std::string_view name;
    std::string_view summary;
};

inline constexpr std::string_view modelCommandsExecutable = "lrclr-model";

inline constexpr std::array<ModelCommandInfo, 9> modelCommands { {
    { "version", "Print versions of the libraries, the BLAS in use and the device" },
    { "import-clip", "Import a CLIP/CheXzero checkpoint into a verified model directory" },
    { "encode", "Embed an image and texts with a model (JSON: embeddings, tokens)" },
    { "analyze", "Analyse an image (and report): findings, regions, sentence heatmaps as JSON + PNG/.npy" },
    { "train", "Fine-tune (or train from scratch) an LRCLR model on a dataset manifest" },
    { "train-bpe", "Train a CLIP-format BPE merges file from a report corpus" },
    { "evaluate", "Evaluate a model on a manifest: zero-shot AUC, grounding, retrieval; JSON + HTML report" },
    { "calibrate", "Fit per-finding Platt scaling and thresholds on a manifest split; stored in the model" },
    { "audit", "Audit region-text alignment over a folder of studies: per-study JSON, HTML + CSV summary" },
} };

/// The summary of a model command by name; empty when unknown.
constexpr std::string_view modelCommandSummary(std::string_view name)
{
    for (const auto& command : modelCommands) {
        if (command.name == name)
            return command.summary;
    }
    return {};
}

} // namespace lrclr::cli
