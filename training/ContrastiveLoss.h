#pragma once

namespace at {
class Tensor;
}

namespace lrclr {

/// The trainer's contrastive losses, on LibTorch tensors (differentiable; any device):
/// - clip(): CLIP's symmetric InfoNCE between the global image and report embeddings of a batch (Radford et al.,
///   2021): cross-entropy of image->text and text->image logits against the diagonal, averaged.
/// - local(): LRCLR's sentence<->region loss. similarity[s][j] compares sentence s with study j's
///   region-attended image embedding; owners[s] is the study sentence s belongs to. Sentence->image is a
///   cross-entropy over studies; image->sentence is multi-positive: -log of the softmax mass a study puts on its
///   own sentences. The two are averaged.
/// Stateless; thread-safe (tensors are not shared).
class ContrastiveLoss {
public:
    /// imageEmbeddings, textEmbeddings: [n, d] (normalised here); logitScale: the exponentiated temperature.
    static at::Tensor clip(const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings, double logitScale);
    /// similarity: [m, n] cosine similarities; owners: [m] int64 in 0..n-1.
    static at::Tensor local(const at::Tensor& similarity, const at::Tensor& owners, double logitScale);

    /// The same with a learnable temperature: `logitScale` is a scalar tensor (already exponentiated) that
    /// receives gradients, as CLIP trains exp(logit_scale).
    static at::Tensor clip(
        const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings, const at::Tensor& logitScale);
    static at::Tensor local(const at::Tensor& similarity, const at::Tensor& owners, const at::Tensor& logitScale);
};

} // namespace lrclr
