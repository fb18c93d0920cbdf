#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "training/internal/Point.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// One lung of a training-style phantom, in canonical units (see PhantomCanvas.h).
struct PhantomLung {
    double sign = -1.0; // -1: the patient's right lung (image left), +1: left lung
    double apexV = 0.12;
    double apexOffset = 0.15; // distances from the midline, canonical units
    double lateralOffset = 0.40;
    double medialOffset = 0.04;
    double costophrenicV = 0.83;
    double domeV = 0.69;
    double domeOffset = 0.20;
    double cardiophrenicV = 0.73;
    double depth = 1.7;
};

/// Per-pixel geometry of one lung at a canonical point.
// Per-pixel geometry of one lung at a canonical point.
struct PhantomLungSample {
    double presence = 0.0; // 0..1 inside the lung envelope
    double depth = 0.0; // air thickness
    double t = 0.0; // 0 at the apex, 1 at the costophrenic angle
    double lateralDistance = 0.0;
    double topDistance = 0.0;
    double medial = 0.0;
    double lateral = 0.0;
};

/// The patient of a training-style phantom: body, lungs, heart, mediastinum, airways and hila in canonical units,
/// and the placement of the canonical frame in the image (zoom, rotation, shift).
struct PhantomAnatomy {
    double size = 512;
    double zoom = 1.0;
    double rotation = 0.0;
    double cosR = 1.0;
    double sinR = 0.0;
    double shiftX = 0.0;
    double shiftY = 0.0;

    std::array<PhantomLung, 2> lungs;
    double bodyHalfWidth = 0.47;
    double bodyThickness = 2.4;
    double heartCenterU = 0.56;
    double heartCenterV = 0.61;
    double heartHalfWidth = 0.17;
    double mediastinumHalfWidth = 0.06;
    double aorticKnobU = 0.565;
    double aorticKnobV = 0.30;
    double aorticKnobRadius = 0.035;
    double trachealShift = 0.0;
    double carinaV = 0.38;
    double spineShift = 0.0;
    bool female = false;
    double breastSize = 1.0;
    std::array<Point, 2> hila; // canonical

    Point toImage(double u, double v) const
    {
        const double dx = (u - 0.5) * size * zoom;
        const double dy = (v - 0.5) * size * zoom;
        return { size / 2 + cosR * dx - sinR * dy + shiftX, size / 2 + sinR * dx + cosR * dy + shiftY };
    }
    Point toCanonical(double x, double y) const
    {
        const double dx = x - size / 2 - shiftX;
        const double dy = y - size / 2 - shiftY;
        return { 0.5 + (cosR * dx + sinR * dy) / (size * zoom), 0.5 + (-sinR * dx + cosR * dy) / (size * zoom) };
    }
    std::vector<Point> toImage(const std::vector<Point>& canonical) const
    {
        std::vector<Point> points;
        points.reserve(canonical.size());
        for (const Point& p : canonical)
            points.push_back(toImage(p.x, p.y));
        return points;
    }
    double pixelsPerUnit() const { return size * zoom; }
};

/// A random patient for an image of `size` x `size` pixels (draws from `random` in a fixed order).
PhantomAnatomy sampleAnatomy(DeterministicRandom& random, int size);

/// sqrt(sin(x * pi / 2)) on 0..1, tabulated: the widening of the body from the neck over the shoulders, evaluated
/// for every pixel.
double shoulderProfile(double x);

/// The lung at canonical (|u - 0.5| = a, v); `edge` is one pixel in canonical units.
PhantomLungSample sampleLung(const PhantomLung& lung, double a, double v, double edge);

/// The canonical centre and radii of a lobe/zone region of one lung (for consolidation and nodules).
void zoneRegion(const PhantomAnatomy& anatomy, int side, const std::string& zone, const std::string& kind,
    Point& centre, Point& radii);

} // namespace lrclr::internal
