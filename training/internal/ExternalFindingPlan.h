#pragma once

#include <vector>

#include "training/ExternalPhantomGenerator.h"
#include "training/PhantomCase.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// A finding of an external-style phantom planned before drawing; drawing fills in its boxes.
struct ExternalFindingPlan {
    PhantomCase::Finding finding;
    int side = 0; ///< 0 the patient's right, 1 the left
    int zone = 1; ///< 0 upper, 1 middle, 2 lower
    double value = 0.0;
    double strength = 1.0;
    int variant = 0;
};

/// The study's findings: the requested ones, or random ones as ExternalPhantomGenerator::Options asks for.
std::vector<ExternalFindingPlan> planExternalFindings(
    DeterministicRandom& random, const ExternalPhantomGenerator::Options& options);

} // namespace lrclr::internal
