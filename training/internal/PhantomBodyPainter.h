#pragma once

#include <cstddef>
#include <cstdint>

#include "training/internal/PhantomAnatomy.h"
#include "training/internal/PhantomCanvas.h"
#include "training/internal/PhantomFindingPlan.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// The heart of a training-style phantom: an ellipse whose long axis runs from the base (upper right of the
/// patient) to the apex (lower left), in canonical units.
struct PhantomHeart {
    double cosine = 1.0; ///< of the long axis' angle
    double sine = 0.0;
    double longRadius = 0.0;
    double shortRadius = 0.0;
};

/// Sizes the heart so that its horizontal extent gives the cardiothoracic ratio and rests it on the diaphragm
/// (sets anatomy.heartCenterV).
PhantomHeart placeHeart(PhantomAnatomy& anatomy, DeterministicRandom& random);

/// The first pass over a training-style phantom: everything that is a function of position (body, breasts, spine,
/// heart, mediastinum, aortic knob, lung air with its texture) and the findings that change the lungs pixel by
/// pixel (effusion, pneumothorax, edema, consolidation), whose boxes it records in the PhantomLungFindings.
class PhantomBodyPainter {
public:
    PhantomBodyPainter(const PhantomAnatomy& anatomy, const PhantomHeart& heart, std::uint64_t textureSeed,
        PhantomLungFindings& findings, PhantomCanvas& canvas);

    void paint();

private:
    void paintPixel(int x, int y, double u, double v);
    double bodyTissue(double u, double v) const;
    double spine(double u, double v, double tissue) const;
    double heartShadow(double u, double v) const;
    double mediastinumShadow(double u, double v) const;
    /// The share of lung air that fluid, collapse or tissue replace at the pixel.
    double lungFill(
        int x, int y, std::size_t p, int side, double u, double v, double a, const PhantomLungSample& sample);
    void drawPneumothorax(int x, int y, std::size_t p, const PhantomLungSample& sample);
    void addEffusion(int x, int y, double a, double v, const PhantomLungSample& sample, double& fill);
    void addEdema(int x, int y, int side, double u, double v, const PhantomLungSample& sample, double& fill);
    void addConsolidation(int x, int y, double u, double v, const PhantomLungSample& sample, double& fill);

    const PhantomAnatomy& m_anatomy;
    const PhantomHeart& m_heart;
    std::uint64_t m_textureSeed;
    PhantomLungFindings& m_findings;
    PhantomCanvas& m_canvas;
    double m_edge; ///< one pixel in canonical units
};

} // namespace lrclr::internal
