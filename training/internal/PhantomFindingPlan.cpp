#include "training/internal/PhantomFindingPlan.h"

#include <cstdio>

#include "training/DeterministicRandom.h"
#include "training/internal/RandomFindingRequests.h"

namespace lrclr::internal {

namespace {

const std::array<const char*, 3> zoneNames { "upper", "middle", "lower" };

std::string sideName(int side)
{
    return side == 0 ? "right" : "left";
}

// The lobe a zone mostly projects onto on a frontal film (an approximation, as radiologists also say).
std::string lobeName(int side, const std::string& zone, const std::string& kind)
{
    if (side == 0) {
        if (zone == "upper")
            return "right upper lobe";
        if (zone == "middle")
            return kind == "consolidation" ? "right middle lobe" : "right mid lung";
        return "right lower lobe";
    }
    if (zone == "upper")
        return "left upper lobe";
    if (zone == "middle")
        return kind == "consolidation" ? "lingula" : "left mid lung";
    return "left lower lobe";
}

void planFinding(PlannedFinding& planned, DeterministicRandom& random, double subtleFraction,
    const PhantomGenerator::FindingRequest& request)
{
    const std::string& kind = request.kind;
    planned.finding.kind = kind;
    planned.side = request.side == "right" ? 0 : request.side == "left" ? 1 : random.integer(0, 1);
    planned.zone
        = request.zone.empty() ? std::string(zoneNames[static_cast<std::size_t>(random.integer(0, 2))]) : request.zone;
    planned.finding.subtle = !isDeviceKind(kind) && kind != "cardiomegaly" && random.chance(subtleFraction);
    planned.strength = planned.finding.subtle ? random.uniform(0.4, 0.55) : 1.0;

    if (kind == "cardiomegaly") {
        planned.finding.side = "";
        planned.sizeValue = random.uniform(0.55, 0.66);
        planned.finding.size = planned.sizeValue < 0.59 ? "mild" : (planned.sizeValue < 0.63 ? "moderate" : "marked");
    } else if (kind == "pleural effusion") {
        planned.finding.side = sideName(planned.side);
        planned.sizeValue = random.uniform(0.12, 0.5); // share of the lung height
        planned.finding.size = planned.sizeValue < 0.22 ? "small" : (planned.sizeValue < 0.36 ? "moderate" : "large");
        planned.finding.location = planned.finding.side + " base";
    } else if (kind == "pneumothorax") {
        planned.finding.side = sideName(planned.side);
        planned.sizeValue = random.uniform(0.018, 0.06); // apical gap, canonical units
        planned.finding.size = planned.sizeValue < 0.03 ? "small" : (planned.sizeValue < 0.045 ? "moderate" : "large");
        planned.finding.location = "apical";
    } else if (kind == "nodule" || kind == "mass") {
        planned.finding.side = sideName(planned.side);
        planned.sizeValue = kind == "nodule" ? random.uniform(9.0, 26.0) : random.uniform(32.0, 55.0); // mm
        char text[32];
        std::snprintf(text, sizeof text, "%.1f cm", planned.sizeValue / 10.0);
        planned.finding.size = text;
        planned.finding.location = lobeName(planned.side, planned.zone, kind);
    } else if (kind == "consolidation") {
        planned.finding.side = sideName(planned.side);
        planned.finding.location = lobeName(planned.side, planned.zone, kind);
    } else if (kind == "edema") {
        planned.finding.side = "bilateral";
        planned.sizeValue = random.uniform(0.5, 0.9);
        planned.finding.size = planned.sizeValue < 0.65 ? "mild" : "moderate";
        planned.finding.location = "perihilar";
    } else if (kind == "atelectasis") {
        planned.finding.side = sideName(planned.side);
        planned.zone = request.zone.empty() ? (random.chance(0.8) ? "lower" : "middle") : request.zone;
        planned.finding.location = planned.finding.side + (planned.zone == "lower" ? " base" : " mid lung");
        planned.finding.size = "plate-like";
    } else if (kind == "endotracheal tube") {
        planned.sizeValue = random.uniform(0.03, 0.065); // tip above the carina
        planned.finding.location = "trachea";
    } else if (kind == "central line") {
        planned.finding.side = request.side.empty() ? (random.chance(0.7) ? "right" : "left") : request.side;
        planned.side = planned.finding.side == "right" ? 0 : 1;
        planned.finding.location = random.chance(0.6) ? "internal jugular" : "subclavian";
    } else if (kind == "pacemaker") {
        planned.finding.side = request.side.empty() ? (random.chance(0.85) ? "left" : "right") : request.side;
        planned.side = planned.finding.side == "right" ? 0 : 1;
        planned.sizeValue = random.chance(0.6) ? 2 : 1; // leads
        planned.finding.size = planned.sizeValue > 1.5 ? "dual-chamber" : "single-chamber";
        planned.finding.location = "chest wall";
    }
}

} // namespace

std::vector<PlannedFinding> planFindings(DeterministicRandom& random, const PhantomGenerator::Options& options)
{
    static const RandomFindingMix mix { { { "cardiomegaly", 1.0 }, { "pleural effusion", 1.3 }, { "pneumothorax", 0.8 },
                                            { "nodule", 1.0 }, { "mass", 0.5 }, { "consolidation", 1.2 },
                                            { "edema", 0.8 }, { "atelectasis", 1.0 } },
        0.55, 0.85, 50, 0.10, 0.14, 0.07 };
    const std::vector<PhantomGenerator::FindingRequest> requests
        = findingRequests(random, options.findings, options.normalFraction, options.deviceFraction, mix);
    std::vector<PlannedFinding> planned(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
        planFinding(planned[i], random, options.subtleFraction, requests[i]);
    return planned;
}

PlannedFinding* findPlanned(std::vector<PlannedFinding>& planned, const std::string& kind)
{
    for (auto& finding : planned)
        if (finding.finding.kind == kind)
            return &finding;
    return nullptr;
}

void enlargeHeart(PhantomAnatomy& anatomy, const PlannedFinding* cardiomegaly)
{
    if (cardiomegaly) {
        anatomy.heartHalfWidth
            = cardiomegaly->sizeValue * (anatomy.lungs[0].lateralOffset + anatomy.lungs[1].lateralOffset) / 2;
        anatomy.heartCenterU = 0.5 + 0.17 * 2 * anatomy.heartHalfWidth;
    }
}

PhantomLungFindings placeLungFindings(
    std::vector<PlannedFinding>& planned, const PhantomAnatomy& anatomy, DeterministicRandom& findingRandom)
{
    PhantomLungFindings findings;
    findings.cardiomegaly = findPlanned(planned, "cardiomegaly");
    findings.effusion = findPlanned(planned, "pleural effusion");
    findings.pneumothorax = findPlanned(planned, "pneumothorax");
    findings.edema = findPlanned(planned, "edema");
    findings.consolidation = findPlanned(planned, "consolidation");
    if (const PlannedFinding* effusion = findings.effusion) {
        const PhantomLung& lung = anatomy.lungs[static_cast<std::size_t>(effusion->side)];
        findings.effusionLevel = lung.domeV - effusion->sizeValue * (lung.domeV - lung.apexV) * 0.75;
        findings.meniscusRise = findingRandom.uniform(0.05, 0.09);
    }
    findings.pneumothoraxExtent = findings.pneumothorax ? findingRandom.uniform(0.45, 0.85) : 0.0;
    if (const PlannedFinding* consolidation = findings.consolidation) {
        // A cluster of blobs in the lobe.
        Point centre;
        Point radii;
        zoneRegion(anatomy, consolidation->side, consolidation->zone, "consolidation", centre, radii);
        const int blobs = findingRandom.integer(3, 5);
        for (int i = 0; i < blobs; ++i)
            findings.consolidationBlobs.push_back({ { centre.x + findingRandom.normal(0.0, radii.x * 0.35),
                                                        centre.y + findingRandom.normal(0.0, radii.y * 0.35) },
                { radii.x * findingRandom.uniform(0.6, 0.9), radii.y * findingRandom.uniform(0.6, 0.9) } });
    }
    return findings;
}

} // namespace lrclr::internal
