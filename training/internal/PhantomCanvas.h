#pragma once

#include <cstddef>
#include <vector>

#include "training/internal/FindingBox.h"
#include "training/internal/Point.h"

namespace lrclr::internal {

// Units of the training style: the anatomy is laid out in a canonical frame (u right, v down, both 0..1 over the
// field of view) and placed into the image with a small rotation, zoom and shift (patient position jitter).
// Attenuation is a dimensionless line integral "mu": outside the body 0, through aerated lung about 1, through
// mediastinum/abdomen about 2.5.

inline double clamp01(double value)
{
    return value < 0.0 ? 0.0 : (value > 1.0 ? 1.0 : value);
}

/// A linear ramp from 0 to 1 across a band of `width` centred on d = 0: anti-aliased, cheaper than smoothstep.
inline double soft(double distance, double width)
{
    return clamp01(0.5 + distance / width);
}

/// The cross-section of a drawn band.
enum class Profile {
    Round, // a cylinder seen side-on (vessels)
    Cortical, // a tube of bone: brighter edges (ribs, clavicles)
    Flat, // a plate or a wire
    Tube, // a plastic tube: thin walls
};

/// The raster buffers of one training-style phantom (PhantomGenerator) and its one drawing primitive, the band.
/// Not thread-safe: one canvas per phantom.
class PhantomCanvas {
public:
    explicit PhantomCanvas(int size)
        : size(size)
        , count(static_cast<std::size_t>(size) * size)
        , tissue(count, 0.0f)
        , air(count, 0.0f)
        , lungPresence(count, 0.0f)
        , fill(count, 0.0f)
        , extra(count, 0.0f)
        , vessels(count, 0.0f)
        , best(count, 0.0f)
        , stamp(count, 0)
    {
    }

    enum class Combine { Add, Max };

    // Draws a polyline of width 2 * halfWidth into `target`. Overlapping segments of one polyline count once
    // (nearest distance wins), so joints do not double up. Returns nothing; marks pixels above `trackAbove` in
    // `tracker`. `modulate`, when given, scales each pixel's value (e.g. air bronchograms only inside opacity).
    void band(const std::vector<Point>& points, double halfWidth, double amplitude, Profile profile,
        std::vector<float>& target, Combine combine = Combine::Add, FindingBox* tracker = nullptr,
        double trackAbove = 0.0, const std::vector<float>* modulate = nullptr);

    int size;
    std::size_t count;
    std::vector<float> tissue; // soft tissue and bone-free body thickness
    std::vector<float> air; // lung air thickness (heart and mediastinum already excluded)
    std::vector<float> lungPresence; // 0..1 lung envelope (for masking vessels and findings)
    std::vector<float> fill; // 0..1 share of the air replaced by fluid/tissue (effusion, consolidation, ...)
    std::vector<float> extra; // additive attenuation: bones, nodules, devices, lines
    std::vector<float> vessels; // pulmonary vessels, shown only where there is aerated lung
    std::vector<float> pneumothorax; // 0..1 pleural air without lung (allocated when needed)

private:
    std::vector<float> best;
    std::vector<int> stamp;
    std::vector<std::size_t> touched;
    int currentStamp = 0;
};

} // namespace lrclr::internal
