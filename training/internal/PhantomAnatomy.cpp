#include "training/internal/PhantomAnatomy.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "training/DeterministicRandom.h"
#include "training/internal/PhantomCanvas.h"

namespace lrclr::internal {

namespace {

constexpr double pi = std::numbers::pi;

// The lateral and medial outline of a lung as a function of t (0 apex .. 1 costophrenic angle), tabulated once
// because sin() per pixel was a tenth of the generation time.
struct LungOutline {
    static constexpr int steps = 1024;
    std::array<double, steps + 1> lateral {};
    std::array<double, steps + 1> medial {};
    LungOutline()
    {
        for (int i = 0; i <= steps; ++i) {
            const double t = static_cast<double>(i) / steps;
            lateral[static_cast<std::size_t>(i)] = std::sqrt(std::sin(std::min(t / 0.6, 1.0) * pi / 2));
            medial[static_cast<std::size_t>(i)] = std::sin(std::min(t / 0.25, 1.0) * pi / 2);
        }
    }
    static const LungOutline& instance()
    {
        static const LungOutline outline;
        return outline;
    }
};

} // namespace

PhantomAnatomy sampleAnatomy(DeterministicRandom& random, int size)
{
    PhantomAnatomy anatomy;
    anatomy.size = size;
    anatomy.zoom = random.uniform(0.93, 1.03);
    anatomy.rotation = random.normal(0.0, 1.5) * pi / 180.0;
    anatomy.cosR = std::cos(anatomy.rotation);
    anatomy.sinR = std::sin(anatomy.rotation);
    anatomy.shiftX = random.normal(0.0, 0.012) * size;
    anatomy.shiftY = random.normal(0.0, 0.012) * size;

    const double apexV = random.uniform(0.10, 0.14);
    const double costophrenicV = random.uniform(0.80, 0.86);
    const double lateral = random.uniform(0.37, 0.41);
    const double rightDome = random.uniform(0.66, 0.71);
    for (int side = 0; side < 2; ++side) {
        PhantomLung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
        lung.sign = side == 0 ? -1.0 : 1.0;
        lung.apexV = apexV + random.uniform(-0.006, 0.006);
        lung.apexOffset = random.uniform(0.14, 0.17);
        lung.lateralOffset = lateral + random.uniform(-0.008, 0.008);
        lung.medialOffset = random.uniform(0.035, 0.045);
        lung.costophrenicV = costophrenicV + random.uniform(-0.01, 0.01) + (side == 1 ? 0.01 : 0.0);
        // The right hemidiaphragm usually sits higher (the liver below it).
        lung.domeV = side == 0 ? rightDome : rightDome + random.uniform(0.01, 0.035);
        lung.domeOffset = random.uniform(0.18, 0.23);
        lung.cardiophrenicV = lung.domeV + random.uniform(0.03, 0.05);
        lung.depth = random.uniform(1.55, 1.85);
    }
    anatomy.bodyHalfWidth = random.uniform(0.45, 0.49);
    anatomy.bodyThickness = random.uniform(2.2, 2.6);
    anatomy.heartCenterV = random.uniform(0.59, 0.63);
    anatomy.mediastinumHalfWidth = random.uniform(0.05, 0.065);
    anatomy.aorticKnobU = 0.5 + random.uniform(0.055, 0.075);
    anatomy.aorticKnobV = random.uniform(0.28, 0.32);
    anatomy.aorticKnobRadius = random.uniform(0.028, 0.04);
    anatomy.trachealShift = random.uniform(-0.008, 0.004);
    anatomy.carinaV = random.uniform(0.36, 0.40);
    anatomy.spineShift = random.normal(0.0, 0.006);
    anatomy.female = random.chance(0.5);
    anatomy.breastSize = random.uniform(0.7, 1.2);
    anatomy.hila[0] = { 0.5 - random.uniform(0.10, 0.13), random.uniform(0.44, 0.48) };
    anatomy.hila[1] = { 0.5 + random.uniform(0.10, 0.13), random.uniform(0.42, 0.46) };
    // The cardiothoracic ratio: normal 0.38..0.48 (cardiomegaly sets its own below).
    const double ratio = random.uniform(0.38, 0.48);
    anatomy.heartHalfWidth = ratio * (anatomy.lungs[0].lateralOffset + anatomy.lungs[1].lateralOffset) / 2;
    anatomy.heartCenterU = 0.5 + 0.17 * 2 * anatomy.heartHalfWidth;
    return anatomy;
}

double shoulderProfile(double x)
{
    static const auto table = [] {
        std::array<double, 1025> values {};
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = std::sqrt(std::sin(static_cast<double>(i) / 1024.0 * pi / 2));
        return values;
    }();
    const double position = x * 1024.0;
    const std::size_t i0 = std::min<std::size_t>(static_cast<std::size_t>(position), 1023);
    return table[i0] + (table[i0 + 1] - table[i0]) * (position - static_cast<double>(i0));
}

PhantomLungSample sampleLung(const PhantomLung& lung, double a, double v, double edge)
{
    PhantomLungSample sample;
    const double t = (v - lung.apexV) / (lung.costophrenicV - lung.apexV);
    if (t < -0.05 || t > 1.1)
        return sample;
    const double tc = clamp01(t);
    const auto& outline = LungOutline::instance();
    const double position = tc * LungOutline::steps;
    const std::size_t i0
        = std::min(static_cast<std::size_t>(position), static_cast<std::size_t>(LungOutline::steps - 1));
    const double fraction = position - static_cast<double>(i0);
    const double g = outline.lateral[i0] + (outline.lateral[i0 + 1] - outline.lateral[i0]) * fraction;
    const double g2 = outline.medial[i0] + (outline.medial[i0 + 1] - outline.medial[i0]) * fraction;
    sample.lateral = lung.apexOffset + (lung.lateralOffset - lung.apexOffset) * g;
    sample.medial = lung.apexOffset - (lung.apexOffset - lung.medialOffset) * g2;
    const double dome = a >= lung.domeOffset ? lung.domeV
            + (lung.costophrenicV - lung.domeV)
                * std::pow((a - lung.domeOffset) / (lung.lateralOffset - lung.domeOffset), 2)
                                             : lung.domeV
            + (lung.cardiophrenicV - lung.domeV)
                * std::pow((lung.domeOffset - a) / (lung.domeOffset - lung.medialOffset), 2);
    const double dLateral = sample.lateral - a;
    const double dMedial = a - sample.medial;
    const double dDiaphragm = dome - v;
    const double dTop = v - lung.apexV;
    sample.t = tc;
    sample.lateralDistance = dLateral;
    sample.topDistance = dTop;
    sample.presence
        = soft(dLateral, edge * 1.3) * soft(dMedial, edge * 3) * soft(dDiaphragm, edge * 1.3) * soft(dTop, edge * 1.5);
    if (sample.presence <= 0.0)
        return sample;
    const auto positive = [](double x) { return x > 0.0 ? x : 0.0; };
    sample.depth = lung.depth * (0.55 + 0.45 * tc) * std::sqrt(std::min(1.0, positive(dLateral) / 0.05))
        * std::min(1.0, positive(dMedial) / 0.06) * std::sqrt(std::min(1.0, positive(dDiaphragm) / 0.04))
        * std::sqrt(std::min(1.0, positive(dTop) / 0.04));
    return sample;
}

void zoneRegion(const PhantomAnatomy& anatomy, int side, const std::string& zone, const std::string& kind,
    Point& centre, Point& radii)
{
    const PhantomLung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
    const double s = lung.sign;
    const double height = lung.domeV - lung.apexV;
    if (zone == "upper") {
        centre = { 0.5 + s * 0.24, lung.apexV + 0.22 * height };
        radii = { 0.085, 0.07 };
    } else if (zone == "middle") {
        // Right middle lobe and lingula lie against the heart border.
        const double offset
            = kind == "consolidation" ? anatomy.heartHalfWidth * (side == 0 ? 0.66 : 1.34) + 0.06 : 0.25;
        centre = { 0.5 + s * std::min(offset, lung.lateralOffset - 0.09), lung.apexV + 0.55 * height };
        radii = { 0.075, 0.065 };
    } else {
        centre = { 0.5 + s * 0.26, lung.domeV - 0.07 };
        radii = { 0.08, 0.055 };
    }
}

} // namespace lrclr::internal
