#include "training/internal/ExternalAnatomy.h"

#include <algorithm>
#include <functional>

#include "training/DeterministicRandom.h"

namespace lrclr::internal {

namespace {

constexpr double pi = 3.14159265358979323846;

// The diaphragm line per column.
std::vector<double> columnDiaphragm(const std::array<ExternalLung, 2>& lungs, int width, double lungHeight)
{
    std::vector<double> diaphragm(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x) {
        double y = std::min(lungs[0].baseY, lungs[1].baseY) - 0.08 * lungHeight;
        for (const ExternalLung& lung : lungs) {
            const double u = lung.u(x);
            if (u >= 0.0)
                y = lung.y(lung.floorT(std::min(u, 1.0)));
        }
        diaphragm[static_cast<std::size_t>(x)] = y;
    }
    return diaphragm;
}

// A rib, clavicle or other bar: x runs linearly from `from` to `to`; its centre line is y(f), f in 0..1.
void drawBar(ExternalCanvas& canvas, const std::vector<double>& diaphragm, double h, double from, double to,
    const std::function<double(double)>& centre, double thickness, double density)
{
    const int x0 = static_cast<int>(std::round(std::min(from, to)));
    const int x1 = static_cast<int>(std::round(std::max(from, to)));
    for (int x = std::max(0, x0); x <= std::min(canvas.width - 1, x1); ++x) {
        const double f = (x - from) / (to - from);
        const double taper = smoothstep(0.0, 0.06, f) * (1.0 - smoothstep(0.94, 1.0, f));
        const double yc = centre(f);
        const double below = 1.0 - 0.8 * smoothstep(-0.01 * h, 0.05 * h, yc - diaphragm[static_cast<std::size_t>(x)]);
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
}

} // namespace

ExternalAnatomy sampleExternalAnatomy(DeterministicRandom& random, int width, int height, double cardiothoracicRatio)
{
    // Anatomy, in pixels.
    const double w = width;
    const double h = height;
    const double cx = w * (0.5 + random.uniform(-0.03, 0.03));
    const double halfThorax = w * random.uniform(0.31, 0.37);
    const double apexY = h * random.uniform(0.1, 0.16);
    const double lungHeight = std::min(h * random.uniform(0.5, 0.62), w * random.uniform(0.62, 0.76));
    std::array<ExternalLung, 2> lungs;
    for (int side = 0; side < 2; ++side) {
        ExternalLung& lung = lungs[static_cast<std::size_t>(side)];
        lung.sign = side == 0 ? -1.0 : 1.0;
        lung.medialX = cx + lung.sign * halfThorax * random.uniform(0.08, 0.12);
        lung.lateralX = cx + lung.sign * halfThorax * random.uniform(0.97, 1.02);
        lung.apexY = apexY + h * random.uniform(-0.008, 0.008);
        lung.baseY = apexY + lungHeight * (side == 0 ? random.uniform(0.95, 0.98) : 1.0);
        lung.dome = random.uniform(0.1, 0.16);
        lung.apexU = random.uniform(0.3, 0.4);
    }
    const bool cardiomegaly = cardiothoracicRatio > 0.0;
    const double ratio = cardiomegaly ? cardiothoracicRatio : random.uniform(0.4, 0.48);
    ExternalHeart heart;
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

    ExternalAnatomy anatomy;
    anatomy.w = w;
    anatomy.h = h;
    anatomy.cx = cx;
    anatomy.halfThorax = halfThorax;
    anatomy.apexY = apexY;
    anatomy.lungHeight = lungHeight;
    anatomy.lungs = lungs;
    anatomy.heart = heart;
    anatomy.tracheaX = tracheaX;
    anatomy.carinaY = carinaY;
    anatomy.hila = hila;
    anatomy.airStrength = airStrength;
    anatomy.bodyHalfWidth = bodyHalfWidth;
    anatomy.shoulderY = shoulderY;
    anatomy.neckHalfWidth = neckHalfWidth;
    anatomy.diaphragm = columnDiaphragm(lungs, width, lungHeight);
    return anatomy;
}

void drawSoftTissue(
    ExternalCanvas& canvas, const ExternalAnatomy& anatomy, bool female, const ExternalValueNoise& mottle)
{
    const int width = canvas.width;
    const int height = canvas.height;
    const auto& h = anatomy.h;
    const auto& cx = anatomy.cx;
    const auto& halfThorax = anatomy.halfThorax;
    const auto& lungHeight = anatomy.lungHeight;
    const auto& lungs = anatomy.lungs;
    const auto& bodyHalfWidth = anatomy.bodyHalfWidth;
    const auto& shoulderY = anatomy.shoulderY;
    const auto& neckHalfWidth = anatomy.neckHalfWidth;
    const auto& diaphragm = anatomy.diaphragm;
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
}

void drawLungs(ExternalCanvas& canvas, const ExternalAnatomy& anatomy, const ExternalValueNoise& fine,
    const ExternalValueNoise& phase)
{
    const auto& cx = anatomy.cx;
    const auto& halfThorax = anatomy.halfThorax;
    const auto& apexY = anatomy.apexY;
    const auto& lungHeight = anatomy.lungHeight;
    const auto& lungs = anatomy.lungs;
    const auto& heart = anatomy.heart;
    const auto& hila = anatomy.hila;
    const Point knob { cx + halfThorax * 0.1, apexY + lungHeight * 0.22 };
    const double knobRadius = halfThorax * 0.09;
    for (const ExternalLung& lung : lungs) {
        const PixelRect r = clampRect(canvas, std::min(lung.medialX, lung.lateralX) - 4, lung.apexY - 4,
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
}

void drawMediastinum(ExternalCanvas& canvas, const ExternalAnatomy& anatomy)
{
    const auto& w = anatomy.w;
    const auto& halfThorax = anatomy.halfThorax;
    const auto& lungHeight = anatomy.lungHeight;
    const auto& heart = anatomy.heart;
    const auto& tracheaX = anatomy.tracheaX;
    const auto& carinaY = anatomy.carinaY;
    const auto& hila = anatomy.hila;
    const auto& diaphragm = anatomy.diaphragm;
    for (int side = 0; side < 2; ++side) {
        const Point& hilum = hila[static_cast<std::size_t>(side)];
        const double radius = halfThorax * 0.13;
        const PixelRect r
            = clampRect(canvas, hilum.x - 2 * radius, hilum.y - 2 * radius, hilum.x + 2 * radius, hilum.y + 2 * radius);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x)
                canvas.tissue[canvas.at(x, y)] += static_cast<float>(
                    0.1 * std::exp(-(square(x - hilum.x) + square(y - hilum.y)) / square(radius)));
    }
    {
        const PixelRect r = clampRect(canvas, heart.centerX - heart.rightWidth - heart.halfHeight - 4,
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
}

void drawBones(ExternalCanvas& canvas, const ExternalAnatomy& anatomy, DeterministicRandom& random)
{
    const auto& h = anatomy.h;
    const auto& cx = anatomy.cx;
    const auto& halfThorax = anatomy.halfThorax;
    const auto& apexY = anatomy.apexY;
    const auto& lungHeight = anatomy.lungHeight;
    const auto& lungs = anatomy.lungs;
    const auto& diaphragm = anatomy.diaphragm;
    {
        const double spineHalf = halfThorax * random.uniform(0.09, 0.11);
        const double period = lungHeight * random.uniform(0.085, 0.1);
        const PixelRect r = clampRect(canvas, cx - spineHalf, 0, cx + spineHalf, h - 1);
        for (int y = r.y0; y <= r.y1; ++y) {
            const double body = 0.8 + 0.2 * std::cos(2.0 * pi * (y - apexY) / period);
            for (int x = r.x0; x <= r.x1; ++x) {
                const double v = (x - cx) / spineHalf;
                if (std::abs(v) < 1.0)
                    canvas.tissue[canvas.at(x, y)] += static_cast<float>(0.1 * std::sqrt(1.0 - v * v) * body);
            }
        }
    }
    for (const ExternalLung& lung : lungs) {
        const double s = lung.sign;
        const double spineX = cx + s * halfThorax * 0.08;
        const double reachX = cx + s * halfThorax * 1.04;
        for (int k = 0; k < 10; ++k) {
            const double y0 = apexY - 0.05 * lungHeight + k * 0.092 * lungHeight;
            const double arch = lungHeight * (0.05 + 0.004 * k);
            const double drop = lungHeight * (0.1 + 0.012 * k);
            drawBar(
                canvas, diaphragm, h, spineX, reachX,
                [=](double f) { return y0 - arch * std::sin(pi * std::min(1.0, f * 1.15)) + drop * f * f; },
                lungHeight * 0.016, 0.16);
        }
        for (int k = 0; k < 6; ++k) {
            const double y0 = apexY + 0.08 * lungHeight + k * 0.105 * lungHeight;
            drawBar(
                canvas, diaphragm, h, cx + s * halfThorax * 0.3, cx + s * halfThorax,
                [=](double f) {
                    const double g = 0.3 + 0.7 * f;
                    return y0 + 0.14 * lungHeight * (1.0 - g) + 0.02 * lungHeight * std::sin(pi * g);
                },
                lungHeight * 0.012, 0.06);
        }
        drawBar(
            canvas, diaphragm, h, cx + s * halfThorax * 0.1, cx + s * halfThorax * 0.9,
            [=](double f) {
                return apexY + 0.03 * lungHeight - 0.07 * lungHeight * f + 0.02 * lungHeight * std::sin(2 * pi * f);
            },
            lungHeight * 0.02, 0.2);
    }
}

} // namespace lrclr::internal
