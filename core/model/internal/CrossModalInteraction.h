#pragma once

#include <memory>
#include <tuple>
#include <vector>

namespace at {
class Tensor;
}
namespace torch::nn {
class Module;
}

namespace lrclr::internal {

/// LRCLR's cross-modality interaction layer: sentence (EOT) embeddings attend over region tokens with cosine-similarity
/// logits and a learnable temperature. Parameters (state-dict names under `lrclr.interaction.`):
///   query_projection, key_projection, value_projection, output_projection: [E, E] weights, identity at start;
///   logit_scale: log temperature, starts at the backbone's CLIP logit_scale;
///   gate: scalar, starts at 0, so the region-conditioned image embedding equals the global one before fine-tuning.
/// Not thread-safe: use from one thread.
class CrossModalInteraction {
public:
    CrossModalInteraction(int embedDimension, double initialLogScale);
    ~CrossModalInteraction();
    CrossModalInteraction(const CrossModalInteraction&) = delete;
    CrossModalInteraction& operator=(const CrossModalInteraction&) = delete;

    /// Restores the neutral initialisation (identity projections, gate 0, the given temperature).
    void resetParameters(double initialLogScale);

    /// sentences [B, S, E], regions [B, R, E], globalEmbedding [B, E]; keyMask [B, R] bool (true = use) or an
    /// undefined tensor. Returns (weights [B, S, R] summing to 1 over R, local [B, S, E] = weights @ V(regions),
    /// conditioned [B, S, E] = global + gate * O(local)). Differentiable in the parameters.
    std::tuple<at::Tensor, at::Tensor, at::Tensor> forward(const at::Tensor& sentences, const at::Tensor& regions,
        const at::Tensor& globalEmbedding, const at::Tensor& keyMask) const;

    /// The registered torch module (child `interaction` of the network's `lrclr` module).
    std::shared_ptr<torch::nn::Module> module() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr::internal
