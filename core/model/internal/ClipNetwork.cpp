#include "core/model/internal/ClipNetwork.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include <torch/torch.h>

#include "core/model/LrclrSettings.h"
#include "core/model/internal/CrossModalInteraction.h"
#include "core/model/internal/LocalPatchHead.h"
#include "core/model/internal/StateDict.h"

namespace lrclr::internal {

namespace {

namespace F = torch::nn::functional;

torch::Tensor quickGelu(const torch::Tensor& x)
{
    return x * torch::sigmoid(1.702 * x);
}

// CLIP's LayerNorm subclass normalises in fp32 even when the weights are fp16; mirror it so fp16 on GPU stays stable.
struct LayerNormImpl : torch::nn::Module {
    explicit LayerNormImpl(int64_t width)
        : width(width)
    {
        weight = register_parameter("weight", torch::ones({ width }));
        bias = register_parameter("bias", torch::zeros({ width }));
    }

    torch::Tensor forward(const torch::Tensor& x)
    {
        if (x.scalar_type() == torch::kHalf) {
            return torch::layer_norm(
                x.to(torch::kFloat), { width }, weight.to(torch::kFloat), bias.to(torch::kFloat), 1e-5)
                .to(torch::kHalf);
        }
        return torch::layer_norm(x, { width }, weight, bias, 1e-5);
    }

    int64_t width;
    torch::Tensor weight;
    torch::Tensor bias;
};
TORCH_MODULE(LayerNorm);

// Whether a module draws its initial weights (a network built from scratch) or leaves them unset because a state
// dict will replace every one of them (a loaded model: no random numbers drawn, no pages touched).
enum class Draw { Random, Nothing };

// torch::nn::Linear's parameters and forward, but with its random initialisation (the same draws, in the same order)
// only when asked for: LibTorch's own Linear always initialises, which took 12 % of a ViT-B/32 load.
struct LinearImpl : torch::nn::Module {
    LinearImpl(int64_t in, int64_t out, Draw draw)
    {
        weight = register_parameter("weight", torch::empty({ out, in }));
        bias = register_parameter("bias", torch::empty({ out }));
        if (draw == Draw::Random) {
            torch::NoGradGuard noGrad;
            torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            torch::nn::init::uniform_(bias, -bound, bound);
        }
    }
    torch::Tensor forward(const torch::Tensor& x) { return F::linear(x, weight, bias); }

    torch::Tensor weight;
    torch::Tensor bias;
};
TORCH_MODULE(Linear);

// The weight of CLIP's patch convolution (`conv1`, no bias), as torch::nn::Conv2d initialises it; the forward pass
// is a GEMM over the patches (VisionTransformerImpl::forward).
struct PatchConvolutionImpl : torch::nn::Module {
    PatchConvolutionImpl(int64_t width, int64_t patch, Draw draw)
    {
        weight = register_parameter("weight", torch::empty({ width, 3, patch, patch }));
        if (draw == Draw::Random) {
            torch::NoGradGuard noGrad;
            torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
        }
    }
    torch::Tensor weight;
};
TORCH_MODULE(PatchConvolution);

// torch::nn::Embedding's parameter and lookup (initialised N(0, 1) as it does, only when asked for).
struct EmbeddingImpl : torch::nn::Module {
    EmbeddingImpl(int64_t count, int64_t width, Draw draw)
    {
        weight = register_parameter("weight", torch::empty({ count, width }));
        if (draw == Draw::Random) {
            torch::NoGradGuard noGrad;
            torch::nn::init::normal_(weight);
        }
    }
    torch::Tensor forward(const torch::Tensor& ids) { return F::embedding(ids, weight); }
    torch::Tensor weight;
};
TORCH_MODULE(Embedding);

// `scale * randn(shape)` for a network built from scratch; uninitialised memory when a state dict will follow.
torch::Tensor drawn(Draw draw, double scale, c10::IntArrayRef shape)
{
    return draw == Draw::Random ? scale * torch::randn(shape) : torch::empty(shape);
}

// nn.MultiheadAttention's parameters (packed in_proj, out_proj) with the attention written out, so that per-head
// probabilities can be returned. Activations are batch-first [B, N, D] here; OpenAI's are sequence-first, which does
// not change any parameter.
struct AttentionImpl : torch::nn::Module {
    AttentionImpl(int64_t width, int64_t heads, Draw draw)
        : heads(heads)
        , scale(1.0 / std::sqrt(static_cast<double>(width / heads)))
    {
        in_proj_weight = register_parameter("in_proj_weight", torch::empty({ 3 * width, width }));
        in_proj_bias = register_parameter(
            "in_proj_bias", draw == Draw::Random ? torch::zeros({ 3 * width }) : torch::empty({ 3 * width }));
        out_proj = register_module("out_proj", Linear(width, width, draw));
    }

    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, torch::Tensor* probabilities)
    {
        const auto batch = x.size(0);
        const auto length = x.size(1);
        const auto width = x.size(2);
        const auto qkv = F::linear(x, in_proj_weight, in_proj_bias)
                             .view({ batch, length, 3, heads, width / heads })
                             .permute({ 2, 0, 3, 1, 4 });
        const auto query = qkv[0] * scale;
        auto scores = torch::matmul(query, qkv[1].transpose(-2, -1)); // [B, H, N, N]
        if (mask.defined())
            scores.add_(mask);
        const auto weights = torch::softmax(scores, -1);
        if (probabilities)
            *probabilities = weights;
        const auto context = torch::matmul(weights, qkv[2]).permute({ 0, 2, 1, 3 }).reshape({ batch, length, width });
        return out_proj(context);
    }

