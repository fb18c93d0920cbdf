#include "training/internal/PhantomBodyPainter.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

constexpr double pi = std::numbers::pi;

// Hash-based value noise (smooth, deterministic, no tables), for patchy airspace disease and parenchymal texture.
double latticeValue(std::uint64_t seed, int x, int y)
{
    std::uint64_t h = seed ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) * 0x9E3779B97F4A7C15ULL)
        ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) * 0xC2B2AE3D27D4EB4FULL);
    h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double valueNoise(std::uint64_t seed, double x, double y)
{
    const double fx = std::floor(x);
    const double fy = std::floor(y);
    const int ix = static_cast<int>(fx);
    const int iy = static_cast<int>(fy);
    double tx = x - fx;
    double ty = y - fy;
    tx = tx * tx * (3.0 - 2.0 * tx);
    ty = ty * ty * (3.0 - 2.0 * ty);
    const double a = latticeValue(seed, ix, iy);
    const double b = latticeValue(seed, ix + 1, iy);
    const double c = latticeValue(seed, ix, iy + 1);
    const double d = latticeValue(seed, ix + 1, iy + 1);
    return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
}

} // namespace

PhantomHeart placeHeart(PhantomAnatomy& anatomy, DeterministicRandom& random)
{
    PhantomHeart heart;
    const double heartAngle = random.uniform(30.0, 42.0) * pi / 180.0;
    heart.cosine = std::cos(heartAngle);
    heart.sine = std::sin(heartAngle);
    const double elongation = random.uniform(1.25, 1.45);
    heart.shortRadius = anatomy.heartHalfWidth
        / std::sqrt(elongation * elongation * heart.cosine * heart.cosine + heart.sine * heart.sine);
    heart.longRadius = heart.shortRadius * elongation;
    const double heartVertical = heart.shortRadius
        * std::sqrt(elongation * elongation * heart.sine * heart.sine + heart.cosine * heart.cosine);
    anatomy.heartCenterV = anatomy.lungs[1].domeV + 0.03 - 0.8 * heartVertical;
    return heart;
}

PhantomBodyPainter::PhantomBodyPainter(const PhantomAnatomy& anatomy, const PhantomHeart& heart,
    std::uint64_t textureSeed, PhantomLungFindings& findings, PhantomCanvas& canvas)
    : m_anatomy(anatomy)
    , m_heart(heart)
    , m_textureSeed(textureSeed)
    , m_findings(findings)
    , m_canvas(canvas)
    , m_edge(1.0 / anatomy.pixelsPerUnit())
{
}

void PhantomBodyPainter::paint()
{
    if (m_findings.pneumothorax)
        m_canvas.pneumothorax.assign(m_canvas.count, 0.0f);
    const int size = m_canvas.size;
    for (int y = 0; y < size; ++y) {
        const Point rowStart = m_anatomy.toCanonical(0.0, y);
        const Point rowNext = m_anatomy.toCanonical(1.0, y);
        const double du = rowNext.x - rowStart.x;
        const double dv = rowNext.y - rowStart.y;
        for (int x = 0; x < size; ++x)
            paintPixel(x, y, rowStart.x + du * x, rowStart.y + dv * x);
    }
}

void PhantomBodyPainter::paintPixel(int x, int y, double u, double v)
{
    const std::size_t p = static_cast<std::size_t>(y) * m_canvas.size + x;
    const double tissue = bodyTissue(u, v);
    const double bone = spine(u, v, tissue);

    // Heart, mediastinum and aortic knob hide the lungs behind them.
    const double heart = heartShadow(u, v);
    const double ku = u - m_anatomy.aorticKnobU;
    const double kv = v - m_anatomy.aorticKnobV;
    const double knob = soft(m_anatomy.aorticKnobRadius - std::sqrt(ku * ku + kv * kv), m_edge * 2);
    const double occluder = std::max(heart, std::max(mediastinumShadow(u, v), knob));
    if (m_findings.cardiomegaly && heart > 0.5 && v < m_anatomy.lungs[1].domeV + 0.02)
        m_findings.heartBox.add(x, y);

    const int side = u < 0.5 ? 0 : 1;
    const PhantomLung& lung = m_anatomy.lungs[static_cast<std::size_t>(side)];
    const double a = std::abs(u - 0.5);
    const PhantomLungSample sample = sampleLung(lung, a, v, m_edge);
    double air = sample.depth * (1.0 - 0.93 * occluder);
    double fill = 0.0;
    if (sample.presence > 0.0) {
        // Fine parenchymal texture, so that the lung is not a smooth wash.
        air *= 0.96 + 0.08 * valueNoise(m_textureSeed, u * 90.0, v * 90.0);
        fill = lungFill(x, y, p, side, u, v, a, sample);
    }
    m_canvas.tissue[p] = static_cast<float>(tissue + bone);
    m_canvas.air[p] = static_cast<float>(air);
    m_canvas.lungPresence[p] = static_cast<float>(sample.presence * (1.0 - occluder));
    m_canvas.fill[p] = static_cast<float>(fill);
}

