#include "training/Evaluator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "training/BootstrapInterval.h"
#include "training/FindingCalibrator.h"
#include "training/GroundingMetrics.h"
#include "training/RetrievalMetrics.h"
#include "training/RocAnalysis.h"

namespace lrclr {

namespace {

// The grounding of every (study, sentence with boxes) in manifest order: from the heatmap when there is one, else
// the metrics computed earlier; nullopt where the sentence was not grounded.
std::vector<std::optional<Evaluator::SentenceGrounding>> sentenceGroundings(const DatasetManifest& manifest,
    const std::vector<Evaluator::StudyOutput>& outputs, std::vector<int>* studies = nullptr)
{
    std::vector<std::optional<Evaluator::SentenceGrounding>> result;
    const auto& entries = manifest.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& output = outputs[i];
        for (std::size_t s = 0; s < entries[i].sentences.size(); ++s) {
            const auto& boxes = entries[i].sentences[s].boxes;
            if (boxes.empty())
                continue;
            if (studies)
                studies->push_back(static_cast<int>(i));
            if (s < output.sentenceHeatmaps.size() && !output.sentenceHeatmaps[s].empty())
                result.push_back(
                    Evaluator::groundSentence(output.sentenceHeatmaps[s], output.width, output.height, boxes));
            else if (s < output.sentenceGrounding.size())
                result.push_back(output.sentenceGrounding[s]);
            else
                result.push_back(std::nullopt);
        }
    }
    return result;
}

// Bootstrap interval of the pointing game, resampling studies with all their sentences (a study's sentences often
// describe one lesion and are not independent).
BootstrapInterval::Result pointingGameInterval(const std::vector<Evaluator::SentenceGrounding>& sentences,
    const std::vector<int>& studies, int studyCount, int samples, std::uint64_t seed)
{
    std::vector<int> hits(static_cast<std::size_t>(studyCount), 0);
    std::vector<int> counts(static_cast<std::size_t>(studyCount), 0);
    for (std::size_t k = 0; k < sentences.size(); ++k) {
        hits[static_cast<std::size_t>(studies[k])] += sentences[k].pointingHit ? 1 : 0;
        ++counts[static_cast<std::size_t>(studies[k])];
    }
    return BootstrapInterval::compute(
        studyCount,
        [&](const std::vector<int>& resample) {
            int hit = 0;
            int count = 0;
            for (const int study : resample) {
                hit += hits[static_cast<std::size_t>(study)];
                count += counts[static_cast<std::size_t>(study)];
            }
            return count > 0 ? static_cast<double>(hit) / count : std::nan("");
        },
        samples, seed);
}

double meanOf(const std::vector<double>& values)
{
    double sum = 0.0;
    for (const double value : values)
        sum += value;
    return values.empty() ? std::nan("") : sum / static_cast<double>(values.size());
}

// A finding's zero-shot scores (global, local, combined) and targets over the studies that have both, with the
// shown probabilities where every such study has one.
struct FindingScores {
    std::array<std::vector<double>, 3> scores;
    std::vector<int> targets;
    std::vector<double> probabilities; // the shown probability, where every study has one
    bool withProbabilities = true;
    bool calibrated = true;
};

FindingScores findingScores(const std::string& name, const std::vector<ManifestEntry>& entries,
    const std::vector<Evaluator::StudyOutput>& outputs, const Evaluator::Options& options)
{
    FindingScores result;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto target = Observations::target(entries[i].label(name), options.uncertaintyPolicy);
        const auto score = outputs[i].findingScores.find(name);
        if (!target || score == outputs[i].findingScores.end())
            continue;
        for (int k = 0; k < 3; ++k)
            result.scores[static_cast<std::size_t>(k)].push_back(score->second[static_cast<std::size_t>(k)]);
        result.targets.push_back(*target);
        const auto shown = outputs[i].findingProbabilities.find(name);
        if (shown == outputs[i].findingProbabilities.end()) {
            result.withProbabilities = false;
        } else {
            result.probabilities.push_back(shown->second.probability);
            result.calibrated = result.calibrated && shown->second.calibrated;
        }
    }
    return result;
}

