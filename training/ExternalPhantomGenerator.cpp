#include "training/ExternalPhantomGenerator.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "training/DeterministicRandom.h"
#include "training/ExternalReportWriter.h"

namespace lrclr {

namespace {

constexpr double pi = 3.14159265358979323846;

double square(double value)
{
    return value * value;
}

double smoothstep(double edge0, double edge1, double x)
{
    const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

/// Bilinear value noise in [-1, 1] on a coarse random grid: soft-tissue mottle and the markings' phase.
class ValueNoise {
public:
    ValueNoise(DeterministicRandom& random, int cellsX, int cellsY, int width, int height)
        : m_columns(cellsX + 2)
        , m_rows(cellsY + 2)
        , m_scaleX(static_cast<double>(cellsX) / std::max(1, width))
        , m_scaleY(static_cast<double>(cellsY) / std::max(1, height))
        , m_grid(static_cast<std::size_t>(m_columns * m_rows))
    {
        for (auto& value : m_grid)
            value = static_cast<float>(random.uniform(-1.0, 1.0));
    }

    double at(double x, double y) const
    {
        const double gx = std::clamp(x * m_scaleX, 0.0, m_columns - 1.001);
        const double gy = std::clamp(y * m_scaleY, 0.0, m_rows - 1.001);
        const int ix = static_cast<int>(gx);
        const int iy = static_cast<int>(gy);
        const double fx = smoothstep(0.0, 1.0, gx - ix);
        const double fy = smoothstep(0.0, 1.0, gy - iy);
        const auto g = [this](int cx, int cy) { return m_grid[static_cast<std::size_t>(cy * m_columns + cx)]; };
        const double top = g(ix, iy) + (g(ix + 1, iy) - g(ix, iy)) * fx;
        const double bottom = g(ix, iy + 1) + (g(ix + 1, iy + 1) - g(ix, iy + 1)) * fx;
        return top + (bottom - top) * fy;
    }

private:
    int m_columns;
    int m_rows;
    double m_scaleX;
    double m_scaleY;
    std::vector<float> m_grid;
};

/// The bounding box of the pixels a finding changed noticeably.
struct BoxAccumulator {
    int x0 = INT_MAX;
    int y0 = INT_MAX;
    int x1 = -1;
    int y1 = -1;
    void add(int x, int y)
    {
        x0 = std::min(x0, x);
        y0 = std::min(y0, y);
        x1 = std::max(x1, x);
        y1 = std::max(y1, y);
    }
    bool empty() const { return x1 < x0; }
    PhantomCase::Box box() const
    {
        PhantomCase::Box result;
        result.x = x0;
        result.y = y0;
        result.width = x1 - x0 + 1;
        result.height = y1 - y0 + 1;
        return result;
    }
};

/// One lung as a superellipse-like region in (u, t): u runs from the medial edge (0) to the lateral edge (1), t from
/// the apex (0) to the costophrenic angle (1); the hemidiaphragm domes up medially.
struct Lung {
    double sign = -1.0; ///< image direction from the midline: -1 for the patient's right (image left)
    double medialX = 0.0;
    double lateralX = 0.0;
    double apexY = 0.0;
    double baseY = 0.0;
    double dome = 0.12;
    double apexU = 0.35;

    double width() const { return std::abs(lateralX - medialX); }
    double height() const { return baseY - apexY; }
    double u(double x) const { return (x - medialX) * sign / width(); }
    double t(double y) const { return (y - apexY) / height(); }
    double x(double u) const { return medialX + sign * u * width(); }
    double y(double t) const { return apexY + t * height(); }
    double floorT(double u) const { return 1.0 - dome * (1.0 - square(std::clamp(u, 0.0, 1.0))); }

    /// Signed distance to the lung outline in pixels (positive inside), approximated per boundary.
    double distance(double px, double py) const
    {
        const double uu = u(px);
        const double tt = t(py);
        if (tt < -0.05 || tt > 1.05 || uu < -0.1 || uu > 1.1)
            return -1e9;
        const double tc = std::clamp(tt, 0.0, 1.0);
        const double lateral = apexU + (1.0 - apexU) * std::sqrt(1.0 - square(1.0 - std::min(tc / 0.5, 1.0)));
        const double medial = apexU * (1.0 - std::sqrt(1.0 - square(1.0 - std::min(tc / 0.3, 1.0))));
        const double w = width();
        const double h = height();
        return std::min({ (uu - medial) * w, (lateral - uu) * w, (floorT(uu) - tt) * h, tt * h * 1.5 });
    }
};

/// The heart shadow: a tilted, asymmetric teardrop, larger towards the patient's left (image right).
struct Heart {
    double centerX = 0.0;
    double centerY = 0.0;
    double halfHeight = 0.0;
    double rightWidth = 0.0; ///< towards the image's left
    double leftWidth = 0.0; ///< towards the image's right
    double tilt = 0.1;

    double distance(double px, double py) const
    {
        const double v = (py - centerY) / halfHeight;
        if (v < -1.0 || v > 1.0)
            return -1e9;
        // Pear-shaped: narrow where it meets the mediastinum, widest low down, flat where it sits on the diaphragm.
        const double clamped = std::min(v, 0.55);
        const double spread = std::sqrt(1.0 - clamped * clamped) * (0.72 + 0.28 * (clamped + 1.0) / 1.55);
        const double middle = centerX + tilt * v * halfHeight;
        const double right = middle - rightWidth * spread;
        const double left = middle + leftWidth * std::pow(spread, 0.8);
        return std::min({ px - right, left - px, (1.0 - std::abs(v)) * halfHeight });
    }
};

struct Plan {
    PhantomCase::Finding finding;
    int side = 0; ///< 0 the patient's right, 1 the left
    int zone = 1; ///< 0 upper, 1 middle, 2 lower
    double value = 0.0;
    double strength = 1.0;
    int variant = 0;
};

const char* sideName(int side)
{
    return side == 0 ? "right" : "left";
}
const char* zoneName(int zone)
{
    return zone == 0 ? "upper" : (zone == 1 ? "mid" : "lower");
}

Plan planFinding(DeterministicRandom& random, double subtleFraction, const PhantomGenerator::FindingRequest& request)
{
    Plan plan;
    const std::string& kind = request.kind;
    plan.finding.kind = kind;
    plan.side = request.side == "right" ? 0 : (request.side == "left" ? 1 : random.integer(0, 1));
    plan.zone = request.zone == "upper" ? 0 : (request.zone == "middle" ? 1 : (request.zone == "lower" ? 2 : -1));
    if (plan.zone < 0)
        plan.zone = random.integer(0, 2);
    plan.variant = random.integer(0, 1);
    const bool device = kind == "endotracheal tube" || kind == "central line" || kind == "pacemaker";
    plan.finding.subtle = !device && kind != "cardiomegaly" && random.chance(subtleFraction);
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

std::vector<Plan> planFindings(DeterministicRandom& random, const ExternalPhantomGenerator::Options& options)
{
    std::vector<PhantomGenerator::FindingRequest> requests = options.findings;
    if (requests.empty()) {
        if (!random.chance(options.normalFraction)) {
            static const std::vector<std::pair<std::string, double>> weights { { "pleural effusion", 1.2 },
                { "consolidation", 1.2 }, { "cardiomegaly", 1.0 }, { "nodule", 0.9 }, { "atelectasis", 0.9 },
                { "pneumothorax", 0.8 }, { "edema", 0.8 }, { "mass", 0.5 } };
            double total = 0.0;
            for (const auto& weight : weights)
                total += weight.second;
            const double roll = random.uniform();
            const int count = roll < 0.6 ? 1 : (roll < 0.88 ? 2 : 3);
            std::vector<std::string> chosen;
            for (int attempt = 0; attempt < 40 && static_cast<int>(chosen.size()) < count; ++attempt) {
                double pick = random.uniform(0.0, total);
                std::string kind = weights.back().first;
                for (const auto& weight : weights) {
                    if (pick < weight.second) {
                        kind = weight.first;
                        break;
                    }
                    pick -= weight.second;
                }
                const bool lesion = kind == "nodule" || kind == "mass";
                const bool clash = std::any_of(chosen.begin(), chosen.end(),
                    [&](const std::string& k) { return k == kind || (lesion && (k == "nodule" || k == "mass")); });
                if (!clash)
                    chosen.push_back(kind);
            }
            for (const auto& kind : chosen)
                requests.push_back({ kind, "", "" });
        }
        if (random.chance(0.12 * options.deviceFraction))
            requests.push_back({ "endotracheal tube", "", "" });
        if (random.chance(0.15 * options.deviceFraction))
            requests.push_back({ "central line", "", "" });
        if (random.chance(0.08 * options.deviceFraction))
            requests.push_back({ "pacemaker", "", "" });
    }
    std::vector<Plan> plans;
    for (const auto& request : requests)
        plans.push_back(planFinding(random, options.subtleFraction, request));
    // One effusion and one pneumothorax per side at most; the image cannot show two on top of each other.
    return plans;
}

/// The drawing surface: density layers that are combined into the line integral at the end.
struct Canvas {
    int width = 0;
    int height = 0;
    std::vector<float> tissue; ///< soft tissue, bone and added finding density
    std::vector<float> air; ///< lung aeration (0..1, deeper in the middle)
    std::vector<float> fill; ///< share of the air replaced by fluid or tissue (0..1)
    std::vector<float> markings; ///< lung markings before aeration is applied
    std::vector<float> devices; ///< radiopaque devices (max-composited)

    Canvas(int w, int h)
        : width(w)
        , height(h)
        , tissue(static_cast<std::size_t>(w) * h, 0.0f)
        , air(tissue.size(), 0.0f)
        , fill(tissue.size(), 0.0f)
        , markings(tissue.size(), 0.0f)
        , devices(tissue.size(), 0.0f)
    {
    }
    std::size_t at(int x, int y) const { return static_cast<std::size_t>(y) * width + x; }
    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
};

struct Rect {
    int x0, y0, x1, y1;
};

Rect clampRect(const Canvas& canvas, double x0, double y0, double x1, double y1)
{
    return { std::clamp(static_cast<int>(std::floor(x0)), 0, canvas.width - 1),
        std::clamp(static_cast<int>(std::floor(y0)), 0, canvas.height - 1),
        std::clamp(static_cast<int>(std::ceil(x1)), 0, canvas.width - 1),
        std::clamp(static_cast<int>(std::ceil(y1)), 0, canvas.height - 1) };
}

double segmentDistance(double px, double py, double ax, double ay, double bx, double by)
{
    const double dx = bx - ax;
    const double dy = by - ay;
    const double length = dx * dx + dy * dy;
    const double t = length > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / length, 0.0, 1.0) : 0.0;
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

struct Point {
    double x = 0.0;
    double y = 0.0;
};

std::vector<Point> bezier(Point a, Point control, Point b, int steps)
{
    std::vector<Point> points;
    for (int i = 0; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        points.push_back({ square(1 - t) * a.x + 2 * (1 - t) * t * control.x + t * t * b.x,
            square(1 - t) * a.y + 2 * (1 - t) * t * control.y + t * t * b.y });
    }
    return points;
}

/// A radiopaque line (tube wall, wire, lead) into the device layer: max-composited so that joints do not add up.
void strokeDevice(Canvas& canvas, const std::vector<Point>& path, double halfWidth, double density, BoxAccumulator* box)
{
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const Point a = path[i];
        const Point b = path[i + 1];
        const Rect r = clampRect(canvas, std::min(a.x, b.x) - halfWidth - 2, std::min(a.y, b.y) - halfWidth - 2,
            std::max(a.x, b.x) + halfWidth + 2, std::max(a.y, b.y) + halfWidth + 2);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x) {
                const double d = segmentDistance(x, y, a.x, a.y, b.x, b.y);
                const double value = density * (1.0 - smoothstep(halfWidth - 0.6, halfWidth + 0.6, d));
                if (value <= 0.0)
                    continue;
                float& target = canvas.devices[canvas.at(x, y)];
                target = std::max(target, static_cast<float>(value));
                if (box && value > 0.3 * density)
                    box->add(x, y);
            }
    }
}

void addSegment(std::vector<float>& layer, const Canvas& canvas, Point a, Point b, double halfWidth, double amount)
{
    const Rect r = clampRect(canvas, std::min(a.x, b.x) - halfWidth - 2, std::min(a.y, b.y) - halfWidth - 2,
        std::max(a.x, b.x) + halfWidth + 2, std::max(a.y, b.y) + halfWidth + 2);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) {
            const double d = segmentDistance(x, y, a.x, a.y, b.x, b.y);
            if (d < halfWidth + 1.0)
                layer[canvas.at(x, y)] += static_cast<float>(amount * (1.0 - smoothstep(0.0, halfWidth + 1.0, d)));
        }
}

void boxBlur(std::vector<float>& data, int width, int height, int radius)
{
    if (radius <= 0)
        return;
    std::vector<float> temporary(data.size());
    const float scale = 1.0f / static_cast<float>(2 * radius + 1);
    for (int y = 0; y < height; ++y) {
        const float* row = &data[static_cast<std::size_t>(y) * width];
        float* out = &temporary[static_cast<std::size_t>(y) * width];
        float sum = 0.0f;
        for (int k = -radius; k <= radius; ++k)
            sum += row[std::clamp(k, 0, width - 1)];
        for (int x = 0; x < width; ++x) {
            out[x] = sum * scale;
            sum += row[std::min(width - 1, x + radius + 1)] - row[std::max(0, x - radius)];
        }
    }
    for (int x = 0; x < width; ++x) {
        float sum = 0.0f;
        for (int k = -radius; k <= radius; ++k)
            sum += temporary[static_cast<std::size_t>(std::clamp(k, 0, height - 1)) * width + x];
        for (int y = 0; y < height; ++y) {
            data[static_cast<std::size_t>(y) * width + x] = sum * scale;
            sum += temporary[static_cast<std::size_t>(std::min(height - 1, y + radius + 1)) * width + x]
                - temporary[static_cast<std::size_t>(std::max(0, y - radius)) * width + x];
        }
    }
}

// 5 x 7 glyphs of the burned-in side marker.
constexpr std::array<const char*, 7> glyphR { "11110", "10001", "10001", "11110", "10100", "10010", "10001" };
constexpr std::array<const char*, 7> glyphL { "10000", "10000", "10000", "10000", "10000", "10000", "11111" };

} // namespace