// Body: an elliptic cross-section, narrow at the neck, widening over the shoulders; breasts in women.
double PhantomBodyPainter::bodyTissue(double u, double v) const
{
    const double halfWidth = 0.12 + (m_anatomy.bodyHalfWidth - 0.12) * shoulderProfile(clamp01((v + 0.1) / 0.22));
    const double across = (u - 0.5) / halfWidth;
    double tissue = across * across < 1.0 ? m_anatomy.bodyThickness * std::sqrt(1.0 - across * across) : 0.0;
    if (m_anatomy.female && tissue > 0.0) {
        for (int side = 0; side < 2; ++side) {
            const double bu = (u - (0.5 + (side == 0 ? -0.29 : 0.29))) / (0.16 * m_anatomy.breastSize);
            const double bv = (v - 0.67) / (0.10 * m_anatomy.breastSize);
            const double r2 = bu * bu + bv * bv;
            if (r2 < 1.0)
                tissue += 0.32 * m_anatomy.breastSize * std::sqrt(1.0 - r2);
        }
    }
    return tissue;
}

// Spine: vertebral bodies with disc spaces and pedicles, seen through the mediastinum.
double PhantomBodyPainter::spine(double u, double v, double tissue) const
{
    double bone = 0.0;
    const double spineU = u - 0.5 - m_anatomy.spineShift;
    if (std::abs(spineU) < 0.045 && v > -0.05 && tissue > 0.0) {
        const double period = 0.034;
        const double phase = std::fmod(v + 1.0, period) / period;
        const double rim = std::abs(spineU) / 0.045;
        bone += (phase > 0.86 ? 0.06 : 0.13) * (0.6 + 0.4 * rim * rim * rim * rim)
            * soft(0.045 - std::abs(spineU), m_edge * 1.5);
        for (const double pediculeU : { -0.027, 0.027 }) {
            const double pu = (spineU - pediculeU) / 0.008;
            const double pv = (phase - 0.35) * period / 0.011;
            const double r2 = pu * pu + pv * pv;
            if (r2 < 1.0)
                bone += 0.06 * std::sqrt(1.0 - r2);
        }
    }
    return bone;
}

double PhantomBodyPainter::heartShadow(double u, double v) const
{
    const double hx = u - m_anatomy.heartCenterU;
    const double hy = v - m_anatomy.heartCenterV;
    const double along = (hx * m_heart.cosine + hy * m_heart.sine) / m_heart.longRadius;
    const double acrossHeart = (-hx * m_heart.sine + hy * m_heart.cosine) / m_heart.shortRadius;
    const double heartRadius = std::sqrt(along * along + acrossHeart * acrossHeart);
    return soft((1.0 - heartRadius) * m_heart.shortRadius, m_edge * 2);
}

double PhantomBodyPainter::mediastinumShadow(double u, double v) const
{
    const double mediastinumHalfWidth = m_anatomy.mediastinumHalfWidth * (0.8 + 0.4 * clamp01((v - 0.1) / 0.35));
    return v < m_anatomy.heartCenterV
        ? soft(mediastinumHalfWidth - std::abs(u - 0.5 - m_anatomy.trachealShift * 0.5), m_edge * 2.5)
        : 0.0;
}

