#include "training/internal/PhantomFindingPainter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

constexpr double pi = std::numbers::pi;

} // namespace

PhantomFindingPainter::PhantomFindingPainter(const PhantomAnatomy& anatomy, PhantomLungFindings& findings,
    PhantomCanvas& canvas, DeterministicRandom& findingRandom, double pixelSpacingMm)
    : m_anatomy(anatomy)
    , m_findings(findings)
    , m_canvas(canvas)
    , m_random(findingRandom)
    , m_pixelsPerUnit(anatomy.pixelsPerUnit())
    , m_mmPerUnit(pixelSpacingMm * m_pixelsPerUnit)
{
}

void PhantomFindingPainter::draw(std::vector<PlannedFinding>& planned)
{
    for (PlannedFinding& plan : planned) {
        FindingBox tracker;
        drawShape(plan, tracker);
        recordBoxes(plan, tracker);
    }
}

void PhantomFindingPainter::drawShape(PlannedFinding& plan, FindingBox& tracker)
{
    const std::string& kind = plan.finding.kind;
    if (kind == "nodule" || kind == "mass")
        drawNodule(plan, tracker);
    else if (kind == "atelectasis")
        drawAtelectasis(plan, tracker);
    else if (kind == "edema")
        drawKerleyLines(plan);
    else if (kind == "consolidation")
        drawAirBronchograms(plan);
    else if (kind == "endotracheal tube")
        drawEndotrachealTube(plan, tracker);
    else if (kind == "central line")
        drawCentralLine(plan, tracker);
    else if (kind == "pacemaker")
        drawPacemaker(plan, tracker);
}

void PhantomFindingPainter::recordBoxes(PlannedFinding& plan, FindingBox& tracker) const
{
    const std::string& kind = plan.finding.kind;
    if (kind == "cardiomegaly")
        tracker = m_findings.heartBox;
    else if (kind == "pleural effusion")
        tracker = m_findings.effusionBox;
    else if (kind == "pneumothorax")
        tracker = m_findings.pneumothoraxBox;
    else if (kind == "consolidation")
        tracker = m_findings.consolidationBox;
    if (kind == "edema") {
        for (const auto& box : m_findings.edemaBoxes)
            if (!box.empty())
                plan.finding.boxes.push_back(box.box());
    } else if (!tracker.empty()) {
        plan.finding.boxes.push_back(tracker.box());
    }
}

void PhantomFindingPainter::drawNodule(const PlannedFinding& plan, FindingBox& tracker)
{
    const std::string& kind = plan.finding.kind;
    Point centre;
    Point radii;
    zoneRegion(m_anatomy, plan.side, plan.zone, kind, centre, radii);
    centre.x += m_random.normal(0.0, radii.x * 0.3);
    centre.y += m_random.normal(0.0, radii.y * 0.3);
    const Point c = m_anatomy.toImage(centre.x, centre.y);
    const double radius = plan.sizeValue / 2.0 / m_mmPerUnit * m_pixelsPerUnit;
    const double amplitude = std::min(0.9, 0.22 + 0.011 * plan.sizeValue) * plan.strength;
    const double phase1 = m_random.uniform(0.0, 2 * pi);
    const double phase2 = m_random.uniform(0.0, 2 * pi);
    const double lobulation = kind == "mass" ? 0.14 : 0.05;
    const int x0 = std::max(0, static_cast<int>(c.x - radius * 1.3 - 2));
    const int x1 = std::min(m_canvas.size - 1, static_cast<int>(c.x + radius * 1.3 + 2));
    const int y0 = std::max(0, static_cast<int>(c.y - radius * 1.3 - 2));
    const int y1 = std::min(m_canvas.size - 1, static_cast<int>(c.y + radius * 1.3 + 2));
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            const double dx = x - c.x;
            const double dy = y - c.y;
            const double theta = std::atan2(dy, dx);
            const double r = radius
                * (1.0 + lobulation * std::sin(3 * theta + phase1) + lobulation * 0.6 * std::sin(5 * theta + phase2));
            const double d2 = (dx * dx + dy * dy) / (r * r);
            const double value = d2 < 1.0 ? amplitude * std::sqrt(1.0 - d2) : 0.0;
            const double rim = clamp01((1.0 - std::sqrt(d2)) * r + 0.5); // anti-aliased margin
            const std::size_t p = static_cast<std::size_t>(y) * m_canvas.size + x;
            m_canvas.extra[p] += static_cast<float>(std::max(value, amplitude * 0.15 * rim));
            if (d2 < 1.0)
                tracker.add(x, y);
        }
    }
}