    int64_t heads;
    double scale;
    torch::Tensor in_proj_weight;
    torch::Tensor in_proj_bias;
    Linear out_proj { nullptr };
};
TORCH_MODULE(Attention);

struct MlpImpl : torch::nn::Module {
    MlpImpl(int64_t width, Draw draw)
    {
        c_fc = register_module("c_fc", Linear(width, 4 * width, draw));
        c_proj = register_module("c_proj", Linear(4 * width, width, draw));
    }
    torch::Tensor forward(const torch::Tensor& x) { return c_proj(quickGelu(c_fc(x))); }

    Linear c_fc { nullptr };
    Linear c_proj { nullptr };
};
TORCH_MODULE(Mlp);

struct ResidualBlockImpl : torch::nn::Module {
    ResidualBlockImpl(int64_t width, int64_t heads, Draw draw)
    {
        attn = register_module("attn", Attention(width, heads, draw));
        ln_1 = register_module("ln_1", LayerNorm(width));
        mlp = register_module("mlp", Mlp(width, draw));
        ln_2 = register_module("ln_2", LayerNorm(width));
    }

    torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask, torch::Tensor* probabilities)
    {
        x = x + attn->forward(ln_1(x), mask, probabilities);
        return x + mlp(ln_2(x));
    }

    Attention attn { nullptr };
    LayerNorm ln_1 { nullptr };
    Mlp mlp { nullptr };
    LayerNorm ln_2 { nullptr };
};
TORCH_MODULE(ResidualBlock);

struct TransformerImpl : torch::nn::Module {
    TransformerImpl(int64_t width, int64_t layers, int64_t heads, Draw draw)
        : width(width)
        , layers(layers)
    {
        resblocks = register_module("resblocks", torch::nn::ModuleList());
        for (int64_t i = 0; i < layers; ++i)
            resblocks->push_back(ResidualBlock(width, heads, draw));
    }

    torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask, std::vector<torch::Tensor>* attention)
    {
        for (const auto& block : *resblocks) {
            torch::Tensor probabilities;
            x = block->as<ResidualBlockImpl>()->forward(x, mask, attention ? &probabilities : nullptr);
            if (attention)
                attention->push_back(probabilities);
        }
        return x;
    }

    // OpenAI's initialisation (CLIP.initialize_parameters) so that random-weight models behave like real ones.
    void initialise()
    {
        torch::NoGradGuard noGrad;
        const double attentionStd = std::pow(static_cast<double>(width), -0.5);
        const double projectionStd = attentionStd * std::pow(2.0 * static_cast<double>(layers), -0.5);
        const double fcStd = std::pow(2.0 * static_cast<double>(width), -0.5);
        for (const auto& module : *resblocks) {
            auto* block = module->as<ResidualBlockImpl>();
            block->attn->in_proj_weight.normal_(0.0, attentionStd);
            block->attn->out_proj->weight.normal_(0.0, projectionStd);
            block->attn->out_proj->bias.zero_();
            block->mlp->c_fc->weight.normal_(0.0, fcStd);
            block->mlp->c_proj->weight.normal_(0.0, projectionStd);
        }
    }

    int64_t width;
    int64_t layers;
    torch::nn::ModuleList resblocks { nullptr };
};
TORCH_MODULE(Transformer);

