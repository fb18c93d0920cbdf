#include "training/internal/TrainingLosses.h"

#include <map>

#include "core/model/internal/CrossModalInteraction.h"
#include "training/ContrastiveLoss.h"
#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

namespace {

namespace F = torch::nn::functional;

// [M, B] true where study b's report holds sentence m's text (a text such as "No pneumothorax." is a
// positive for every study whose report has it).
torch::Tensor sentencePositives(const std::vector<std::int64_t>& distinctIds, const std::vector<std::int64_t>& owners,
    std::int64_t studies, torch::Device device)
{
    const auto count = static_cast<std::int64_t>(distinctIds.size());
    std::vector<float> positives(static_cast<std::size_t>(count * studies), 0.0f);
    std::map<std::int64_t, std::vector<std::int64_t>> holders;
    for (std::int64_t m = 0; m < count; ++m)
        holders[distinctIds[static_cast<std::size_t>(m)]].push_back(owners[static_cast<std::size_t>(m)]);
    for (std::int64_t m = 0; m < count; ++m)
        for (const auto study : holders[distinctIds[static_cast<std::size_t>(m)]])
            positives[static_cast<std::size_t>(m * studies + study)] = 1.0f;
    return torch::tensor(positives).view({ count, studies }).to(device).gt(0.5);
}

// Multi-positive InfoNCE of sentence x study logits [M, B], sentence->study and study->sentence averaged.
torch::Tensor sentenceContrast(const torch::Tensor& logits, const torch::Tensor& positives)
{
    const auto direction = [](const torch::Tensor& scores, const torch::Tensor& mask) {
        const auto all = torch::logsumexp(scores, 1);
        const auto own = torch::logsumexp(scores.masked_fill(mask.logical_not(), -1e9), 1);
        return (all - own).masked_select(mask.any(1)).mean();
    };
    return (direction(logits, positives) + direction(logits.t(), positives.t())) / 2;
}

// Maps with flat patches pushed far below any cosine, so that no soft maximum, softmax or argmax picks them.
torch::Tensor excludeFlat(const torch::Tensor& maps, const torch::Tensor& content)
{
    return maps.masked_fill(content.logical_not(), -10.0);
}

} // namespace

// The image tower's and the report tower's output for this rank's studies.
struct TrainingLosses::EncodedImages {
    torch::Tensor imageGlobal; // [B, E], the CLS token
    torch::Tensor patches; // [B, P, E], normalised
    torch::Tensor reports; // [B, E]
    std::vector<torch::Tensor> attention; // the image tower's, per layer (region selection)
};

// The batch's sentence rows, padded in distributed runs to the same count on every rank so that they can be
// gathered (padding rows have owner -1).
struct TrainingLosses::SentenceRows {
    std::vector<std::int64_t> tokens;
    std::vector<std::int64_t> owners;
    std::vector<float> masks;
    std::vector<std::uint8_t> hasBoxes;
    std::int64_t count = 0;
};

struct TrainingLosses::Sentences {
    torch::Tensor embeddings; // [M, E], normalised
    torch::Tensor owners; // [M]: the study of each sentence
    torch::Tensor masks; // [M, P]: box coverage of each patch
    torch::Tensor hasBoxes; // [M]
    std::vector<std::int64_t> distinctIds; // each row's distinct-text index (this rank's rows)
};

TrainingLosses::TrainingLosses(const TrainingRun& run)
    : m_run(run)
{
}

