#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "training/PhantomCase.h"
#include "training/PhantomGenerator.h"

namespace lrclr {

/// Draws frontal chest radiograph phantoms in an "external" style, for measuring generalisation only (never train
/// on it): its own projection model (superellipse lungs with domed hemidiaphragms, a tilted heart shadow, ribs as
/// sinusoidal arcs, streaky lung markings, value-noise soft tissue), its own finding shapes (meniscus effusions,
/// lobulated/spiculated nodules, textured consolidation, pneumothorax rims with a pleural line, tubes with walls),
/// random non-square sizes (700-1300 x 800-1400), a detector look (blur, correlated noise, gamma, collimation, a
/// burned-in side marker), 10/12/14/16 bits stored and MONOCHROME1 for about 30 % of studies. Reports come from
/// ExternalReportWriter, whose sentences never coincide with PhantomReportWriter's. Produces the same PhantomCase
/// as PhantomGenerator, so manifests, writers and the evaluator take it unchanged. Deterministic in (seed, index);
/// thread-safe: generate() is const and keeps no state.
class ExternalPhantomGenerator {
public:
    struct Options {
        double normalFraction = 0.3; ///< share of studies without pathology when findings are random
        double subtleFraction = 0.12; ///< share of findings drawn faintly and reported as uncertain
        double deviceFraction = 1.0; ///< scales how often random studies get tubes, lines and pacemakers
        double monochrome1Fraction = 0.3; ///< share of studies written as MONOCHROME1
        /// When not empty, every image gets exactly these findings (kinds as PhantomGenerator::findingKinds()).
        std::vector<PhantomGenerator::FindingRequest> findings;
    };

    ExternalPhantomGenerator();
    explicit ExternalPhantomGenerator(Options options);

    const Options& options() const { return m_options; }
    PhantomCase generate(std::uint64_t seed, int index) const;

    static constexpr int minimumWidth = 700;
    static constexpr int maximumWidth = 1300;
    static constexpr int minimumHeight = 800;
    static constexpr int maximumHeight = 1400;

private:
    Options m_options;
};

} // namespace lrclr
