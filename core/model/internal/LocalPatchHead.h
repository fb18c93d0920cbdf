#pragma once

#include <memory>

namespace at {
class Tensor;
}
namespace torch::nn {
class Module;
}

namespace lrclr::internal {

/// LRCLR's locality-restricted patch head: the patch tokens the sentence.patch maps are made of when a model has one.
/// The vision tower's own output tokens have passed every attention layer, so each of them can carry what the whole
/// image shows; a map built from them can satisfy a report-level loss without any patch being where the finding is.
/// This head sees only the tower's input (the patch embedding plus its positional embedding, after ln_pre) through
/// `layers` residual 3x3 convolutions over the patch grid, so patch (r, c) depends on patches within `layers` rows
/// and columns of it and nothing else: a report-supervised loss on its map can only be met by patches that show the
/// finding. Parameters (state-dict names under `lrclr.local.`): convolutions.N.weight [W, W, 3, 3] and .bias [W],
/// ln.weight / ln.bias [W], proj [W, E]. Not thread-safe: use from one thread.
class LocalPatchHead {
public:
    LocalPatchHead(int width, int embedDimension, int layers);
    ~LocalPatchHead();
    LocalPatchHead(const LocalPatchHead&) = delete;
    LocalPatchHead& operator=(const LocalPatchHead&) = delete;

    int layers() const;

    /// Starts the projection from the vision tower's own (`ln_post`, `proj`), so that before fine-tuning the head's
    /// tokens live in the joint space the text tower already speaks.
    void initialiseProjection(const at::Tensor& lnWeight, const at::Tensor& lnBias, const at::Tensor& projection);

    /// patches [B, grid², W] (row-major grid, ln_pre applied). Returns [B, grid², E]. Differentiable.
    at::Tensor forward(const at::Tensor& patches, int grid) const;

    /// The registered torch module (child `local` of the network's `lrclr` module).
    std::shared_ptr<torch::nn::Module> module() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr::internal