struct VisionTransformerImpl : torch::nn::Module {
    VisionTransformerImpl(const ClipConfig& config, Draw draw)
        : patch(config.visionPatchSize)
        , grid(config.gridSize())
        , width(config.visionWidth)
    {
        conv1 = register_module("conv1", PatchConvolution(width, patch, draw));
        const double scale = std::pow(static_cast<double>(width), -0.5);
        class_embedding = register_parameter("class_embedding", drawn(draw, scale, { width }));
        positional_embedding
            = register_parameter("positional_embedding", drawn(draw, scale, { grid * grid + 1, width }));
        ln_pre = register_module("ln_pre", LayerNorm(width));
        transformer = register_module("transformer", Transformer(width, config.visionLayers, config.visionHeads, draw));
        ln_post = register_module("ln_post", LayerNorm(width));
        proj = register_parameter("proj", drawn(draw, scale, { width, config.embedDimension }));
        // The draws keep their order (the blocks' OpenAI initialisation after proj), so a seed gives the weights it
        // gave before these modules replaced LibTorch's.
        if (draw == Draw::Random)
            transformer->initialise();
    }

    // Returns ln_post(all tokens) @ proj, [B, 1 + grid², E]; `embedded` (if given) gets the transformer's input
    // (ln_pre of patch + positional embeddings, CLS first), which the local patch head reads.
    torch::Tensor forward(
        const torch::Tensor& images, std::vector<torch::Tensor>* attention, torch::Tensor* embedded = nullptr)
    {
        const auto batch = images.size(0);
        // A stride-`patch` convolution is one GEMM over non-overlapping patches; spelling it out skips im2col.
        const auto patches = images.reshape({ batch, 3, grid, patch, grid, patch })
                                 .permute({ 0, 2, 4, 1, 3, 5 })
                                 .reshape({ batch, grid * grid, 3 * patch * patch });
        auto x = torch::matmul(patches, conv1->weight.reshape({ width, 3 * patch * patch }).t());
        x = torch::cat({ class_embedding.expand({ batch, 1, width }), x }, 1) + positional_embedding;
        x = ln_pre(x);
        if (embedded)
            *embedded = x;
        x = transformer->forward(x, torch::Tensor(), attention);
        return torch::matmul(ln_post(x), proj);
    }

    int64_t patch;
    int64_t grid;
    int64_t width;
    PatchConvolution conv1 { nullptr };
    torch::Tensor class_embedding;
    torch::Tensor positional_embedding;
    LayerNorm ln_pre { nullptr };
    Transformer transformer { nullptr };
    LayerNorm ln_post { nullptr };
    torch::Tensor proj;
};
TORCH_MODULE(VisionTransformer);

// The root module; its children and parameters carry OpenAI's state-dict names.
struct ClipImpl : torch::nn::Module {
    ClipImpl(const ClipConfig& config, Draw draw)
    {
        const double textScale = std::pow(static_cast<double>(config.textWidth), -0.5);
        positional_embedding
            = register_parameter("positional_embedding", drawn(draw, 0.01, { config.contextLength, config.textWidth }));
        text_projection = register_parameter(
            "text_projection", drawn(draw, textScale, { config.textWidth, config.embedDimension }));
        logit_scale = register_parameter("logit_scale", torch::full({}, std::log(1.0 / 0.07)));
        visual = register_module("visual", VisionTransformer(config, draw));
        transformer
            = register_module("transformer", Transformer(config.textWidth, config.textLayers, config.textHeads, draw));
        token_embedding = register_module("token_embedding", Embedding(config.vocabularySize, config.textWidth, draw));
        ln_final = register_module("ln_final", LayerNorm(config.textWidth));
        if (draw == Draw::Random) {
            {
                torch::NoGradGuard noGrad;
                token_embedding->weight.normal_(0.0, 0.02);
            }
            transformer->initialise();
        }
        lrclr = register_module("lrclr", std::make_shared<torch::nn::Module>());
    }

    torch::Tensor encodeText(const torch::Tensor& tokens, int64_t length)
    {
        const auto ids = tokens.slice(1, 0, length);
        auto x = token_embedding(ids) + positional_embedding.slice(0, 0, length);
        const auto mask = torch::full({ length, length }, -std::numeric_limits<float>::infinity(), x.options()).triu(1);
        x = ln_final(transformer->forward(x, mask, nullptr));
        const auto eot = tokens.argmax(-1);
        const auto rows = torch::arange(tokens.size(0), eot.options());
        return torch::matmul(x.index({ rows, eot }), text_projection);
    }

