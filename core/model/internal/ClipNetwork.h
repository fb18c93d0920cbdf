#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model/ClipConfig.h"

namespace at {
class Tensor;
}
namespace c10 {
struct Device;
}
namespace torch::nn {
class Module;
}

namespace lrclr::internal {

class StateDict;

/// What the image tower produces for a batch: every visual token in the joint space and, optionally, the softmax
/// attention probabilities of every block (for region selection and parity tests).
struct VisionOutput {
    at::Tensor& embedding(); ///< [B, E]: ln_post(CLS) @ proj, what CLIP's encode_image returns
    at::Tensor& tokens(); ///< [B, 1 + grid², E]: ln_post(all tokens) @ proj, CLS first
    std::vector<at::Tensor>& attention(); ///< per layer [B, heads, N, N] (query x key), empty unless requested

    VisionOutput();
    ~VisionOutput();
    VisionOutput(VisionOutput&&) noexcept;
    VisionOutput& operator=(VisionOutput&&) noexcept;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// The OpenAI CLIP network (ViT image tower + causal text transformer) in LibTorch, with parameter names identical to
/// OpenAI's state dict, plus the LRCLR cross-modal interaction parameters under `lrclr.`. Attention is written out so
/// that per-head probabilities are available. Not thread-safe: use from one thread.
class ClipNetwork {
public:
    /// How the backbone's weights start.
    enum class Weights {
        Random, ///< OpenAI's initialisation scheme, drawn from LibTorch's generator (training from scratch)
        ToBeLoaded, ///< unset memory, no random draws: loadStateDict() will set every backbone tensor (a model load)
    };
    /// Builds the network and identity-initialised LRCLR layers.
    explicit ClipNetwork(const ClipConfig& config, Weights weights = Weights::Random);
    ~ClipNetwork();
    ClipNetwork(const ClipNetwork&) = delete;
    ClipNetwork& operator=(const ClipNetwork&) = delete;

    const ClipConfig& config() const;

    /// Takes every backbone tensor from `weights` (names and shapes must match exactly; fp16 is converted): the
    /// parameters share the tensors' memory when their type matches, else get converted copies. LRCLR
    /// tensors (`lrclr.*`) are optional: absent ones keep their neutral initialisation. Throws std::invalid_argument
    /// naming a missing, misshapen or unexpected tensor.
    void loadStateDict(const StateDict& weights);
    /// All parameters by their state-dict name (backbone with OpenAI names, then `lrclr.*`), on the CPU in fp32.
    StateDict stateDict() const;

    /// Moves the network to `device`; `halfPrecision` stores the weights in fp16 (for CUDA).
    void moveTo(const c10::Device& device, bool halfPrecision);
    c10::Device device() const;
    bool halfPrecision() const;

    /// images: [B, 3, R, R] preprocessed. Returns fp32 tensors on the network's device; the patch tokens are the
    /// local patch head's when the network has one (addLocalPatchHead).
    VisionOutput encodeImage(const at::Tensor& images, bool keepAttention) const;
    /// tokens: [B, contextLength] int64 ids. Runs only up to the last EOT (argmax) position of the batch, which is
    /// exact because the causal mask keeps later positions from influencing the EOT row. Returns [B, E] fp32.
    at::Tensor encodeText(const at::Tensor& tokens) const;
    /// The same without the cut (all `contextLength` positions), as CLIP's encode_text does; for tests.
    at::Tensor encodeTextFullContext(const at::Tensor& tokens) const;
    /// exp(logit_scale), the CLIP temperature.
    double logitScale() const;

    /// Adds LRCLR's locality-restricted patch head (LocalPatchHead, registered under `lrclr.local`): from then on the
    /// patch tokens of encodeImage() are the head's. Call before loadStateDict(): a loaded model's head comes from
    /// its weights, and one absent from them starts from the tower's ln_post and proj. Throws
    /// std::invalid_argument for layers outside 1..LrclrSettings::kMaximumLocalHeadLayers, std::logic_error if the
    /// network has one already.
    void addLocalPatchHead(int layers);
    /// The head's convolution layers, 0 without one.
    int localPatchHeadLayers() const;

    /// The LRCLR cross-modal interaction block (registered under `lrclr.interaction`).
    class CrossModalInteraction& interaction() const;
    /// The root module: its named_parameters() are the state-dict names; for the trainer.
    torch::nn::Module& module() const;
    /// Parameters the LRCLR fine-tuning trains (the `lrclr.` ones).
    std::vector<at::Tensor> lrclrParameters() const;

private:
    void initialiseLocalHeadProjection();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr::internal