double PhantomBodyPainter::lungFill(
    int x, int y, std::size_t p, int side, double u, double v, double a, const PhantomLungSample& sample)
{
    double fill = 0.0;
    if (m_findings.effusion && m_findings.effusion->side == side)
        addEffusion(x, y, a, v, sample, fill);
    if (m_findings.pneumothorax && m_findings.pneumothorax->side == side)
        drawPneumothorax(x, y, p, sample);
    if (m_findings.edema)
        addEdema(x, y, side, u, v, sample, fill);
    if (m_findings.consolidation && m_findings.consolidation->side == side)
        addConsolidation(x, y, u, v, sample, fill);
    return fill;
}

void PhantomBodyPainter::addEffusion(int x, int y, double a, double v, const PhantomLungSample& sample, double& fill)
{
    const double across = clamp01((a - sample.medial) / std::max(1e-6, sample.lateral - sample.medial));
    const double level = m_findings.effusionLevel - m_findings.meniscusRise * across * across;
    const double effusionFill = soft(v - level, 0.035) * m_findings.effusion->strength;
    fill = std::max(fill, effusionFill);
    if (effusionFill > 0.3 && sample.presence > 0.3)
        m_findings.effusionBox.add(x, y);
}

void PhantomBodyPainter::drawPneumothorax(int x, int y, std::size_t p, const PhantomLungSample& sample)
{
    const PlannedFinding& pneumothorax = *m_findings.pneumothorax;
    // Distance to the chest wall (laterally) or the apex, whichever is nearer.
    const double wall = std::min(sample.lateralDistance, sample.topDistance * 1.2);
    const double gap = pneumothorax.sizeValue * std::max(0.0, 1.0 - sample.t / m_findings.pneumothoraxExtent);
    if (gap > 0.0) {
        const double pleuralAir = soft(gap - wall, m_edge) * sample.presence;
        m_canvas.pneumothorax[p] = static_cast<float>(pleuralAir);
        // The visceral pleural line: a thin white line at the edge of the collapsed lung.
        const double offset = (wall - gap) / (m_edge * 1.1);
        if (gap > 2 * m_edge)
            m_canvas.extra[p]
                += static_cast<float>(0.22 * pneumothorax.strength * std::exp(-offset * offset) * sample.presence);
        if (pleuralAir > 0.5)
            m_findings.pneumothoraxBox.add(x, y);
    }
}

void PhantomBodyPainter::addEdema(
    int x, int y, int side, double u, double v, const PhantomLungSample& sample, double& fill)
{
    const PlannedFinding& edema = *m_findings.edema;
    const Point hilum = m_anatomy.hila[static_cast<std::size_t>(side)];
    const double eu = (u - hilum.x) / 0.12;
    const double ev = (v - hilum.y) / 0.15;
    const double haze = edema.sizeValue * edema.strength * std::exp(-(eu * eu + ev * ev))
        * (0.8 + 0.4 * valueNoise(m_textureSeed + 7, u * 25.0, v * 25.0));
    fill = 1.0 - (1.0 - fill) * (1.0 - haze);
    if (haze > 0.45 * edema.sizeValue * edema.strength && sample.presence > 0.3)
        m_findings.edemaBoxes[static_cast<std::size_t>(side)].add(x, y);
}

void PhantomBodyPainter::addConsolidation(
    int x, int y, double u, double v, const PhantomLungSample& sample, double& fill)
{
    double density = 0.0;
    for (const auto& [centre, radii] : m_findings.consolidationBlobs) {
        const double cu = (u - centre.x) / radii.x;
        const double cv = (v - centre.y) / radii.y;
        const double r2 = cu * cu + cv * cv;
        if (r2 < 9.0)
            density += std::exp(-r2);
    }
    if (density > 0.05) {
        const double strength = m_findings.consolidation->strength;
        const double mottle = 0.45 + 0.7 * valueNoise(m_textureSeed + 13, u * 35.0, v * 35.0)
            + 0.35 * valueNoise(m_textureSeed + 17, u * 90.0, v * 90.0);
        const double opacity = clamp01((density * mottle - 0.2) * 1.1) * 0.85 * strength;
        fill = 1.0 - (1.0 - fill) * (1.0 - opacity);
        if (opacity > 0.3 * strength && sample.presence > 0.3)
            m_findings.consolidationBox.add(x, y);
    }
}

} // namespace lrclr::internal
