#pragma once

namespace lrclr {

/// Scoped CUDA mixed precision for training and inference: while an instance lives on a thread, LibTorch's autocast
/// runs eligible CUDA ops (matrix products, convolutions) in bfloat16 and keeps precision-sensitive ones (softmax,
/// layer norm, losses) in fp32, as torch.autocast("cuda", torch.bfloat16) does. bfloat16 has fp32's exponent range, so
/// no gradient scaler is needed. Hides the autocast API, which differs between LibTorch 1.13 and 2.x. Does nothing
/// when `enabled` is false. Autocast state is thread-local: create it on the thread that computes. bfloat16 matrix
/// products need an NVIDIA Ampere GPU or newer.
class MixedPrecision {
public:
    explicit MixedPrecision(bool enabled);
    ~MixedPrecision();
    MixedPrecision(const MixedPrecision&) = delete;
    MixedPrecision& operator=(const MixedPrecision&) = delete;

private:
    bool m_enabled = false;
    bool m_previous = false;
};

} // namespace lrclr