// AUCs with bootstrap intervals, ROC curves and calibration metrics of one finding; nullopt for a finding that was
// not asked for and lacks positives or negatives (undefined AUC: left out rather than reported as a dash).
std::optional<EvaluationResults::Finding> evaluateFinding(const std::string& name,
    const std::vector<ManifestEntry>& entries, const std::vector<Evaluator::StudyOutput>& outputs,
    const Evaluator::Options& options)
{
    const auto values = findingScores(name, entries, outputs, options);
    const auto& targets = values.targets;
    EvaluationResults::Finding finding;
    finding.name = name;
    finding.positives = static_cast<int>(std::count(targets.begin(), targets.end(), 1));
    finding.negatives = static_cast<int>(targets.size()) - finding.positives;
    if ((finding.positives == 0 || finding.negatives == 0) && options.findings.empty())
        return std::nullopt;
    BootstrapInterval::Result* intervals[3] = { &finding.global, &finding.local, &finding.combined };
    std::vector<RocAnalysis::Point>* curves[3] = { &finding.globalCurve, &finding.localCurve, &finding.combinedCurve };
    for (int k = 0; k < 3; ++k) {
        *intervals[k] = BootstrapInterval::rocArea(values.scores[static_cast<std::size_t>(k)], targets,
            options.bootstrapSamples, options.seed + static_cast<std::uint64_t>(k));
        *curves[k] = RocAnalysis::curve(values.scores[static_cast<std::size_t>(k)], targets);
    }
    // Calibration metrics need probabilities: the combined score may be a logit in hand-made outputs.
    const auto& raw = values.scores[2];
    if (!targets.empty() && std::all_of(raw.begin(), raw.end(), [](double p) { return p >= 0.0 && p <= 1.0; })) {
        finding.rawCombined.brier = FindingCalibrator::brierScore(raw, targets);
        finding.rawCombined.ece = FindingCalibrator::expectedCalibrationError(raw, targets, 10);
    }
    if (!targets.empty() && values.withProbabilities) {
        finding.probability.brier = FindingCalibrator::brierScore(values.probabilities, targets);
        finding.probability.ece = FindingCalibrator::expectedCalibrationError(values.probabilities, targets, 10);
        finding.calibrated = values.calibrated;
    }
    return finding;
}

// Zero-shot classification: every finding asked for (default: the CheXpert observations) and the mean AUC.
void evaluateFindings(EvaluationResults::Run& run, const std::vector<ManifestEntry>& entries,
    const std::vector<Evaluator::StudyOutput>& outputs, const Evaluator::Options& options)
{
    std::vector<std::string> findings = options.findings;
    if (findings.empty())
        findings = Observations::names();
    double aucSum = 0.0;
    int aucCount = 0;
    for (const auto& name : findings) {
        auto finding = evaluateFinding(name, entries, outputs, options);
        if (!finding)
            continue;
        if (std::isfinite(finding->combined.estimate)) {
            aucSum += finding->combined.estimate;
            ++aucCount;
        }
        run.findings.push_back(std::move(*finding));
    }
    run.meanAuc = aucCount > 0 ? aucSum / aucCount : std::nan("");
}

// Sentence s of a study, grounded from its heatmap when it has one, else the metrics computed earlier.
std::optional<Evaluator::SentenceGrounding> groundedSentence(
    const ManifestEntry& entry, const Evaluator::StudyOutput& output, std::size_t s, bool hasHeatmap)
{
    const auto& boxes = entry.sentences[s].boxes;
    if (hasHeatmap) {
        try {
            return Evaluator::groundSentence(output.sentenceHeatmaps[s], output.width, output.height, boxes);
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument(
                "evaluate: heatmap of " + entry.image + " sentence " + std::to_string(s) + " has the wrong size");
        }
    }
    if (s < output.sentenceGrounding.size())
        return output.sentenceGrounding[s];
    return std::nullopt;
}

bool canShowExample(const EvaluationResults::Run& run, const Evaluator::StudyOutput& output, int examples)
{
    return static_cast<int>(run.examples.size()) < examples && output.image.isValid()
        && output.image.width == output.width && output.image.height == output.height;
}

EvaluationResults::Example exampleOf(const ManifestEntry& entry, const Evaluator::StudyOutput& output, std::size_t s,
    const Evaluator::SentenceGrounding& sentence)
{
    EvaluationResults::Example example;
    example.title = std::filesystem::path(entry.image).filename().string();
    example.caption = entry.sentences[s].text;
    example.image = output.image;
    example.heatmap = output.sentenceHeatmaps[s];
    example.truth = entry.sentences[s].boxes;
    example.pointingHit = sentence.pointingHit;
    return example;
}

// The grounded sentences of a run and the study of each (for the pointing game's interval).
struct GroundedSentences {
    std::vector<Evaluator::SentenceGrounding> sentences;
    std::vector<int> studies;

    void add(const Evaluator::SentenceGrounding& sentence, std::size_t study)
    {
        sentences.push_back(sentence);
        studies.push_back(static_cast<int>(study));
    }
};

