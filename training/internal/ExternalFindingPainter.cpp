#include "training/internal/ExternalFindingPainter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

constexpr double pi = 3.14159265358979323846;

} // namespace

ExternalFindingPainter::ExternalFindingPainter(ExternalCanvas& canvas, const ExternalAnatomy& anatomy,
    const ExternalValueNoise& mottle, const ExternalValueNoise& fine, DeterministicRandom& findingRandom,
    double pixelSpacingMm)
    : m_canvas(canvas)
    , m_anatomy(anatomy)
    , m_mottle(mottle)
    , m_fine(fine)
    , m_random(findingRandom)
    , m_pixelSpacingMm(pixelSpacingMm)
{
}

void ExternalFindingPainter::draw(std::vector<ExternalFindingPlan>& plans)
{
    for (ExternalFindingPlan& plan : plans) {
        FindingBox box;
        drawFinding(plan, box);
        if (!box.empty())
            plan.finding.boxes.push_back(box.box());
    }
}

void ExternalFindingPainter::drawFinding(ExternalFindingPlan& plan, FindingBox& box)
{
    const std::string& kind = plan.finding.kind;
    const ExternalLung& lung = m_anatomy.lungs[static_cast<std::size_t>(plan.side)];
    const PixelRect lungRect = clampRect(m_canvas, std::min(lung.medialX, lung.lateralX) - 3, lung.apexY - 3,
        std::max(lung.medialX, lung.lateralX) + 3, lung.baseY + 3);
    if (kind == "cardiomegaly")
        drawCardiomegaly(box);
    else if (kind == "pleural effusion")
        drawEffusion(plan, lung, lungRect, box);
    else if (kind == "pneumothorax")
        drawPneumothorax(plan, lung, lungRect, box);
    else if (kind == "nodule" || kind == "mass")
        drawNodule(plan, lung, box);
    else if (kind == "consolidation")
        drawConsolidation(plan, lung, box);
    else if (kind == "edema")
        drawEdema(plan);
    else if (kind == "atelectasis")
        drawAtelectasis(plan, lung, lungRect, box);
    else if (kind == "endotracheal tube")
        drawEndotrachealTube(plan, box);
    else if (kind == "central line")
        drawCentralLine(plan, box);
    else if (kind == "pacemaker")
        drawPacemaker(plan, box);
}

void ExternalFindingPainter::drawCardiomegaly(FindingBox& box) const
{
    const auto& heart = m_anatomy.heart;
    const PixelRect r
        = clampRect(m_canvas, heart.centerX - heart.rightWidth - heart.halfHeight, heart.centerY - heart.halfHeight,
            heart.centerX + heart.leftWidth + heart.halfHeight, heart.centerY + heart.halfHeight);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x)
            if (heart.distance(x, y) > 0.0)
                box.add(x, y);
}

void ExternalFindingPainter::drawEffusion(
    const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box)
{
    const double strength = plan.strength;
    // A meniscus climbing laterally, with an exponential upper edge, filling the costophrenic recess.
    const double level = lung.baseY - plan.value * lung.height();
    const double meniscus = lung.height() * m_random.uniform(0.05, 0.1);
    const double edge = lung.height() * m_random.uniform(0.02, 0.035);
    for (int y = lungRect.y0; y <= lungRect.y1; ++y)
        for (int x = lungRect.x0; x <= lungRect.x1; ++x) {
            const double sd = lung.distance(x, y);
            if (sd < -3.0)
                continue;
            const double u = std::clamp(lung.u(x), 0.0, 1.0);
            const double top = level - meniscus * std::pow(u, 2.5);
            if (y <= top)
                continue;
            const double amount = strength * (1.0 - std::exp(-(y - top) / edge)) * smoothstep(-3.0, 2.0, sd);
            const std::size_t p = m_canvas.at(x, y);
            m_canvas.fill[p] = std::max(m_canvas.fill[p], static_cast<float>(0.9 * amount));
            m_canvas.tissue[p] += static_cast<float>(0.06 * amount);
            if (amount > 0.3 * strength)
                box.add(x, y);
        }
}