Losses TrainingLosses::compute(const TrainingDataLoader::Batch& batch, bool keepMaps) const
{
    auto encoded = encodeImagesAndReports(batch);
    const auto rows = paddedSentenceRows(batch);
    const auto scale = m_run.logitScale.exp().clamp_max(maximumLogitScale);
    if (rows.count == 0)
        return globalLossOnly(encoded, scale);
    auto sentences = encodeSentences(rows);
    const bool distributed = m_run.options.worldSize > 1;
    if (distributed)
        gatherOverRanks(encoded, sentences);

    Losses losses;
    losses.global = globalLoss(encoded, sentences, batch, scale);
    torch::Tensor attentionWeights;
    losses.local = localLoss(encoded, sentences, scale, attentionWeights);
    // Patches with content (not flat), [B, P]: one mask for the pooled losses and the validation maps.
    const auto content
        = !distributed && !batch.flatPatches.empty() ? contentMask(batch, m_run.patchCount()) : torch::Tensor();
    if (usesPooledObjective())
        losses.local = losses.local + pooledLosses(sentences, encoded.patches, batch, content, scale);

    // Each sentence against its own study: the viewer's heatmap (text . patches) and the attention weights.
    const auto ownPatches = encoded.patches.index_select(0, sentences.owners); // [M, P, E]
    auto similarityMaps = torch::bmm(ownPatches, sentences.embeddings.unsqueeze(-1)).squeeze(-1); // [M, P]
    if (content.defined()) // as LrclrModel reports them: flat patches left out
        similarityMaps = excludeFlat(similarityMaps, content.index_select(0, sentences.owners));
    torch::Tensor attentionMaps;
    if (m_run.settings.attendAllPatches) {
        const auto rowsIndex = torch::arange(sentences.embeddings.size(0), sentences.owners.options());
        attentionMaps = attentionWeights.index({ sentences.owners, rowsIndex }); // [M, P]
    }
    losses.box = m_run.options.boxWeight > 0.0 && sentences.hasBoxes.any().item<bool>()
        ? boxLoss(sentences.hasBoxes, sentences.masks, similarityMaps, attentionMaps)
        : torch::zeros({}, losses.local.options());
    if (keepMaps) {
        losses.similarityMaps = similarityMaps.detach();
        if (attentionMaps.defined())
            losses.attentionMaps = attentionMaps.detach();
    }
    return losses;
}

TrainingLosses::EncodedImages TrainingLosses::encodeImagesAndReports(const TrainingDataLoader::Batch& batch) const
{
    const int size = m_run.config.imageResolution;
    const auto localBatch = static_cast<std::int64_t>(batch.size);
    auto images
        = torch::from_blob(const_cast<float*>(batch.images.data()), { localBatch, 3, size, size }, torch::kFloat)
              .to(m_run.device);
    auto vision = m_run.network->encodeImage(images, !m_run.settings.attendAllPatches);
    const auto tokens = vision.tokens();
    EncodedImages encoded;
    encoded.imageGlobal = tokens.select(1, 0);
    encoded.patches = normalized(tokens.slice(1, 1));
    encoded.reports = m_run.network->encodeText(longTensor(batch.reportTokens, localBatch, m_run.device));
    encoded.attention = vision.attention();
    return encoded;
}

TrainingLosses::SentenceRows TrainingLosses::paddedSentenceRows(const TrainingDataLoader::Batch& batch) const
{
    SentenceRows rows { batch.sentenceTokens, batch.owners, batch.boxMasks, batch.hasBoxes, batch.sentenceCount() };
    const auto& options = m_run.options;
    if (options.worldSize <= 1)
        return rows;
    const auto localBatch = static_cast<std::int64_t>(batch.size);
    const auto padded = localBatch * (options.maxSentences + static_cast<std::int64_t>(m_run.paddingPrompts));
    if (rows.count > padded)
        throw TrainingError("internal: more sentences than the padded count");
    for (auto& owner : rows.owners)
        owner += static_cast<std::int64_t>(options.rank) * localBatch;
    const int context = m_run.config.contextLength;
    for (; rows.count < padded; ++rows.count) {
        std::vector<std::int64_t> empty(static_cast<std::size_t>(context), 0);
        empty[0] = m_run.config.vocabularySize - 2;
        empty[1] = m_run.config.vocabularySize - 1;
        rows.tokens.insert(rows.tokens.end(), empty.begin(), empty.end());
        rows.owners.push_back(-1);
        rows.masks.resize(rows.masks.size() + static_cast<std::size_t>(m_run.patchCount()), 0.0f);
        rows.hasBoxes.push_back(0);
    }
    return rows;
}

// A batch without sentences: the report-level CLIP loss alone.
Losses TrainingLosses::globalLossOnly(const EncodedImages& encoded, const torch::Tensor& scale) const
{
    Losses losses;
    const auto all = m_run.gather(encoded.imageGlobal);
    losses.global = ContrastiveLoss::clip(all, m_run.gather(encoded.reports), scale);
    losses.local = torch::zeros({}, all.options());
    losses.box = torch::zeros({}, all.options());
    return losses;
}

