#pragma once

#include <vector>

#include "training/PhantomCase.h"
#include "training/internal/PhantomCanvas.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// The line integral "mu" of a drawn training-style phantom: tissue minus the air that is left, plus bones, devices
/// and vessels, blurred slightly (focal spot and detector unsharpness). Uses canvas.fill as scratch space.
std::vector<float> lineIntegral(PhantomCanvas& canvas);

/// Exposes the line integral like a CR plate and reader: photons per pixel (dose), the anode heel effect, quantum
/// noise, log conversion with the reader's gain and offset; sets result.pixels (result.width x result.height, at
/// result.bitsStored) and the default window (aerated lung to mediastinum).
void expose(
    const std::vector<float>& mu, DeterministicRandom& random, DeterministicRandom& noiseRandom, PhantomCase& result);

} // namespace lrclr::internal
