#include "training/PhantomGenerator.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "training/DeterministicRandom.h"
#include "training/DomainRandomization.h"
#include "training/PhantomReportWriter.h"
#include "training/internal/PhantomAnatomy.h"
#include "training/internal/PhantomBodyPainter.h"
#include "training/internal/PhantomCanvas.h"
#include "training/internal/PhantomExposure.h"
#include "training/internal/PhantomFindingPainter.h"
#include "training/internal/PhantomFindingPlan.h"
#include "training/internal/PhantomStructures.h"

namespace lrclr {

namespace {

using namespace internal;

// The study's header facts (what the anatomy stream draws after the anatomy and the texture seed).
PhantomCase newCase(std::uint64_t seed, int index, int size, const PhantomAnatomy& anatomy, DeterministicRandom& random)
{
    PhantomCase result;
    result.seed = seed;
    result.index = index;
    result.width = size;
    result.height = size;
    result.pixelSpacingMm = 430.0 / size; // a 43 cm detector
    // One character assigned, not a literal: GCC 12's -Wrestrict misfires on the literal once this is inlined.
    result.sex.assign(1, anatomy.female ? 'F' : 'M');
    result.age = random.integer(19, 92);
    return result;
}

} // namespace

PhantomGenerator::PhantomGenerator()
    : PhantomGenerator(Options {})
{
}

PhantomGenerator::PhantomGenerator(Options options)
    : m_options(std::move(options))
{
    if (m_options.size < 64 || m_options.size > 4096)
        throw std::invalid_argument("phantom size must be 64..4096 pixels, not " + std::to_string(m_options.size));
    for (const double fraction : { m_options.normalFraction, m_options.subtleFraction, m_options.deviceFraction })
        if (!(fraction >= 0.0 && fraction <= 1.0))
            throw std::invalid_argument("phantom fractions must lie in 0..1");
    for (const auto& request : m_options.findings) {
        const auto& kinds = findingKinds();
        if (std::find(kinds.begin(), kinds.end(), request.kind) == kinds.end())
            throw std::invalid_argument("unknown finding kind '" + request.kind + "'");
    }
}

const std::vector<std::string>& PhantomGenerator::findingKinds()
{
    static const std::vector<std::string> kinds { "cardiomegaly", "pleural effusion", "pneumothorax", "nodule", "mass",
        "consolidation", "edema", "atelectasis", "endotracheal tube", "central line", "pacemaker" };
    return kinds;
}

PhantomGenerator::FindingRequest PhantomGenerator::parseRequest(const std::string& text)
{
    FindingRequest request;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = text.find(':', start);
        parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    if (parts.size() > 3)
        throw std::invalid_argument("finding '" + text + "': expected kind[:side[:zone]]");
    request.kind = parts[0];
    const auto& kinds = findingKinds();
    if (std::find(kinds.begin(), kinds.end(), request.kind) == kinds.end()) {
        std::string known;
        for (const auto& kind : kinds)
            known += (known.empty() ? "" : ", ") + kind;
        throw std::invalid_argument(
            "finding '" + text + "': unknown kind '" + request.kind + "' (known: " + known + ")");
    }
    if (parts.size() > 1) {
        request.side = parts[1];
        if (request.side != "right" && request.side != "left" && !request.side.empty())
            throw std::invalid_argument("finding '" + text + "': side must be right or left");
    }
    if (parts.size() > 2) {
        request.zone = parts[2];
        if (request.zone != "upper" && request.zone != "middle" && request.zone != "lower" && !request.zone.empty())
            throw std::invalid_argument("finding '" + text + "': zone must be upper, middle or lower");
    }
    return request;
}
PhantomCase PhantomGenerator::generate(std::uint64_t seed, int index) const
{
    // Separate streams for anatomy, findings, quantum noise and report wording: the same (seed, index) with or
    // without a finding gives the same patient and the same noise, so a finding's effect can be isolated.
    const std::uint64_t imageSeed = DeterministicRandom::derivedSeed(seed, static_cast<std::uint64_t>(index));
    DeterministicRandom random(DeterministicRandom::derivedSeed(imageSeed, 0));
    DeterministicRandom findingRandom(DeterministicRandom::derivedSeed(imageSeed, 1));
    DeterministicRandom noiseRandom(DeterministicRandom::derivedSeed(imageSeed, 2));
    DeterministicRandom reportRandom(DeterministicRandom::derivedSeed(imageSeed, 3));
    const int size = m_options.size;
    PhantomAnatomy anatomy = sampleAnatomy(random, size);
    std::vector<PlannedFinding> planned = planFindings(findingRandom, m_options);
    const std::uint64_t textureSeed = random.next();
    PhantomCase result = newCase(seed, index, size, anatomy, random);

    enlargeHeart(anatomy, findPlanned(planned, "cardiomegaly"));
    PhantomLungFindings lungFindings = placeLungFindings(planned, anatomy, findingRandom);
    const PhantomHeart heart = placeHeart(anatomy, random);
    PhantomCanvas canvas(size);
    PhantomBodyPainter(anatomy, heart, textureSeed, lungFindings, canvas).paint();
    drawExtrapulmonaryAir(canvas, anatomy, random);
    drawRibsAndClavicles(canvas, anatomy, random);
    drawPulmonaryVessels(canvas, anatomy, random);
    PhantomFindingPainter(anatomy, lungFindings, canvas, findingRandom, result.pixelSpacingMm).draw(planned);
    expose(lineIntegral(canvas), random, noiseRandom, result);

    for (PlannedFinding& plan : planned)
        result.findings.push_back(plan.finding);
    if (m_options.domainRandomization) {
        DeterministicRandom domainRandom(DeterministicRandom::derivedSeed(imageSeed, 4));
        DomainRandomization::apply(result, domainRandom);
    }
    PhantomReportWriter({ m_options.domainRandomization }).write(result, reportRandom);
    return result;
}

} // namespace lrclr
