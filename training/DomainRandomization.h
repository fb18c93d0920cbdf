#pragma once

#include "training/PhantomCase.h"

namespace lrclr {

class DeterministicRandom;

/// Domain randomisation of a rendered phantom, for training data that does not teach the model one generator's
/// look (PhantomGenerator::Options::domainRandomization): the square canvas is re-sampled into an image of random
/// size and aspect ratio with the patient zoomed, shifted and slightly rotated; then a detector look (blur, extra
/// noise, a tone curve), a stored default window that is off by a random amount, a random bit depth, MONOCHROME1
/// for a quarter of the images, collimation borders and a burned-in side marker. Finding boxes follow the geometry
/// (the bounding box of each moved box, clipped to the exposed field), so ground truth stays exact enough for the
/// evaluation's boxes. Call it before the report is written (the report copies the findings' boxes).
/// Stateless; thread-safe.
class DomainRandomization {
public:
    /// Changes phantom.pixels, width, height, pixelSpacingMm, bitsStored, windowCenter/Width, monochrome1 and the
    /// findings' boxes. The phantom must hold width * height pixels.
    static void apply(PhantomCase& phantom, DeterministicRandom& random);
};

} // namespace lrclr