// Grounding: the sentence heatmaps (or their metrics computed earlier), and the attention maps when given; one
// example per study (the report shows more patients and findings).
void evaluateGrounding(EvaluationResults::Run& run, const std::vector<ManifestEntry>& entries,
    const std::vector<Evaluator::StudyOutput>& outputs, const Evaluator::Options& options)
{
    GroundedSentences scored;
    GroundedSentences attention;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        const auto& output = outputs[i];
        bool studyShown = false;
        for (std::size_t s = 0; s < entry.sentences.size(); ++s) {
            if (entry.sentences[s].boxes.empty())
                continue;
            if (s < output.attentionGrounding.size() && output.attentionGrounding[s])
                attention.add(*output.attentionGrounding[s], i);
            const bool hasHeatmap = s < output.sentenceHeatmaps.size() && !output.sentenceHeatmaps[s].empty();
            const auto sentence = groundedSentence(entry, output, s, hasHeatmap);
            if (!sentence)
                continue;
            scored.add(*sentence, i);
            if (hasHeatmap && !studyShown && canShowExample(run, output, options.examples)) {
                run.examples.push_back(exampleOf(entry, output, s, *sentence));
                studyShown = true;
            }
        }
    }
    const int studyCount = static_cast<int>(entries.size());
    run.grounding = Evaluator::summarizeGrounding(scored.sentences);
    run.grounding.pointingGameInterval = pointingGameInterval(
        scored.sentences, scored.studies, studyCount, options.bootstrapSamples, options.seed + 3);
    if (!attention.sentences.empty()) {
        run.attentionGrounding = Evaluator::summarizeGrounding(attention.sentences);
        run.attentionGrounding.pointingGameInterval = pointingGameInterval(
            attention.sentences, attention.studies, studyCount, options.bootstrapSamples, options.seed + 4);
    }
}

// Retrieval: recall at each k, image->report and report->image, from the [N, N] similarity.
void evaluateRetrieval(EvaluationResults::Run& run, int studyCount, const std::vector<double>& similarity,
    const Evaluator::Options& options)
{
    if (similarity.empty())
        return;
    run.retrieval.candidates = studyCount;
    for (const int k : options.recallK) {
        run.retrieval.k.push_back(k);
        run.retrieval.imageToReport.push_back(RetrievalMetrics::imageToReportRecall(similarity, studyCount, k));
        run.retrieval.reportToImage.push_back(RetrievalMetrics::reportToImageRecall(similarity, studyCount, k));
    }
}

// A finding scored by both runs of a comparison: the studies with a target, and each run's combined score on them.
struct PairedFindingScores {
    std::vector<int> studies; ///< manifest indices
    std::vector<int> targets;
    std::vector<double> baseline;
    std::vector<double> candidate;
};

// The findings both runs scored whose targets have both classes.
std::vector<PairedFindingScores> pairedFindingScores(const std::vector<ManifestEntry>& entries,
    const std::vector<Evaluator::StudyOutput>& baseline, const std::vector<Evaluator::StudyOutput>& candidate,
    const Evaluator::Options& options)
{
    std::vector<PairedFindingScores> findings;
    std::vector<std::string> names = options.findings.empty() ? Observations::names() : options.findings;
    for (const auto& name : names) {
        PairedFindingScores scores;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto target = Observations::target(entries[i].label(name), options.uncertaintyPolicy);
            const auto a = baseline[i].findingScores.find(name);
            const auto b = candidate[i].findingScores.find(name);
            if (!target || a == baseline[i].findingScores.end() || b == candidate[i].findingScores.end())
                continue;
            scores.studies.push_back(static_cast<int>(i));
            scores.targets.push_back(*target);
            scores.baseline.push_back(a->second[2]);
            scores.candidate.push_back(b->second[2]);
        }
        const auto positives = std::count(scores.targets.begin(), scores.targets.end(), 1);
        if (positives > 0 && positives < static_cast<long>(scores.targets.size()))
            findings.push_back(std::move(scores));
    }
    return findings;
}

BootstrapInterval::Result noInterval()
{
    return BootstrapInterval::Result { std::nan(""), std::nan(""), std::nan(""), 0.95, 0, 0 };
}

