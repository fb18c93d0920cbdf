#include "training/Evaluator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "training/GroundingMetrics.h"
#include "training/RetrievalMetrics.h"
#include "training/RocAnalysis.h"

namespace lrclr {

EvaluationResults::Run Evaluator::evaluate(const std::string& runName, const DatasetManifest& manifest,
    const std::vector<StudyOutput>& outputs, const std::vector<double>& similarity, const Options& options)
{
    const auto& entries = manifest.entries();
    if (outputs.size() != entries.size())
        throw std::invalid_argument("evaluate: " + std::to_string(outputs.size()) + " outputs for "
            + std::to_string(entries.size()) + " manifest entries");
    EvaluationResults::Run run;
    run.name = runName;

    // Zero-shot classification.
    std::vector<std::string> findings = options.findings;
    if (findings.empty())
        findings = Observations::names();
    double aucSum = 0.0;
    int aucCount = 0;
    for (const auto& name : findings) {
        std::array<std::vector<double>, 3> scores;
        std::vector<int> targets;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto target = Observations::target(entries[i].label(name), options.uncertaintyPolicy);
            const auto score = outputs[i].findingScores.find(name);
            if (!target || score == outputs[i].findingScores.end())
                continue;
            for (int k = 0; k < 3; ++k)
                scores[static_cast<std::size_t>(k)].push_back(score->second[static_cast<std::size_t>(k)]);
            targets.push_back(*target);
        }
        EvaluationResults::Finding finding;
        finding.name = name;
        finding.positives = static_cast<int>(std::count(targets.begin(), targets.end(), 1));
        finding.negatives = static_cast<int>(targets.size()) - finding.positives;
        if ((finding.positives == 0 || finding.negatives == 0) && options.findings.empty())
            continue; // undefined AUC: leave unlisted findings out rather than report a dash
        BootstrapInterval::Result* intervals[3] = { &finding.global, &finding.local, &finding.combined };
        std::vector<RocAnalysis::Point>* curves[3]
            = { &finding.globalCurve, &finding.localCurve, &finding.combinedCurve };
        for (int k = 0; k < 3; ++k) {
            *intervals[k] = BootstrapInterval::rocArea(scores[static_cast<std::size_t>(k)], targets,
                options.bootstrapSamples, options.seed + static_cast<std::uint64_t>(k));
            *curves[k] = RocAnalysis::curve(scores[static_cast<std::size_t>(k)], targets);
        }
        if (std::isfinite(finding.combined.estimate)) {
            aucSum += finding.combined.estimate;
            ++aucCount;
        }
        run.findings.push_back(std::move(finding));
    }
    run.meanAuc = aucCount > 0 ? aucSum / aucCount : std::nan("");

    // Grounding.
    auto& grounding = run.grounding;
    grounding.iouThresholds = GroundingMetrics::iouThresholds();
    grounding.meanIouPerThreshold.assign(grounding.iouThresholds.size(), 0.0);
    int hits = 0;
    double cnrSum = 0.0;
    int cnrCount = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        const auto& output = outputs[i];
        for (std::size_t s = 0; s < entry.sentences.size() && s < output.sentenceHeatmaps.size(); ++s) {
            const auto& boxes = entry.sentences[s].boxes;
            const auto& heatmap = output.sentenceHeatmaps[s];
            if (boxes.empty() || heatmap.empty())
                continue;
            if (heatmap.size() != static_cast<std::size_t>(output.width) * output.height)
                throw std::invalid_argument(
                    "evaluate: heatmap of " + entry.image + " sentence " + std::to_string(s) + " has the wrong size");
            ++grounding.sentences;
            const bool hit = GroundingMetrics::pointingHit(heatmap, output.width, output.height, boxes);
            hits += hit ? 1 : 0;
            const double cnr = GroundingMetrics::contrastToNoise(heatmap, output.width, output.height, boxes);
            if (std::isfinite(cnr)) {
                cnrSum += cnr;
                ++cnrCount;
            }
            for (std::size_t t = 0; t < grounding.iouThresholds.size(); ++t)
                grounding.meanIouPerThreshold[t] += GroundingMetrics::intersectionOverUnion(
                    heatmap, output.width, output.height, boxes, grounding.iouThresholds[t]);
            if (static_cast<int>(run.examples.size()) < options.examples && output.image.isValid()
                && output.image.width == output.width && output.image.height == output.height) {
                EvaluationResults::Example example;
                example.title = std::filesystem::path(entry.image).filename().string();
                example.caption = entry.sentences[s].text;
                example.image = output.image;
                example.heatmap = heatmap;
                example.truth = boxes;
                example.pointingHit = hit;
                run.examples.push_back(std::move(example));
            }
        }
    }
    if (grounding.sentences > 0) {
        grounding.pointingGame = static_cast<double>(hits) / grounding.sentences;
        double sum = 0.0;
        for (auto& value : grounding.meanIouPerThreshold) {
            value /= grounding.sentences;
            sum += value;
        }
        grounding.meanIou = sum / static_cast<double>(grounding.meanIouPerThreshold.size());
    } else {
        grounding.pointingGame = grounding.meanIou = std::nan("");
    }
    grounding.contrastToNoise = cnrCount > 0 ? cnrSum / cnrCount : std::nan("");

    // Retrieval.
    if (!similarity.empty()) {
        const int n = static_cast<int>(entries.size());
        run.retrieval.candidates = n;
        for (const int k : options.recallK) {
            run.retrieval.k.push_back(k);
            run.retrieval.imageToReport.push_back(RetrievalMetrics::imageToReportRecall(similarity, n, k));
            run.retrieval.reportToImage.push_back(RetrievalMetrics::reportToImageRecall(similarity, n, k));
        }
    }
    return run;
}

} // namespace lrclr
