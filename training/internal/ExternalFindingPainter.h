#pragma once

#include <vector>

#include "training/internal/ExternalAnatomy.h"
#include "training/internal/ExternalCanvas.h"
#include "training/internal/ExternalFindingPlan.h"
#include "training/internal/FindingBox.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// Draws the findings of an external-style phantom into its canvas (meniscus effusions, pneumothorax rims with a
/// pleural line, lobulated or spiculated nodules and masses, textured consolidation with air bronchograms, bat-wing
/// edema with septal lines, plate atelectasis, tubes with walls, lines and pacemakers) and gives each the boxes of
/// what was drawn.
class ExternalFindingPainter {
public:
    ExternalFindingPainter(ExternalCanvas& canvas, const ExternalAnatomy& anatomy, const ExternalValueNoise& mottle,
        const ExternalValueNoise& fine, DeterministicRandom& findingRandom, double pixelSpacingMm);

    /// Draws the findings in order (drawing from the finding stream in that order) and fills in their boxes.
    void draw(std::vector<ExternalFindingPlan>& plans);

private:
    void drawFinding(ExternalFindingPlan& plan, FindingBox& box);
    void drawCardiomegaly(FindingBox& box) const;
    void drawEffusion(
        const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box);
    void drawPneumothorax(
        const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box);
    void drawNodule(const ExternalFindingPlan& plan, const ExternalLung& lung, FindingBox& box);
    void drawConsolidation(const ExternalFindingPlan& plan, const ExternalLung& lung, FindingBox& box);
    void drawEdema(ExternalFindingPlan& plan);
    void drawAtelectasis(
        const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box);
    void drawEndotrachealTube(ExternalFindingPlan& plan, FindingBox& box);
    void drawCentralLine(const ExternalFindingPlan& plan, FindingBox& box);
    void drawPacemaker(const ExternalFindingPlan& plan, FindingBox& box);

    ExternalCanvas& m_canvas;
    const ExternalAnatomy& m_anatomy;
    const ExternalValueNoise& m_mottle;
    const ExternalValueNoise& m_fine;
    DeterministicRandom& m_random;
    double m_pixelSpacingMm;
};

} // namespace lrclr::internal
