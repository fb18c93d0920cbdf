#include "training/OverlayScaleCalibrator.h"

#include <algorithm>
#include <cmath>

namespace lrclr {

namespace {

/// Whether pixel (x, y) (its centre) lies in any of the boxes.
bool insideAny(const std::vector<AnalysisResult::Box>& boxes, int x, int y)
{
    const double cx = x + 0.5;
    const double cy = y + 0.5;
    return std::any_of(boxes.begin(), boxes.end(), [cx, cy](const AnalysisResult::Box& box) {
        return cx >= box.x && cx < box.x + box.width && cy >= box.y && cy < box.y + box.height;
    });
}

/// The share of a histogram's mass in bins >= each bin: tail[b] = sum of histogram[b..] / total.
std::vector<double> upperTail(const std::vector<double>& histogram)
{
    std::vector<double> tail(histogram.size() + 1, 0.0);
    for (std::size_t b = histogram.size(); b-- > 0;)
        tail[b] = tail[b + 1] + histogram[b];
    const double total = tail.front();
    if (total > 0)
        for (double& value : tail)
            value /= total;
    return tail;
}

/// The lower edge of the first bin at which the cumulative share from below reaches `share`.
int quantileBin(const std::vector<double>& histogram, double share)
{
    double total = 0;
    for (const double count : histogram)
        total += count;
    double running = 0;
    for (std::size_t b = 0; b < histogram.size(); ++b) {
        running += histogram[b];
        if (running >= share * total)
            return static_cast<int>(b);
    }
    return static_cast<int>(histogram.size()) - 1;
}

} // namespace

OverlayScaleCalibrator::OverlayScaleCalibrator()
    : OverlayScaleCalibrator(Options {})
{
}

OverlayScaleCalibrator::OverlayScaleCalibrator(Options options)
    : m_options(options)
    , m_inside(kBins, 0.0)
    , m_outside(kBins, 0.0)
{
}

int OverlayScaleCalibrator::binOf(float value)
{
    const double position = (static_cast<double>(value) + 1.0) / 2.0 * kBins;
    return std::clamp(static_cast<int>(std::floor(position)), 0, kBins - 1);
}

double OverlayScaleCalibrator::valueOf(int bin)
{
    return -1.0 + 2.0 * bin / kBins;
}

bool OverlayScaleCalibrator::addSentence(
    const std::vector<float>& heatmap, int width, int height, const std::vector<AnalysisResult::Box>& boxes)
{
    if (width <= 0 || height <= 0 || heatmap.size() != static_cast<std::size_t>(width) * height)
        return false;
    std::vector<double> inside(kBins, 0.0);
    std::vector<double> outside(kBins, 0.0);
    double insideCount = 0;
    double outsideCount = 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const float value = heatmap[static_cast<std::size_t>(y) * width + x];
            if (!std::isfinite(value))
                continue;
            if (insideAny(boxes, x, y)) {
                inside[binOf(value)] += 1;
                insideCount += 1;
            } else {
                outside[binOf(value)] += 1;
                outsideCount += 1;
            }
        }
    }
    if (insideCount == 0 || outsideCount == 0)
        return false;
    for (int b = 0; b < kBins; ++b) {
        m_inside[b] += inside[b] / insideCount;
        m_outside[b] += outside[b] / outsideCount;
    }
    ++m_sentences;
    return true;
}

OverlayScaleCalibrator::Fit OverlayScaleCalibrator::fit() const
{
    Fit result;
    result.sentences = m_sentences;
    if (m_sentences < m_options.minimumSentences) {
        result.note = std::to_string(m_sentences) + " grounded sentences; at least "
            + std::to_string(m_options.minimumSentences) + " are needed";
        return result;
    }
    const auto insideTail = upperTail(m_inside);
    const auto outsideTail = upperTail(m_outside);
    int youdenBin = 0;
    double bestJ = -2.0;
    for (int b = 0; b < kBins; ++b) {
        const double j = insideTail[b] - outsideTail[b];
        if (j > bestJ) { // ties keep the lower bin: the first maximum from below
            bestJ = j;
            youdenBin = b;
        }
    }
    int specificBin = 0;
    while (specificBin < kBins - 1 && outsideTail[specificBin] > m_options.outsideFraction)
        ++specificBin;
    const int thresholdBin = std::max(youdenBin, specificBin);
    result.threshold = valueOf(thresholdBin);
    result.insideAbove = insideTail[thresholdBin];
    result.outsideAbove = outsideTail[thresholdBin];
    result.youden = result.insideAbove - result.outsideAbove;
    result.low = std::min(valueOf(quantileBin(m_outside, 0.01)), result.threshold);
    result.high = valueOf(quantileBin(m_inside, 0.99) + 1);
    if (!(result.high > result.threshold))
        result.high = std::min(1.0, result.threshold + 0.05);
    if (!(result.high > result.threshold)) {
        result.note = "the inside and outside values do not separate below a cosine of 1";
        return result;
    }
    result.fitted = true;
    return result;
}

} // namespace lrclr
