#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "training/PhantomCase.h"

namespace lrclr {

/// Draws anatomically plausible frontal (PA) chest radiograph phantoms with findings at known places, and writes
/// their reports (through PhantomReportWriter). The image is a projection model: soft-tissue and bone attenuation,
/// lung air, heart and mediastinum, vessels, findings and devices add up to a line integral that is exposed with
/// Poisson (quantum) noise and log-converted like a CR reader. Deterministic: generate(seed, index) depends on
/// nothing else (see DeterministicRandom). Thread-safe: generate() is const and keeps no state between calls.
class PhantomGenerator {
public:
    /// A finding asked for explicitly (the demo study, tests): kind with optional side and zone.
    struct FindingRequest {
        std::string kind; ///< one of findingKinds()
        std::string side; ///< "right", "left" or "" (random)
        std::string zone; ///< "upper", "middle", "lower" or "" (random); lobes follow from side and zone
    };

    struct Options {
        int size = 512; ///< width and height in pixels (64..4096)
        double normalFraction = 0.3; ///< share of studies without pathology when findings are random
        double subtleFraction = 0.12; ///< share of findings drawn faintly and reported as uncertain
        double deviceFraction = 1.0; ///< scales how often random studies get tubes, lines and pacemakers
        /// Domain randomisation for training data: random output size and aspect ratio (around `size`), patient
        /// placement (zoom, shift, small rotation), exposure, detector blur and noise, bit depth, MONOCHROME1,
        /// collimation; and reports drawn from the widest phrasing pool. Off: the reference look (demo, tests).
        bool domainRandomization = false;
        /// When not empty, every image gets exactly these findings (and no random ones).
        std::vector<FindingRequest> findings;
    };

    PhantomGenerator();
    explicit PhantomGenerator(Options options);

    const Options& options() const { return m_options; }
    PhantomCase generate(std::uint64_t seed, int index) const;

    /// The finding kinds the generator can draw.
    static const std::vector<std::string>& findingKinds();
    /// Parses "kind[:side[:zone]]", e.g. "pleural effusion:right" or "nodule:left:upper"; throws
    /// std::invalid_argument naming the problem.
    static FindingRequest parseRequest(const std::string& text);

private:
    Options m_options;
};

} // namespace lrclr