TrainingLosses::Sentences TrainingLosses::encodeSentences(const SentenceRows& rows) const
{
    Sentences sentences;
    sentences.embeddings
        = encodeDistinctSentences(rows.tokens, rows.count, m_run.config.contextLength, sentences.distinctIds);
    const auto device = m_run.device;
    sentences.owners = torch::tensor(rows.owners, torch::kLong).to(device);
    sentences.masks = torch::tensor(rows.masks, torch::kFloat).view({ rows.count, m_run.patchCount() }).to(device);
    sentences.hasBoxes
        = torch::tensor(std::vector<std::int64_t>(rows.hasBoxes.begin(), rows.hasBoxes.end()), torch::kLong)
              .to(device)
              .to(torch::kBool);
    return sentences;
}

// Data-parallel: every rank's studies and sentences, the padding rows dropped.
void TrainingLosses::gatherOverRanks(EncodedImages& encoded, Sentences& sentences) const
{
    encoded.imageGlobal = m_run.gather(encoded.imageGlobal);
    encoded.reports = m_run.gather(encoded.reports);
    encoded.patches = m_run.gather(encoded.patches);
    sentences.embeddings = m_run.gather(sentences.embeddings);
    sentences.owners = m_run.gather(sentences.owners.to(torch::kFloat)).round().to(torch::kLong);
    sentences.masks = m_run.gather(sentences.masks);
    sentences.hasBoxes = m_run.gather(sentences.hasBoxes.to(torch::kFloat)).gt(0.5);
    for (auto& layer : encoded.attention)
        layer = m_run.gather(layer.detach());
    const auto valid = sentences.owners.ge(0).nonzero().squeeze(1);
    sentences.embeddings = sentences.embeddings.index_select(0, valid);
    sentences.owners = sentences.owners.index_select(0, valid);
    sentences.masks = sentences.masks.index_select(0, valid);
    sentences.hasBoxes = sentences.hasBoxes.index_select(0, valid);
}

torch::Tensor TrainingLosses::globalLoss(const EncodedImages& encoded, const Sentences& sentences,
    const TrainingDataLoader::Batch& batch, const torch::Tensor& scale) const
{
    auto loss = ContrastiveLoss::clip(encoded.imageGlobal, encoded.reports, scale);
    const double sentenceWeight = m_run.options.sentenceGlobalWeight;
    if (sentenceWeight > 0.0) {
        // Sentence-level global loss: each sentence against every study's global (CLS) embedding.
        const auto positives
            = sentencePositives(sentences.distinctIds, batch.owners, encoded.imageGlobal.size(0), m_run.device);
        loss = loss
            + sentenceWeight
                * sentenceContrast(
                    scale * torch::matmul(sentences.embeddings, normalized(encoded.imageGlobal).t()), positives);
    }
    return loss;
}

// Every sentence attends over every study's keys: similarity[s][j] = cos(sentence s, study j's attended
// embedding for s), the local loss's sentence x study matrix. `attentionWeights` receives the interaction's
// attention weights [B, M, keys].
torch::Tensor TrainingLosses::localLoss(const EncodedImages& encoded, const Sentences& sentences,
    const torch::Tensor& scale, torch::Tensor& attentionWeights) const
{
    const auto& embeddings = sentences.embeddings;
    const auto studies = encoded.patches.size(0);
    const auto count = embeddings.size(0);
    const auto [keys, keyMask] = m_run.interactionKeys(encoded.patches, encoded.attention);
    const auto queries = embeddings.unsqueeze(0).expand({ studies, count, embeddings.size(1) });
    const auto [weights, local, conditioned]
        = m_run.network->interaction().forward(queries, keys, normalized(encoded.imageGlobal), keyMask);
    attentionWeights = weights;
    // Both of what inference scores with: the region-attended embedding (local) and the region-conditioned one
    // (global + gate * O(local), the "combined" zero-shot score); the second trains the gate and the output
    // projection, which the first cannot reach.
    const auto similarity = torch::cosine_similarity(local, queries, -1).t(); // [M, B]
    const auto conditionedSimilarity = torch::cosine_similarity(conditioned, queries, -1).t();
    return m_run.options.localWeight
        * (ContrastiveLoss::local(similarity, sentences.owners, scale)
            + ContrastiveLoss::local(conditionedSimilarity, sentences.owners, scale))
        / 2;
}

