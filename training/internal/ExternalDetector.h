#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "training/PhantomCase.h"
#include "training/internal/ExternalCanvas.h"

namespace lrclr {
class DeterministicRandom;
}

namespace lrclr::internal {

/// The line integral of a drawn external-style phantom: tissue minus aerated lung (`airStrength` of it), plus the
/// markings where there is air, plus devices.
std::vector<float> externalLineIntegral(const ExternalCanvas& canvas, double airStrength);

/// The detector's unsharpness (MTF): one or two box blurs drawn from `detectorRandom`.
void blurLikeDetector(std::vector<float>& density, int width, int height, DeterministicRandom& detectorRandom);

/// The external style's detector and read-out: a gamma response between a pedestal and a range, correlated and
/// white noise, collimation, a burned-in side marker and the default window. Draws its response from
/// `detectorRandom` when constructed, the rest in the order of the calls.
class ExternalDetector {
public:
    ExternalDetector(DeterministicRandom& detectorRandom, int bitsStored);

    /// result.pixels (result.width x result.height) from the blurred density, with noise from `noiseRandom`.
    void readOut(const std::vector<float>& density, DeterministicRandom& noiseRandom, PhantomCase& result) const;
    /// Unexposed (bright) margins with a slightly soft edge; then the burned-in lead marker inside them.
    void collimateAndMark(PhantomCase& result, DeterministicRandom& detectorRandom) const;
    /// The default window: aerated lung to mediastinum.
    void setWindow(PhantomCase& result) const;

private:
    double mapDensity(double d) const
    {
        return std::pow(std::clamp((d - m_low) / (m_high - m_low), 0.0, 1.0), m_gamma);
    }
    void burnInMarker(
        PhantomCase& result, DeterministicRandom& detectorRandom, double left, double right, double top) const;

    double m_maximum;
    double m_range;
    double m_pedestal;
    double m_gamma;
    double m_low = -0.05;
    double m_high;
    double m_whiteNoise;
    double m_grainNoise;
};

} // namespace lrclr::internal
