#pragma once

#include <vector>

#include "training/internal/FindingBox.h"
#include "training/internal/PhantomAnatomy.h"
#include "training/internal/PhantomCanvas.h"
#include "training/internal/PhantomFindingPlan.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// Draws the findings of a training-style phantom that are shapes and lines (nodules and masses, plate atelectasis,
/// Kerley B lines, air bronchograms, tubes, lines and pacemakers) after the per-pixel pass, and gives every planned
/// finding the boxes of what was drawn of it (the per-pixel pass's boxes for cardiomegaly, effusion, pneumothorax,
/// consolidation and edema).
class PhantomFindingPainter {
public:
    PhantomFindingPainter(const PhantomAnatomy& anatomy, PhantomLungFindings& findings, PhantomCanvas& canvas,
        DeterministicRandom& findingRandom, double pixelSpacingMm);

    /// Draws the findings in order (drawing from the finding stream in that order) and fills in their boxes.
    void draw(std::vector<PlannedFinding>& planned);

private:
    void drawShape(PlannedFinding& plan, FindingBox& tracker);
    void recordBoxes(PlannedFinding& plan, FindingBox& tracker) const;
    void drawNodule(const PlannedFinding& plan, FindingBox& tracker);
    void drawAtelectasis(const PlannedFinding& plan, FindingBox& tracker);
    void drawKerleyLines(const PlannedFinding& plan);
    void drawAirBronchograms(const PlannedFinding& plan);
    void drawEndotrachealTube(PlannedFinding& plan, FindingBox& tracker);
    void drawCentralLine(const PlannedFinding& plan, FindingBox& tracker);
    void drawPacemaker(const PlannedFinding& plan, FindingBox& tracker);

    const PhantomAnatomy& m_anatomy;
    PhantomLungFindings& m_findings;
    PhantomCanvas& m_canvas;
    DeterministicRandom& m_random;
    double m_pixelsPerUnit;
    double m_mmPerUnit;
};

} // namespace lrclr::internal
