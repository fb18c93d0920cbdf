#include "training/ExternalPhantomGenerator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "training/DeterministicRandom.h"
#include "training/ExternalReportWriter.h"
#include "training/internal/ExternalAnatomy.h"
#include "training/internal/ExternalCanvas.h"
#include "training/internal/ExternalDetector.h"
#include "training/internal/ExternalFindingPainter.h"
#include "training/internal/ExternalFindingPlan.h"

namespace lrclr {

namespace {

using namespace internal;

// The study's size, geometry, bit depth and photometry (the detector stream's first draws).
PhantomCase newCase(std::uint64_t seed, int index, DeterministicRandom& detectorRandom, double monochrome1Fraction)
{
    PhantomCase result;
    result.seed = seed;
    result.index = index;
    int width = detectorRandom.integer(ExternalPhantomGenerator::minimumWidth, ExternalPhantomGenerator::maximumWidth);
    int height
        = detectorRandom.integer(ExternalPhantomGenerator::minimumHeight, ExternalPhantomGenerator::maximumHeight);
    if (std::abs(width - height) < 24)
        height += height < 1100 ? 48 : -48;
    result.width = width;
    result.height = height;
    result.pixelSpacingMm = detectorRandom.uniform(380.0, 440.0) / std::max(width, height);
    static constexpr std::array<int, 4> depths { 10, 12, 14, 16 };
    result.bitsStored = depths[static_cast<std::size_t>(detectorRandom.integer(0, 3))];
    result.monochrome1 = detectorRandom.chance(monochrome1Fraction);
    return result;
}

double cardiothoracicRatio(const std::vector<ExternalFindingPlan>& plans)
{
    for (const auto& plan : plans)
        if (plan.finding.kind == "cardiomegaly")
            return plan.value;
    return 0.0;
}

} // namespace

ExternalPhantomGenerator::ExternalPhantomGenerator()
    : ExternalPhantomGenerator(Options {})
{
}

ExternalPhantomGenerator::ExternalPhantomGenerator(Options options)
    : m_options(std::move(options))
{
    for (const double fraction :
        { m_options.normalFraction, m_options.subtleFraction, m_options.deviceFraction, m_options.monochrome1Fraction })
        if (!(fraction >= 0.0 && fraction <= 1.0))
            throw std::invalid_argument("phantom fractions must lie in 0..1");
    const auto& kinds = PhantomGenerator::findingKinds();
    for (const auto& request : m_options.findings)
        if (std::find(kinds.begin(), kinds.end(), request.kind) == kinds.end())
            throw std::invalid_argument("unknown finding kind '" + request.kind + "'");
}

PhantomCase ExternalPhantomGenerator::generate(std::uint64_t seed, int index) const
{
    // Own streams (a different salt from PhantomGenerator's): anatomy, findings, detector, noise, report. The
    // anatomy and the noise do not depend on the findings, so a finding's effect can be isolated in tests.
    const std::uint64_t imageSeed
        = DeterministicRandom::derivedSeed(seed ^ 0x45787465726E616CULL, static_cast<std::uint64_t>(index));
    DeterministicRandom random(DeterministicRandom::derivedSeed(imageSeed, 10));
    DeterministicRandom findingRandom(DeterministicRandom::derivedSeed(imageSeed, 11));
    DeterministicRandom detectorRandom(DeterministicRandom::derivedSeed(imageSeed, 12));
    DeterministicRandom noiseRandom(DeterministicRandom::derivedSeed(imageSeed, 13));
    DeterministicRandom reportRandom(DeterministicRandom::derivedSeed(imageSeed, 14));
    PhantomCase result = newCase(seed, index, detectorRandom, m_options.monochrome1Fraction);
    const bool female = random.chance(0.5);
    // One character assigned, not a literal: GCC 12's -Wrestrict misfires on the literal once this is inlined.
    result.sex.assign(1, female ? 'F' : 'M');
    result.age = random.integer(18, 95);
    std::vector<ExternalFindingPlan> plans = planExternalFindings(findingRandom, m_options);

    const ExternalAnatomy anatomy
        = sampleExternalAnatomy(random, result.width, result.height, cardiothoracicRatio(plans));
    const ExternalValueNoise mottle(random, 12, 14, result.width, result.height);
    const ExternalValueNoise fine(random, 60, 70, result.width, result.height);
    const ExternalValueNoise phase(random, 20, 24, result.width, result.height);
    ExternalCanvas canvas(result.width, result.height);
    drawSoftTissue(canvas, anatomy, female, mottle);
    drawLungs(canvas, anatomy, fine, phase);
    drawMediastinum(canvas, anatomy);
    drawBones(canvas, anatomy, random);
    ExternalFindingPainter(canvas, anatomy, mottle, fine, findingRandom, result.pixelSpacingMm).draw(plans);

    // The line integral, then the detector: blur (MTF), gamma, correlated and white noise, collimation, marker.
    std::vector<float> density = externalLineIntegral(canvas, anatomy.airStrength);
    blurLikeDetector(density, result.width, result.height, detectorRandom);
    const ExternalDetector detector(detectorRandom, result.bitsStored);
    detector.readOut(density, noiseRandom, result);
    detector.collimateAndMark(result, detectorRandom);
    detector.setWindow(result);

    for (ExternalFindingPlan& plan : plans)
        result.findings.push_back(plan.finding);
    ExternalReportWriter().write(result, reportRandom);
    return result;
}

} // namespace lrclr
