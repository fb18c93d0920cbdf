#include "training/PhantomGenerator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "training/DeterministicRandom.h"
#include "training/DomainRandomization.h"
#include "training/PhantomReportWriter.h"

namespace lrclr {

namespace {

// Units: the anatomy is laid out in a canonical frame (u right, v down, both 0..1 over the field of view) and placed
// into the image with a small rotation, zoom and shift (patient position jitter). Attenuation is a dimensionless
// line integral "mu": outside the body 0, through aerated lung about 1, through mediastinum/abdomen about 2.5.

constexpr double pi = std::numbers::pi;

double clamp01(double value)
{
    return value < 0.0 ? 0.0 : (value > 1.0 ? 1.0 : value);
}

// A linear ramp from 0 to 1 across a band of `width` centred on d = 0: anti-aliased, cheaper than smoothstep.
double soft(double distance, double width)
{
    return clamp01(0.5 + distance / width);
}

struct Point {
    double x = 0.0;
    double y = 0.0;
};

// Tracks the pixels where one finding actually shows, so that ground-truth boxes are what was drawn.
struct BoxTracker {
    int minX = std::numeric_limits<int>::max();
    int minY = std::numeric_limits<int>::max();
    int maxX = -1;
    int maxY = -1;
    void add(int x, int y)
    {
        minX = std::min(minX, x);
        minY = std::min(minY, y);
        maxX = std::max(maxX, x);
        maxY = std::max(maxY, y);
    }
    void add(const BoxTracker& other)
    {
        if (!other.empty()) {
            add(other.minX, other.minY);
            add(other.maxX, other.maxY);
        }
    }
    bool empty() const { return maxX < 0; }
    PhantomCase::Box box() const
    {
        return { static_cast<double>(minX), static_cast<double>(minY), static_cast<double>(maxX - minX + 1),
            static_cast<double>(maxY - minY + 1) };
    }
};

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

struct Lung {
    double sign = -1.0; // -1: the patient's right lung (image left), +1: left lung
    double apexV = 0.12;
    double apexOffset = 0.15; // distances from the midline, canonical units
    double lateralOffset = 0.40;
    double medialOffset = 0.04;
    double costophrenicV = 0.83;
    double domeV = 0.69;
    double domeOffset = 0.20;
    double cardiophrenicV = 0.73;
    double depth = 1.7;
};

// sqrt(sin(x * pi / 2)) on 0..1, tabulated: the widening of the body from the neck over the shoulders, evaluated
// for every pixel.
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

// Per-pixel geometry of one lung at a canonical point.
struct LungSample {
    double presence = 0.0; // 0..1 inside the lung envelope
    double depth = 0.0; // air thickness
    double t = 0.0; // 0 at the apex, 1 at the costophrenic angle
    double lateralDistance = 0.0;
    double topDistance = 0.0;
    double medial = 0.0;
    double lateral = 0.0;
};

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

LungSample sampleLung(const Lung& lung, double a, double v, double edge)
{
    LungSample sample;
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

enum class Profile {
    Round, // a cylinder seen side-on (vessels)
    Cortical, // a tube of bone: brighter edges (ribs, clavicles)
    Flat, // a plate or a wire
    Tube, // a plastic tube: thin walls
};

double profileValue(Profile profile, double r) // r = distance / half-width, 0..1
{
    switch (profile) {
    case Profile::Round:
        return std::sqrt(std::max(0.0, 1.0 - r * r));
    case Profile::Cortical:
        return 0.55 + 0.45 * r * r * r * r;
    case Profile::Flat:
        return 1.0;
    case Profile::Tube:
        return 0.25 + 0.75 * std::pow(r, 8);
    }
    return 1.0;
}

// The raster buffers of one phantom and the drawing primitives.
class Canvas {
public:
    explicit Canvas(int size)
        : size(size)
        , count(static_cast<std::size_t>(size) * size)
        , tissue(count, 0.0f)
        , air(count, 0.0f)
        , lungPresence(count, 0.0f)
        , fill(count, 0.0f)
        , extra(count, 0.0f)
        , vessels(count, 0.0f)
        , best(count, 0.0f)
        , stamp(count, 0)
    {
    }

    enum class Combine { Add, Max };

    // Draws a polyline of width 2 * halfWidth into `target`. Overlapping segments of one polyline count once
    // (nearest distance wins), so joints do not double up. Returns nothing; marks pixels above `trackAbove` in
    // `tracker`. `modulate`, when given, scales each pixel's value (e.g. air bronchograms only inside opacity).
    void band(const std::vector<Point>& points, double halfWidth, double amplitude, Profile profile,
        std::vector<float>& target, Combine combine = Combine::Add, BoxTracker* tracker = nullptr,
        double trackAbove = 0.0, const std::vector<float>* modulate = nullptr)
    {
        if (points.size() < 2 || halfWidth <= 0.0)
            return;
        ++currentStamp;
        touched.clear();
        const double reach = halfWidth + 1.0;
        for (std::size_t i = 0; i + 1 < points.size(); ++i) {
            const Point a = points[i];
            const Point b = points[i + 1];
            const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
            const int x1 = std::min(size - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
            const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
            const int y1 = std::min(size - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
            const double dx = b.x - a.x;
            const double dy = b.y - a.y;
            const double lengthSquared = dx * dx + dy * dy;
            for (int y = y0; y <= y1; ++y) {
                for (int x = x0; x <= x1; ++x) {
                    const double px = x - a.x;
                    const double py = y - a.y;
                    double along = lengthSquared > 0.0 ? (px * dx + py * dy) / lengthSquared : 0.0;
                    along = clamp01(along);
                    const double ex = px - along * dx;
                    const double ey = py - along * dy;
                    const float distance = static_cast<float>(std::sqrt(ex * ex + ey * ey));
                    if (distance > reach)
                        continue;
                    const std::size_t p = static_cast<std::size_t>(y) * size + x;
                    if (stamp[p] != currentStamp) {
                        stamp[p] = currentStamp;
                        best[p] = distance;
                        touched.push_back(p);
                    } else if (distance < best[p]) {
                        best[p] = distance;
                    }
                }
            }
        }
        for (const std::size_t p : touched) {
            const double d = best[p];
            // Anti-aliased edge over one pixel.
            const double coverage = clamp01(halfWidth + 0.5 - d);
            if (coverage <= 0.0)
                continue;
            double value = amplitude * coverage * profileValue(profile, std::min(1.0, d / halfWidth));
            if (modulate)
                value *= (*modulate)[p];
            if (combine == Combine::Add)
                target[p] += static_cast<float>(value);
            else
                target[p] = std::max(target[p], static_cast<float>(value));
            if (tracker && std::abs(value) > trackAbove)
                tracker->add(static_cast<int>(p % size), static_cast<int>(p / size));
        }
    }

    int size;
    std::size_t count;
    std::vector<float> tissue; // soft tissue and bone-free body thickness
    std::vector<float> air; // lung air thickness (heart and mediastinum already excluded)
    std::vector<float> lungPresence; // 0..1 lung envelope (for masking vessels and findings)
    std::vector<float> fill; // 0..1 share of the air replaced by fluid/tissue (effusion, consolidation, ...)
    std::vector<float> extra; // additive attenuation: bones, nodules, devices, lines
    std::vector<float> vessels; // pulmonary vessels, shown only where there is aerated lung
    std::vector<float> pneumothorax; // 0..1 pleural air without lung (allocated when needed)

private:
    std::vector<float> best;
    std::vector<int> stamp;
    std::vector<std::size_t> touched;
    int currentStamp = 0;
};

std::vector<Point> quadraticBezier(Point a, Point control, Point b, int steps)
{
    std::vector<Point> points;
    points.reserve(static_cast<std::size_t>(steps) + 1);
    for (int i = 0; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        const double s = 1.0 - t;
        points.push_back(
            { s * s * a.x + 2 * s * t * control.x + t * t * b.x, s * s * a.y + 2 * s * t * control.y + t * t * b.y });
    }
    return points;
}

// A finding planned before drawing; drawing fills in its boxes.
struct PlannedFinding {
    PhantomCase::Finding finding;
    int side = 0; // 0 right, 1 left
    std::string zone; // upper, middle, lower
    double strength = 1.0; // 1 normal, about 0.45 when subtle
    double sizeValue = 0.0;
};

struct Anatomy {
    double size = 512;
    double zoom = 1.0;
    double rotation = 0.0;
    double cosR = 1.0;
    double sinR = 0.0;
    double shiftX = 0.0;
    double shiftY = 0.0;

    std::array<Lung, 2> lungs;
    double bodyHalfWidth = 0.47;
    double bodyThickness = 2.4;
    double heartCenterU = 0.56;
    double heartCenterV = 0.61;
    double heartHalfWidth = 0.17;
    double mediastinumHalfWidth = 0.06;
    double aorticKnobU = 0.565;
    double aorticKnobV = 0.30;
    double aorticKnobRadius = 0.035;
    double trachealShift = 0.0;
    double carinaV = 0.38;
    double spineShift = 0.0;
    bool female = false;
    double breastSize = 1.0;
    std::array<Point, 2> hila; // canonical

    Point toImage(double u, double v) const
    {
        const double dx = (u - 0.5) * size * zoom;
        const double dy = (v - 0.5) * size * zoom;
        return { size / 2 + cosR * dx - sinR * dy + shiftX, size / 2 + sinR * dx + cosR * dy + shiftY };
    }
    Point toCanonical(double x, double y) const
    {
        const double dx = x - size / 2 - shiftX;
        const double dy = y - size / 2 - shiftY;
        return { 0.5 + (cosR * dx + sinR * dy) / (size * zoom), 0.5 + (-sinR * dx + cosR * dy) / (size * zoom) };
    }
    std::vector<Point> toImage(const std::vector<Point>& canonical) const
    {
        std::vector<Point> points;
        points.reserve(canonical.size());
        for (const Point& p : canonical)
            points.push_back(toImage(p.x, p.y));
        return points;
    }
    double pixelsPerUnit() const { return size * zoom; }
};

Anatomy sampleAnatomy(DeterministicRandom& random, int size)
{
    Anatomy anatomy;
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
        Lung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
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
    const bool devices = kind == "endotracheal tube" || kind == "central line" || kind == "pacemaker";
    planned.finding.subtle = !devices && kind != "cardiomegaly" && random.chance(subtleFraction);
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

std::vector<PlannedFinding> planFindings(DeterministicRandom& random, const PhantomGenerator::Options& options)
{
    std::vector<PhantomGenerator::FindingRequest> requests = options.findings;
    if (requests.empty()) {
        if (!random.chance(options.normalFraction)) {
            static const std::vector<std::pair<std::string, double>> weights { { "cardiomegaly", 1.0 },
                { "pleural effusion", 1.3 }, { "pneumothorax", 0.8 }, { "nodule", 1.0 }, { "mass", 0.5 },
                { "consolidation", 1.2 }, { "edema", 0.8 }, { "atelectasis", 1.0 } };
            const double roll = random.uniform();
            const int count = roll < 0.55 ? 1 : (roll < 0.85 ? 2 : 3);
            std::vector<std::string> chosen;
            int attempts = 0;
            while (static_cast<int>(chosen.size()) < count && attempts++ < 50) {
                double total = 0.0;
                for (const auto& weight : weights)
                    total += weight.second;
                double pick = random.uniform(0.0, total);
                std::string kind = weights.back().first;
                for (const auto& weight : weights) {
                    if (pick < weight.second) {
                        kind = weight.first;
                        break;
                    }
                    pick -= weight.second;
                }
                const bool lesionTaken = (kind == "nodule" || kind == "mass")
                    && std::any_of(chosen.begin(), chosen.end(),
                        [](const std::string& k) { return k == "nodule" || k == "mass"; });
                if (!lesionTaken && std::find(chosen.begin(), chosen.end(), kind) == chosen.end())
                    chosen.push_back(kind);
            }
            for (const auto& kind : chosen)
                requests.push_back({ kind, "", "" });
        }
        if (random.chance(0.10 * options.deviceFraction))
            requests.push_back({ "endotracheal tube", "", "" });
        if (random.chance(0.14 * options.deviceFraction))
            requests.push_back({ "central line", "", "" });
        if (random.chance(0.07 * options.deviceFraction))
            requests.push_back({ "pacemaker", "", "" });
    }
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

// The canonical centre and radii of a lobe/zone region of one lung (for consolidation and nodules).
void zoneRegion(
    const Anatomy& anatomy, int side, const std::string& zone, const std::string& kind, Point& centre, Point& radii)
{
    const Lung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
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
    Anatomy anatomy = sampleAnatomy(random, size);
    std::vector<PlannedFinding> planned = planFindings(findingRandom, m_options);
    const std::uint64_t textureSeed = random.next();

    PhantomCase result;
    result.seed = seed;
    result.index = index;
    result.width = size;
    result.height = size;
    result.pixelSpacingMm = 430.0 / size; // a 43 cm detector
    result.sex = anatomy.female ? "F" : "M";
    result.age = random.integer(19, 92);

    const double pixelsPerUnit = anatomy.pixelsPerUnit();
    const double mmPerUnit = result.pixelSpacingMm * pixelsPerUnit;

    PlannedFinding* cardiomegaly = findPlanned(planned, "cardiomegaly");
    if (cardiomegaly) {
        anatomy.heartHalfWidth
            = cardiomegaly->sizeValue * (anatomy.lungs[0].lateralOffset + anatomy.lungs[1].lateralOffset) / 2;
        anatomy.heartCenterU = 0.5 + 0.17 * 2 * anatomy.heartHalfWidth;
    }
    PlannedFinding* effusion = findPlanned(planned, "pleural effusion");
    PlannedFinding* pneumothorax = findPlanned(planned, "pneumothorax");
    PlannedFinding* edema = findPlanned(planned, "edema");
    PlannedFinding* consolidation = findPlanned(planned, "consolidation");

    // Effusion: the fluid level, as v at the medial end of the meniscus, and how much higher it climbs laterally.
    double effusionLevel = 0.0;
    double meniscusRise = 0.0;
    if (effusion) {
        const Lung& lung = anatomy.lungs[static_cast<std::size_t>(effusion->side)];
        effusionLevel = lung.domeV - effusion->sizeValue * (lung.domeV - lung.apexV) * 0.75;
        meniscusRise = findingRandom.uniform(0.05, 0.09);
    }
    // Pneumothorax: the apical gap and how far down the lateral wall it reaches (as lung-height fraction).
    const double pneumothoraxExtent = pneumothorax ? findingRandom.uniform(0.45, 0.85) : 0.0;
    // Consolidation: a cluster of blobs in the lobe.
    std::vector<std::pair<Point, Point>> consolidationBlobs;
    if (consolidation) {
        Point centre;
        Point radii;
        zoneRegion(anatomy, consolidation->side, consolidation->zone, "consolidation", centre, radii);
        const int blobs = findingRandom.integer(3, 5);
        for (int i = 0; i < blobs; ++i)
            consolidationBlobs.push_back({ { centre.x + findingRandom.normal(0.0, radii.x * 0.35),
                                               centre.y + findingRandom.normal(0.0, radii.y * 0.35) },
                { radii.x * findingRandom.uniform(0.6, 0.9), radii.y * findingRandom.uniform(0.6, 0.9) } });
    }

    Canvas canvas(size);
    if (pneumothorax)
        canvas.pneumothorax.assign(canvas.count, 0.0f);
    const double edge = 1.0 / pixelsPerUnit;

    BoxTracker heartBox;
    BoxTracker effusionBox;
    BoxTracker pneumothoraxBox;
    std::array<BoxTracker, 2> edemaBoxes;
    BoxTracker consolidationBox;

    // The heart: an ellipse whose long axis runs from the base (upper right of the patient) to the apex (lower
    // left), sized so that its horizontal extent gives the cardiothoracic ratio, resting on the diaphragm.
    const double heartAngle = random.uniform(30.0, 42.0) * pi / 180.0;
    const double heartCos = std::cos(heartAngle);
    const double heartSin = std::sin(heartAngle);
    const double elongation = random.uniform(1.25, 1.45);
    const double heartShort
        = anatomy.heartHalfWidth / std::sqrt(elongation * elongation * heartCos * heartCos + heartSin * heartSin);
    const double heartLong = heartShort * elongation;
    const double heartVertical
        = heartShort * std::sqrt(elongation * elongation * heartSin * heartSin + heartCos * heartCos);
    anatomy.heartCenterV = anatomy.lungs[1].domeV + 0.03 - 0.8 * heartVertical;

    // Pass 1: everything that is a function of position.
    for (int y = 0; y < size; ++y) {
        const Point rowStart = anatomy.toCanonical(0.0, y);
        const Point rowNext = anatomy.toCanonical(1.0, y);
        const double du = rowNext.x - rowStart.x;
        const double dv = rowNext.y - rowStart.y;
        for (int x = 0; x < size; ++x) {
            const double u = rowStart.x + du * x;
            const double v = rowStart.y + dv * x;
            const std::size_t p = static_cast<std::size_t>(y) * size + x;

            // Body: an elliptic cross-section, narrow at the neck, widening over the shoulders.
            const double halfWidth = 0.12 + (anatomy.bodyHalfWidth - 0.12) * shoulderProfile(clamp01((v + 0.1) / 0.22));
            const double across = (u - 0.5) / halfWidth;
            double tissue = across * across < 1.0 ? anatomy.bodyThickness * std::sqrt(1.0 - across * across) : 0.0;
            if (anatomy.female && tissue > 0.0) {
                for (int side = 0; side < 2; ++side) {
                    const double bu = (u - (0.5 + (side == 0 ? -0.29 : 0.29))) / (0.16 * anatomy.breastSize);
                    const double bv = (v - 0.67) / (0.10 * anatomy.breastSize);
                    const double r2 = bu * bu + bv * bv;
                    if (r2 < 1.0)
                        tissue += 0.32 * anatomy.breastSize * std::sqrt(1.0 - r2);
                }
            }

            // Spine: vertebral bodies with disc spaces and pedicles, seen through the mediastinum.
            double bone = 0.0;
            const double spineU = u - 0.5 - anatomy.spineShift;
            if (std::abs(spineU) < 0.045 && v > -0.05 && tissue > 0.0) {
                const double period = 0.034;
                const double phase = std::fmod(v + 1.0, period) / period;
                const double rim = std::abs(spineU) / 0.045;
                bone += (phase > 0.86 ? 0.06 : 0.13) * (0.6 + 0.4 * rim * rim * rim * rim)
                    * soft(0.045 - std::abs(spineU), edge * 1.5);
                for (const double pediculeU : { -0.027, 0.027 }) {
                    const double pu = (spineU - pediculeU) / 0.008;
                    const double pv = (phase - 0.35) * period / 0.011;
                    const double r2 = pu * pu + pv * pv;
                    if (r2 < 1.0)
                        bone += 0.06 * std::sqrt(1.0 - r2);
                }
            }

            // Heart, mediastinum and aortic knob hide the lungs behind them.
            const double hx = u - anatomy.heartCenterU;
            const double hy = v - anatomy.heartCenterV;
            const double along = (hx * heartCos + hy * heartSin) / heartLong;
            const double acrossHeart = (-hx * heartSin + hy * heartCos) / heartShort;
            const double heartRadius = std::sqrt(along * along + acrossHeart * acrossHeart);
            const double heart = soft((1.0 - heartRadius) * heartShort, edge * 2);
            const double mediastinumHalfWidth = anatomy.mediastinumHalfWidth * (0.8 + 0.4 * clamp01((v - 0.1) / 0.35));
            const double mediastinum = v < anatomy.heartCenterV
                ? soft(mediastinumHalfWidth - std::abs(u - 0.5 - anatomy.trachealShift * 0.5), edge * 2.5)
                : 0.0;
            const double ku = u - anatomy.aorticKnobU;
            const double kv = v - anatomy.aorticKnobV;
            const double knob = soft(anatomy.aorticKnobRadius - std::sqrt(ku * ku + kv * kv), edge * 2);
            const double occluder = std::max(heart, std::max(mediastinum, knob));
            if (cardiomegaly && heart > 0.5 && v < anatomy.lungs[1].domeV + 0.02)
                heartBox.add(x, y);

            // Lungs.
            const int side = u < 0.5 ? 0 : 1;
            const Lung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
            const double a = std::abs(u - 0.5);
            const LungSample sample = sampleLung(lung, a, v, edge);
            double air = sample.depth * (1.0 - 0.93 * occluder);
            double fill = 0.0;
            if (sample.presence > 0.0) {
                // Fine parenchymal texture, so that the lung is not a smooth wash.
                air *= 0.96 + 0.08 * valueNoise(textureSeed, u * 90.0, v * 90.0);
                if (effusion && effusion->side == side) {
                    const double across = clamp01((a - sample.medial) / std::max(1e-6, sample.lateral - sample.medial));
                    const double level = effusionLevel - meniscusRise * across * across;
                    const double effusionFill = soft(v - level, 0.035) * effusion->strength;
                    fill = std::max(fill, effusionFill);
                    if (effusionFill > 0.3 && sample.presence > 0.3)
                        effusionBox.add(x, y);
                }
                if (pneumothorax && pneumothorax->side == side) {
                    // Distance to the chest wall (laterally) or the apex, whichever is nearer.
                    const double wall = std::min(sample.lateralDistance, sample.topDistance * 1.2);
                    const double gap = pneumothorax->sizeValue * std::max(0.0, 1.0 - sample.t / pneumothoraxExtent);
                    if (gap > 0.0) {
                        const double pleuralAir = soft(gap - wall, edge) * sample.presence;
                        canvas.pneumothorax[p] = static_cast<float>(pleuralAir);
                        // The visceral pleural line: a thin white line at the edge of the collapsed lung.
                        const double offset = (wall - gap) / (edge * 1.1);
                        if (gap > 2 * edge)
                            canvas.extra[p] += static_cast<float>(
                                0.22 * pneumothorax->strength * std::exp(-offset * offset) * sample.presence);
                        if (pleuralAir > 0.5)
                            pneumothoraxBox.add(x, y);
                    }
                }
                if (edema) {
                    const Point hilum = anatomy.hila[static_cast<std::size_t>(side)];
                    const double eu = (u - hilum.x) / 0.12;
                    const double ev = (v - hilum.y) / 0.15;
                    const double haze = edema->sizeValue * edema->strength * std::exp(-(eu * eu + ev * ev))
                        * (0.8 + 0.4 * valueNoise(textureSeed + 7, u * 25.0, v * 25.0));
                    fill = 1.0 - (1.0 - fill) * (1.0 - haze);
                    if (haze > 0.45 * edema->sizeValue * edema->strength && sample.presence > 0.3)
                        edemaBoxes[static_cast<std::size_t>(side)].add(x, y);
                }
                if (consolidation && consolidation->side == side) {
                    double density = 0.0;
                    for (const auto& [centre, radii] : consolidationBlobs) {
                        const double cu = (u - centre.x) / radii.x;
                        const double cv = (v - centre.y) / radii.y;
                        const double r2 = cu * cu + cv * cv;
                        if (r2 < 9.0)
                            density += std::exp(-r2);
                    }
                    if (density > 0.05) {
                        const double mottle = 0.45 + 0.7 * valueNoise(textureSeed + 13, u * 35.0, v * 35.0)
                            + 0.35 * valueNoise(textureSeed + 17, u * 90.0, v * 90.0);
                        const double opacity = clamp01((density * mottle - 0.2) * 1.1) * 0.85 * consolidation->strength;
                        fill = 1.0 - (1.0 - fill) * (1.0 - opacity);
                        if (opacity > 0.3 * consolidation->strength && sample.presence > 0.3)
                            consolidationBox.add(x, y);
                    }
                }
            }
            canvas.tissue[p] = static_cast<float>(tissue + bone);
            canvas.air[p] = static_cast<float>(air);
            canvas.lungPresence[p] = static_cast<float>(sample.presence * (1.0 - occluder));
            canvas.fill[p] = static_cast<float>(fill);
        }
    }

    // The gastric bubble below the left hemidiaphragm, and the trachea and main bronchi: air outside the lungs.
    {
        const Lung& left = anatomy.lungs[1];
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

    // Ribs: posterior arcs from the spine, turning down at the chest wall into fainter anterior arcs; clavicles.
    for (int side = 0; side < 2; ++side) {
        const Lung& lung = anatomy.lungs[static_cast<std::size_t>(side)];
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

    // Pulmonary vessels: branching trees from each hilum, thinning towards the periphery, larger at the bases.
    {
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
                0.016 * pixelsPerUnit, 0.2, Profile::Round, canvas.vessels, Canvas::Combine::Max);
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
            canvas.band(anatomy.toImage({ branch.start, middle, end }), widthPixels,
                0.13 * branch.width / 0.006 + 0.025, Profile::Round, canvas.vessels, Canvas::Combine::Max);
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

    // Findings drawn as shapes and lines.
    for (PlannedFinding& plan : planned) {
        const std::string& kind = plan.finding.kind;
        const Lung& lung = anatomy.lungs[static_cast<std::size_t>(plan.side)];
        const double s = lung.sign;
        BoxTracker tracker;
        if (kind == "nodule" || kind == "mass") {
            Point centre;
            Point radii;
            zoneRegion(anatomy, plan.side, plan.zone, kind, centre, radii);
            centre.x += findingRandom.normal(0.0, radii.x * 0.3);
            centre.y += findingRandom.normal(0.0, radii.y * 0.3);
            const Point c = anatomy.toImage(centre.x, centre.y);
            const double radius = plan.sizeValue / 2.0 / mmPerUnit * pixelsPerUnit;
            const double amplitude = std::min(0.9, 0.22 + 0.011 * plan.sizeValue) * plan.strength;
            const double phase1 = findingRandom.uniform(0.0, 2 * pi);
            const double phase2 = findingRandom.uniform(0.0, 2 * pi);
            const double lobulation = kind == "mass" ? 0.14 : 0.05;
            const int x0 = std::max(0, static_cast<int>(c.x - radius * 1.3 - 2));
            const int x1 = std::min(size - 1, static_cast<int>(c.x + radius * 1.3 + 2));
            const int y0 = std::max(0, static_cast<int>(c.y - radius * 1.3 - 2));
            const int y1 = std::min(size - 1, static_cast<int>(c.y + radius * 1.3 + 2));
            for (int y = y0; y <= y1; ++y) {
                for (int x = x0; x <= x1; ++x) {
                    const double dx = x - c.x;
                    const double dy = y - c.y;
                    const double theta = std::atan2(dy, dx);
                    const double r = radius
                        * (1.0 + lobulation * std::sin(3 * theta + phase1)
                            + lobulation * 0.6 * std::sin(5 * theta + phase2));
                    const double d2 = (dx * dx + dy * dy) / (r * r);
                    const double value = d2 < 1.0 ? amplitude * std::sqrt(1.0 - d2) : 0.0;
                    const double rim = clamp01((1.0 - std::sqrt(d2)) * r + 0.5); // anti-aliased margin
                    const std::size_t p = static_cast<std::size_t>(y) * size + x;
                    canvas.extra[p] += static_cast<float>(std::max(value, amplitude * 0.15 * rim));
                    if (d2 < 1.0)
                        tracker.add(x, y);
                }
            }
        } else if (kind == "atelectasis") {
            const double v = plan.zone == "lower" ? lung.domeV - findingRandom.uniform(0.04, 0.08)
                                                  : lung.apexV + 0.55 * (lung.domeV - lung.apexV);
            const double centreU = 0.5 + s * findingRandom.uniform(0.18, 0.28);
            const double halfLength = findingRandom.uniform(0.06, 0.09);
            const double tilt = findingRandom.uniform(-0.15, 0.25) * s;
            const std::vector<Point> line { { centreU - halfLength, v - tilt * halfLength },
                { centreU, v + findingRandom.normal(0.0, 0.004) }, { centreU + halfLength, v + tilt * halfLength } };
            canvas.band(anatomy.toImage(line), findingRandom.uniform(0.006, 0.011) * pixelsPerUnit, 0.9 * plan.strength,
                Profile::Flat, canvas.fill, Canvas::Combine::Max, &tracker, 0.3 * plan.strength);
        } else if (kind == "edema") {
            // Kerley B lines: short horizontal lines reaching the pleura at the lung bases.
            for (int side = 0; side < 2; ++side) {
                const Lung& base = anatomy.lungs[static_cast<std::size_t>(side)];
                const int lines = findingRandom.integer(3, 6);
                for (int i = 0; i < lines; ++i) {
                    const double v = base.domeV - findingRandom.uniform(0.02, 0.12);
                    const double wallU = base.lateralOffset * (0.92 + 0.05 * (v - base.apexV));
                    const std::vector<Point> line { { 0.5 + base.sign * wallU, v },
                        { 0.5 + base.sign * (wallU - findingRandom.uniform(0.02, 0.035)), v } };
                    canvas.band(anatomy.toImage(line), 0.6, 0.12 * plan.strength, Profile::Flat, canvas.extra,
                        Canvas::Combine::Add, &edemaBoxes[static_cast<std::size_t>(side)], 0.05);
                }
            }
        } else if (kind == "consolidation") {
            // Air bronchograms: dark branching lines inside the opacity.
            for (int i = 0; i < 3; ++i) {
                const auto& blob = consolidationBlobs[static_cast<std::size_t>(i) % consolidationBlobs.size()];
                const double angle = findingRandom.uniform(-0.6, 0.6) + (s > 0 ? 0.0 : pi);
                const Point start { blob.first.x - 0.5 * blob.second.x * std::cos(angle), blob.first.y - 0.02 };
                const Point end { start.x + 1.5 * blob.second.x * std::cos(angle),
                    start.y + 1.2 * blob.second.y * std::sin(angle) + 0.04 };
                canvas.band(anatomy.toImage({ start, end }), 1.2, -0.22, Profile::Round, canvas.extra,
                    Canvas::Combine::Add, nullptr, 0.0, &canvas.fill);
            }
        } else if (kind == "endotracheal tube") {
            const double u = 0.5 + anatomy.trachealShift + findingRandom.normal(0.0, 0.003);
            const double tip = anatomy.carinaV - plan.sizeValue;
            const std::vector<Point> tube { { u + 0.01, -0.06 }, { u + 0.002, 0.1 }, { u, tip } };
            canvas.band(anatomy.toImage(tube), 0.0085 * pixelsPerUnit, 0.22, Profile::Tube, canvas.extra,
                Canvas::Combine::Add, &tracker, 0.05);
            std::vector<Point> stripe = tube;
            for (Point& point : stripe)
                point.x -= 0.004;
            canvas.band(anatomy.toImage(stripe), 1.0, 0.55, Profile::Flat, canvas.extra);
            char text[32];
            std::snprintf(text, sizeof text, "%.1f cm", plan.sizeValue * mmPerUnit / 10.0);
            plan.finding.size = text; // tip above the carina
        } else if (kind == "central line") {
            const double tipV = anatomy.carinaV + findingRandom.uniform(-0.03, 0.03);
            std::vector<Point> path;
            if (plan.finding.location == "internal jugular")
                path = { { 0.5 + s * 0.09, -0.05 }, { 0.5 + s * 0.065, 0.12 }, { 0.5 + s * 0.045, 0.24 },
                    { 0.48, tipV } };
            else
                path = { { 0.5 + s * 0.36, 0.12 }, { 0.5 + s * 0.2, 0.16 }, { 0.5 + s * 0.08, 0.2 }, { 0.485, tipV } };
            canvas.band(anatomy.toImage(path), std::max(1.0, 0.0035 * pixelsPerUnit), 0.55, Profile::Round,
                canvas.extra, Canvas::Combine::Add, &tracker, 0.05);
        } else if (kind == "pacemaker") {
            const Point generator { 0.5 + s * findingRandom.uniform(0.22, 0.28), findingRandom.uniform(0.14, 0.19) };
            const Point image = anatomy.toImage(generator.x, generator.y);
            const double halfWidth = 0.048 * pixelsPerUnit;
            const double halfHeight = 0.036 * pixelsPerUnit;
            for (int y = std::max(0, static_cast<int>(image.y - halfHeight - 2));
                 y <= std::min(size - 1, static_cast<int>(image.y + halfHeight + 2)); ++y) {
                for (int x = std::max(0, static_cast<int>(image.x - halfWidth - 2));
                     x <= std::min(size - 1, static_cast<int>(image.x + halfWidth + 2)); ++x) {
                    const double gx = (x - image.x) / halfWidth;
                    const double gy = (y - image.y) / halfHeight;
                    const double shape = gx * gx * gx * gx + gy * gy * gy * gy; // a rounded rectangle
                    if (shape < 1.0) {
                        canvas.extra[static_cast<std::size_t>(y) * size + x]
                            += static_cast<float>(shape > 0.8 ? 2.4 : 1.9);
                        tracker.add(x, y);
                    }
                }
            }
            const std::vector<Point> atrialLead { generator, { 0.5 + s * 0.12, generator.y - 0.01 },
                { 0.5 + s * 0.02, 0.24 }, { 0.485, 0.4 }, { 0.47, anatomy.heartCenterV - 0.06 } };
            canvas.band(anatomy.toImage(atrialLead), 1.6, 0.9, Profile::Round, canvas.extra, Canvas::Combine::Add,
                &tracker, 0.1);
            if (plan.sizeValue > 1.5) {
                const std::vector<Point> ventricularLead { generator, { 0.5 + s * 0.12, generator.y + 0.005 },
                    { 0.5 + s * 0.025, 0.25 }, { 0.49, 0.45 }, { anatomy.heartCenterU, anatomy.heartCenterV + 0.07 } };
                canvas.band(anatomy.toImage(ventricularLead), 1.6, 0.9, Profile::Round, canvas.extra,
                    Canvas::Combine::Add, &tracker, 0.1);
            }
        }
        if (kind == "cardiomegaly")
            tracker = heartBox;
        else if (kind == "pleural effusion")
            tracker = effusionBox;
        else if (kind == "pneumothorax")
            tracker = pneumothoraxBox;
        else if (kind == "consolidation")
            tracker = consolidationBox;
        if (kind == "edema") {
            for (const auto& box : edemaBoxes)
                if (!box.empty())
                    plan.finding.boxes.push_back(box.box());
        } else if (!tracker.empty()) {
            plan.finding.boxes.push_back(tracker.box());
        }
    }

    // Compose the line integral, blur it slightly (focal spot and detector unsharpness), expose it with quantum
    // noise and log-convert it as a CR reader does.
    std::vector<float> mu(canvas.count);
    for (std::size_t p = 0; p < canvas.count; ++p) {
        const double fill = canvas.fill[p];
        double air = canvas.air[p] * (1.0 - fill);
        double vessels = canvas.vessels[p] * std::min(1.0, canvas.lungPresence[p] * 1.5) * (1.0 - fill);
        if (pneumothorax) {
            const double pleural = canvas.pneumothorax[p];
            air += 0.6 * pleural * canvas.lungPresence[p];
            vessels *= 1.0 - pleural;
        }
        mu[p] = static_cast<float>(canvas.tissue[p] - air + canvas.extra[p] + vessels);
    }
    std::vector<float>& blurred = canvas.fill; // reuse: no longer needed
    for (int y = 0; y < size; ++y) {
        const float* row = &mu[static_cast<std::size_t>(y) * size];
        float* out = &blurred[static_cast<std::size_t>(y) * size];
        for (int x = 0; x < size; ++x)
            out[x] = 0.25f * row[std::max(0, x - 1)] + 0.5f * row[x] + 0.25f * row[std::min(size - 1, x + 1)];
    }
    for (int y = 0; y < size; ++y) {
        const float* above = &blurred[static_cast<std::size_t>(std::max(0, y - 1)) * size];
        const float* row = &blurred[static_cast<std::size_t>(y) * size];
        const float* below = &blurred[static_cast<std::size_t>(std::min(size - 1, y + 1)) * size];
        float* out = &mu[static_cast<std::size_t>(y) * size];
        for (int x = 0; x < size; ++x)
            out[x] = 0.25f * above[x] + 0.5f * row[x] + 0.25f * below[x];
    }

    // Exposure: photons per pixel (dose), the anode heel effect, and the reader's gain and offset.
    const double photons = random.uniform(2500.0, 9000.0) * (512.0 / size) * (512.0 / size);
    const double heel = random.uniform(-0.12, 0.12);
    const double gain = random.uniform(1050.0, 1300.0);
    const double offset = random.uniform(120.0, 320.0);
    const double maximum = (1 << result.bitsStored) - 1;
    result.pixels.resize(canvas.count);
    for (int y = 0; y < size; ++y) {
        const double exposure = photons * (1.0 + heel * (static_cast<double>(y) / size - 0.5));
        const double rowOffset = offset - gain * std::log(exposure / photons);
        const double rootExposure = std::sqrt(exposure);
        for (int x = 0; x < size; ++x) {
            const std::size_t p = static_cast<std::size_t>(y) * size + x;
            // Detected counts N = E e^-mu (1 + z / sqrt(E e^-mu)); -ln(N / E) = mu - ln(1 + r) with the relative
            // noise r, expanded to third order while it is small (one exp per pixel instead of exp, sqrt and log).
            const double attenuation = std::exp(-0.5 * static_cast<double>(mu[p]));
            const double relative = noiseRandom.fastNormal() / (rootExposure * attenuation);
            const double logTerm = std::abs(relative) < 0.3
                ? relative - relative * relative * (0.5 - relative * (1.0 / 3.0))
                : std::log(std::max(1e-3, 1.0 + relative));
            const double value = rowOffset + gain * (static_cast<double>(mu[p]) - logTerm) + 0.5;
            result.pixels[p] = static_cast<std::uint16_t>(std::clamp(value, 0.0, maximum));
        }
    }
    // The default window spans aerated lung to mediastinum.
    const double low = offset + gain * 0.45;
    const double high = offset + gain * 3.1;
    result.windowCenter = std::round((low + high) / 2);
    result.windowWidth = std::round(high - low);

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
