#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "training/PhantomCase.h"
#include "training/PhantomGenerator.h"
#include "training/internal/FindingBox.h"
#include "training/internal/PhantomAnatomy.h"
#include "training/internal/Point.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// A finding of a training-style phantom planned before drawing; drawing fills in its boxes.
struct PlannedFinding {
    PhantomCase::Finding finding;
    int side = 0; // 0 right, 1 left
    std::string zone; // upper, middle, lower
    double strength = 1.0; // 1 normal, about 0.45 when subtle
    double sizeValue = 0.0;
};

/// The study's findings: the requested ones, or random ones as PhantomGenerator::Options asks for.
std::vector<PlannedFinding> planFindings(DeterministicRandom& random, const PhantomGenerator::Options& options);

/// The planned finding of this kind, or nullptr.
PlannedFinding* findPlanned(std::vector<PlannedFinding>& planned, const std::string& kind);

/// The heart of a cardiomegaly study: widened to the planned cardiothoracic ratio (nothing without one).
void enlargeHeart(PhantomAnatomy& anatomy, const PlannedFinding* cardiomegaly);

/// The findings that change the lungs pixel by pixel (PhantomBodyPainter), placed before drawing, and the boxes of
/// what was drawn of them; the pointers point into the planned findings.
struct PhantomLungFindings {
    PlannedFinding* cardiomegaly = nullptr;
    PlannedFinding* effusion = nullptr;
    PlannedFinding* pneumothorax = nullptr;
    PlannedFinding* edema = nullptr;
    PlannedFinding* consolidation = nullptr;
    double effusionLevel = 0.0; ///< v of the fluid level at the medial end of the meniscus
    double meniscusRise = 0.0; ///< how much higher the fluid climbs laterally
    double pneumothoraxExtent = 0.0; ///< how far down the lateral wall the pleural air reaches (of the lung height)
    std::vector<std::pair<Point, Point>> consolidationBlobs; ///< canonical centres and radii
    FindingBox heartBox;
    FindingBox effusionBox;
    FindingBox pneumothoraxBox;
    std::array<FindingBox, 2> edemaBoxes; ///< one a lung
    FindingBox consolidationBox;
};

/// Places the effusion, the pneumothorax and the consolidation of `planned` (draws from `findingRandom` in that
/// order).
PhantomLungFindings placeLungFindings(
    std::vector<PlannedFinding>& planned, const PhantomAnatomy& anatomy, DeterministicRandom& findingRandom);

} // namespace lrclr::internal