ExternalPhantomGenerator::ExternalPhantomGenerator()
    : ExternalPhantomGenerator(Options {})
{
}

ExternalPhantomGenerator::ExternalPhantomGenerator(Options options)
    : m_options(std::move(options))
{
    for (const double fraction :
        { m_options.normalFraction, m_options.subtleFraction, m_options.deviceFraction, m_options.monochrome1Fraction })
        if (!(fraction >= 0.0 && fraction <= 1.0))
            throw std::invalid_argument("phantom fractions must lie in 0..1");
    const auto& kinds = PhantomGenerator::findingKinds();
    for (const auto& request : m_options.findings)
        if (std::find(kinds.begin(), kinds.end(), request.kind) == kinds.end())
            throw std::invalid_argument("unknown finding kind '" + request.kind + "'");
}

PhantomCase ExternalPhantomGenerator::generate(std::uint64_t seed, int index) const
{
    // Own streams (a different salt from PhantomGenerator's): anatomy, findings, detector, noise, report. The
    // anatomy and the noise do not depend on the findings, so a finding's effect can be isolated in tests.
    const std::uint64_t imageSeed
        = DeterministicRandom::derivedSeed(seed ^ 0x45787465726E616CULL, static_cast<std::uint64_t>(index));
    DeterministicRandom random(DeterministicRandom::derivedSeed(imageSeed, 10));
    DeterministicRandom findingRandom(DeterministicRandom::derivedSeed(imageSeed, 11));
    DeterministicRandom detectorRandom(DeterministicRandom::derivedSeed(imageSeed, 12));
    DeterministicRandom noiseRandom(DeterministicRandom::derivedSeed(imageSeed, 13));
    DeterministicRandom reportRandom(DeterministicRandom::derivedSeed(imageSeed, 14));

    PhantomCase result;
    result.seed = seed;
    result.index = index;
    int width = detectorRandom.integer(minimumWidth, maximumWidth);
    int height = detectorRandom.integer(minimumHeight, maximumHeight);
    if (std::abs(width - height) < 24)
        height += height < 1100 ? 48 : -48;
    result.width = width;
    result.height = height;
    result.pixelSpacingMm = detectorRandom.uniform(380.0, 440.0) / std::max(width, height);
    static constexpr std::array<int, 4> depths { 10, 12, 14, 16 };
    result.bitsStored = depths[static_cast<std::size_t>(detectorRandom.integer(0, 3))];
    result.monochrome1 = detectorRandom.chance(m_options.monochrome1Fraction);
    const bool female = random.chance(0.5);
    result.sex = female ? "F" : "M";
    result.age = random.integer(18, 95);

    std::vector<Plan> plans = planFindings(findingRandom, m_options);
    const auto planned = [&plans](const std::string& kind) -> Plan* {
        for (auto& plan : plans)
            if (plan.finding.kind == kind)
                return &plan;
        return nullptr;
    };

    // Anatomy, in pixels.
    const double w = width;
    const double h = height;
    const double cx = w * (0.5 + random.uniform(-0.03, 0.03));
    const double halfThorax = w * random.uniform(0.31, 0.37);
    const double apexY = h * random.uniform(0.1, 0.16);
    const double lungHeight = std::min(h * random.uniform(0.5, 0.62), w * random.uniform(0.62, 0.76));
    std::array<Lung, 2> lungs;
    for (int side = 0; side < 2; ++side) {
        Lung& lung = lungs[static_cast<std::size_t>(side)];
        lung.sign = side == 0 ? -1.0 : 1.0;
        lung.medialX = cx + lung.sign * halfThorax * random.uniform(0.08, 0.12);
        lung.lateralX = cx + lung.sign * halfThorax * random.uniform(0.97, 1.02);
        lung.apexY = apexY + h * random.uniform(-0.008, 0.008);
        lung.baseY = apexY + lungHeight * (side == 0 ? random.uniform(0.95, 0.98) : 1.0);
        lung.dome = random.uniform(0.1, 0.16);
        lung.apexU = random.uniform(0.3, 0.4);
    }
    const Plan* cardiomegaly = planned("cardiomegaly");
    const double ratio = cardiomegaly ? cardiomegaly->value : random.uniform(0.4, 0.48);
    Heart heart;
    const double heartWidth = ratio * (lungs[1].lateralX - lungs[0].lateralX);
    heart.rightWidth = 0.4 * heartWidth;
    heart.leftWidth = 0.6 * heartWidth;
    heart.centerX = cx + halfThorax * random.uniform(0.03, 0.08);
    heart.halfHeight = lungHeight * random.uniform(0.19, 0.23) * (cardiomegaly ? 1.1 : 1.0);
    heart.centerY = lungs[1].baseY - lungs[1].dome * lungHeight * 0.85 - heart.halfHeight * 0.92;
    heart.tilt = random.uniform(0.05, 0.2);
    const double tracheaX = cx + w * random.uniform(-0.006, 0.006);
    const double carinaY = apexY + lungHeight * random.uniform(0.27, 0.33);
    const std::array<Point, 2> hila { Point { cx - halfThorax * 0.3, apexY + lungHeight * 0.42 },
        Point { cx + halfThorax * 0.32, apexY + lungHeight * 0.4 } };
    const double airStrength = random.uniform(0.44, 0.54);
    const double bodyHalfWidth = halfThorax * random.uniform(1.12, 1.22);
    const double shoulderY = apexY - h * random.uniform(0.02, 0.05);
    const double neckHalfWidth = halfThorax * random.uniform(0.28, 0.36);

    ValueNoise mottle(random, 12, 14, width, height);
    ValueNoise fine(random, 60, 70, width, height);
    ValueNoise phase(random, 20, 24, width, height);
    Canvas canvas(width, height);

    // The diaphragm line per column (for the abdomen's density).
    std::vector<double> diaphragm(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x) {
        double y = std::min(lungs[0].baseY, lungs[1].baseY) - 0.08 * lungHeight;
        for (const Lung& lung : lungs) {
            const double u = lung.u(x);
            if (u >= 0.0)
                y = lung.y(lung.floorT(std::min(u, 1.0)));
        }
        diaphragm[static_cast<std::size_t>(x)] = y;
    }

    // Soft tissue: a superellipse body section widening below the neck, the abdomen below the diaphragm, breasts.
    for (int y = 0; y < height; ++y) {
        const double halfWidth = neckHalfWidth
            + (bodyHalfWidth - neckHalfWidth) * smoothstep(shoulderY - 0.1 * h, shoulderY + 0.04 * h, y);
        for (int x = 0; x < width; ++x) {
            const double v = std::abs(x - cx) / halfWidth;
            if (v >= 1.0)
                continue;
            double body = 0.95 * std::pow(1.0 - v * v, 0.4) * (1.0 + 0.05 * mottle.at(x, y));
            body += 0.1 * smoothstep(-0.01 * h, 0.05 * h, y - diaphragm[static_cast<std::size_t>(x)]) * (1.0 - v * v);
            if (female) {
                for (int side = 0; side < 2; ++side) {
                    const double bx = cx + (side == 0 ? -1 : 1) * halfThorax * 0.55;
                    const double by = lungs[1].baseY - 0.1 * lungHeight;
                    const double r = square((x - bx) / (0.38 * halfThorax)) + square((y - by) / (0.17 * lungHeight));
                    if (r < 1.0)
                        body += 0.1 * std::sqrt(1.0 - r) * (y > by ? 1.0 : 0.5);
                }
            }
            canvas.tissue[canvas.at(x, y)] = static_cast<float>(body);
        }
    }

    // Lungs: aeration with soft pleural edges; the heart and aortic knob replace air medially.
    const Point knob { cx + halfThorax * 0.1, apexY + lungHeight * 0.22 };
    const double knobRadius = halfThorax * 0.09;
    for (const Lung& lung : lungs) {
        const Rect r = clampRect(canvas, std::min(lung.medialX, lung.lateralX) - 4, lung.apexY - 4,
            std::max(lung.medialX, lung.lateralX) + 4, lung.baseY + 4);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x) {
                const double sd = lung.distance(x, y);
                if (sd < -3.0)
                    continue;
                const double soft = std::max(3.0, 0.012 * lung.width());
                double mask = smoothstep(-1.5, soft, sd);
                mask *= 1.0 - 0.92 * smoothstep(-3.0, soft, heart.distance(x, y));
                mask *= 1.0 - 0.85 * smoothstep(-2.0, soft, knobRadius - std::hypot(x - knob.x, y - knob.y));
                const double depth = 0.5 + 0.5 * std::sqrt(std::clamp(sd / (0.3 * lung.width()), 0.0, 1.0));
                const std::size_t p = canvas.at(x, y);
                canvas.air[p] = std::max(canvas.air[p], static_cast<float>(mask * depth));
                // Streaky markings converging on the hilum, fading to the periphery.
                const Point& hilum = hila[lung.sign < 0 ? 0 : 1];
                const double dx = x - hilum.x;
                const double dy = y - hilum.y;
                const double radial = std::hypot(dx, dy) / lung.width();
                const double angle = std::atan2(dy, dx);
                const double wobble = phase.at(x, y);
                double streak
                    = 0.5 + 0.5 * std::sin(angle * (34.0 + 8.0 * wobble) + 9.0 * wobble + 20.0 * radial * wobble);
                streak *= streak;
                streak *= streak * (0.6 + 0.4 * fine.at(x * 0.5, y * 0.5));
                const double marking = (0.06 * streak + 0.03 * (fine.at(x, y) + 1.0)) * std::exp(-1.8 * radial);
                canvas.markings[p] = static_cast<float>(marking);
            }
    }

    // Hila and the heart's own density; trachea and main bronchi as air columns.
    for (int side = 0; side < 2; ++side) {
        const Point& hilum = hila[static_cast<std::size_t>(side)];
        const double radius = halfThorax * 0.13;
        const Rect r
            = clampRect(canvas, hilum.x - 2 * radius, hilum.y - 2 * radius, hilum.x + 2 * radius, hilum.y + 2 * radius);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x)
                canvas.tissue[canvas.at(x, y)] += static_cast<float>(
                    0.1 * std::exp(-(square(x - hilum.x) + square(y - hilum.y)) / square(radius)));
    }
    {
        const Rect r = clampRect(canvas, heart.centerX - heart.rightWidth - heart.halfHeight - 4,
            heart.centerY - heart.halfHeight - 4, heart.centerX + heart.leftWidth + heart.halfHeight + 4,
            heart.centerY + heart.halfHeight + 4);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x)
                canvas.tissue[canvas.at(x, y)] += static_cast<float>(0.05 * smoothstep(-2.0, 10.0, heart.distance(x, y))
                    * (1.0 - smoothstep(-6.0, 6.0, y - diaphragm[static_cast<std::size_t>(x)])));
    }
    const double tracheaHalf = halfThorax * 0.055;
    addSegment(canvas.tissue, canvas, { tracheaX, 0.0 }, { tracheaX + 0.01 * w, carinaY }, tracheaHalf, -0.16);
    addSegment(canvas.tissue, canvas, { tracheaX + 0.01 * w, carinaY },
        { hila[0].x + halfThorax * 0.08, hila[0].y - lungHeight * 0.02 }, tracheaHalf * 0.7, -0.1);
    addSegment(canvas.tissue, canvas, { tracheaX + 0.01 * w, carinaY },
        { hila[1].x - halfThorax * 0.1, hila[1].y - lungHeight * 0.01 }, tracheaHalf * 0.65, -0.1);

    // Bones: the spine with vertebral bodies, clavicles, posterior ribs as sinusoidal arcs, faint anterior ribs.
    {
        const double spineHalf = halfThorax * random.uniform(0.09, 0.11);
        const double period = lungHeight * random.uniform(0.085, 0.1);
        const Rect r = clampRect(canvas, cx - spineHalf, 0, cx + spineHalf, h - 1);
        for (int y = r.y0; y <= r.y1; ++y) {
            const double body = 0.8 + 0.2 * std::cos(2.0 * pi * (y - apexY) / period);
            for (int x = r.x0; x <= r.x1; ++x) {
                const double v = (x - cx) / spineHalf;
                if (std::abs(v) < 1.0)
                    canvas.tissue[canvas.at(x, y)] += static_cast<float>(0.1 * std::sqrt(1.0 - v * v) * body);
            }
        }
    }
    // A rib, clavicle or other bar: x runs linearly from `from` to `to`; its centre line is y(f), f in 0..1.
    const auto rib = [&canvas, &diaphragm, h](double from, double to, const std::function<double(double)>& centre,
                         double thickness, double density) {
        const int x0 = static_cast<int>(std::round(std::min(from, to)));
        const int x1 = static_cast<int>(std::round(std::max(from, to)));
        for (int x = std::max(0, x0); x <= std::min(canvas.width - 1, x1); ++x) {
            const double f = (x - from) / (to - from);
            const double taper = smoothstep(0.0, 0.06, f) * (1.0 - smoothstep(0.94, 1.0, f));
            const double yc = centre(f);
            const double below
                = 1.0 - 0.8 * smoothstep(-0.01 * h, 0.05 * h, yc - diaphragm[static_cast<std::size_t>(x)]);
            const double local = thickness * (0.85 + 0.3 * f);
            for (int y = static_cast<int>(yc - local) - 1; y <= static_cast<int>(yc + local) + 1; ++y) {
                if (!canvas.inside(x, y))
                    continue;
                const double q = (y - yc) / local;
                if (std::abs(q) >= 1.0)
                    continue;
                // Brighter cortex at both edges.
                const double profile = (0.5 + 0.5 * q * q) * std::sqrt(1.0 - q * q);
                canvas.tissue[canvas.at(x, y)] += static_cast<float>(density * profile * taper * below);
            }
        }
    };
    for (const Lung& lung : lungs) {
        const double s = lung.sign;
        const double spineX = cx + s * halfThorax * 0.08;
        const double reachX = cx + s * halfThorax * 1.04;
        for (int k = 0; k < 10; ++k) {
            const double y0 = apexY - 0.05 * lungHeight + k * 0.092 * lungHeight;
            const double arch = lungHeight * (0.05 + 0.004 * k);
            const double drop = lungHeight * (0.1 + 0.012 * k);
            rib(
                spineX, reachX,
                [=](double f) { return y0 - arch * std::sin(pi * std::min(1.0, f * 1.15)) + drop * f * f; },
                lungHeight * 0.016, 0.16);
        }
        for (int k = 0; k < 6; ++k) {
            const double y0 = apexY + 0.08 * lungHeight + k * 0.105 * lungHeight;
            rib(
                cx + s * halfThorax * 0.3, cx + s * halfThorax,
                [=](double f) {
                    const double g = 0.3 + 0.7 * f;
                    return y0 + 0.14 * lungHeight * (1.0 - g) + 0.02 * lungHeight * std::sin(pi * g);
                },
                lungHeight * 0.012, 0.06);
        }
        rib(
            cx + s * halfThorax * 0.1, cx + s * halfThorax * 0.9,
            [=](double f) {
                return apexY + 0.03 * lungHeight - 0.07 * lungHeight * f + 0.02 * lungHeight * std::sin(2 * pi * f);
            },
            lungHeight * 0.02, 0.2);
    }

    // Findings.
    for (Plan& plan : plans) {
        const std::string& kind = plan.finding.kind;
        const Lung& lung = lungs[static_cast<std::size_t>(plan.side)];
        const double strength = plan.strength;
        BoxAccumulator box;
        const Rect lungRect = clampRect(canvas, std::min(lung.medialX, lung.lateralX) - 3, lung.apexY - 3,
            std::max(lung.medialX, lung.lateralX) + 3, lung.baseY + 3);
        if (kind == "cardiomegaly") {
            const Rect r = clampRect(canvas, heart.centerX - heart.rightWidth - heart.halfHeight,
                heart.centerY - heart.halfHeight, heart.centerX + heart.leftWidth + heart.halfHeight,
                heart.centerY + heart.halfHeight);
            for (int y = r.y0; y <= r.y1; ++y)
                for (int x = r.x0; x <= r.x1; ++x)
                    if (heart.distance(x, y) > 0.0)
                        box.add(x, y);
        } else if (kind == "pleural effusion") {
            // A meniscus climbing laterally, with an exponential upper edge, filling the costophrenic recess.
            const double level = lung.baseY - plan.value * lung.height();
            const double meniscus = lung.height() * findingRandom.uniform(0.05, 0.1);
            const double edge = lung.height() * findingRandom.uniform(0.02, 0.035);
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
                    const std::size_t p = canvas.at(x, y);
                    canvas.fill[p] = std::max(canvas.fill[p], static_cast<float>(0.9 * amount));
                    canvas.tissue[p] += static_cast<float>(0.06 * amount);
                    if (amount > 0.3 * strength)
                        box.add(x, y);
                }
        } else if (kind == "pneumothorax") {
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
                    const std::size_t p = canvas.at(x, y);
                    const double line = std::exp(-square((sd - local) / 1.1));
                    canvas.tissue[p] += static_cast<float>(0.13 * strength * line);
                    if (sd < local) {
                        canvas.markings[p] *= static_cast<float>(1.0 - strength);
                        canvas.tissue[p] -= static_cast<float>(0.26 * strength);
                        box.add(x, y);
                    } else {
                        canvas.tissue[p]
                            += static_cast<float>(0.015 * strength * std::exp(-(sd - local) / (0.1 * lung.width())));
                    }
                }
            }
        } else if (kind == "nodule" || kind == "mass") {
            const double radius = plan.value / 2.0 / result.pixelSpacingMm;
            const double tc = plan.zone == 0 ? 0.25 : (plan.zone == 1 ? 0.5 : 0.72);
            const double uc = plan.zone == 2 && plan.side == 1 ? findingRandom.uniform(0.62, 0.75)
                                                               : findingRandom.uniform(0.45, 0.68);
            Point centre { lung.x(uc), lung.y(tc) };
            const std::array<double, 4> lobes { findingRandom.uniform(0.05, 0.15), findingRandom.uniform(0.0, 2 * pi),
                findingRandom.uniform(0.03, 0.1), findingRandom.uniform(0.0, 2 * pi) };
            const bool spiculated = plan.variant == 1;
            const int spikes = findingRandom.integer(7, 13);
            const double spikePhase = findingRandom.uniform(0.0, 2 * pi);
            const double plateau = kind == "mass" ? 0.5 : 0.42;
            const double extent = radius * (spiculated ? 1.5 : 1.25) + 3;
            const Rect r
                = clampRect(canvas, centre.x - extent, centre.y - extent, centre.x + extent, centre.y + extent);
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
                    const std::size_t p = canvas.at(x, y);
                    canvas.fill[p] = std::max(canvas.fill[p], static_cast<float>(plateau * strength * value));
                    canvas.tissue[p] += static_cast<float>(0.1 * strength * value);
                    if (value > 0.3)
                        box.add(x, y);
                }
        } else if (kind == "consolidation") {
            // A textured blob of overlapping lobules with air bronchograms, confined to the lung.
            const double tc = plan.zone == 0 ? 0.26 : (plan.zone == 1 ? 0.52 : 0.74);
            const double uc = plan.zone == 2 && plan.side == 1 ? 0.68 : 0.58;
            const Point centre { lung.x(uc), lung.y(tc) };
            const double scale = lung.width() * 0.2;
            std::vector<std::array<double, 3>> lobules;
            for (int i = 0; i < 7; ++i)
                lobules.push_back({ centre.x + findingRandom.normal(0.0, 0.55) * scale,
                    centre.y + findingRandom.normal(0.0, 0.45) * scale, scale * findingRandom.uniform(0.45, 0.75) });
            std::vector<std::array<Point, 2>> bronchi;
            for (int i = 0; i < 3; ++i) {
                const double angle = findingRandom.uniform(0.0, 2 * pi);
                const Point a { centre.x + std::cos(angle) * scale * 0.2, centre.y + std::sin(angle) * scale * 0.2 };
                const Point b { a.x + std::cos(angle + 0.3) * scale * 1.1, a.y + std::sin(angle + 0.3) * scale * 1.1 };
                bronchi.push_back({ a, b });
            }
            const Rect r = clampRect(
                canvas, centre.x - 2.6 * scale, centre.y - 2.4 * scale, centre.x + 2.6 * scale, centre.y + 2.4 * scale);
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
                                        segmentDistance(
                                            x, y, bronchus[0].x, bronchus[0].y, bronchus[1].x, bronchus[1].y)));
                    const std::size_t p = canvas.at(x, y);
                    canvas.fill[p] = std::max(canvas.fill[p], static_cast<float>(0.62 * strength * value));
                    canvas.tissue[p] += static_cast<float>(0.05 * strength * value);
                    if (value > 0.3)
                        box.add(x, y);
                }
        } else if (kind == "edema") {
            // Bat-wing perihilar haze with short septal lines at the lateral bases; one box per lung.
            for (int side = 0; side < 2; ++side) {
                const Lung& each = lungs[static_cast<std::size_t>(side)];
                const Point& hilum = hila[static_cast<std::size_t>(side)];
                BoxAccumulator sideBox;
                const double sigma = each.width() * 0.38;
                const Rect r = clampRect(canvas, std::min(each.medialX, each.lateralX), each.apexY,
                    std::max(each.medialX, each.lateralX), each.baseY);
                for (int y = r.y0; y <= r.y1; ++y)
                    for (int x = r.x0; x <= r.x1; ++x) {
                        const double sd = each.distance(x, y);
                        if (sd < 0.0)
                            continue;
                        const double haze
                            = std::exp(-(square(x - hilum.x) + square((y - hilum.y) * 1.2)) / square(sigma))
                            * (0.85 + 0.15 * mottle.at(x * 3.0, y * 3.0));
                        const double value = plan.value * strength * haze * smoothstep(0.0, 4.0, sd);
                        const std::size_t p = canvas.at(x, y);
                        canvas.fill[p] = std::max(canvas.fill[p], static_cast<float>(0.42 * value));
                        if (haze > 0.45)
                            sideBox.add(x, y);
                    }
                for (int line = 0; line < 5; ++line) {
                    const double t = 0.72 + 0.045 * line;
                    const double yl = each.y(t);
                    const double xe = each.x(0.97);
                    addSegment(canvas.tissue, canvas, { xe, yl }, { xe - each.sign * each.width() * 0.08, yl + 1.0 },
                        0.8, 0.06 * plan.value * strength);
                }
                if (!sideBox.empty())
                    plan.finding.boxes.push_back(sideBox.box());
            }
        } else if (kind == "atelectasis") {
            // A thin, slightly tilted band (plate-like) with tapered ends.
            const double tc = plan.zone == 2 ? findingRandom.uniform(0.75, 0.83) : findingRandom.uniform(0.5, 0.6);
            const double u0 = 0.25;
            const double u1 = plan.side == 1 && plan.zone == 2 ? 0.9 : 0.8;
            const double tilt = findingRandom.uniform(-0.05, 0.05) * lung.height();
            const double thickness = lung.height() * findingRandom.uniform(0.009, 0.014);
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
                    const std::size_t p = canvas.at(x, y);
                    canvas.fill[p] = std::max(canvas.fill[p], static_cast<float>(0.8 * strength * band));
                    if (band > 0.3)
                        box.add(x, y);
                }
        } else if (kind == "endotracheal tube") {
            // Two walls with a radiolucent lumen and a radiopaque stripe; the tip above the carina.
            const double tipY = carinaY - plan.value * lungHeight;
            const double radius = std::max(3.0, halfThorax * 0.028);
            const double x0 = tracheaX + 0.01 * w * (tipY / carinaY);
            for (const double offset : { -radius, radius })
                strokeDevice(canvas, { { tracheaX + offset, 0.0 }, { x0 + offset, tipY } }, 1.1, 0.28, &box);
            strokeDevice(canvas, { { tracheaX - radius * 0.4, 0.0 }, { x0 - radius * 0.4, tipY } }, 0.9, 0.55, &box);
            char text[32];
            std::snprintf(text, sizeof text, "%.1f cm", (carinaY - tipY) * result.pixelSpacingMm / 10.0);
            plan.finding.size = text;
        } else if (kind == "central line") {
            const double s = plan.side == 0 ? -1.0 : 1.0;
            const Point tip { cx - halfThorax * 0.1, carinaY + lungHeight * findingRandom.uniform(0.02, 0.1) };
            std::vector<Point> path;
            if (plan.finding.location == "internal jugular") {
                const Point start { cx + s * neckHalfWidth * 0.6, 0.0 };
                path = bezier(start, { cx + s * halfThorax * 0.2, apexY + lungHeight * 0.05 }, tip, 40);
            } else if (plan.finding.location == "subclavian") {
                const Point start { cx + s * halfThorax * 0.75, apexY + lungHeight * 0.02 };
                path = bezier(start, { cx + s * halfThorax * 0.15, apexY - lungHeight * 0.02 }, tip, 40);
            } else {
                const Point start { s < 0 ? 0.0 : w - 1.0, apexY + lungHeight * 0.08 };
                path = bezier(start, { cx + s * halfThorax * 0.5, apexY - lungHeight * 0.05 }, tip, 60);
            }
            strokeDevice(canvas, path, plan.finding.location == "PICC" ? 1.0 : 1.5, 0.45, &box);
        } else if (kind == "pacemaker") {
            const double s = plan.side == 0 ? -1.0 : 1.0;
            const Point can { cx + s * halfThorax * 0.62, apexY + lungHeight * 0.1 };
            const double halfX = w * 0.035;
            const double halfY = h * 0.024;
            const Rect r
                = clampRect(canvas, can.x - halfX - 2, can.y - halfY - 2, can.x + halfX + 2, can.y + halfY + 2);
            for (int y = r.y0; y <= r.y1; ++y)
                for (int x = r.x0; x <= r.x1; ++x) {
                    // A rounded rectangle (superellipse of order 6).
                    const double q
                        = std::pow(std::abs(x - can.x) / halfX, 6.0) + std::pow(std::abs(y - can.y) / halfY, 6.0);
                    const double value = 1.6 * (1.0 - smoothstep(0.8, 1.0, q));
                    if (value <= 0.0)
                        continue;
                    float& target = canvas.devices[canvas.at(x, y)];
                    target = std::max(target, static_cast<float>(value));
                    if (value > 0.5)
                        box.add(x, y);
                }
            const Point atrium { heart.centerX - heart.rightWidth * 0.55, heart.centerY - heart.halfHeight * 0.45 };
            const Point ventricle { heart.centerX + heart.leftWidth * 0.25, heart.centerY + heart.halfHeight * 0.55 };
            const Point entry { cx - halfThorax * 0.08, carinaY };
            auto lead = bezier(can, { cx + s * halfThorax * 0.2, apexY }, entry, 30);
            auto tail = bezier(entry, { atrium.x, atrium.y + heart.halfHeight * 0.6 }, ventricle, 30);
            lead.insert(lead.end(), tail.begin() + 1, tail.end());
            strokeDevice(canvas, lead, 1.4, 0.7, &box);
            if (plan.value > 1.5) {
                auto atrial = bezier(can, { cx + s * halfThorax * 0.25, apexY + lungHeight * 0.04 }, entry, 30);
                auto end = bezier(entry, { atrium.x - 6.0, entry.y }, atrium, 20);
                atrial.insert(atrial.end(), end.begin() + 1, end.end());
                strokeDevice(canvas, atrial, 1.3, 0.7, &box);
            }
        }
        if (!box.empty())
            plan.finding.boxes.push_back(box.box());
    }

    // The line integral, then the detector: blur (MTF), gamma, correlated and white noise, collimation, marker.
    std::vector<float> density(canvas.tissue.size());
    for (std::size_t p = 0; p < density.size(); ++p) {
        const double aerated = canvas.air[p] * (1.0 - std::min(1.0f, canvas.fill[p]));
        density[p] = static_cast<float>(
            canvas.tissue[p] - airStrength * aerated + canvas.markings[p] * aerated * 1.6 + canvas.devices[p]);
    }
    const int blurRadius = detectorRandom.integer(1, 2);
    boxBlur(density, width, height, blurRadius);
    if (detectorRandom.chance(0.6))
        boxBlur(density, width, height, 1);

    const double maximum = (1 << result.bitsStored) - 1;
    const double range = maximum * detectorRandom.uniform(0.74, 0.9);
    const double pedestal = maximum * detectorRandom.uniform(0.02, 0.06);
    const double gamma = detectorRandom.uniform(0.75, 1.3);
    const double low = -0.05;
    const double high = detectorRandom.uniform(1.75, 2.0);
    const double whiteNoise = detectorRandom.uniform(0.004, 0.01);
    const double grainNoise = detectorRandom.uniform(0.003, 0.009);
    const auto mapDensity = [&](double d) { return std::pow(std::clamp((d - low) / (high - low), 0.0, 1.0), gamma); };

    // Correlated noise on a half-resolution grid.
    const int grainWidth = width / 2 + 2;
    const int grainHeight = height / 2 + 2;
    std::vector<float> grain(static_cast<std::size_t>(grainWidth) * grainHeight);
    for (auto& value : grain)
        value = static_cast<float>(noiseRandom.fastNormal());
    result.pixels.resize(density.size());
    for (int y = 0; y < height; ++y) {
        const int gy = y / 2;
        const double fy = (y % 2) * 0.5;
        for (int x = 0; x < width; ++x) {
            const int gx = x / 2;
            const double fx = (x % 2) * 0.5;
            const auto g = [&](int ix, int iy) { return grain[static_cast<std::size_t>(iy) * grainWidth + ix]; };
            const double correlated = (g(gx, gy) * (1 - fx) + g(gx + 1, gy) * fx) * (1 - fy)
                + (g(gx, gy + 1) * (1 - fx) + g(gx + 1, gy + 1) * fx) * fy;
            const std::size_t p = static_cast<std::size_t>(y) * width + x;
            const double out = mapDensity(density[p]);
            const double sigma = 0.6 + 0.8 * out;
            const double value = pedestal
                + range * (out + sigma * (whiteNoise * noiseRandom.fastNormal() + grainNoise * 1.4 * correlated));
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(std::round(value), 0.0, maximum));
        }
    }

    // Collimation: unexposed (bright) margins with a slightly soft edge.
    const double left = w * detectorRandom.uniform(0.0, 0.05);
    const double right = w * (1.0 - detectorRandom.uniform(0.0, 0.05));
    const double top = h * detectorRandom.uniform(0.0, 0.04);
    const double bottom = h * (1.0 - detectorRandom.uniform(0.0, 0.05));
    const double shutter = pedestal + range * detectorRandom.uniform(0.82, 0.95);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double inside = std::min({ x - left, right - x, y - top, bottom - y });
            const double blend = 1.0 - smoothstep(-1.5, 1.5, inside);
            if (blend <= 0.0)
                continue;
            const std::size_t p = static_cast<std::size_t>(y) * width + x;
            const double value = result.pixels[p] * (1.0 - blend) + shutter * blend;
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(std::round(value), 0.0, maximum));
        }

    // The burned-in lead marker: "R" at the image's left (the patient's right) or "L" at its right, in a box.
    if (detectorRandom.chance(0.8)) {
        const bool rightMarker = detectorRandom.chance(0.6);
        const auto& glyph = rightMarker ? glyphR : glyphL;
        const int cell = std::max(3, static_cast<int>(h * 0.0055));
        const int boxWidth = 7 * cell;
        const int boxHeight = 9 * cell;
        const int x0 = rightMarker ? static_cast<int>(left + w * 0.03) : static_cast<int>(right - w * 0.03) - boxWidth;
        const int y0 = static_cast<int>(top + h * 0.025);
        const double bright = pedestal + range * 0.98;
        const double plate = pedestal + range * 0.3;
        for (int y = 0; y < boxHeight; ++y)
            for (int x = 0; x < boxWidth; ++x) {
                const int px = x0 + x;
                const int py = y0 + y;
                if (px < 0 || py < 0 || px >= width || py >= height)
                    continue;
                const bool border = x < cell / 2 + 1 || y < cell / 2 + 1 || x >= boxWidth - cell / 2 - 1
                    || y >= boxHeight - cell / 2 - 1;
                const int gx = x / cell - 1;
                const int gy = y / cell - 1;
                const bool ink
                    = gx >= 0 && gx < 5 && gy >= 0 && gy < 7 && glyph[static_cast<std::size_t>(gy)][gx] == '1';
                result.pixels[static_cast<std::size_t>(py) * width + px]
                    = static_cast<std::uint16_t>(std::clamp(border || ink ? bright : plate, 0.0, maximum));
            }
    }

    // The default window: aerated lung to mediastinum.
    const double windowLow = pedestal + range * mapDensity(0.02);
    const double windowHigh = pedestal + range * mapDensity(1.3);
    result.windowCenter = std::round((windowLow + windowHigh) / 2);
    result.windowWidth = std::max(2.0, std::round(windowHigh - windowLow));

    for (Plan& plan : plans)
        result.findings.push_back(plan.finding);
    ExternalReportWriter().write(result, reportRandom);
    return result;
}

} // namespace lrclr