    torch::Tensor positional_embedding;
    torch::Tensor text_projection;
    torch::Tensor logit_scale;
    VisionTransformer visual { nullptr };
    Transformer transformer { nullptr };
    Embedding token_embedding { nullptr };
    LayerNorm ln_final { nullptr };
    std::shared_ptr<torch::nn::Module> lrclr;
};
TORCH_MODULE(Clip);

// Keys OpenAI's JIT archives and some exports carry beside the parameters; they hold no weights.
const std::set<std::string> ignoredKeys = { "input_resolution", "context_length", "vocab_size" };

} // namespace

struct VisionOutput::Private {
    torch::Tensor embedding;
    torch::Tensor tokens;
    std::vector<torch::Tensor> attention;
};

VisionOutput::VisionOutput()
    : d(std::make_unique<Private>())
{
}
VisionOutput::~VisionOutput() = default;
VisionOutput::VisionOutput(VisionOutput&&) noexcept = default;
VisionOutput& VisionOutput::operator=(VisionOutput&&) noexcept = default;
at::Tensor& VisionOutput::embedding()
{
    return d->embedding;
}
at::Tensor& VisionOutput::tokens()
{
    return d->tokens;
}
std::vector<at::Tensor>& VisionOutput::attention()
{
    return d->attention;
}

struct ClipNetwork::Private {
    ClipConfig config;
    Clip clip { nullptr };
    std::unique_ptr<CrossModalInteraction> interaction;
    std::unique_ptr<LocalPatchHead> localHead;
    torch::Device device { torch::kCPU };
    bool half = false;

    torch::Dtype dtype() const { return half ? torch::kHalf : torch::kFloat; }
};

ClipNetwork::ClipNetwork(const ClipConfig& config, Weights weights)
    : d(std::make_unique<Private>())
{
    if (config.visionWidth <= 0 || config.visionPatchSize <= 0 || config.gridSize() <= 0 || config.textWidth <= 0
        || config.embedDimension <= 0 || config.contextLength <= 0 || config.vocabularySize <= 0
        || config.visionHeads <= 0 || config.textHeads <= 0 || config.visionWidth % config.visionHeads != 0
        || config.textWidth % config.textHeads != 0)
        throw std::invalid_argument("ClipNetwork: invalid configuration");
    d->config = config;
    d->clip = Clip(config, weights == Weights::Random ? Draw::Random : Draw::Nothing);
    d->interaction = std::make_unique<CrossModalInteraction>(config.embedDimension, std::log(1.0 / 0.07));
    d->clip->lrclr->register_module("interaction", d->interaction->module());
    d->clip->eval();
}

ClipNetwork::~ClipNetwork() = default;

const ClipConfig& ClipNetwork::config() const
{
    return d->config;
}

void ClipNetwork::loadStateDict(const StateDict& weights)
{
    torch::NoGradGuard noGrad;
    auto parameters = d->clip->named_parameters(true);
    std::set<std::string> known;
    for (auto& item : parameters) {
        const auto& name = item.key();
        known.insert(name);
        if (!weights.contains(name)) {
            if (name.rfind("lrclr.", 0) == 0)
                continue;
            throw std::invalid_argument("state dict lacks tensor '" + name + "'");
        }
        const auto source = weights.tensor(name);
        if (source.sizes() != item.value().sizes()) {
            throw std::invalid_argument("tensor '" + name + "' has shape " + c10::str(source.sizes())
                + ", the network expects " + c10::str(item.value().sizes()));
        }
        // The parameter takes the loaded tensor itself (no copy) when it already has the parameter's type and
        // layout; a checkpoint's tensors view the mapped file (TorchCheckpoint), so the weights exist once.
        item.value().set_data(source.to(item.value().options()).contiguous());
    }
    // The temperature of the interaction layer starts at CLIP's own when a checkpoint brings none.
    if (!weights.contains("lrclr.interaction.logit_scale"))
        d->interaction->resetParameters(d->clip->logit_scale.item<double>());
    // A local head new to these weights (fine-tuning a base CLIP) starts from the loaded tower's projection.
    if (d->localHead && !weights.contains("lrclr.local.proj"))
        initialiseLocalHeadProjection();
    for (const auto& key : weights.keys()) {
        if (!known.count(key) && !ignoredKeys.count(key))
            throw std::invalid_argument("state dict has unexpected tensor '" + key + "'");
    }
}