// Paired bootstrap of the mean AUC difference (candidate - baseline) over the findings.
BootstrapInterval::Result meanAucDifference(
    const std::vector<PairedFindingScores>& findings, int studyCount, const Evaluator::Options& options)
{
    if (findings.empty())
        return noInterval();
    // The statistic on a resample of the studies: how often each study was drawn weights its cases.
    const auto aucDifference = [&](const std::vector<int>& resample) {
        std::vector<int> draws(static_cast<std::size_t>(studyCount), 0);
        for (const int index : resample)
            ++draws[static_cast<std::size_t>(index)];
        std::vector<double> differences;
        for (const auto& finding : findings) {
            std::vector<double> a;
            std::vector<double> b;
            std::vector<int> targets;
            for (std::size_t k = 0; k < finding.studies.size(); ++k) {
                for (int d = 0; d < draws[static_cast<std::size_t>(finding.studies[k])]; ++d) {
                    a.push_back(finding.baseline[k]);
                    b.push_back(finding.candidate[k]);
                    targets.push_back(finding.targets[k]);
                }
            }
            const double difference = RocAnalysis::area(b, targets) - RocAnalysis::area(a, targets);
            if (!std::isfinite(difference))
                return std::nan(""); // a finding without both classes in this resample: skip the resample
            differences.push_back(difference);
        }
        return meanOf(differences);
    };
    return BootstrapInterval::compute(studyCount, aucDifference, options.bootstrapSamples, options.seed);
}

// Sentences grounded in both runs: the pointing game and mIoU differences. A study's sentences often describe one
// lesion (and share its box), so they are not independent: the bootstrap resamples studies and keeps each study's
// sentences together.
void groundingDifferences(EvaluationResults::Comparison& comparison, const DatasetManifest& manifest,
    const std::vector<Evaluator::StudyOutput>& baseline, const std::vector<Evaluator::StudyOutput>& candidate,
    const Evaluator::Options& options)
{
    const auto& entries = manifest.entries();
    const int studyCount = static_cast<int>(entries.size());
    std::vector<int> sentenceStudies;
    const auto a = sentenceGroundings(manifest, baseline, &sentenceStudies);
    const auto b = sentenceGroundings(manifest, candidate);
    std::vector<double> hitDifference(entries.size(), 0.0); // per study: sums over its sentences
    std::vector<double> iouDifference(entries.size(), 0.0);
    std::vector<int> sentencesOf(entries.size(), 0);
    for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
        if (!a[k] || !b[k])
            continue;
        const auto study = static_cast<std::size_t>(sentenceStudies[k]);
        hitDifference[study] += (b[k]->pointingHit ? 1.0 : 0.0) - (a[k]->pointingHit ? 1.0 : 0.0);
        iouDifference[study] += meanOf(b[k]->iou) - meanOf(a[k]->iou);
        ++sentencesOf[study];
        ++comparison.sentences;
    }
    const auto perSentence = [&](const std::vector<double>& differences) {
        return [&](const std::vector<int>& resample) {
            double sum = 0.0;
            int count = 0;
            for (const int study : resample) {
                sum += differences[static_cast<std::size_t>(study)];
                count += sentencesOf[static_cast<std::size_t>(study)];
            }
            return count > 0 ? sum / count : std::nan("");
        };
    };
    comparison.pointingGameDifference = comparison.sentences == 0
        ? noInterval()
        : BootstrapInterval::compute(
            studyCount, perSentence(hitDifference), options.bootstrapSamples, options.seed + 1);
    comparison.meanIouDifference = comparison.sentences == 0
        ? noInterval()
        : BootstrapInterval::compute(
            studyCount, perSentence(iouDifference), options.bootstrapSamples, options.seed + 2);
}

} // namespace

EvaluationResults::Run Evaluator::evaluate(const std::string& runName, const DatasetManifest& manifest,
    const std::vector<StudyOutput>& outputs, const std::vector<double>& similarity, const Options& options)
{
    const auto& entries = manifest.entries();
    if (outputs.size() != entries.size())
        throw std::invalid_argument("evaluate: " + std::to_string(outputs.size()) + " outputs for "
            + std::to_string(entries.size()) + " manifest entries");
    EvaluationResults::Run run;
    run.name = runName;
    evaluateFindings(run, entries, outputs, options);
    evaluateGrounding(run, entries, outputs, options);
    evaluateRetrieval(run, static_cast<int>(entries.size()), similarity, options);
    return run;
}

