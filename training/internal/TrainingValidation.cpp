#include "training/internal/TrainingValidation.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/model/ClipTokenizer.h"
#include "core/model/internal/CrossModalInteraction.h"
#include "training/RocAnalysis.h"
#include "training/TrainingLog.h"
#include "training/internal/TrainingData.h"
#include "training/internal/TrainingLosses.h"
#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

TrainingValidation::TrainingValidation(const TrainingRun& run, const TrainingLosses& losses, const TrainingData& data)
    : m_run(run)
    , m_losses(losses)
    , m_data(data)
{
}

Trainer::Validation TrainingValidation::validate(int step, TrainingLog& log) const
{
    Trainer::Validation result;
    result.step = step;
    const auto* loader = m_data.validationLoader.get();
    if (!loader)
        return result;
    m_run.report(Trainer::Progress::Phase::Validating,
        "validating on " + std::to_string(m_data.validationEntries.size()) + " studies");
    torch::NoGradGuard noGrad;
    const auto& options = m_run.options;
    double lossSum = 0.0;
    int chunks = 0;
    PointingGame game;
    const auto prompts = promptEmbeddings();
    std::vector<torch::Tensor> chunkScores;
    const int chunk = std::max(2, std::min(options.batchSize, loader->studyCount()));
    for (int first = 0; first < loader->studyCount(); first += chunk) {
        const auto batch = loader->sequentialBatch(first, chunk);
        if (batch.size < 2)
            break;
        chunkScores.push_back(findingScores(batch, prompts));
        if (options.worldSize > 1)
            continue; // the losses gather over ranks; only rank 0 validates
        const auto losses = m_losses.compute(batch, true);
        lossSum
            += (options.globalWeight * losses.global + losses.local + options.boxWeight * losses.box).item<double>();
        ++chunks;
        countPointingGame(batch, losses, game);
    }
    result.studies = loader->studyCount();
    result.loss = chunks > 0 ? lossSum / chunks : -1.0; // -1: not measured (distributed runs)
    if (game.boxed > 0) {
        result.pointingGameSimilarity = static_cast<double>(game.hitsSimilarity) / game.boxed;
        if (m_run.settings.attendAllPatches)
            result.pointingGameAttention = static_cast<double>(game.hitsAttention) / game.boxed;
    }
    if (!chunkScores.empty())
        result.meanAuc = meanAuc(chunkScores);
    log.addValidation(step, result.loss, result.pointingGameSimilarity, result.pointingGameAttention, result.meanAuc);
    m_run.report(Trainer::Progress::Phase::Validating, summary(result));
    return result;
}

// Zero-shot prompts (template-averaged, as LrclrModel scores findings): positives then negatives, [2F, E].
torch::Tensor TrainingValidation::promptEmbeddings() const
{
    const ClipTokenizer tokenizer(m_run.mergesPath, m_run.config.vocabularySize);
    return torch::cat({ embedPrompts(tokenizer, true), embedPrompts(tokenizer, false) }, 0);
}

torch::Tensor TrainingValidation::embedPrompts(const ClipTokenizer& tokenizer, bool positive) const
{
    const auto& catalog = m_data.catalog;
    torch::Tensor sum;
    for (const auto& pair : catalog.templates()) {
        std::vector<std::string> texts;
        for (const auto& name : catalog.findings())
            texts.push_back(FindingCatalog::fill(positive ? pair.positive : pair.negative, name));
        std::vector<std::int64_t> flat;
        for (const auto& row : tokenizer.tokenize(texts, m_run.config.contextLength))
            flat.insert(flat.end(), row.begin(), row.end());
        const auto embedding = normalized(
            m_run.network->encodeText(longTensor(flat, static_cast<std::int64_t>(texts.size()), m_run.device)));
        sum = sum.defined() ? sum + embedding : embedding;
    }
    return normalized(sum);
}