void ExternalFindingPainter::drawPneumothorax(
    const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box)
{
    const double strength = plan.strength;
    // A lucent apicolateral rim without markings, bounded by a thin bright visceral pleural line.
    const double rim = plan.value * lung.width();
    for (int y = lungRect.y0; y <= lungRect.y1; ++y) {
        const double t = lung.t(y);
        if (t > 0.65)
            continue;
        const double local = rim * std::sqrt(std::max(0.0, 1.0 - t / 0.65)) + 2.0;
        for (int x = lungRect.x0; x <= lungRect.x1; ++x) {
            const double uu = lung.u(x);
            if (uu < lung.apexU * 0.6)
                continue;
            const double sd = lung.distance(x, y);
            if (sd < 0.0)
                continue;
            const std::size_t p = m_canvas.at(x, y);
            const double line = std::exp(-square((sd - local) / 1.1));
            m_canvas.tissue[p] += static_cast<float>(0.13 * strength * line);
            if (sd < local) {
                m_canvas.markings[p] *= static_cast<float>(1.0 - strength);
                m_canvas.tissue[p] -= static_cast<float>(0.26 * strength);
                box.add(x, y);
            } else {
                m_canvas.tissue[p]
                    += static_cast<float>(0.015 * strength * std::exp(-(sd - local) / (0.1 * lung.width())));
            }
        }
    }
}

void ExternalFindingPainter::drawNodule(const ExternalFindingPlan& plan, const ExternalLung& lung, FindingBox& box)
{
    const std::string& kind = plan.finding.kind;
    const double strength = plan.strength;
    const double radius = plan.value / 2.0 / m_pixelSpacingMm;
    const double tc = plan.zone == 0 ? 0.25 : (plan.zone == 1 ? 0.5 : 0.72);
    const double uc = plan.zone == 2 && plan.side == 1 ? m_random.uniform(0.62, 0.75) : m_random.uniform(0.45, 0.68);
    Point centre { lung.x(uc), lung.y(tc) };
    const std::array<double, 4> lobes { m_random.uniform(0.05, 0.15), m_random.uniform(0.0, 2 * pi),
        m_random.uniform(0.03, 0.1), m_random.uniform(0.0, 2 * pi) };
    const bool spiculated = plan.variant == 1;
    const int spikes = m_random.integer(7, 13);
    const double spikePhase = m_random.uniform(0.0, 2 * pi);
    const double plateau = kind == "mass" ? 0.5 : 0.42;
    const double extent = radius * (spiculated ? 1.5 : 1.25) + 3;
    const PixelRect r = clampRect(m_canvas, centre.x - extent, centre.y - extent, centre.x + extent, centre.y + extent);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) {
            const double dx = x - centre.x;
            const double dy = y - centre.y;
            const double angle = std::atan2(dy, dx);
            double boundary = radius
                * (1.0 + lobes[0] * std::sin(3 * angle + lobes[1]) + lobes[2] * std::sin(5 * angle + lobes[3]));
            const double distance = std::hypot(dx, dy);
            double value = 1.0 - smoothstep(boundary - 2.0, boundary + 1.5, distance);
            if (spiculated) {
                const double spoke = std::pow(std::abs(std::cos(0.5 * spikes * angle + spikePhase)), 24.0);
                value = std::max(value, spoke * (1.0 - smoothstep(boundary, boundary * 1.45, distance)) * 0.7);
            }
            if (value <= 0.0)
                continue;
            // Denser centre: a dome profile.
            value *= 0.8 + 0.2 * std::sqrt(std::max(0.0, 1.0 - square(distance / (boundary + 1.0))));
            const std::size_t p = m_canvas.at(x, y);
            m_canvas.fill[p] = std::max(m_canvas.fill[p], static_cast<float>(plateau * strength * value));
            m_canvas.tissue[p] += static_cast<float>(0.1 * strength * value);
            if (value > 0.3)
                box.add(x, y);
        }
}

