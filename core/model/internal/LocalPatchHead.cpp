#include "core/model/internal/LocalPatchHead.h"

#include <cmath>
#include <string>

#include <torch/torch.h>

namespace lrclr::internal {

namespace {

struct LocalPatchHeadImpl : torch::nn::Module {
    LocalPatchHeadImpl(int64_t width, int64_t embedDimension, int layers)
        : width(width)
    {
        convolutions = register_module("convolutions", torch::nn::ModuleList());
        for (int i = 0; i < layers; ++i)
            convolutions->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(width, width, 3).padding(1)));
        ln = register_module("ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ width }).eps(1e-5)));
        const double scale = std::pow(static_cast<double>(width), -0.5);
        proj = register_parameter("proj", torch::randn({ width, embedDimension }) * scale);
    }

    int64_t width;
    torch::nn::ModuleList convolutions { nullptr };
    torch::nn::LayerNorm ln { nullptr };
    torch::Tensor proj;
};

} // namespace

struct LocalPatchHead::Private {
    std::shared_ptr<LocalPatchHeadImpl> module;
};

LocalPatchHead::LocalPatchHead(int width, int embedDimension, int layers)
    : d(std::make_unique<Private>())
{
    if (width <= 0 || embedDimension <= 0 || layers < 1)
        throw std::invalid_argument("LocalPatchHead: invalid configuration");
    d->module = std::make_shared<LocalPatchHeadImpl>(width, embedDimension, layers);
}

LocalPatchHead::~LocalPatchHead() = default;

int LocalPatchHead::layers() const
{
    return static_cast<int>(d->module->convolutions->size());
}

void LocalPatchHead::initialiseProjection(
    const at::Tensor& lnWeight, const at::Tensor& lnBias, const at::Tensor& projection)
{
    torch::NoGradGuard noGrad;
    auto& module = *d->module;
    module.ln->weight.copy_(lnWeight);
    module.ln->bias.copy_(lnBias);
    module.proj.copy_(projection);
}

at::Tensor LocalPatchHead::forward(const at::Tensor& patches, int grid) const
{
    auto& module = *d->module;
    const auto batch = patches.size(0);
    const auto width = module.width;
    // [B, g², W] -> [B, W, g, g]; each layer adds a 3x3 convolution of its GELU, so the receptive field grows by one
    // patch per layer and the residual keeps the patch's own embedding.
    auto x = patches.transpose(1, 2).reshape({ batch, width, grid, grid });
    for (const auto& layer : *module.convolutions)
        x = x + layer->as<torch::nn::Conv2dImpl>()->forward(torch::gelu(x));
    x = x.reshape({ batch, width, grid * grid }).transpose(1, 2);
    const auto dtype = x.scalar_type();
    // Normalised in fp32 as CLIP's LayerNorm does, so fp16 weights on a GPU stay stable.
    x = torch::layer_norm(
        x.to(torch::kFloat), { width }, module.ln->weight.to(torch::kFloat), module.ln->bias.to(torch::kFloat), 1e-5)
            .to(dtype);
    return torch::matmul(x, module.proj);
}

std::shared_ptr<torch::nn::Module> LocalPatchHead::module() const
{
    return d->module;
}

} // namespace lrclr::internal