void PhantomFindingPainter::drawAtelectasis(const PlannedFinding& plan, FindingBox& tracker)
{
    const PhantomLung& lung = m_anatomy.lungs[static_cast<std::size_t>(plan.side)];
    const double s = lung.sign;
    const double v = plan.zone == "lower" ? lung.domeV - m_random.uniform(0.04, 0.08)
                                          : lung.apexV + 0.55 * (lung.domeV - lung.apexV);
    const double centreU = 0.5 + s * m_random.uniform(0.18, 0.28);
    const double halfLength = m_random.uniform(0.06, 0.09);
    const double tilt = m_random.uniform(-0.15, 0.25) * s;
    const std::vector<Point> line { { centreU - halfLength, v - tilt * halfLength },
        { centreU, v + m_random.normal(0.0, 0.004) }, { centreU + halfLength, v + tilt * halfLength } };
    m_canvas.band(m_anatomy.toImage(line), m_random.uniform(0.006, 0.011) * m_pixelsPerUnit, 0.9 * plan.strength,
        Profile::Flat, m_canvas.fill, PhantomCanvas::Combine::Max, &tracker, 0.3 * plan.strength);
}

void PhantomFindingPainter::drawKerleyLines(const PlannedFinding& plan)
{
    // Kerley B lines: short horizontal lines reaching the pleura at the lung bases.
    for (int side = 0; side < 2; ++side) {
        const PhantomLung& base = m_anatomy.lungs[static_cast<std::size_t>(side)];
        const int lines = m_random.integer(3, 6);
        for (int i = 0; i < lines; ++i) {
            const double v = base.domeV - m_random.uniform(0.02, 0.12);
            const double wallU = base.lateralOffset * (0.92 + 0.05 * (v - base.apexV));
            const std::vector<Point> line { { 0.5 + base.sign * wallU, v },
                { 0.5 + base.sign * (wallU - m_random.uniform(0.02, 0.035)), v } };
            m_canvas.band(m_anatomy.toImage(line), 0.6, 0.12 * plan.strength, Profile::Flat, m_canvas.extra,
                PhantomCanvas::Combine::Add, &m_findings.edemaBoxes[static_cast<std::size_t>(side)], 0.05);
        }
    }
}

void PhantomFindingPainter::drawAirBronchograms(const PlannedFinding& plan)
{
    const double s = m_anatomy.lungs[static_cast<std::size_t>(plan.side)].sign;
    // Air bronchograms: dark branching lines inside the opacity.
    for (int i = 0; i < 3; ++i) {
        const auto& blob
            = m_findings.consolidationBlobs[static_cast<std::size_t>(i) % m_findings.consolidationBlobs.size()];
        const double angle = m_random.uniform(-0.6, 0.6) + (s > 0 ? 0.0 : pi);
        const Point start { blob.first.x - 0.5 * blob.second.x * std::cos(angle), blob.first.y - 0.02 };
        const Point end { start.x + 1.5 * blob.second.x * std::cos(angle),
            start.y + 1.2 * blob.second.y * std::sin(angle) + 0.04 };
        m_canvas.band(m_anatomy.toImage({ start, end }), 1.2, -0.22, Profile::Round, m_canvas.extra,
            PhantomCanvas::Combine::Add, nullptr, 0.0, &m_canvas.fill);
    }
}