// Reports repeat sentences ("No pneumothorax.") and label prompts: each distinct text is encoded once.
// Returns the normalised embeddings of all `rows` rows; `inverse` receives each row's distinct-text index.
torch::Tensor TrainingLosses::encodeDistinctSentences(
    const std::vector<std::int64_t>& tokens, std::int64_t rows, int context, std::vector<std::int64_t>& inverse) const
{
    std::map<std::vector<std::int64_t>, std::int64_t> distinct;
    std::vector<std::int64_t> distinctTokens;
    inverse.clear();
    for (std::int64_t row = 0; row < rows; ++row) {
        const auto begin = tokens.begin() + row * context;
        std::vector<std::int64_t> key(begin, begin + context);
        const auto [found, inserted] = distinct.emplace(key, static_cast<std::int64_t>(distinct.size()));
        if (inserted)
            distinctTokens.insert(distinctTokens.end(), key.begin(), key.end());
        inverse.push_back(found->second);
    }
    return normalized(
        m_run.network->encodeText(longTensor(distinctTokens, static_cast<std::int64_t>(distinct.size()), m_run.device)))
        .index_select(0, torch::tensor(inverse, torch::kLong).to(m_run.device));
}

// The supervised grounding loss (--box-weight) of the boxed sentences. Target: each patch's share of box
// coverage, normalised. A patch that a small box only clips gets a proportionally small target, so the map
// peaks where the box is and its bicubic upsampling (what the viewer and the pointing game see) peaks inside
// boxes smaller than a patch.
torch::Tensor TrainingLosses::boxLoss(const torch::Tensor& hasBoxes, const torch::Tensor& coverageMasks,
    const torch::Tensor& similarityMaps, const torch::Tensor& attentionMaps) const
{
    const auto boxed = hasBoxes.nonzero().squeeze(1);
    const auto coverage = coverageMasks.index_select(0, boxed);
    const auto target = coverage / coverage.sum(1, true).clamp_min(1e-12);
    const auto attentionScaleValue = m_run.attentionScale.exp().clamp_max(maximumLogitScale);
    const auto crossEntropy
        = [&](const torch::Tensor& logProbabilities) { return -(target * logProbabilities).sum(1).mean(); };
    auto loss = crossEntropy(torch::log_softmax(attentionScaleValue * similarityMaps.index_select(0, boxed), 1));
    if (attentionMaps.defined())
        loss = (loss + crossEntropy(attentionMaps.index_select(0, boxed).clamp_min(1e-12).log())) / 2;
    return loss;
}

bool TrainingLosses::usesPooledObjective() const
{
    const auto& options = m_run.options;
    return options.pooledWeight > 0.0 || options.intraImageWeight > 0.0 || options.locationWeight > 0.0;
}

// A sentence's score on an image from its similarity map (the text . patch map the viewer shows and the
// evaluator scores): log-mean-exp pooling, a soft maximum whose sharpness is options.poolingSharpness.
// Flat patches (ImagePreprocessor::flatPatches) are left out: `content` [..., P] is true elsewhere, and the
// mean runs over the content patches only.
torch::Tensor TrainingLosses::pooledScore(const torch::Tensor& maps, const torch::Tensor& content) const
{
    const double sharpness = m_run.options.poolingSharpness;
    const auto count = content.sum(-1).clamp_min(1).to(maps.scalar_type());
    return (torch::logsumexp(sharpness * excludeFlat(maps, content), -1) - count.log()) / sharpness;
}

