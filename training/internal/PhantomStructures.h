#pragma once

#include "training/internal/PhantomAnatomy.h"
#include "training/internal/PhantomCanvas.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

// The structures of a training-style phantom drawn as bands after the per-pixel pass (PhantomBodyPainter), each
// drawing from `random` in a fixed order.

/// The gastric bubble below the left hemidiaphragm, and the trachea and main bronchi: air outside the lungs.
void drawExtrapulmonaryAir(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random);

/// Ribs: posterior arcs from the spine, turning down at the chest wall into fainter anterior arcs; clavicles.
void drawRibsAndClavicles(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random);

/// Pulmonary vessels: branching trees from each hilum, thinning towards the periphery, larger at the bases.
void drawPulmonaryVessels(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random);

} // namespace lrclr::internal