void ExternalFindingPainter::drawConsolidation(
    const ExternalFindingPlan& plan, const ExternalLung& lung, FindingBox& box)
{
    const ExternalValueNoise& fine = m_fine;
    const double strength = plan.strength;
    // A textured blob of overlapping lobules with air bronchograms, confined to the lung.
    const double tc = plan.zone == 0 ? 0.26 : (plan.zone == 1 ? 0.52 : 0.74);
    const double uc = plan.zone == 2 && plan.side == 1 ? 0.68 : 0.58;
    const Point centre { lung.x(uc), lung.y(tc) };
    const double scale = lung.width() * 0.2;
    std::vector<std::array<double, 3>> lobules;
    for (int i = 0; i < 7; ++i)
        lobules.push_back({ centre.x + m_random.normal(0.0, 0.55) * scale,
            centre.y + m_random.normal(0.0, 0.45) * scale, scale * m_random.uniform(0.45, 0.75) });
    std::vector<std::array<Point, 2>> bronchi;
    for (int i = 0; i < 3; ++i) {
        const double angle = m_random.uniform(0.0, 2 * pi);
        const Point a { centre.x + std::cos(angle) * scale * 0.2, centre.y + std::sin(angle) * scale * 0.2 };
        const Point b { a.x + std::cos(angle + 0.3) * scale * 1.1, a.y + std::sin(angle + 0.3) * scale * 1.1 };
        bronchi.push_back({ a, b });
    }
    const PixelRect r = clampRect(
        m_canvas, centre.x - 2.6 * scale, centre.y - 2.4 * scale, centre.x + 2.6 * scale, centre.y + 2.4 * scale);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) {
            const double sd = lung.distance(x, y);
            if (sd < 0.0)
                continue;
            double sum = 0.0;
            for (const auto& lobule : lobules)
                sum += std::exp(-(square(x - lobule[0]) + square(y - lobule[1])) / square(lobule[2]));
            double value = smoothstep(0.35, 0.9, sum) * smoothstep(0.0, 4.0, sd);
            if (value <= 0.0)
                continue;
            value *= 0.78 + 0.22 * fine.at(x * 1.7, y * 1.7);
            for (const auto& bronchus : bronchi)
                value *= 1.0
                    - 0.45
                        * (1.0
                            - smoothstep(0.5, 2.0,
                                segmentDistance(x, y, bronchus[0].x, bronchus[0].y, bronchus[1].x, bronchus[1].y)));
            const std::size_t p = m_canvas.at(x, y);
            m_canvas.fill[p] = std::max(m_canvas.fill[p], static_cast<float>(0.62 * strength * value));
            m_canvas.tissue[p] += static_cast<float>(0.05 * strength * value);
            if (value > 0.3)
                box.add(x, y);
        }
}

void ExternalFindingPainter::drawEdema(ExternalFindingPlan& plan)
{
    const auto& lungs = m_anatomy.lungs;
    const auto& hila = m_anatomy.hila;
    const ExternalValueNoise& mottle = m_mottle;
    const double strength = plan.strength;
    // Bat-wing perihilar haze with short septal lines at the lateral bases; one box per lung.
    for (int side = 0; side < 2; ++side) {
        const ExternalLung& each = lungs[static_cast<std::size_t>(side)];
        const Point& hilum = hila[static_cast<std::size_t>(side)];
        FindingBox sideBox;
        const double sigma = each.width() * 0.38;
        const PixelRect r = clampRect(m_canvas, std::min(each.medialX, each.lateralX), each.apexY,
            std::max(each.medialX, each.lateralX), each.baseY);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x) {
                const double sd = each.distance(x, y);
                if (sd < 0.0)
                    continue;
                const double haze = std::exp(-(square(x - hilum.x) + square((y - hilum.y) * 1.2)) / square(sigma))
                    * (0.85 + 0.15 * mottle.at(x * 3.0, y * 3.0));
                const double value = plan.value * strength * haze * smoothstep(0.0, 4.0, sd);
                const std::size_t p = m_canvas.at(x, y);
                m_canvas.fill[p] = std::max(m_canvas.fill[p], static_cast<float>(0.42 * value));
                if (haze > 0.45)
                    sideBox.add(x, y);
            }
        for (int line = 0; line < 5; ++line) {
            const double t = 0.72 + 0.045 * line;
            const double yl = each.y(t);
            const double xe = each.x(0.97);
            addSegment(m_canvas.tissue, m_canvas, { xe, yl }, { xe - each.sign * each.width() * 0.08, yl + 1.0 }, 0.8,
                0.06 * plan.value * strength);
        }
        if (!sideBox.empty())
            plan.finding.boxes.push_back(sideBox.box());
    }
}

