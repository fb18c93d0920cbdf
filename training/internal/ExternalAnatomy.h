#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "training/internal/ExternalCanvas.h"
#include "training/internal/Point.h"

namespace lrclr::internal {

/// One lung as a superellipse-like region in (u, t): u runs from the medial edge (0) to the lateral edge (1), t from
/// the apex (0) to the costophrenic angle (1); the hemidiaphragm domes up medially.
struct ExternalLung {
    double sign = -1.0; ///< image direction from the midline: -1 for the patient's right (image left)
    double medialX = 0.0;
    double lateralX = 0.0;
    double apexY = 0.0;
    double baseY = 0.0;
    double dome = 0.12;
    double apexU = 0.35;

    double width() const { return std::abs(lateralX - medialX); }
    double height() const { return baseY - apexY; }
    double u(double x) const { return (x - medialX) * sign / width(); }
    double t(double y) const { return (y - apexY) / height(); }
    double x(double u) const { return medialX + sign * u * width(); }
    double y(double t) const { return apexY + t * height(); }
    double floorT(double u) const { return 1.0 - dome * (1.0 - square(std::clamp(u, 0.0, 1.0))); }

    /// Signed distance to the lung outline in pixels (positive inside), approximated per boundary.
    double distance(double px, double py) const
    {
        const double uu = u(px);
        const double tt = t(py);
        if (tt < -0.05 || tt > 1.05 || uu < -0.1 || uu > 1.1)
            return -1e9;
        const double tc = std::clamp(tt, 0.0, 1.0);
        const double lateral = apexU + (1.0 - apexU) * std::sqrt(1.0 - square(1.0 - std::min(tc / 0.5, 1.0)));
        const double medial = apexU * (1.0 - std::sqrt(1.0 - square(1.0 - std::min(tc / 0.3, 1.0))));
        const double w = width();
        const double h = height();
        return std::min({ (uu - medial) * w, (lateral - uu) * w, (floorT(uu) - tt) * h, tt * h * 1.5 });
    }
};

/// The heart shadow: a tilted, asymmetric teardrop, larger towards the patient's left (image right).
struct ExternalHeart {
    double centerX = 0.0;
    double centerY = 0.0;
    double halfHeight = 0.0;
    double rightWidth = 0.0; ///< towards the image's left
    double leftWidth = 0.0; ///< towards the image's right
    double tilt = 0.1;

    double distance(double px, double py) const
    {
        const double v = (py - centerY) / halfHeight;
        if (v < -1.0 || v > 1.0)
            return -1e9;
        // Pear-shaped: narrow where it meets the mediastinum, widest low down, flat where it sits on the diaphragm.
        const double clamped = std::min(v, 0.55);
        const double spread = std::sqrt(1.0 - clamped * clamped) * (0.72 + 0.28 * (clamped + 1.0) / 1.55);
        const double middle = centerX + tilt * v * halfHeight;
        const double right = middle - rightWidth * spread;
        const double left = middle + leftWidth * std::pow(spread, 0.8);
        return std::min({ px - right, left - px, (1.0 - std::abs(v)) * halfHeight });
    }
};

/// The patient of an external-style phantom, in pixels of its image.
struct ExternalAnatomy {
    double w = 0.0; ///< the image's width
    double h = 0.0; ///< and height
    double cx = 0.0; ///< the midline
    double halfThorax = 0.0;
    double apexY = 0.0;
    double lungHeight = 0.0;
    std::array<ExternalLung, 2> lungs;
    ExternalHeart heart;
    double tracheaX = 0.0;
    double carinaY = 0.0;
    std::array<Point, 2> hila;
    double airStrength = 0.0; ///< how much density aerated lung takes away
    double bodyHalfWidth = 0.0;
    double shoulderY = 0.0;
    double neckHalfWidth = 0.0;
    std::vector<double> diaphragm; ///< the diaphragm's y per column (for the abdomen's density)
};

/// A random patient for a `width` x `height` image; `cardiothoracicRatio` > 0 (cardiomegaly) sets the heart's
/// width and enlarges it, else the ratio is a normal random one. Draws from `random` in a fixed order.
ExternalAnatomy sampleExternalAnatomy(DeterministicRandom& random, int width, int height, double cardiothoracicRatio);

/// Soft tissue: a superellipse body section widening below the neck, the abdomen below the diaphragm, breasts.
void drawSoftTissue(
    ExternalCanvas& canvas, const ExternalAnatomy& anatomy, bool female, const ExternalValueNoise& mottle);

/// Lungs: aeration with soft pleural edges (the heart and aortic knob replace air medially) and streaky markings
/// converging on the hila.
void drawLungs(ExternalCanvas& canvas, const ExternalAnatomy& anatomy, const ExternalValueNoise& fine,
    const ExternalValueNoise& phase);

/// Hila and the heart's own density; trachea and main bronchi as air columns.
void drawMediastinum(ExternalCanvas& canvas, const ExternalAnatomy& anatomy);

/// Bones: the spine with vertebral bodies, posterior ribs as sinusoidal arcs, faint anterior ribs, clavicles.
void drawBones(ExternalCanvas& canvas, const ExternalAnatomy& anatomy, DeterministicRandom& random);

} // namespace lrclr::internal