void PhantomFindingPainter::drawEndotrachealTube(PlannedFinding& plan, FindingBox& tracker)
{
    const double u = 0.5 + m_anatomy.trachealShift + m_random.normal(0.0, 0.003);
    const double tip = m_anatomy.carinaV - plan.sizeValue;
    const std::vector<Point> tube { { u + 0.01, -0.06 }, { u + 0.002, 0.1 }, { u, tip } };
    m_canvas.band(m_anatomy.toImage(tube), 0.0085 * m_pixelsPerUnit, 0.22, Profile::Tube, m_canvas.extra,
        PhantomCanvas::Combine::Add, &tracker, 0.05);
    std::vector<Point> stripe = tube;
    for (Point& point : stripe)
        point.x -= 0.004;
    m_canvas.band(m_anatomy.toImage(stripe), 1.0, 0.55, Profile::Flat, m_canvas.extra);
    char text[32];
    std::snprintf(text, sizeof text, "%.1f cm", plan.sizeValue * m_mmPerUnit / 10.0);
    plan.finding.size = text; // tip above the carina
}

void PhantomFindingPainter::drawCentralLine(const PlannedFinding& plan, FindingBox& tracker)
{
    const double s = m_anatomy.lungs[static_cast<std::size_t>(plan.side)].sign;
    const double tipV = m_anatomy.carinaV + m_random.uniform(-0.03, 0.03);
    std::vector<Point> path;
    if (plan.finding.location == "internal jugular")
        path = { { 0.5 + s * 0.09, -0.05 }, { 0.5 + s * 0.065, 0.12 }, { 0.5 + s * 0.045, 0.24 }, { 0.48, tipV } };
    else
        path = { { 0.5 + s * 0.36, 0.12 }, { 0.5 + s * 0.2, 0.16 }, { 0.5 + s * 0.08, 0.2 }, { 0.485, tipV } };
    m_canvas.band(m_anatomy.toImage(path), std::max(1.0, 0.0035 * m_pixelsPerUnit), 0.55, Profile::Round,
        m_canvas.extra, PhantomCanvas::Combine::Add, &tracker, 0.05);
}

void PhantomFindingPainter::drawPacemaker(const PlannedFinding& plan, FindingBox& tracker)
{
    const double s = m_anatomy.lungs[static_cast<std::size_t>(plan.side)].sign;
    const Point generator { 0.5 + s * m_random.uniform(0.22, 0.28), m_random.uniform(0.14, 0.19) };
    const Point image = m_anatomy.toImage(generator.x, generator.y);
    const double halfWidth = 0.048 * m_pixelsPerUnit;
    const double halfHeight = 0.036 * m_pixelsPerUnit;
    for (int y = std::max(0, static_cast<int>(image.y - halfHeight - 2));
         y <= std::min(m_canvas.size - 1, static_cast<int>(image.y + halfHeight + 2)); ++y) {
        for (int x = std::max(0, static_cast<int>(image.x - halfWidth - 2));
             x <= std::min(m_canvas.size - 1, static_cast<int>(image.x + halfWidth + 2)); ++x) {
            const double gx = (x - image.x) / halfWidth;
            const double gy = (y - image.y) / halfHeight;
            const double shape = gx * gx * gx * gx + gy * gy * gy * gy; // a rounded rectangle
            if (shape < 1.0) {
                m_canvas.extra[static_cast<std::size_t>(y) * m_canvas.size + x]
                    += static_cast<float>(shape > 0.8 ? 2.4 : 1.9);
                tracker.add(x, y);
            }
        }
    }
    const std::vector<Point> atrialLead { generator, { 0.5 + s * 0.12, generator.y - 0.01 }, { 0.5 + s * 0.02, 0.24 },
        { 0.485, 0.4 }, { 0.47, m_anatomy.heartCenterV - 0.06 } };
    m_canvas.band(m_anatomy.toImage(atrialLead), 1.6, 0.9, Profile::Round, m_canvas.extra, PhantomCanvas::Combine::Add,
        &tracker, 0.1);
    if (plan.sizeValue > 1.5) {
        const std::vector<Point> ventricularLead { generator, { 0.5 + s * 0.12, generator.y + 0.005 },
            { 0.5 + s * 0.025, 0.25 }, { 0.49, 0.45 }, { m_anatomy.heartCenterU, m_anatomy.heartCenterV + 0.07 } };
        m_canvas.band(m_anatomy.toImage(ventricularLead), 1.6, 0.9, Profile::Round, m_canvas.extra,
            PhantomCanvas::Combine::Add, &tracker, 0.1);
    }
}

} // namespace lrclr::internal