void ExternalFindingPainter::drawAtelectasis(
    const ExternalFindingPlan& plan, const ExternalLung& lung, const PixelRect& lungRect, FindingBox& box)
{
    const double strength = plan.strength;
    // A thin, slightly tilted band (plate-like) with tapered ends.
    const double tc = plan.zone == 2 ? m_random.uniform(0.75, 0.83) : m_random.uniform(0.5, 0.6);
    const double u0 = 0.25;
    const double u1 = plan.side == 1 && plan.zone == 2 ? 0.9 : 0.8;
    const double tilt = m_random.uniform(-0.05, 0.05) * lung.height();
    const double thickness = lung.height() * m_random.uniform(0.009, 0.014);
    for (int y = lungRect.y0; y <= lungRect.y1; ++y)
        for (int x = lungRect.x0; x <= lungRect.x1; ++x) {
            const double u = lung.u(x);
            if (u < u0 || u > u1)
                continue;
            const double f = (u - u0) / (u1 - u0);
            const double yc = lung.y(tc) + tilt * (f - 0.5);
            const double band = std::exp(-square((y - yc) / thickness)) * std::sin(pi * f);
            if (band < 0.02 || lung.distance(x, y) < 0.0)
                continue;
            const std::size_t p = m_canvas.at(x, y);
            m_canvas.fill[p] = std::max(m_canvas.fill[p], static_cast<float>(0.8 * strength * band));
            if (band > 0.3)
                box.add(x, y);
        }
}

void ExternalFindingPainter::drawEndotrachealTube(ExternalFindingPlan& plan, FindingBox& box)
{
    const auto& w = m_anatomy.w;
    const auto& halfThorax = m_anatomy.halfThorax;
    const auto& lungHeight = m_anatomy.lungHeight;
    const auto& tracheaX = m_anatomy.tracheaX;
    const auto& carinaY = m_anatomy.carinaY;
    // Two walls with a radiolucent lumen and a radiopaque stripe; the tip above the carina.
    const double tipY = carinaY - plan.value * lungHeight;
    const double radius = std::max(3.0, halfThorax * 0.028);
    const double x0 = tracheaX + 0.01 * w * (tipY / carinaY);
    for (const double offset : { -radius, radius })
        strokeDevice(m_canvas, { { tracheaX + offset, 0.0 }, { x0 + offset, tipY } }, 1.1, 0.28, &box);
    strokeDevice(m_canvas, { { tracheaX - radius * 0.4, 0.0 }, { x0 - radius * 0.4, tipY } }, 0.9, 0.55, &box);
    char text[32];
    std::snprintf(text, sizeof text, "%.1f cm", (carinaY - tipY) * m_pixelSpacingMm / 10.0);
    plan.finding.size = text;
}

