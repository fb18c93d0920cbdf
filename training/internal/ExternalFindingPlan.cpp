#include "training/internal/ExternalFindingPlan.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "training/DeterministicRandom.h"
#include "training/internal/RandomFindingRequests.h"

namespace lrclr::internal {

namespace {

const char* sideName(int side)
{
    return side == 0 ? "right" : "left";
}
const char* zoneName(int zone)
{
    return zone == 0 ? "upper" : (zone == 1 ? "mid" : "lower");
}

ExternalFindingPlan planFinding(
    DeterministicRandom& random, double subtleFraction, const PhantomGenerator::FindingRequest& request)
{
    ExternalFindingPlan plan;
    const std::string& kind = request.kind;
    plan.finding.kind = kind;
    plan.side = request.side == "right" ? 0 : (request.side == "left" ? 1 : random.integer(0, 1));
    plan.zone = request.zone == "upper" ? 0 : (request.zone == "middle" ? 1 : (request.zone == "lower" ? 2 : -1));
    if (plan.zone < 0)
        plan.zone = random.integer(0, 2);
    plan.variant = random.integer(0, 1);
    plan.finding.subtle = !isDeviceKind(kind) && kind != "cardiomegaly" && random.chance(subtleFraction);
    plan.strength = plan.finding.subtle ? random.uniform(0.42, 0.55) : 1.0;
    const std::string side = sideName(plan.side);
    if (kind == "cardiomegaly") {
        plan.value = random.uniform(0.56, 0.67); // cardiothoracic ratio
        plan.finding.size = plan.value < 0.6 ? "mild" : (plan.value < 0.64 ? "moderate" : "marked");
    } else if (kind == "pleural effusion") {
        plan.finding.side = side;
        plan.value = random.uniform(0.13, 0.45); // share of the lung height
        plan.finding.size = plan.value < 0.22 ? "small" : (plan.value < 0.34 ? "moderate" : "large");
        plan.finding.location = side + " base";
    } else if (kind == "pneumothorax") {
        plan.finding.side = side;
        plan.value = random.uniform(0.07, 0.2); // rim depth as a share of the lung width
        plan.finding.size = plan.value < 0.11 ? "small" : (plan.value < 0.15 ? "moderate" : "large");
        plan.finding.location = side + " apex";
    } else if (kind == "nodule" || kind == "mass") {
        plan.finding.side = side;
        plan.value = kind == "nodule" ? random.uniform(10.0, 27.0) : random.uniform(33.0, 58.0); // mm
        char text[32];
        std::snprintf(text, sizeof text, "%.1f cm", plan.value / 10.0);
        plan.finding.size = text;
        plan.finding.location = side + " " + zoneName(plan.zone) + " zone";
    } else if (kind == "consolidation") {
        plan.finding.side = side;
        plan.finding.location = side + " " + zoneName(plan.zone) + " zone";
    } else if (kind == "edema") {
        plan.finding.side = "bilateral";
        plan.value = random.uniform(0.55, 1.0);
        plan.finding.size = plan.value < 0.75 ? "mild" : "moderate";
        plan.finding.location = "perihilar";
    } else if (kind == "atelectasis") {
        plan.finding.side = side;
        if (request.zone.empty())
            plan.zone = random.chance(0.75) ? 2 : 1;
        plan.zone = std::max(1, plan.zone);
        plan.finding.location = side + (plan.zone == 2 ? " base" : " mid zone");
        plan.finding.size = "linear";
    } else if (kind == "endotracheal tube") {
        plan.value = random.uniform(0.06, 0.13); // tip above the carina, share of the lung height
        plan.finding.location = "trachea";
    } else if (kind == "central line") {
        plan.side = request.side.empty() ? (random.chance(0.65) ? 0 : 1) : plan.side;
        plan.finding.side = sideName(plan.side);
        const double roll = random.uniform();
        plan.finding.location = roll < 0.45 ? "internal jugular" : (roll < 0.75 ? "subclavian" : "PICC");
    } else if (kind == "pacemaker") {
        plan.side = request.side.empty() ? (random.chance(0.85) ? 1 : 0) : plan.side;
        plan.finding.side = sideName(plan.side);
        plan.value = random.chance(0.55) ? 2 : 1;
        plan.finding.size = plan.value > 1.5 ? "dual-chamber" : "single-chamber";
        plan.finding.location = "chest wall";
    }
    return plan;
}

} // namespace

std::vector<ExternalFindingPlan> planExternalFindings(
    DeterministicRandom& random, const ExternalPhantomGenerator::Options& options)
{
    static const RandomFindingMix mix { { { "pleural effusion", 1.2 }, { "consolidation", 1.2 },
                                            { "cardiomegaly", 1.0 }, { "nodule", 0.9 }, { "atelectasis", 0.9 },
                                            { "pneumothorax", 0.8 }, { "edema", 0.8 }, { "mass", 0.5 } },
        0.6, 0.88, 40, 0.12, 0.15, 0.08 };
    const std::vector<PhantomGenerator::FindingRequest> requests
        = findingRequests(random, options.findings, options.normalFraction, options.deviceFraction, mix);
    std::vector<ExternalFindingPlan> plans;
    for (const auto& request : requests)
        plans.push_back(planFinding(random, options.subtleFraction, request));
    return plans;
}

} // namespace lrclr::internal