// The "combined" zero-shot score of the evaluator: prompt vs region-conditioned image embedding, positive minus
// negative prompt, [B, F] on the CPU.
torch::Tensor TrainingValidation::findingScores(
    const TrainingDataLoader::Batch& batch, const torch::Tensor& prompts) const
{
    const int size = m_run.config.imageResolution;
    const auto images
        = torch::from_blob(const_cast<float*>(batch.images.data()), { batch.size, 3, size, size }, torch::kFloat);
    auto vision = m_run.network->encodeImage(images.to(m_run.device), !m_run.settings.attendAllPatches);
    const auto global = normalized(vision.embedding());
    const auto [keys, keyMask] = m_run.interactionKeys(normalized(vision.tokens().slice(1, 1)), vision.attention());
    const auto queries = prompts.unsqueeze(0).expand({ batch.size, prompts.size(0), prompts.size(1) });
    const auto conditioned = std::get<2>(m_run.network->interaction().forward(queries, keys, global, keyMask));
    const auto cosine = torch::cosine_similarity(conditioned, queries, -1); // [B, 2F]
    const auto findingCount = static_cast<std::int64_t>(m_data.catalog.findings().size());
    return (cosine.slice(1, 0, findingCount) - cosine.slice(1, findingCount)).cpu();
}

// The pointing game on the patch grid: does each boxed sentence's map peak inside its boxes?
void TrainingValidation::countPointingGame(
    const TrainingDataLoader::Batch& batch, const Losses& losses, PointingGame& game) const
{
    const int patchCount = m_run.patchCount();
    for (int m = 0; m < batch.sentenceCount(); ++m) {
        if (!batch.hasBoxes[static_cast<std::size_t>(m)])
            continue;
        ++game.boxed;
        const float* mask = batch.boxMasks.data() + static_cast<std::size_t>(m) * patchCount;
        if (mask[losses.similarityMaps[m].argmax().item<std::int64_t>()] > 0.0f)
            ++game.hitsSimilarity;
        if (losses.attentionMaps.defined() && mask[losses.attentionMaps[m].argmax().item<std::int64_t>()] > 0.0f)
            ++game.hitsAttention;
    }
}

// The AUC of the finding scores averaged over the findings whose labels have both classes; -1 when none has.
double TrainingValidation::meanAuc(const std::vector<torch::Tensor>& chunkScores) const
{
    const auto& catalog = m_data.catalog;
    const auto scores = torch::cat(chunkScores, 0).contiguous(); // [N, F] (whole chunks only)
    double aucSum = 0.0;
    int aucCount = 0;
    for (std::size_t f = 0; f < catalog.findings().size(); ++f) {
        std::vector<double> values;
        std::vector<int> labels;
        for (std::int64_t i = 0; i < scores.size(0); ++i) {
            const auto& entry = m_data.manifest.entries()[m_data.validationEntries[static_cast<std::size_t>(i)]];
            const auto label = entry.label(catalog.findings()[f]);
            if (!label || (*label != 0 && *label != 1))
                continue;
            values.push_back(scores[i][static_cast<std::int64_t>(f)].item<double>());
            labels.push_back(*label);
        }
        const double area = RocAnalysis::area(values, labels);
        if (!std::isnan(area)) {
            aucSum += area;
            ++aucCount;
        }
    }
    return aucCount > 0 ? aucSum / aucCount : -1.0;
}

std::string TrainingValidation::summary(const Trainer::Validation& validation)
{
    std::ostringstream summary;
    summary << std::fixed << std::setprecision(3) << "validation at step " << validation.step << ":";
    const char* separator = " ";
    const auto part = [&](const char* name, double value, const char* suffix) {
        if (value < 0)
            return;
        summary << separator << name << " " << value << suffix;
        separator = ", ";
    };
    part("loss", validation.loss, "");
    part("pointing game", validation.pointingGameSimilarity, " (text.patch)");
    part("pointing game", validation.pointingGameAttention, " (attention)");
    part("mean AUC", validation.meanAuc, " (combined)");
    return summary.str();
}

} // namespace lrclr::internal
