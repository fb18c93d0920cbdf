#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace lrclr::internal {

/// Tensors by name, as in a PyTorch state dict. Internal to lrclr::model (LibTorch types appear only as forward
/// declarations here; callers include <torch/...> in their .cpp). Not thread-safe for concurrent mutation.
class StateDict {
public:
    StateDict();
    ~StateDict();
    StateDict(StateDict&&) noexcept;
    StateDict& operator=(StateDict&&) noexcept;

    std::vector<std::string> keys() const; ///< in insertion (file) order
    bool contains(const std::string& key) const;
    /// Throws std::out_of_range naming the key when absent.
    at::Tensor tensor(const std::string& key) const;
    void insert(const std::string& key, const at::Tensor& tensor);
    std::map<std::string, std::vector<std::int64_t>> shapes() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr::internal