// [B, P] true where a patch has content; a study whose every patch is flat keeps them all.
torch::Tensor TrainingLosses::contentMask(const TrainingDataLoader::Batch& batch, std::int64_t patchCount) const
{
    std::vector<float> values(batch.flatPatches.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = batch.flatPatches[i] ? 0.0f : 1.0f;
    auto content = torch::tensor(values).view({ batch.size, patchCount }).gt(0.5);
    const auto empty = content.any(1).logical_not().unsqueeze(1);
    return content.logical_or(empty).to(m_run.device);
}

// The location-swapped twins of the batch's sentences, normalised; undefined when there are none.
torch::Tensor TrainingLosses::swappedSentences(const TrainingDataLoader::Batch& batch) const
{
    if (batch.swappedOf.empty())
        return torch::Tensor();
    return normalized(m_run.network->encodeText(
        longTensor(batch.swappedTokens, static_cast<std::int64_t>(batch.swappedOf.size()), m_run.device)));
}

// The local objective under which grounding emerges from reports alone (weights in Trainer::Options):
// - pooled: each sentence against every study of the batch by its pooled map score, multi-positive (a text
//   such as "No pneumothorax." is a positive for every study whose report has it), both directions;
// - intra-image: intraImageLoss();
// - location: each sentence must score above its location-swapped twin ("left" <-> "right", ...) on its own
//   image.
// patches [B, P, E] normalised; content [B, P]: contentMask().
torch::Tensor TrainingLosses::pooledLosses(const Sentences& sentences, const torch::Tensor& patches,
    const TrainingDataLoader::Batch& batch, const torch::Tensor& content, const torch::Tensor& scale) const
{
    const auto& options = m_run.options;
    const auto swapped = swappedSentences(batch);
    const auto& embeddings = sentences.embeddings;
    const auto count = embeddings.size(0);
    const auto studies = patches.size(0);
    const auto maps = torch::einsum("me,bpe->mbp", { embeddings, patches }); // [M, B, P]
    const auto pooled = pooledScore(maps, content.unsqueeze(0)); // [M, B]
    auto total = torch::zeros({}, pooled.options());

    if (options.pooledWeight > 0.0) {
        const auto positiveMask = sentencePositives(sentences.distinctIds, batch.owners, studies, pooled.device());
        total = total + options.pooledWeight * sentenceContrast(scale * pooled, positiveMask);
    }

    const auto rows = torch::arange(count, sentences.owners.options());
    const auto ownMaps = maps.index({ rows, sentences.owners }); // [M, P]
    const auto ownContent = content.index_select(0, sentences.owners); // [M, P]
    if (options.intraImageWeight > 0.0) {
        const auto intraImage = intraImageLoss(sentences, patches, ownMaps, ownContent, scale);
        if (intraImage.defined())
            total = total + intraImage;
    }
    if (options.locationWeight > 0.0 && swapped.defined()) {
        const auto of = torch::tensor(batch.swappedOf, torch::kLong).to(embeddings.device());
        const auto owners = sentences.owners.index_select(0, of);
        const auto swappedMaps = torch::bmm(patches.index_select(0, owners), swapped.unsqueeze(-1)).squeeze(-1);
        const auto own = pooledScore(ownMaps.index_select(0, of), ownContent.index_select(0, of));
        const auto twin = pooledScore(swappedMaps, content.index_select(0, owners));
        total = total + options.locationWeight * F::softplus(scale * (twin - own)).mean();
    }
    return total;
}

// Within a report, each sentence must match the region its own map attends to better than the regions the
// report's other sentences attend to (a map that is the same everywhere cannot do that). Weighted; undefined when
// no report has two distinct sentences.
torch::Tensor TrainingLosses::intraImageLoss(const Sentences& sentences, const torch::Tensor& patches,
    const torch::Tensor& ownMaps, const torch::Tensor& ownContent, const torch::Tensor& scale) const
{
    const auto& options = m_run.options;
    const auto& embeddings = sentences.embeddings;
    const auto& owners = sentences.owners;
    const auto count = embeddings.size(0);
    // The region each sentence's map attends to, as one embedding (the map's softmax at the pooling's
    // sharpness: the weights of the pooled score's gradient).
    const auto weights = torch::softmax(options.poolingSharpness * excludeFlat(ownMaps, ownContent), 1);
    const auto ownPatches = patches.index_select(0, owners); // [M, P, E]
    const auto attended = normalized(torch::bmm(weights.unsqueeze(1), ownPatches).squeeze(1)); // [M, E]
    const auto cosine = torch::matmul(embeddings, attended.t()); // [M, M]: sentence m vs region of m'
    const auto sameStudy = owners.unsqueeze(1).eq(owners.unsqueeze(0));
    const auto ids = torch::tensor(sentences.distinctIds, torch::kLong).to(embeddings.device());
    const auto sameText = ids.unsqueeze(1).eq(ids.unsqueeze(0));
    const auto eye = torch::eye(count, torch::TensorOptions().dtype(torch::kBool).device(embeddings.device()));
    // Competitors: the other sentences of the same report with another text.
    const auto allowed = sameStudy.logical_and(sameText.logical_not()).logical_or(eye);
    const auto competitors = allowed.sum(1).gt(1);
    if (!competitors.any().item<bool>())
        return torch::Tensor();
    const auto logits = (scale * cosine).masked_fill(allowed.logical_not(), -1e9);
    const auto loss = torch::logsumexp(logits, 1) - torch::diagonal(logits);
    return options.intraImageWeight * loss.masked_select(competitors).mean();
}

} // namespace lrclr::internal
