#include "core/model/internal/CrossModalInteraction.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

namespace lrclr::internal {

namespace {

// Cosine logits are bounded by 1; CLIP caps its temperature at 100 for the same reason (training stability).
constexpr double maximumTemperature = 100.0;

struct InteractionImpl : torch::nn::Module {
    explicit InteractionImpl(int64_t dimension)
    {
        query_projection = register_parameter("query_projection", torch::eye(dimension));
        key_projection = register_parameter("key_projection", torch::eye(dimension));
        value_projection = register_parameter("value_projection", torch::eye(dimension));
        output_projection = register_parameter("output_projection", torch::eye(dimension));
        logit_scale = register_parameter("logit_scale", torch::zeros({}));
        gate = register_parameter("gate", torch::zeros({}));
    }

    torch::Tensor query_projection;
    torch::Tensor key_projection;
    torch::Tensor value_projection;
    torch::Tensor output_projection;
    torch::Tensor logit_scale;
    torch::Tensor gate;
};

} // namespace

struct CrossModalInteraction::Private {
    std::shared_ptr<InteractionImpl> module;
};

CrossModalInteraction::CrossModalInteraction(int embedDimension, double initialLogScale)
    : d(std::make_unique<Private>())
{
    d->module = std::make_shared<InteractionImpl>(embedDimension);
    resetParameters(initialLogScale);
}

CrossModalInteraction::~CrossModalInteraction() = default;

void CrossModalInteraction::resetParameters(double initialLogScale)
{
    torch::NoGradGuard noGrad;
    auto& m = *d->module;
    const auto dimension = m.query_projection.size(0);
    const auto eye = torch::eye(dimension, m.query_projection.options());
    for (auto* weight : { &m.query_projection, &m.key_projection, &m.value_projection, &m.output_projection })
        weight->copy_(eye);
    m.logit_scale.fill_(std::min(initialLogScale, std::log(maximumTemperature)));
    m.gate.zero_();
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> CrossModalInteraction::forward(const at::Tensor& sentences,
    const at::Tensor& regions, const at::Tensor& globalEmbedding, const at::Tensor& keyMask) const
{
    const auto& m = *d->module;
    if (sentences.dim() != 3 || regions.dim() != 3 || globalEmbedding.dim() != 2 || sentences.size(0) != regions.size(0)
        || globalEmbedding.size(0) != sentences.size(0) || sentences.size(2) != m.query_projection.size(0)
        || regions.size(2) != sentences.size(2) || globalEmbedding.size(1) != sentences.size(2) || regions.size(1) == 0)
        throw std::invalid_argument("CrossModalInteraction: expects sentences [B,S,E], regions [B,R>0,E], global "
                                    "[B,E]; got "
            + c10::str(sentences.sizes()) + ", " + c10::str(regions.sizes()) + ", "
            + c10::str(globalEmbedding.sizes()));
    const auto dtype = m.query_projection.scalar_type();
    const auto normalizeOptions = torch::nn::functional::NormalizeFuncOptions().dim(-1);
    const auto s = sentences.to(dtype);
    const auto r = regions.to(dtype);
    const auto queries = torch::nn::functional::normalize(torch::matmul(s, m.query_projection.t()), normalizeOptions);
    const auto keys = torch::nn::functional::normalize(torch::matmul(r, m.key_projection.t()), normalizeOptions);
    const auto values = torch::matmul(r, m.value_projection.t());
    auto logits = torch::matmul(queries, keys.transpose(-2, -1)) * m.logit_scale.exp().clamp_max(maximumTemperature);
    if (keyMask.defined())
        logits = logits.masked_fill(keyMask.logical_not().unsqueeze(1), -std::numeric_limits<float>::infinity());
    const auto weights = torch::softmax(logits, -1);
    const auto local = torch::matmul(weights, values);
    const auto conditioned
        = globalEmbedding.to(dtype).unsqueeze(1) + m.gate * torch::matmul(local, m.output_projection.t());
    // Results in the caller's precision (the parameters are fp16 on a GPU).
    const auto type = sentences.scalar_type();
    return { weights.to(type), local.to(type), conditioned.to(type) };
}

std::shared_ptr<torch::nn::Module> CrossModalInteraction::module() const
{
    return d->module;
}

} // namespace lrclr::internal
