#include "training/ContrastiveLoss.h"

#include <limits>
#include <stdexcept>

#include <torch/torch.h>

namespace lrclr {

at::Tensor ContrastiveLoss::clip(const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings, double logitScale)
{
    return clip(imageEmbeddings, textEmbeddings, torch::scalar_tensor(logitScale, imageEmbeddings.options()));
}

at::Tensor ContrastiveLoss::local(const at::Tensor& similarity, const at::Tensor& owners, double logitScale)
{
    return local(similarity, owners, torch::scalar_tensor(logitScale, similarity.options()));
}

at::Tensor ContrastiveLoss::clip(
    const at::Tensor& imageEmbeddings, const at::Tensor& textEmbeddings, const at::Tensor& logitScale)
{
    if (imageEmbeddings.dim() != 2 || !imageEmbeddings.sizes().equals(textEmbeddings.sizes()))
        throw std::invalid_argument("CLIP loss: image and text embeddings must both be [n, d]");
    const auto image
        = torch::nn::functional::normalize(imageEmbeddings, torch::nn::functional::NormalizeFuncOptions().dim(1));
    const auto text
        = torch::nn::functional::normalize(textEmbeddings, torch::nn::functional::NormalizeFuncOptions().dim(1));
    const auto logits = logitScale * torch::matmul(image, text.t());
    const auto targets
        = torch::arange(logits.size(0), torch::TensorOptions().dtype(torch::kLong).device(logits.device()));
    return (torch::nn::functional::cross_entropy(logits, targets)
               + torch::nn::functional::cross_entropy(logits.t(), targets))
        / 2;
}

at::Tensor ContrastiveLoss::local(const at::Tensor& similarity, const at::Tensor& owners, const at::Tensor& logitScale)
{
    if (similarity.dim() != 2 || owners.dim() != 1 || owners.size(0) != similarity.size(0))
        throw std::invalid_argument("local loss: similarity must be [m, n] and owners [m]");
    const auto logits = logitScale * similarity;
    const auto targets = owners.to(torch::kLong).to(logits.device());
    const auto sentenceToImage = torch::nn::functional::cross_entropy(logits, targets);
    // For each study j: log of the softmax mass (over sentences) on its own sentences.
    const auto logProbabilities = torch::log_softmax(logits, 0); // [m, n], normalised over sentences
    const auto studies = torch::arange(logits.size(1), targets.options());
    const auto ownMask = targets.unsqueeze(1).eq(studies.unsqueeze(0)); // [m, n]
    const auto masked = logProbabilities.masked_fill(ownMask.logical_not(), -std::numeric_limits<double>::infinity());
    const auto ownMass = torch::logsumexp(masked, 0); // [n]
    // Studies without sentences in the batch have no positives: leave them out.
    const auto hasSentences = ownMask.any(0);
    const auto imageToSentence = -ownMass.masked_select(hasSentences).mean();
    return (sentenceToImage + imageToSentence) / 2;
}

} // namespace lrclr
