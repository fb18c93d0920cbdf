#pragma once

#include <string>

#include "core/model/ClipConfig.h"

namespace at {
class Tensor;
}

namespace lrclr::test {

/// Reads a little-endian float32 or int64 C-order .npy file into a CPU tensor; throws std::runtime_error.
at::Tensor readNpy(const std::string& path);
/// Largest |a - b| over all elements (shapes must match).
double maxAbsError(const at::Tensor& a, const at::Tensor& b);
/// Smallest cosine similarity between corresponding rows of the last dimension (or of the flattened tensors when
/// `flatten`).
double minCosine(const at::Tensor& a, const at::Tensor& b, bool flatten = false);
/// A small CLIP configuration (seconds-fast on a CPU) with `layers` blocks per tower.
ClipConfig smallConfig(int layers = 2);
/// The folder of the external CLIP reference vectors.
std::string referenceDirectory();

} // namespace lrclr::test
