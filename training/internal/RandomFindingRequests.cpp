#include "training/internal/RandomFindingRequests.h"

#include <algorithm>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

bool isLesion(const std::string& kind)
{
    return kind == "nodule" || kind == "mass";
}

std::string weightedKind(DeterministicRandom& random, const std::vector<std::pair<std::string, double>>& weights)
{
    double total = 0.0;
    for (const auto& weight : weights)
        total += weight.second;
    double pick = random.uniform(0.0, total);
    for (const auto& weight : weights) {
        if (pick < weight.second)
            return weight.first;
        pick -= weight.second;
    }
    return weights.back().first;
}

std::vector<std::string> pathologyKinds(DeterministicRandom& random, const RandomFindingMix& mix)
{
    const double roll = random.uniform();
    const int count = roll < mix.oneFindingBelow ? 1 : (roll < mix.twoFindingsBelow ? 2 : 3);
    std::vector<std::string> chosen;
    for (int attempt = 0; attempt < mix.attempts && static_cast<int>(chosen.size()) < count; ++attempt) {
        const std::string kind = weightedKind(random, mix.weights);
        const bool clash = std::any_of(chosen.begin(), chosen.end(),
            [&](const std::string& k) { return k == kind || (isLesion(kind) && isLesion(k)); });
        if (!clash)
            chosen.push_back(kind);
    }
    return chosen;
}

} // namespace

std::vector<PhantomGenerator::FindingRequest> findingRequests(DeterministicRandom& random,
    const std::vector<PhantomGenerator::FindingRequest>& requested, double normalFraction, double deviceFraction,
    const RandomFindingMix& mix)
{
    if (!requested.empty())
        return requested;
    std::vector<PhantomGenerator::FindingRequest> requests;
    if (!random.chance(normalFraction))
        for (const auto& kind : pathologyKinds(random, mix))
            requests.push_back({ kind, "", "" });
    if (random.chance(mix.endotrachealTube * deviceFraction))
        requests.push_back({ "endotracheal tube", "", "" });
    if (random.chance(mix.centralLine * deviceFraction))
        requests.push_back({ "central line", "", "" });
    if (random.chance(mix.pacemaker * deviceFraction))
        requests.push_back({ "pacemaker", "", "" });
    return requests;
}

bool isDeviceKind(const std::string& kind)
{
    return kind == "endotracheal tube" || kind == "central line" || kind == "pacemaker";
}

} // namespace lrclr::internal
