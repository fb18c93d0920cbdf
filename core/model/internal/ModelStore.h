#pragma once

#include <string>

#include "core/model/ModelDirectory.h"
#include "core/model/internal/StateDict.h"

namespace lrclr::internal {

/// Reads and writes the tensors of a model directory (see docs/MODEL.md, "Model directory format"). Internal to
/// lrclr::model: LrclrModel::load and the importer use it. Thread-safe (no shared state).
class ModelStore {
public:
    struct SaveFiles {
        std::string mergesSource; ///< BPE merges file to copy in (required)
        std::string findingsSource; ///< findings file to copy in as findings.json; empty for none
        std::string weightsName = "weights.pt";
    };

    /// Creates `directory` if needed, writes the weights (torch.save format), copies the merges and findings
    /// files, fills the manifest's file names, sizes and SHA-256s, writes manifest.json last, and returns the
    /// directory re-opened (and so verified). Throws lrclr::ModelError naming the file that failed.
    static ModelDirectory save(
        const std::string& directory, const StateDict& weights, ModelManifest manifest, const SaveFiles& files);

    /// The weights of an opened (hence SHA-256-verified) directory, as CPU tensors in file order.
    static StateDict loadWeights(const ModelDirectory& directory);
};

} // namespace lrclr::internal