EvaluationResults::Comparison Evaluator::compare(const std::string& baselineName, const std::string& candidateName,
    const DatasetManifest& manifest, const std::vector<StudyOutput>& baseline,
    const std::vector<StudyOutput>& candidate, const Options& options)
{
    const auto& entries = manifest.entries();
    if (baseline.size() != entries.size() || candidate.size() != entries.size())
        throw std::invalid_argument("compare: the outputs of both runs must match the manifest's "
            + std::to_string(entries.size()) + " entries");
    EvaluationResults::Comparison comparison;
    comparison.baseline = baselineName;
    comparison.candidate = candidateName;
    const auto findings = pairedFindingScores(entries, baseline, candidate, options);
    comparison.findings = static_cast<int>(findings.size());
    comparison.meanAucDifference = meanAucDifference(findings, static_cast<int>(entries.size()), options);
    groundingDifferences(comparison, manifest, baseline, candidate, options);
    return comparison;
}

std::optional<Evaluator::SentenceGrounding> Evaluator::groundSentence(
    const std::vector<float>& heatmap, int width, int height, const std::vector<AnalysisResult::Box>& boxes)
{
    if (boxes.empty() || heatmap.empty())
        return std::nullopt;
    if (width <= 0 || height <= 0 || heatmap.size() != static_cast<std::size_t>(width) * height)
        throw std::invalid_argument("groundSentence: the heatmap has " + std::to_string(heatmap.size())
            + " values for a " + std::to_string(width) + " x " + std::to_string(height) + " image");
    SentenceGrounding result;
    result.pointingHit = GroundingMetrics::pointingHit(heatmap, width, height, boxes);
    result.contrastToNoise = GroundingMetrics::contrastToNoise(heatmap, width, height, boxes);
    result.iou
        = GroundingMetrics::intersectionOverUnion(heatmap, width, height, boxes, GroundingMetrics::iouThresholds());
    const auto mask = GroundingMetrics::boxMask(width, height, boxes);
    result.boxFraction
        = static_cast<double>(std::count(mask.begin(), mask.end(), 1)) / static_cast<double>(mask.size());
    return result;
}

EvaluationResults::Grounding Evaluator::summarizeGrounding(const std::vector<SentenceGrounding>& sentences)
{
    EvaluationResults::Grounding grounding;
    grounding.iouThresholds = GroundingMetrics::iouThresholds();
    grounding.meanIouPerThreshold.assign(grounding.iouThresholds.size(), 0.0);
    grounding.sentences = static_cast<int>(sentences.size());
    int hits = 0;
    double chance = 0.0;
    double cnrSum = 0.0;
    int cnrCount = 0;
    for (const auto& sentence : sentences) {
        hits += sentence.pointingHit ? 1 : 0;
        chance += sentence.boxFraction;
        if (std::isfinite(sentence.contrastToNoise)) {
            cnrSum += sentence.contrastToNoise;
            ++cnrCount;
        }
        for (std::size_t t = 0; t < grounding.meanIouPerThreshold.size() && t < sentence.iou.size(); ++t)
            grounding.meanIouPerThreshold[t] += sentence.iou[t];
    }
    if (grounding.sentences > 0) {
        grounding.pointingGame = static_cast<double>(hits) / grounding.sentences;
        grounding.chancePointingGame = chance / grounding.sentences;
        double sum = 0.0;
        for (auto& value : grounding.meanIouPerThreshold) {
            value /= grounding.sentences;
            sum += value;
        }
        grounding.meanIou = sum / static_cast<double>(grounding.meanIouPerThreshold.size());
    } else {
        grounding.pointingGame = grounding.chancePointingGame = grounding.meanIou = std::nan("");
    }
    grounding.contrastToNoise = cnrCount > 0 ? cnrSum / cnrCount : std::nan("");

    // Box-size bins (share of the image): < 1 % (small nodules), 1-5 %, 5-15 %, >= 15 % (effusions, the heart).
    std::vector<int> binHits;
    for (const double maximum : { 0.01, 0.05, 0.15, 1.0 + 1e-9 }) {
        grounding.byBoxSize.push_back({ std::min(maximum, 1.0), 0, 0.0 });
        binHits.push_back(0);
    }
    for (const auto& sentence : sentences) {
        std::size_t bin = 0;
        while (bin + 1 < grounding.byBoxSize.size() && sentence.boxFraction >= grounding.byBoxSize[bin].maximumFraction)
            ++bin;
        ++grounding.byBoxSize[bin].sentences;
        binHits[bin] += sentence.pointingHit ? 1 : 0;
    }
    for (std::size_t bin = 0; bin < grounding.byBoxSize.size(); ++bin) {
        auto& entry = grounding.byBoxSize[bin];
        entry.pointingGame = entry.sentences > 0 ? static_cast<double>(binHits[bin]) / entry.sentences : std::nan("");
    }
    return grounding;
}

} // namespace lrclr
