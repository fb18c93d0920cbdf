#include "training/internal/PhantomStructures.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

constexpr double pi = std::numbers::pi;

} // namespace

void drawExtrapulmonaryAir(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random)
{
    const double pixelsPerUnit = anatomy.pixelsPerUnit();
    const PhantomLung& left = anatomy.lungs[1];
    const Point centre { 0.5 + random.uniform(0.12, 0.2), left.domeV + random.uniform(0.035, 0.05) };
    const double radius = random.uniform(0.02, 0.035);
    canvas.band(anatomy.toImage({ { centre.x - radius * 0.6, centre.y }, { centre.x + radius * 0.6, centre.y } }),
        radius * pixelsPerUnit, -0.55, Profile::Round, canvas.extra);
    const double tracheaU = 0.5 + anatomy.trachealShift;
    canvas.band(anatomy.toImage({ { tracheaU, -0.05 }, { tracheaU, 0.2 }, { tracheaU + 0.004, anatomy.carinaV } }),
        0.017 * pixelsPerUnit, -0.32, Profile::Round, canvas.extra);
    canvas.band(anatomy.toImage({ { tracheaU, anatomy.carinaV }, { tracheaU - 0.06, anatomy.carinaV + 0.055 } }),
        0.010 * pixelsPerUnit, -0.22, Profile::Round, canvas.extra);
    canvas.band(anatomy.toImage({ { tracheaU, anatomy.carinaV }, { tracheaU + 0.07, anatomy.carinaV + 0.065 } }),
        0.010 * pixelsPerUnit, -0.22, Profile::Round, canvas.extra);
}

void drawRibsAndClavicles(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random)
{
    const double pixelsPerUnit = anatomy.pixelsPerUnit();
    for (int side = 0; side < 2; ++side) {
        const PhantomLung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
        const double s = lung.sign;
        const double spacing = (lung.costophrenicV - lung.apexV) / random.uniform(8.2, 8.8);
        for (int k = 0; k < 10; ++k) {
            const double vk = lung.apexV - 0.035 + k * spacing + random.normal(0.0, 0.003);
            const double reach = std::min(lung.lateralOffset + 0.03, 0.19 + 0.09 * k);
            const Point start { 0.5 + s * 0.042, vk };
            const Point control { 0.5 + s * (0.2 + 0.5 * (reach - 0.19)), vk - 0.04 };
            const Point lateralEnd { 0.5 + s * reach, vk + 0.075 + 0.01 * k };
            const double width = (0.0085 + 0.0006 * k) * pixelsPerUnit;
            canvas.band(anatomy.toImage(quadraticBezier(start, control, lateralEnd, 14)), width, 0.27,
                Profile::Cortical, canvas.extra);
            const Point anteriorControl { 0.5 + s * (reach - 0.02), vk + 0.16 };
            const Point anteriorEnd { 0.5 + s * std::max(0.1, reach * 0.4), vk + 0.2 + 0.005 * k };
            canvas.band(anatomy.toImage(quadraticBezier(lateralEnd, anteriorControl, anteriorEnd, 12)), width * 0.85,
                0.13, Profile::Cortical, canvas.extra);
        }
        const std::vector<Point> clavicle { { 0.5 + s * 0.035, 0.165 }, { 0.5 + s * 0.12, 0.15 },
            { 0.5 + s * 0.22, 0.125 }, { 0.5 + s * 0.31, 0.095 }, { 0.5 + s * 0.37, 0.1 } };
        canvas.band(anatomy.toImage(clavicle), 0.0125 * pixelsPerUnit, 0.36, Profile::Cortical, canvas.extra);
    }
}

void drawPulmonaryVessels(PhantomCanvas& canvas, const PhantomAnatomy& anatomy, DeterministicRandom& random)
{
    const double pixelsPerUnit = anatomy.pixelsPerUnit();
    struct Branch {
        Point start;
        double angle;
        double length;
        double width;
        int depth;
    };
    std::vector<Branch> stack;
    for (int side = 0; side < 2; ++side) {
        const double s = anatomy.lungs[static_cast<std::size_t>(side)].sign;
        const Point hilum = anatomy.hila[static_cast<std::size_t>(side)];
        // Hilar vessels: a denser shadow at the root.
        canvas.band(anatomy.toImage({ { hilum.x, hilum.y - 0.04 }, { hilum.x + s * 0.012, hilum.y + 0.05 } }),
            0.016 * pixelsPerUnit, 0.2, Profile::Round, canvas.vessels, PhantomCanvas::Combine::Max);
        const int trees = 9;
        for (int tree = 0; tree < trees; ++tree) {
            const double fan = -75.0 + 155.0 * (tree + random.uniform(0.2, 0.8)) / trees;
            const double radians = fan * pi / 180.0;
            const double lowerBoost = fan > 20.0 ? 1.2 : 1.0;
            const Point root { hilum.x + s * random.uniform(0.0, 0.015), hilum.y + random.uniform(-0.04, 0.05) };
            stack.push_back({ root, std::atan2(std::sin(radians), s * std::cos(radians)),
                random.uniform(0.05, 0.075) * lowerBoost, 0.006 * lowerBoost, 0 });
        }
    }
    while (!stack.empty()) {
        const Branch branch = stack.back();
        stack.pop_back();
        const Point end { branch.start.x + branch.length * std::cos(branch.angle),
            branch.start.y + branch.length * std::sin(branch.angle) };
        const Point middle { (branch.start.x + end.x) / 2 + random.normal(0.0, branch.length * 0.06),
            (branch.start.y + end.y) / 2 + random.normal(0.0, branch.length * 0.06) };
        const double widthPixels = std::max(0.6, branch.width * pixelsPerUnit);
        canvas.band(anatomy.toImage({ branch.start, middle, end }), widthPixels, 0.13 * branch.width / 0.006 + 0.025,
            Profile::Round, canvas.vessels, PhantomCanvas::Combine::Max);
        if (branch.depth < 4) {
            const int children = random.chance(0.25) ? 3 : 2;
            for (int c = 0; c < children; ++c) {
                const double spread = (c - (children - 1) / 2.0) * random.uniform(0.35, 0.6);
                stack.push_back({ end, branch.angle + spread + random.normal(0.0, 0.08),
                    branch.length * random.uniform(0.65, 0.85), branch.width * 0.7, branch.depth + 1 });
            }
        }
    }
}

} // namespace lrclr::internal