StateDict ClipNetwork::stateDict() const
{
    StateDict result;
    for (const auto& item : d->clip->named_parameters(true))
        result.insert(item.key(), item.value().detach().to(torch::kCPU, torch::kFloat).clone());
    return result;
}

void ClipNetwork::moveTo(const c10::Device& device, bool halfPrecision)
{
    d->device = device;
    d->half = halfPrecision;
    d->clip->to(device, d->dtype());
}

c10::Device ClipNetwork::device() const
{
    return d->device;
}

bool ClipNetwork::halfPrecision() const
{
    return d->half;
}

VisionOutput ClipNetwork::encodeImage(const at::Tensor& images, bool keepAttention) const
{
    const int resolution = d->config.imageResolution;
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != resolution || images.size(3) != resolution) {
        throw std::invalid_argument("encodeImage expects [B, 3, " + std::to_string(resolution) + ", "
            + std::to_string(resolution) + "], got " + c10::str(images.sizes()));
    }
    VisionOutput output;
    std::vector<torch::Tensor> attention;
    torch::Tensor embedded;
    auto tokens = d->clip->visual->forward(
        images.to(d->device, d->dtype()), keepAttention ? &attention : nullptr, d->localHead ? &embedded : nullptr);
    // With a local patch head, the patch tokens (what every sentence.patch map is made of) are the head's; the CLS
    // token, the global embedding, stays the tower's.
    if (d->localHead)
        tokens = torch::cat(
            { tokens.slice(1, 0, 1), d->localHead->forward(embedded.slice(1, 1), d->config.gridSize()) }, 1);
    tokens = tokens.to(torch::kFloat);
    output.tokens() = tokens;
    output.embedding() = tokens.select(1, 0);
    for (auto& layer : attention)
        output.attention().push_back(layer.to(torch::kFloat));
    return output;
}

namespace {

void checkTokens(const torch::Tensor& tokens, const ClipConfig& config)
{
    if (tokens.dim() != 2 || tokens.size(1) != config.contextLength || tokens.size(0) == 0)
        throw std::invalid_argument("encodeText expects [B, " + std::to_string(config.contextLength)
            + "] token ids, got " + c10::str(tokens.sizes()));
    if (tokens.min().item<int64_t>() < 0 || tokens.max().item<int64_t>() >= config.vocabularySize)
        throw std::invalid_argument("encodeText: token id outside the vocabulary");
}

} // namespace

at::Tensor ClipNetwork::encodeText(const at::Tensor& tokens) const
{
    checkTokens(tokens, d->config);
    const auto ids = tokens.to(d->device, torch::kLong);
    const auto length = ids.argmax(-1).max().item<int64_t>() + 1;
    return d->clip->encodeText(ids, length).to(torch::kFloat);
}

at::Tensor ClipNetwork::encodeTextFullContext(const at::Tensor& tokens) const
{
    checkTokens(tokens, d->config);
    return d->clip->encodeText(tokens.to(d->device, torch::kLong), d->config.contextLength).to(torch::kFloat);
}

double ClipNetwork::logitScale() const
{
    return d->clip->logit_scale.exp().item<double>();
}

void ClipNetwork::addLocalPatchHead(int layers)
{
    if (d->localHead)
        throw std::logic_error("ClipNetwork: the network already has a local patch head");
    if (layers < 1 || layers > LrclrSettings::kMaximumLocalHeadLayers)
        throw std::invalid_argument("ClipNetwork: a local patch head needs 1 to "
            + std::to_string(LrclrSettings::kMaximumLocalHeadLayers) + " layers, not " + std::to_string(layers));
    d->localHead = std::make_unique<LocalPatchHead>(d->config.visionWidth, d->config.embedDimension, layers);
    d->clip->lrclr->register_module("local", d->localHead->module());
    d->localHead->module()->to(d->device, d->dtype());
    initialiseLocalHeadProjection();
}

int ClipNetwork::localPatchHeadLayers() const
{
    return d->localHead ? d->localHead->layers() : 0;
}

void ClipNetwork::initialiseLocalHeadProjection()
{
    auto& visual = *d->clip->visual;
    d->localHead->initialiseProjection(visual.ln_post->weight, visual.ln_post->bias, visual.proj);
}

CrossModalInteraction& ClipNetwork::interaction() const
{
    return *d->interaction;
}

torch::nn::Module& ClipNetwork::module() const
{
    return *d->clip;
}

std::vector<at::Tensor> ClipNetwork::lrclrParameters() const
{
    return d->clip->lrclr->parameters(true);
}

} // namespace lrclr::internal
