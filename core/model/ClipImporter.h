#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/ClipConfig.h"

namespace lrclr {

/// Imports an OpenAI CLIP / CheXzero checkpoint (`torch.save(model.state_dict())`) into a verified model directory:
/// reads it with the weights-only reader, infers the ClipConfig, checks the merges file against the vocabulary,
/// writes weights + manifest (with provenance) + merges + findings, then re-opens the directory and checks SHA-256s
/// and that every tensor equals the checkpoint's. Thread-safe (no shared state).
class ClipImporter {
public:
    struct Options {
        std::string checkpointPath;
        std::string mergesPath; ///< CLIP-format BPE merges (gzip or plain)
        std::string findingsPath; ///< optional findings/prompt file copied as findings.json
        std::string outputDirectory;
        bool overwrite = false; ///< replace the files of an existing non-empty directory
        std::string name; ///< model name for the manifest; default: the checkpoint's file stem
        std::string command; ///< provenance: the command line
        std::string toolVersion; ///< provenance: lrclr version
        std::string lrclrJson = "{}"; ///< manifest "lrclr" object
        std::string preprocessingJson = "{}";
    };

    struct Report {
        ClipConfig config;
        std::string directory;
        std::size_t tensorCount = 0;
        std::int64_t parameterCount = 0;
        std::vector<std::string> dtypes; ///< distinct dtypes of the checkpoint's tensors
        std::string checkpointSha256;
        std::string weightsSha256;
        std::uint64_t weightsSize = 0;
        std::string mergesSha256;
        std::string findingsFile; ///< empty when none was copied
        std::vector<std::string> droppedKeys; ///< input_resolution/context_length/vocab_size, as build_model() drops
        bool verified = false; ///< re-opened, SHA-256s and all tensors equal
    };

    /// Throws lrclr::ModelError naming the file and the problem; std::invalid_argument for a checkpoint that is not a
    /// CLIP ViT state dict is converted to ModelError too.
    static Report run(const Options& options);
};

} // namespace lrclr
