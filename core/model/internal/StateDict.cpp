#include "core/model/internal/StateDict.h"

#include <stdexcept>
#include <unordered_map>

#include <torch/torch.h>

namespace lrclr::internal {

struct StateDict::Private {
    std::vector<std::string> order;
    std::unordered_map<std::string, at::Tensor> tensors;
};

StateDict::StateDict()
    : d(std::make_unique<Private>())
{
}

StateDict::~StateDict() = default;
StateDict::StateDict(StateDict&&) noexcept = default;
StateDict& StateDict::operator=(StateDict&&) noexcept = default;

std::vector<std::string> StateDict::keys() const
{
    return d->order;
}

bool StateDict::contains(const std::string& key) const
{
    return d->tensors.count(key) != 0;
}

at::Tensor StateDict::tensor(const std::string& key) const
{
    const auto found = d->tensors.find(key);
    if (found == d->tensors.end())
        throw std::out_of_range("state dict has no tensor '" + key + "'");
    return found->second;
}

void StateDict::insert(const std::string& key, const at::Tensor& tensor)
{
    const auto [position, inserted] = d->tensors.insert_or_assign(key, tensor);
    (void)position;
    if (inserted)
        d->order.push_back(key);
}

std::map<std::string, std::vector<std::int64_t>> StateDict::shapes() const
{
    std::map<std::string, std::vector<std::int64_t>> result;
    for (const auto& [key, tensor] : d->tensors)
        result.emplace(key, tensor.sizes().vec());
    return result;
}

} // namespace lrclr::internal
