#include "training/internal/TrainingRun.h"

#include <algorithm>

#include "core/model/internal/RegionSelection.h"

namespace lrclr::internal {

namespace F = torch::nn::functional;

torch::Tensor normalized(const torch::Tensor& x)
{
    return F::normalize(x, F::NormalizeFuncOptions().dim(-1));
}

torch::Tensor longTensor(const std::vector<std::int64_t>& values, std::int64_t rows, torch::Device device)
{
    return torch::tensor(values, torch::kLong).view({ rows, -1 }).to(device);
}

TrainingRun::TrainingRun(const Trainer::Options& options, const std::function<void(const Trainer::Progress&)>& progress)
    : options(options)
    , progress(progress)
{
}

void TrainingRun::report(Trainer::Progress::Phase phase, const std::string& message) const
{
    if (progress) {
        Trainer::Progress update;
        update.phase = phase;
        update.message = message;
        progress(update);
    }
}

torch::Tensor TrainingRun::parameter(const std::string& name) const
{
    for (const auto& item : network->module().named_parameters(true)) {
        if (item.key() == name)
            return item.value();
    }
    throw TrainingError("the network has no parameter '" + name + "'");
}

torch::Tensor TrainingRun::gather(const torch::Tensor& local) const
{
    if (group)
        return group->gatherWithGradient(local);
    return local;
}

std::pair<torch::Tensor, torch::Tensor> TrainingRun::interactionKeys(
    const torch::Tensor& patches, const std::vector<torch::Tensor>& attention) const
{
    if (settings.attendAllPatches)
        return { patches, torch::Tensor() };
    const auto regions = selectRegions(attention, settings.selectionMode, settings.topK);
    std::size_t most = 1;
    for (const auto& selected : regions)
        most = std::max(most, selected.patchIndices.size());
    const auto batch = patches.size(0);
    auto indices = torch::zeros({ batch, static_cast<std::int64_t>(most) }, torch::kLong);
    auto mask = torch::zeros({ batch, static_cast<std::int64_t>(most) }, torch::kBool);
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto& selected = regions[static_cast<std::size_t>(b)].patchIndices;
        for (std::size_t k = 0; k < selected.size(); ++k) {
            indices[b][static_cast<std::int64_t>(k)] = selected[k];
            mask[b][static_cast<std::int64_t>(k)] = true;
        }
        if (selected.empty())
            mask[b][0] = true;
    }
    indices = indices.to(patches.device());
    const auto keys = torch::gather(patches, 1, indices.unsqueeze(-1).expand({ -1, -1, patches.size(2) }));
    return { keys, mask.to(patches.device()) };
}

} // namespace lrclr::internal
