#pragma once

#include <string>
#include <utility>
#include <vector>

#include "training/PhantomGenerator.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// How a phantom style chooses a study's findings when none are requested: which pathologies how often, how many,
/// and how often it gets each support device. PhantomGenerator and ExternalPhantomGenerator differ only in these
/// numbers.
struct RandomFindingMix {
    std::vector<std::pair<std::string, double>> weights; ///< pathology kinds and their relative frequencies
    double oneFindingBelow = 0.55; ///< a roll below this: one pathology
    double twoFindingsBelow = 0.85; ///< a roll below this (and above the first): two, else three
    int attempts = 50; ///< draws at most (a kind chosen already, or a second nodule or mass, is not taken)
    double endotrachealTube = 0.1; ///< chances at a device fraction of 1
    double centralLine = 0.14;
    double pacemaker = 0.07;
};

/// `requested` when not empty; else a random study: normal with `normalFraction`, otherwise 1-3 distinct
/// pathologies (at most one nodule or mass), then the devices, each at its chance times `deviceFraction`.
std::vector<PhantomGenerator::FindingRequest> findingRequests(DeterministicRandom& random,
    const std::vector<PhantomGenerator::FindingRequest>& requested, double normalFraction, double deviceFraction,
    const RandomFindingMix& mix);

/// Endotracheal tubes, central lines and pacemakers: drawn and reported, never subtle, not pathology.
bool isDeviceKind(const std::string& kind);

} // namespace lrclr::internal