void ExternalFindingPainter::drawCentralLine(const ExternalFindingPlan& plan, FindingBox& box)
{
    const auto& w = m_anatomy.w;
    const auto& cx = m_anatomy.cx;
    const auto& halfThorax = m_anatomy.halfThorax;
    const auto& apexY = m_anatomy.apexY;
    const auto& lungHeight = m_anatomy.lungHeight;
    const auto& carinaY = m_anatomy.carinaY;
    const auto& neckHalfWidth = m_anatomy.neckHalfWidth;
    const double s = plan.side == 0 ? -1.0 : 1.0;
    const Point tip { cx - halfThorax * 0.1, carinaY + lungHeight * m_random.uniform(0.02, 0.1) };
    std::vector<Point> path;
    if (plan.finding.location == "internal jugular") {
        const Point start { cx + s * neckHalfWidth * 0.6, 0.0 };
        path = quadraticBezier(start, { cx + s * halfThorax * 0.2, apexY + lungHeight * 0.05 }, tip, 40);
    } else if (plan.finding.location == "subclavian") {
        const Point start { cx + s * halfThorax * 0.75, apexY + lungHeight * 0.02 };
        path = quadraticBezier(start, { cx + s * halfThorax * 0.15, apexY - lungHeight * 0.02 }, tip, 40);
    } else {
        const Point start { s < 0 ? 0.0 : w - 1.0, apexY + lungHeight * 0.08 };
        path = quadraticBezier(start, { cx + s * halfThorax * 0.5, apexY - lungHeight * 0.05 }, tip, 60);
    }
    strokeDevice(m_canvas, path, plan.finding.location == "PICC" ? 1.0 : 1.5, 0.45, &box);
}

void ExternalFindingPainter::drawPacemaker(const ExternalFindingPlan& plan, FindingBox& box)
{
    const auto& w = m_anatomy.w;
    const auto& h = m_anatomy.h;
    const auto& cx = m_anatomy.cx;
    const auto& halfThorax = m_anatomy.halfThorax;
    const auto& apexY = m_anatomy.apexY;
    const auto& lungHeight = m_anatomy.lungHeight;
    const auto& heart = m_anatomy.heart;
    const auto& carinaY = m_anatomy.carinaY;
    const double s = plan.side == 0 ? -1.0 : 1.0;
    const Point can { cx + s * halfThorax * 0.62, apexY + lungHeight * 0.1 };
    const double halfX = w * 0.035;
    const double halfY = h * 0.024;
    const PixelRect r = clampRect(m_canvas, can.x - halfX - 2, can.y - halfY - 2, can.x + halfX + 2, can.y + halfY + 2);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) {
            // A rounded rectangle (superellipse of order 6).
            const double q = std::pow(std::abs(x - can.x) / halfX, 6.0) + std::pow(std::abs(y - can.y) / halfY, 6.0);
            const double value = 1.6 * (1.0 - smoothstep(0.8, 1.0, q));
            if (value <= 0.0)
                continue;
            float& target = m_canvas.devices[m_canvas.at(x, y)];
            target = std::max(target, static_cast<float>(value));
            if (value > 0.5)
                box.add(x, y);
        }
    const Point atrium { heart.centerX - heart.rightWidth * 0.55, heart.centerY - heart.halfHeight * 0.45 };
    const Point ventricle { heart.centerX + heart.leftWidth * 0.25, heart.centerY + heart.halfHeight * 0.55 };
    const Point entry { cx - halfThorax * 0.08, carinaY };
    auto lead = quadraticBezier(can, { cx + s * halfThorax * 0.2, apexY }, entry, 30);
    auto tail = quadraticBezier(entry, { atrium.x, atrium.y + heart.halfHeight * 0.6 }, ventricle, 30);
    lead.insert(lead.end(), tail.begin() + 1, tail.end());
    strokeDevice(m_canvas, lead, 1.4, 0.7, &box);
    if (plan.value > 1.5) {
        auto atrial = quadraticBezier(can, { cx + s * halfThorax * 0.25, apexY + lungHeight * 0.04 }, entry, 30);
        auto end = quadraticBezier(entry, { atrium.x - 6.0, entry.y }, atrium, 20);
        atrial.insert(atrial.end(), end.begin() + 1, end.end());
        strokeDevice(m_canvas, atrial, 1.3, 0.7, &box);
    }
}

} // namespace lrclr::internal
