#include "training/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/ClipTokenizer.h"
#include "core/model/FindingCatalog.h"
#include "core/model/LrclrModel.h"
#include "core/model/MixedPrecision.h"
#include "core/model/ModelDirectory.h"
#include "core/model/Sha256.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/CrossModalInteraction.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/RegionSelection.h"
#include "core/model/internal/StateDict.h"
#include "training/ContrastiveLoss.h"
#include "training/DatasetManifest.h"
#include "training/DistributedGroup.h"
#include "training/LearningRateSchedule.h"
#include "training/RocAnalysis.h"
#include "training/TrainingDataLoader.h"
#include "training/TrainingLog.h"

namespace lrclr {

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using Json = nlohmann::json;

constexpr double maximumLogitScale = 100.0; // CLIP clamps exp(logit_scale) at 100 for stability

torch::Tensor normalized(const torch::Tensor& x)
{
    return F::normalize(x, F::NormalizeFuncOptions().dim(-1));
}

std::string utcNow()
{
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm parts {};
    gmtime_r(&now, &parts);
    std::ostringstream text;
    text << std::put_time(&parts, "%Y-%m-%dT%H:%M:%SZ");
    return text.str();
}

std::string readText(const std::string& path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw TrainingError(path + ": cannot open");
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

torch::Tensor longTensor(const std::vector<std::int64_t>& values, std::int64_t rows, torch::Device device)
{
    return torch::tensor(values, torch::kLong).view({ rows, -1 }).to(device);
}

// What one step (or one validation chunk) computes, before weighting.
struct Losses {
    torch::Tensor global;
    torch::Tensor local;
    torch::Tensor box;
    torch::Tensor similarityMaps; // [M, P], text . normalised patch tokens (what the viewer shows)
    torch::Tensor attentionMaps; // [M, P] or undefined
};

struct Run {
    const Trainer::Options& options;
    ClipConfig config;
    LrclrSettings settings;
    ImagePreprocessor::Settings preprocessing;
    std::string mergesPath;
    std::string findingsPath;
    std::string sourceModel;
    std::string sourceSha256;
    std::unique_ptr<internal::ClipNetwork> network;
    torch::Device device { torch::kCPU };
    torch::Tensor logitScale; // the backbone's CLIP temperature (log)
    torch::Tensor attentionScale; // the interaction's (log)
    std::unique_ptr<DistributedGroup> group;

    explicit Run(const Trainer::Options& options)
        : options(options)
    {
    }

    torch::Tensor parameter(const std::string& name) const
    {
        for (const auto& item : network->module().named_parameters(true)) {
            if (item.key() == name)
                return item.value();
        }
        throw TrainingError("the network has no parameter '" + name + "'");
    }

    torch::Tensor gather(const torch::Tensor& local) const
    {
        if (group)
            return group->gatherWithGradient(local);
        return local;
    }

    // Keys of the cross-attention per image: every patch, or the regions the selection picks (padded, masked).
    std::pair<torch::Tensor, torch::Tensor> interactionKeys(
        const torch::Tensor& patches, const std::vector<torch::Tensor>& attention) const
    {
        if (settings.attendAllPatches)
            return { patches, torch::Tensor() };
        const auto regions = internal::selectRegions(attention, settings.selectionMode, settings.topK);
        std::size_t most = 1;
        for (const auto& selected : regions)
            most = std::max(most, selected.patchIndices.size());
        const auto batch = patches.size(0);
        auto indices = torch::zeros({ batch, static_cast<std::int64_t>(most) }, torch::kLong);
        auto mask = torch::zeros({ batch, static_cast<std::int64_t>(most) }, torch::kBool);
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto& selected = regions[static_cast<std::size_t>(b)].patchIndices;
            for (std::size_t k = 0; k < selected.size(); ++k) {
                indices[b][static_cast<std::int64_t>(k)] = selected[k];
                mask[b][static_cast<std::int64_t>(k)] = true;
            }
            if (selected.empty())
                mask[b][0] = true;
        }
        indices = indices.to(patches.device());
        const auto keys = torch::gather(patches, 1, indices.unsqueeze(-1).expand({ -1, -1, patches.size(2) }));
        return { keys, mask.to(patches.device()) };
    }

    // The forward pass and losses for one batch (this rank's slice; gathered over ranks when distributed).
    Losses compute(const TrainingDataLoader::Batch& batch, bool keepMaps) const
    {
        const int size = config.imageResolution;
        const auto localBatch = static_cast<std::int64_t>(batch.size);
        auto images
            = torch::from_blob(const_cast<float*>(batch.images.data()), { localBatch, 3, size, size }, torch::kFloat)
                  .to(device);
        auto vision = network->encodeImage(images, !settings.attendAllPatches);
        const auto tokens = vision.tokens();
        auto imageGlobal = tokens.select(1, 0);
        auto patches = normalized(tokens.slice(1, 1));
        auto reports = network->encodeText(longTensor(batch.reportTokens, localBatch, device));

        // Sentences: pad every rank to the same count so that they can be gathered; padding rows have owner -1.
        std::vector<std::int64_t> sentenceTokens = batch.sentenceTokens;
        std::vector<std::int64_t> owners = batch.owners;
        std::vector<float> masks = batch.boxMasks;
        std::vector<std::uint8_t> hasBoxes = batch.hasBoxes;
        const int patchCount = config.gridSize() * config.gridSize();
        const int context = config.contextLength;
        std::int64_t rows = batch.sentenceCount();
        const int world = options.worldSize;
        if (world > 1) {
            const auto padded = static_cast<std::int64_t>(localBatch)
                * (options.maxSentences + static_cast<std::int64_t>(paddingPrompts));
            if (rows > padded)
                throw TrainingError("internal: more sentences than the padded count");
            for (auto& owner : owners)
                owner += static_cast<std::int64_t>(options.rank) * localBatch;
            for (; rows < padded; ++rows) {
                std::vector<std::int64_t> empty(static_cast<std::size_t>(context), 0);
                empty[0] = config.vocabularySize - 2;
                empty[1] = config.vocabularySize - 1;
                sentenceTokens.insert(sentenceTokens.end(), empty.begin(), empty.end());
                owners.push_back(-1);
                masks.resize(masks.size() + static_cast<std::size_t>(patchCount), 0.0f);
                hasBoxes.push_back(0);
            }
        }
        Losses losses;
        const auto scale = logitScale.exp().clamp_max(maximumLogitScale);
        if (rows == 0) {
            const auto all = gather(imageGlobal);
            losses.global = ContrastiveLoss::clip(all, gather(reports), scale);
            losses.local = torch::zeros({}, all.options());
            losses.box = torch::zeros({}, all.options());
            return losses;
        }
        std::vector<std::int64_t> inverse; // each row's distinct-text index
        auto sentences = encodeDistinctSentences(sentenceTokens, rows, context, inverse);
        auto ownerTensor = torch::tensor(owners, torch::kLong).to(device);
        auto maskTensor = torch::tensor(masks, torch::kFloat).view({ rows, patchCount }).to(device);
        auto boxTensor = torch::tensor(std::vector<std::int64_t>(hasBoxes.begin(), hasBoxes.end()), torch::kLong)
                             .to(device)
                             .to(torch::kBool);

        std::vector<torch::Tensor> attention = vision.attention();
        if (world > 1) {
            imageGlobal = gather(imageGlobal);
            reports = gather(reports);
            patches = gather(patches);
            sentences = gather(sentences);
            ownerTensor = gather(ownerTensor.to(torch::kFloat)).round().to(torch::kLong);
            maskTensor = gather(maskTensor);
            boxTensor = gather(boxTensor.to(torch::kFloat)).gt(0.5);
            for (auto& layer : attention)
                layer = gather(layer.detach());
            const auto valid = ownerTensor.ge(0).nonzero().squeeze(1);
            sentences = sentences.index_select(0, valid);
            ownerTensor = ownerTensor.index_select(0, valid);
            maskTensor = maskTensor.index_select(0, valid);
            boxTensor = boxTensor.index_select(0, valid);
        }
        losses.global = ContrastiveLoss::clip(imageGlobal, reports, scale);
        if (options.sentenceGlobalWeight > 0.0) {
            // Sentence-level global loss: each sentence against every study's global (CLS) embedding.
            const auto positives = sentencePositives(inverse, batch.owners, imageGlobal.size(0), device);
            losses.global = losses.global
                + options.sentenceGlobalWeight
                    * sentenceContrast(scale * torch::matmul(sentences, normalized(imageGlobal).t()), positives);
        }

        // Every sentence attends over every study's keys: similarity[s][j] = cos(sentence s, study j's attended
        // embedding for s), the local loss's sentence x study matrix.
        const auto studies = patches.size(0);
        const auto count = sentences.size(0);
        const auto [keys, keyMask] = interactionKeys(patches, attention);
        const auto queries = sentences.unsqueeze(0).expand({ studies, count, sentences.size(1) });
        const auto [weights, local, conditioned]
            = network->interaction().forward(queries, keys, normalized(imageGlobal), keyMask);
        // Both of what inference scores with: the region-attended embedding (local) and the region-conditioned one
        // (global + gate * O(local), the "combined" zero-shot score); the second trains the gate and the output
        // projection, which the first cannot reach.
        const auto similarity = torch::cosine_similarity(local, queries, -1).t(); // [M, B]
        const auto conditionedSimilarity = torch::cosine_similarity(conditioned, queries, -1).t();
        losses.local = options.localWeight
            * (ContrastiveLoss::local(similarity, ownerTensor, scale)
                + ContrastiveLoss::local(conditionedSimilarity, ownerTensor, scale))
            / 2;
        // Patches with content (not flat), [B, P]: one mask for the pooled losses and the validation maps.
        const auto content
            = world == 1 && !batch.flatPatches.empty() ? contentMask(batch, patchCount) : torch::Tensor();
        if (usesPooledObjective()) {
            const auto swapped = batch.swappedOf.empty()
                ? torch::Tensor()
                : normalized(network->encodeText(
                    longTensor(batch.swappedTokens, static_cast<std::int64_t>(batch.swappedOf.size()), device)));
            losses.local
                = losses.local + pooledLosses(sentences, patches, ownerTensor, inverse, swapped, batch, content, scale);
        }

        // Each sentence against its own study: the viewer's heatmap (text . patches) and the attention weights.
        const auto ownPatches = patches.index_select(0, ownerTensor); // [M, P, E]
        auto similarityMaps = torch::bmm(ownPatches, sentences.unsqueeze(-1)).squeeze(-1); // [M, P]
        if (content.defined()) // as LrclrModel reports them: flat patches left out
            similarityMaps = excludeFlat(similarityMaps, content.index_select(0, ownerTensor));
        torch::Tensor attentionMaps;
        if (settings.attendAllPatches) {
            const auto rowsIndex = torch::arange(count, ownerTensor.options());
            attentionMaps = weights.index({ ownerTensor, rowsIndex }); // [M, P]
        }
        losses.box = options.boxWeight > 0.0 && boxTensor.any().item<bool>()
            ? boxLoss(boxTensor, maskTensor, similarityMaps, attentionMaps)
            : torch::zeros({}, losses.local.options());
        if (keepMaps) {
            losses.similarityMaps = similarityMaps.detach();
            if (attentionMaps.defined())
                losses.attentionMaps = attentionMaps.detach();
        }
        return losses;
    }

    int paddingPrompts = 0; // label prompts per study, for the distributed sentence padding

    // Reports repeat sentences ("No pneumothorax.") and label prompts: each distinct text is encoded once.
    // Returns the normalised embeddings of all `rows` rows; `inverse` receives each row's distinct-text index.
    torch::Tensor encodeDistinctSentences(const std::vector<std::int64_t>& tokens, std::int64_t rows, int context,
        std::vector<std::int64_t>& inverse) const
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
            network->encodeText(longTensor(distinctTokens, static_cast<std::int64_t>(distinct.size()), device)))
            .index_select(0, torch::tensor(inverse, torch::kLong).to(device));
    }

    // The supervised grounding loss (--box-weight) of the boxed sentences. Target: each patch's share of box
    // coverage, normalised. A patch that a small box only clips gets a proportionally small target, so the map
    // peaks where the box is and its bicubic upsampling (what the viewer and the pointing game see) peaks inside
    // boxes smaller than a patch.
    torch::Tensor boxLoss(const torch::Tensor& hasBoxes, const torch::Tensor& coverageMasks,
        const torch::Tensor& similarityMaps, const torch::Tensor& attentionMaps) const
    {
        const auto boxed = hasBoxes.nonzero().squeeze(1);
        const auto coverage = coverageMasks.index_select(0, boxed);
        const auto target = coverage / coverage.sum(1, true).clamp_min(1e-12);
        const auto attentionScaleValue = attentionScale.exp().clamp_max(maximumLogitScale);
        const auto crossEntropy
            = [&](const torch::Tensor& logProbabilities) { return -(target * logProbabilities).sum(1).mean(); };
        auto loss = crossEntropy(torch::log_softmax(attentionScaleValue * similarityMaps.index_select(0, boxed), 1));
        if (attentionMaps.defined())
            loss = (loss + crossEntropy(attentionMaps.index_select(0, boxed).clamp_min(1e-12).log())) / 2;
        return loss;
    }

    // [M, B] true where study b's report holds sentence m's text (a text such as "No pneumothorax." is a
    // positive for every study whose report has it).
    static torch::Tensor sentencePositives(const std::vector<std::int64_t>& distinctIds,
        const std::vector<std::int64_t>& owners, std::int64_t studies, torch::Device device)
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
    static torch::Tensor sentenceContrast(const torch::Tensor& logits, const torch::Tensor& positives)
    {
        const auto direction = [](const torch::Tensor& scores, const torch::Tensor& mask) {
            const auto all = torch::logsumexp(scores, 1);
            const auto own = torch::logsumexp(scores.masked_fill(mask.logical_not(), -1e9), 1);
            return (all - own).masked_select(mask.any(1)).mean();
        };
        return (direction(logits, positives) + direction(logits.t(), positives.t())) / 2;
    }

    bool usesPooledObjective() const
    {
        return options.pooledWeight > 0.0 || options.intraImageWeight > 0.0 || options.locationWeight > 0.0;
    }

    // A sentence's score on an image from its similarity map (the text . patch map the viewer shows and the
    // evaluator scores): log-mean-exp pooling, a soft maximum whose sharpness is options.poolingSharpness.
    // Flat patches (ImagePreprocessor::flatPatches) are left out: `content` [..., P] is true elsewhere, and the
    // mean runs over the content patches only.
    torch::Tensor pooledScore(const torch::Tensor& maps, const torch::Tensor& content) const
    {
        const double sharpness = options.poolingSharpness;
        const auto count = content.sum(-1).clamp_min(1).to(maps.scalar_type());
        return (torch::logsumexp(sharpness * excludeFlat(maps, content), -1) - count.log()) / sharpness;
    }

    // Maps with flat patches pushed far below any cosine, so that no soft maximum, softmax or argmax picks them.
    static torch::Tensor excludeFlat(const torch::Tensor& maps, const torch::Tensor& content)
    {
        return maps.masked_fill(content.logical_not(), -10.0);
    }

    // [B, P] true where a patch has content; a study whose every patch is flat keeps them all.
    torch::Tensor contentMask(const TrainingDataLoader::Batch& batch, std::int64_t patchCount) const
    {
        std::vector<float> values(batch.flatPatches.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = batch.flatPatches[i] ? 0.0f : 1.0f;
        auto content = torch::tensor(values).view({ batch.size, patchCount }).gt(0.5);
        const auto empty = content.any(1).logical_not().unsqueeze(1);
        return content.logical_or(empty).to(device);
    }

    // The local objective under which grounding emerges from reports alone (weights in Trainer::Options):
    // - pooled: each sentence against every study of the batch by its pooled map score, multi-positive (a text
    //   such as "No pneumothorax." is a positive for every study whose report has it), both directions;
    // - intra-image: within a report, each sentence must match the region its own map attends to better than the
    //   regions the report's other sentences attend to (a map that is the same everywhere cannot do that);
    // - location: each sentence must score above its location-swapped twin ("left" <-> "right", ...) on its own
    //   image.
    // sentences [M, E] and patches [B, P, E] normalised; distinctIds[m]: the sentence's distinct-text index;
    // content [B, P]: contentMask().
    torch::Tensor pooledLosses(const torch::Tensor& sentences, const torch::Tensor& patches,
        const torch::Tensor& ownerTensor, const std::vector<std::int64_t>& distinctIds, const torch::Tensor& swapped,
        const TrainingDataLoader::Batch& batch, const torch::Tensor& content, const torch::Tensor& scale) const
    {
        const auto count = sentences.size(0);
        const auto studies = patches.size(0);
        const auto maps = torch::einsum("me,bpe->mbp", { sentences, patches }); // [M, B, P]
        const auto pooled = pooledScore(maps, content.unsqueeze(0)); // [M, B]
        auto total = torch::zeros({}, pooled.options());

        if (options.pooledWeight > 0.0) {
            const auto positiveMask = sentencePositives(distinctIds, batch.owners, studies, pooled.device());
            total = total + options.pooledWeight * sentenceContrast(scale * pooled, positiveMask);
        }

        const auto rows = torch::arange(count, ownerTensor.options());
        const auto ownMaps = maps.index({ rows, ownerTensor }); // [M, P]
        const auto ownContent = content.index_select(0, ownerTensor); // [M, P]
        if (options.intraImageWeight > 0.0) {
            // The region each sentence's map attends to, as one embedding (the map's softmax at the pooling's
            // sharpness: the weights of the pooled score's gradient).
            const auto weights = torch::softmax(options.poolingSharpness * excludeFlat(ownMaps, ownContent), 1);
            const auto ownPatches = patches.index_select(0, ownerTensor); // [M, P, E]
            const auto attended = normalized(torch::bmm(weights.unsqueeze(1), ownPatches).squeeze(1)); // [M, E]
            const auto cosine = torch::matmul(sentences, attended.t()); // [M, M]: sentence m vs region of m'
            const auto sameStudy = ownerTensor.unsqueeze(1).eq(ownerTensor.unsqueeze(0));
            const auto ids = torch::tensor(distinctIds, torch::kLong).to(sentences.device());
            const auto sameText = ids.unsqueeze(1).eq(ids.unsqueeze(0));
            const auto eye = torch::eye(count, torch::TensorOptions().dtype(torch::kBool).device(sentences.device()));
            // Competitors: the other sentences of the same report with another text.
            const auto allowed = sameStudy.logical_and(sameText.logical_not()).logical_or(eye);
            const auto competitors = allowed.sum(1).gt(1);
            if (competitors.any().item<bool>()) {
                const auto logits = (scale * cosine).masked_fill(allowed.logical_not(), -1e9);
                const auto loss = torch::logsumexp(logits, 1) - torch::diagonal(logits);
                total = total + options.intraImageWeight * loss.masked_select(competitors).mean();
            }
        }
        if (options.locationWeight > 0.0 && swapped.defined()) {
            const auto of = torch::tensor(batch.swappedOf, torch::kLong).to(sentences.device());
            const auto owners = ownerTensor.index_select(0, of);
            const auto swappedMaps = torch::bmm(patches.index_select(0, owners), swapped.unsqueeze(-1)).squeeze(-1);
            const auto own = pooledScore(ownMaps.index_select(0, of), ownContent.index_select(0, of));
            const auto twin = pooledScore(swappedMaps, content.index_select(0, owners));
            total = total + options.locationWeight * F::softplus(scale * (twin - own)).mean();
        }
        return total;
    }
};

// The default findings file: the project's models/findings.json relative to the working directory.
std::string defaultFindings()
{
    const fs::path candidate("models/findings.json");
    return fs::is_regular_file(candidate) ? candidate.string() : std::string();
}

Json settingsJson(const Trainer::Options& options, int totalSteps, int warmup)
{
    return Json { { "seed", options.seed }, { "steps", totalSteps }, { "batch_size", options.batchSize },
        { "learning_rate", options.learningRate }, { "minimum_learning_rate", options.minimumLearningRate },
        { "warmup_steps", warmup }, { "weight_decay", options.weightDecay }, { "gradient_clip", options.gradientClip },
        { "global_weight", options.globalWeight }, { "local_weight", options.localWeight },
        { "box_weight", options.boxWeight }, { "label_prompts", options.labelPrompts },
        { "pooled_weight", options.pooledWeight }, { "sentence_global_weight", options.sentenceGlobalWeight },
        { "intra_image_weight", options.intraImageWeight }, { "location_weight", options.locationWeight },
        { "pooling_sharpness", options.poolingSharpness }, { "gate_init", options.gateInit },
        { "backbone_learning_rate_scale", options.backboneLearningRateScale },
        { "freeze_backbone", options.freezeBackbone }, { "augment", options.augment },
        { "flip_probability", options.flipProbability }, { "max_sentences", options.maxSentences },
        { "world_size", options.worldSize } };
}

Json validationJson(const Trainer::Validation& validation)
{
    const auto metric = [](double value) { return value < 0 ? Json(nullptr) : Json(value); };
    return Json { { "step", validation.step }, { "studies", validation.studies }, { "loss", metric(validation.loss) },
        { "pointing_game_similarity", metric(validation.pointingGameSimilarity) },
        { "pointing_game_attention", metric(validation.pointingGameAttention) },
        { "mean_auc", metric(validation.meanAuc) } };
}

} // namespace

ClipConfig Trainer::tinyArchitecture()
{
    ClipConfig config;
    config.embedDimension = 64;
    config.imageResolution = 64;
    config.visionLayers = 2;
    config.visionWidth = 64;
    config.visionPatchSize = 8;
    config.visionHeads = 2;
    config.contextLength = 48;
    config.vocabularySize = 0;
    config.textWidth = 64;
    config.textHeads = 2;
    config.textLayers = 2;
    return config;
}

ClipConfig Trainer::architectureFromJson(const std::string& text, const std::string& origin)
{
    const auto json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw TrainingError(origin + ": not a JSON object");
    const auto positive = [&](const char* key, int fallback) {
        if (!json.contains(key)) {
            if (fallback > 0)
                return fallback;
            throw TrainingError(origin + ": lacks \"" + key + "\"");
        }
        if (!json.at(key).is_number_integer() || json.at(key).get<int>() <= 0)
            throw TrainingError(origin + ": \"" + key + "\" must be a positive integer");
        return json.at(key).get<int>();
    };
    ClipConfig config;
    config.embedDimension = positive("embed_dim", 0);
    config.imageResolution = positive("image_resolution", 0);
    config.visionLayers = positive("vision_layers", 0);
    config.visionWidth = positive("vision_width", 0);
    config.visionPatchSize = positive("vision_patch_size", 0);
    config.visionHeads = positive("vision_heads", std::max(1, config.visionWidth / 64));
    config.contextLength = positive("context_length", 77);
    config.vocabularySize = json.contains("vocab_size") ? positive("vocab_size", 0) : 0;
    config.textWidth = positive("transformer_width", 0);
    config.textHeads = positive("transformer_heads", std::max(1, config.textWidth / 64));
    config.textLayers = positive("transformer_layers", 0);
    if (config.imageResolution % config.visionPatchSize != 0)
        throw TrainingError(origin + ": image_resolution must be a multiple of vision_patch_size");
    if (config.visionWidth % config.visionHeads != 0 || config.textWidth % config.textHeads != 0)
        throw TrainingError(origin + ": widths must be multiples of their head counts");
    return config;
}

Trainer::Result Trainer::run(
    const Options& options, const std::function<void(const Progress&)>& progress, const std::atomic<bool>* cancel)
{
    const auto wallStart = std::chrono::steady_clock::now();
    const auto report = [&](Progress::Phase phase, const std::string& message) {
        if (progress) {
            Progress update;
            update.phase = phase;
            update.message = message;
            progress(update);
        }
    };
    if (options.outputDirectory.empty())
        throw TrainingError("train: no output directory given");
    if (options.batchSize < 2)
        throw TrainingError("train: the batch size must be at least 2 (contrastive losses need negatives)");
    if (options.worldSize < 1 || options.rank < 0 || options.rank >= options.worldSize
        || options.batchSize % options.worldSize != 0)
        throw TrainingError("train: the batch size must divide evenly over the ranks, and 0 <= rank < world size");
    const bool writer = options.rank == 0;
    if (options.worldSize > 1
        && (options.pooledWeight > 0.0 || options.sentenceGlobalWeight > 0.0 || options.intraImageWeight > 0.0
            || options.locationWeight > 0.0))
        throw TrainingError("train: --sentence-global-weight, --pooled-weight, --intra-image-weight and "
                            "--location-weight need --world-size 1");
    if (!(options.backboneLearningRateScale > 0.0 && options.backboneLearningRateScale <= 1.0))
        throw TrainingError("train: --backbone-lr-scale must be in (0, 1]");
    if (!(options.poolingSharpness > 0.0 && options.poolingSharpness <= 100.0))
        throw TrainingError("train: --pooling-sharpness must be in (0, 100]");

    Run run(options);
    torch::manual_seed(options.seed);

    // The starting point: a checkpoint, a model directory, or an architecture.
    int startStep = 0;
    Json resumedState;
    std::string weightsSource = options.initModel;
    const auto checkpointModel = fs::path(options.resumeDirectory) / "model";
    if (!options.resumeDirectory.empty()) {
        resumedState = Json::parse(readText((fs::path(options.resumeDirectory) / "state.json").string()));
        startStep = resumedState.at("step").get<int>();
        weightsSource = checkpointModel.string();
    }
    internal::StateDict initialWeights;
    bool haveWeights = false;
    if (!weightsSource.empty()) {
        const auto directory = ModelDirectory::open(weightsSource);
        const auto& manifest = directory.manifest();
        run.config = manifest.clip;
        try {
            run.settings = LrclrSettings::fromJson(manifest.lrclrJson);
            run.preprocessing
                = LrclrSettings::preprocessingFromJson(manifest.preprocessingJson, run.config.imageResolution);
        } catch (const std::exception& error) {
            throw TrainingError(weightsSource + ": " + error.what());
        }
        run.mergesPath = directory.mergesPath();
        run.findingsPath = directory.findingsPath();
        initialWeights = internal::ModelStore::loadWeights(directory);
        haveWeights = true;
        if (options.resumeDirectory.empty()) {
            run.sourceModel = weightsSource;
            run.sourceSha256 = manifest.weights.sha256;
        } else {
            run.sourceModel = resumedState.value("source_model", std::string());
            run.sourceSha256 = resumedState.value("source_sha256", std::string());
        }
    } else {
        run.config = options.architecture;
        run.settings = options.settings;
        run.preprocessing.mode = options.preprocessingMode;
        run.preprocessing.inputSize = run.config.imageResolution;
        run.sourceModel = "";
    }
    if (options.resumeDirectory.empty()) {
        if (!options.mergesPath.empty())
            run.mergesPath = options.mergesPath;
        if (!options.findingsPath.empty())
            run.findingsPath = options.findingsPath;
    }
    if (run.findingsPath.empty())
        run.findingsPath = defaultFindings();
    if (run.mergesPath.empty())
        throw TrainingError("train: a from-scratch model needs --merges (a BPE merges file, see `lrclr train-bpe`)");
    {
        const ClipTokenizer tokenizer(run.mergesPath, run.config.vocabularySize);
        if (run.config.vocabularySize == 0)
            run.config.vocabularySize = tokenizer.vocabularySize();
        if (tokenizer.vocabularySize() != run.config.vocabularySize)
            throw TrainingError(run.mergesPath + ": gives a vocabulary of " + std::to_string(tokenizer.vocabularySize())
                + " tokens but the model's token embedding has " + std::to_string(run.config.vocabularySize));
    }
    try {
        run.network = std::make_unique<internal::ClipNetwork>(run.config);
        if (haveWeights)
            run.network->loadStateDict(initialWeights);
    } catch (const std::invalid_argument& error) {
        throw TrainingError(weightsSource + ": " + error.what());
    }

    // Device and threads.
    bool useCuda = options.device == "cuda" || (options.device == "auto" && torch::cuda::is_available());
    if (options.device == "cuda" && !torch::cuda::is_available())
        throw TrainingError("train: --device cuda, but LibTorch sees no CUDA device");
    if (options.device != "cpu" && options.device != "cuda" && options.device != "auto")
        throw TrainingError("train: --device must be cpu, cuda or auto");
    if (useCuda) {
        // TF32 tensor cores for what autocast leaves in fp32 (and everything with --precision fp32).
        at::globalContext().setAllowTF32CuBLAS(true);
        at::globalContext().setAllowTF32CuDNN(true);
        // One GPU per data-parallel rank (NCCL refuses two ranks on one GPU); ranks numbered machine by machine.
        const auto gpus = static_cast<int>(torch::cuda::device_count());
        run.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.rank % std::max(1, gpus)));
        run.network->moveTo(run.device, false);
    } else {
        TorchRuntime::configureThreads(options.threads);
    }

    if (options.worldSize > 1) {
        DistributedGroup::Options groupOptions;
        groupOptions.rank = options.rank;
        groupOptions.worldSize = options.worldSize;
        groupOptions.host = options.masterHost;
        groupOptions.port = options.masterPort;
        run.group = DistributedGroup::join(groupOptions);
    }

    if (options.gateInit >= 0.0 && options.resumeDirectory.empty()) {
        torch::NoGradGuard noGrad;
        run.parameter("lrclr.interaction.gate").fill_(options.gateInit);
    }
    // Parameters: all, or only lrclr.* with the backbone frozen; weight decay only on backbone matrices.
    std::vector<torch::Tensor> decayed;
    std::vector<torch::Tensor> undecayed;
    std::vector<torch::Tensor> newLayers; // lrclr.*: full learning rate, no decay
    std::vector<torch::Tensor> trainable;
    // Data-parallel: the encoders see only this rank's rows before the gather, so their gradients are summed over
    // ranks; the temperature and the interaction layers work on the gathered batch, so every rank already has their
    // whole-batch gradient, which is averaged instead (summing would count it once per rank).
    std::vector<torch::Tensor> beforeGather;
    std::vector<torch::Tensor> afterGather;
    for (auto& item : run.network->module().named_parameters(true)) {
        const auto& name = item.key();
        auto& parameter = item.value();
        const bool isLrclr = name.rfind("lrclr.", 0) == 0;
        if (options.freezeBackbone && !isLrclr) {
            parameter.set_requires_grad(false);
            continue;
        }
        parameter.set_requires_grad(true);
        trainable.push_back(parameter);
        const bool usedAfterGather = name == "logit_scale" || name.rfind("lrclr.interaction.", 0) == 0;
        (usedAfterGather ? afterGather : beforeGather).push_back(parameter);
        const bool embedding = name.find("embedding") != std::string::npos;
        if (isLrclr && options.backboneLearningRateScale != 1.0)
            newLayers.push_back(parameter);
        else if (parameter.dim() >= 2 && !isLrclr && !embedding)
            decayed.push_back(parameter);
        else
            undecayed.push_back(parameter);
    }
    run.logitScale = run.parameter("logit_scale");
    run.attentionScale = run.parameter("lrclr.interaction.logit_scale");
    if (run.group && options.resumeDirectory.empty()) {
        auto all = run.network->module().parameters(true);
        torch::NoGradGuard noGrad;
        run.group->broadcast(all, 0);
    }

    std::vector<torch::optim::OptimizerParamGroup> groups;
    auto decayOptions = std::make_unique<torch::optim::AdamWOptions>(options.learningRate);
    decayOptions->betas({ 0.9, 0.98 }).eps(1e-6).weight_decay(options.weightDecay);
    auto plainOptions = std::make_unique<torch::optim::AdamWOptions>(options.learningRate);
    plainOptions->betas({ 0.9, 0.98 }).eps(1e-6).weight_decay(0.0);
    if (!decayed.empty())
        groups.emplace_back(decayed, std::move(decayOptions));
    if (!undecayed.empty())
        groups.emplace_back(undecayed, std::move(plainOptions));
    // Each group's share of the scheduled rate: the backbone's scaled, the new layers' (last group) full.
    std::vector<double> rateShares(groups.size(), options.freezeBackbone ? 1.0 : options.backboneLearningRateScale);
    if (!newLayers.empty()) {
        auto newOptions = std::make_unique<torch::optim::AdamWOptions>(options.learningRate);
        newOptions->betas({ 0.9, 0.98 }).eps(1e-6).weight_decay(0.0);
        groups.emplace_back(newLayers, std::move(newOptions));
        rateShares.push_back(1.0);
    }
    torch::optim::AdamW optimizer(groups, torch::optim::AdamWOptions(options.learningRate));
    if (!options.resumeDirectory.empty())
        torch::load(optimizer, (fs::path(options.resumeDirectory) / "optimizer.pt").string());

    // Data.
    const auto manifest = DatasetManifest::load(options.manifestPath);
    std::vector<std::size_t> trainEntries;
    std::vector<std::size_t> validationEntries;
    const bool anyTrain = std::any_of(manifest.entries().begin(), manifest.entries().end(),
        [](const ManifestEntry& entry) { return entry.split == "train"; });
    for (std::size_t i = 0; i < manifest.entries().size(); ++i) {
        const auto& split = manifest.entries()[i].split;
        if (split == "validate")
            validationEntries.push_back(i);
        else if (anyTrain ? split == "train" : split != "test")
            trainEntries.push_back(i);
    }
    const auto catalog
        = run.findingsPath.empty() ? FindingCatalog::chexpert() : FindingCatalog::fromFile(run.findingsPath);
    TrainingDataLoader::Options loaderOptions;
    loaderOptions.preprocessing = run.preprocessing;
    loaderOptions.gridSize = run.config.gridSize();
    loaderOptions.contextLength = run.config.contextLength;
    loaderOptions.mergesPath = run.mergesPath;
    loaderOptions.vocabularySize = run.config.vocabularySize;
    loaderOptions.batchSize = options.batchSize;
    loaderOptions.rank = options.rank;
    loaderOptions.worldSize = options.worldSize;
    loaderOptions.workerThreads = std::max(1, options.loaderThreads);
    loaderOptions.prefetch = std::max(1, options.prefetch);
    loaderOptions.seed = options.seed;
    loaderOptions.augment = options.augment;
    loaderOptions.augmentation.flipProbability = options.flipProbability;
    loaderOptions.maxSentences = options.maxSentences;
    loaderOptions.locationNegatives = options.locationWeight > 0.0;
    if (options.labelPrompts) {
        for (const auto& finding : catalog.findings()) {
            // The first template pair, lower-cased as the tokenizer would: the phrasing zero-shot scoring uses.
            const auto& pair = catalog.templates().front();
            loaderOptions.labelPrompts.push_back({ finding, FindingCatalog::fill(pair.positive, finding),
                FindingCatalog::fill(pair.negative, finding) });
        }
        run.paddingPrompts = static_cast<int>(loaderOptions.labelPrompts.size());
    }
    report(Progress::Phase::Caching, "caching " + std::to_string(trainEntries.size()) + " training images");
    TrainingDataLoader loader(manifest, trainEntries, loaderOptions, [&](int done, int total) {
        if (progress && done % 64 == 0) {
            Progress update;
            update.phase = Progress::Phase::Caching;
            update.step = done;
            update.totalSteps = total;
            update.message = "caching training images";
            progress(update);
        }
    });
    std::unique_ptr<TrainingDataLoader> validationLoader;
    if (!validationEntries.empty() && writer) {
        auto validationOptions = loaderOptions;
        validationOptions.augment = false;
        validationOptions.rank = 0;
        validationOptions.worldSize = 1;
        validationOptions.batchSize = std::min<int>(options.batchSize, static_cast<int>(validationEntries.size()));
        validationLoader = std::make_unique<TrainingDataLoader>(manifest, validationEntries, validationOptions);
    }
    if (loader.stepsPerEpoch() < 1)
        throw TrainingError(options.manifestPath + ": " + std::to_string(trainEntries.size())
            + " training studies are fewer than one batch of " + std::to_string(options.batchSize));

    const int totalSteps = options.steps > 0
        ? options.steps
        : std::max(1, static_cast<int>(std::lround(options.epochs * loader.stepsPerEpoch())));
    if (!resumedState.empty() && resumedState.value("total_steps", totalSteps) != totalSteps)
        throw TrainingError(options.resumeDirectory + ": the checkpoint was made for "
            + std::to_string(resumedState.value("total_steps", 0)) + " steps; resume with the same --steps/--epochs");
    const int warmup = options.warmupSteps >= 0 ? std::min(options.warmupSteps, totalSteps) : totalSteps / 20;
    const LearningRateSchedule schedule(options.learningRate, warmup, totalSteps, options.minimumLearningRate);

    TrainingLog log;
    if (!resumedState.empty())
        log = TrainingLog::fromJson(resumedState.at("log").dump());
    const auto fsOut = fs::path(options.outputDirectory);
    if (writer)
        fs::create_directories(fsOut);
    const std::string manifestSha256 = Sha256::ofFile(options.manifestPath);

    // Validation: losses, the pointing game on the patch grid, and zero-shot AUC with the findings' prompts.
    const auto validate = [&](int step) {
        Validation result;
        result.step = step;
        if (!validationLoader)
            return result;
        report(Progress::Phase::Validating, "validating on " + std::to_string(validationEntries.size()) + " studies");
        torch::NoGradGuard noGrad;
        double lossSum = 0.0;
        int chunks = 0;
        int boxed = 0;
        int hitsSimilarity = 0;
        int hitsAttention = 0;
        // Zero-shot prompts (template-averaged, as LrclrModel scores findings): positives then negatives, [2F, E].
        const ClipTokenizer tokenizer(run.mergesPath, run.config.vocabularySize);
        const auto embedPrompts = [&](bool positive) {
            torch::Tensor sum;
            for (const auto& pair : catalog.templates()) {
                std::vector<std::string> texts;
                for (const auto& name : catalog.findings())
                    texts.push_back(FindingCatalog::fill(positive ? pair.positive : pair.negative, name));
                std::vector<std::int64_t> flat;
                for (const auto& row : tokenizer.tokenize(texts, run.config.contextLength))
                    flat.insert(flat.end(), row.begin(), row.end());
                const auto embedding = normalized(
                    run.network->encodeText(longTensor(flat, static_cast<std::int64_t>(texts.size()), run.device)));
                sum = sum.defined() ? sum + embedding : embedding;
            }
            return normalized(sum);
        };
        const auto findingCount = static_cast<std::int64_t>(catalog.findings().size());
        const auto prompts = torch::cat({ embedPrompts(true), embedPrompts(false) }, 0);
        std::vector<torch::Tensor> chunkScores;
        const int chunk = std::max(2, std::min(options.batchSize, validationLoader->studyCount()));
        for (int first = 0; first < validationLoader->studyCount(); first += chunk) {
            const auto batch = validationLoader->sequentialBatch(first, chunk);
            if (batch.size < 2)
                break;
            const auto images = torch::from_blob(const_cast<float*>(batch.images.data()),
                { batch.size, 3, run.config.imageResolution, run.config.imageResolution }, torch::kFloat);
            // The "combined" zero-shot score of the evaluator: prompt vs region-conditioned image embedding.
            auto vision = run.network->encodeImage(images.to(run.device), !run.settings.attendAllPatches);
            const auto global = normalized(vision.embedding());
            const auto [keys, keyMask]
                = run.interactionKeys(normalized(vision.tokens().slice(1, 1)), vision.attention());
            const auto queries = prompts.unsqueeze(0).expand({ batch.size, prompts.size(0), prompts.size(1) });
            const auto conditioned = std::get<2>(run.network->interaction().forward(queries, keys, global, keyMask));
            const auto cosine = torch::cosine_similarity(conditioned, queries, -1); // [B, 2F]
            chunkScores.push_back((cosine.slice(1, 0, findingCount) - cosine.slice(1, findingCount)).cpu()); // [B, F]
            if (options.worldSize > 1)
                continue; // the losses gather over ranks; only rank 0 validates
            const auto losses = run.compute(batch, true);
            lossSum += (options.globalWeight * losses.global + losses.local + options.boxWeight * losses.box)
                           .item<double>();
            ++chunks;
            const int patchCount = run.config.gridSize() * run.config.gridSize();
            for (int m = 0; m < batch.sentenceCount(); ++m) {
                if (!batch.hasBoxes[static_cast<std::size_t>(m)])
                    continue;
                ++boxed;
                const float* mask = batch.boxMasks.data() + static_cast<std::size_t>(m) * patchCount;
                if (mask[losses.similarityMaps[m].argmax().item<std::int64_t>()] > 0.0f)
                    ++hitsSimilarity;
                if (losses.attentionMaps.defined()
                    && mask[losses.attentionMaps[m].argmax().item<std::int64_t>()] > 0.0f)
                    ++hitsAttention;
            }
        }
        result.studies = validationLoader->studyCount();
        result.loss = chunks > 0 ? lossSum / chunks : -1.0; // -1: not measured (distributed runs)
        if (boxed > 0) {
            result.pointingGameSimilarity = static_cast<double>(hitsSimilarity) / boxed;
            if (run.settings.attendAllPatches)
                result.pointingGameAttention = static_cast<double>(hitsAttention) / boxed;
        }
        if (!chunkScores.empty()) {
            const auto scores = torch::cat(chunkScores, 0).contiguous(); // [N, F] (whole chunks only)
            double aucSum = 0.0;
            int aucCount = 0;
            for (std::size_t f = 0; f < catalog.findings().size(); ++f) {
                std::vector<double> values;
                std::vector<int> labels;
                for (std::int64_t i = 0; i < scores.size(0); ++i) {
                    const auto& entry = manifest.entries()[validationEntries[static_cast<std::size_t>(i)]];
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
            if (aucCount > 0)
                result.meanAuc = aucSum / aucCount;
        }
        log.addValidation(
            step, result.loss, result.pointingGameSimilarity, result.pointingGameAttention, result.meanAuc);
        std::ostringstream summary;
        summary << std::fixed << std::setprecision(3) << "validation at step " << step << ":";
        const char* separator = " ";
        const auto part = [&](const char* name, double value, const char* suffix) {
            if (value < 0)
                return;
            summary << separator << name << " " << value << suffix;
            separator = ", ";
        };
        part("loss", result.loss, "");
        part("pointing game", result.pointingGameSimilarity, " (text.patch)");
        part("pointing game", result.pointingGameAttention, " (attention)");
        part("mean AUC", result.meanAuc, " (combined)");
        report(Progress::Phase::Validating, summary.str());
        return result;
    };

    const auto settingsObject = settingsJson(options, totalSteps, warmup);
    const auto buildManifest = [&](double seconds, int steps, const std::vector<Validation>& validations) {
        ModelManifest manifestOut;
        manifestOut.name = options.name.empty() ? fsOut.filename().string() : options.name;
        manifestOut.clip = run.config;
        manifestOut.lrclrJson = run.settings.toJson();
        manifestOut.preprocessingJson = LrclrSettings::preprocessingToJson(run.preprocessing);
        manifestOut.provenance.sourceCheckpoint = run.sourceModel;
        manifestOut.provenance.sourceSha256 = run.sourceSha256;
        manifestOut.provenance.command = options.commandLine;
        manifestOut.provenance.date = utcNow();
        manifestOut.provenance.toolVersion = options.toolVersion;
        Json training = settingsObject;
        training["steps_done"] = steps;
        training["steps_per_epoch"] = loader.stepsPerEpoch();
        training["epochs_done"] = static_cast<double>(steps) / loader.stepsPerEpoch();
        training["training_studies"] = loader.studyCount();
        training["wall_seconds"] = seconds;
        training["data_manifest"] = options.manifestPath;
        training["data_manifest_sha256"] = manifestSha256;
        training["from"] = run.sourceModel.empty() ? Json("scratch") : Json(run.sourceModel);
        training["device"] = useCuda ? "cuda" : "cpu (" + std::to_string(TorchRuntime::threads()) + " threads)";
        training["precision"] = useCuda && options.mixedPrecision ? "bf16 autocast" : "fp32";
        Json notes = Json::object();
        if (!options.description.empty())
            notes["description"] = options.description;
        notes["training"] = training;
        manifestOut.notesJson = notes.dump();
        Json evaluation = Json::object();
        if (!validations.empty())
            evaluation["validation"] = validationJson(validations.back());
        manifestOut.evaluationJson = evaluation.dump();
        return manifestOut;
    };
    const auto saveFiles = [&] {
        internal::ModelStore::SaveFiles files;
        files.mergesSource = run.mergesPath;
        files.findingsSource = run.findingsPath;
        return files;
    };

    Result result;
    result.stepsPerEpoch = loader.stepsPerEpoch();
    const auto checkpoint = [&](int step, double seconds) {
        if (!writer)
            return;
        report(Progress::Phase::Saving, "checkpoint at step " + std::to_string(step));
        const auto temporary = fsOut / "checkpoint.partial";
        const auto finalDirectory = fsOut / "checkpoint";
        fs::remove_all(temporary);
        fs::create_directories(temporary);
        internal::ModelStore::save((temporary / "model").string(), run.network->stateDict(),
            buildManifest(seconds, step, result.validations), saveFiles());
        torch::save(optimizer, (temporary / "optimizer.pt").string());
        Json state { { "step", step }, { "total_steps", totalSteps }, { "seed", options.seed },
            { "source_model", run.sourceModel }, { "source_sha256", run.sourceSha256 },
            { "log", Json::parse(log.toJson()) } };
        std::ofstream((temporary / "state.json").string()) << state.dump(1) << "\n";
        fs::remove_all(finalDirectory);
        fs::rename(temporary, finalDirectory);
    };

    // The training loop.
    const int endStep = options.stopAfter > 0 ? std::min(totalSteps, options.stopAfter) : totalSteps;
    loader.start(startStep, endStep);
    const auto loopStart = std::chrono::steady_clock::now();
    int step = startStep;
    std::vector<double> losses;
    const int localImages = options.batchSize / options.worldSize;
    (void)localImages;
    for (; step < endStep; ++step) {
        if (cancel && cancel->load())
            break;
        const auto batch = loader.next();
        const double rate = schedule.rate(step);
        for (std::size_t g = 0; g < optimizer.param_groups().size(); ++g)
            static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[g].options()).lr(rate * rateShares[g]);
        optimizer.zero_grad();
        const auto computed = [&] {
            const MixedPrecision precision(useCuda && options.mixedPrecision);
            return run.compute(batch, false);
        }();
        auto loss = options.globalWeight * computed.global + computed.local + options.boxWeight * computed.box;
        if (!std::isfinite(loss.item<double>()))
            throw TrainingError("train: the loss became " + std::to_string(loss.item<double>()) + " at step "
                + std::to_string(step) + "; lower --lr");
        if (loss.requires_grad())
            loss.backward();
        if (run.group) {
            run.group->sumGradients(beforeGather);
            run.group->averageGradients(afterGather);
        }
        if (options.gradientClip > 0)
            torch::nn::utils::clip_grad_norm_(trainable, options.gradientClip);
        optimizer.step();
        {
            torch::NoGradGuard noGrad;
            run.logitScale.clamp_(0.0, std::log(maximumLogitScale));
            run.attentionScale.clamp_(0.0, std::log(maximumLogitScale));
        }
        double lossValue = loss.item<double>();
        losses.push_back(lossValue);
        const int done = step + 1;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - loopStart).count();
        const double imagesPerSecond = (done - startStep) * static_cast<double>(options.batchSize) / elapsed;
        if ((done % std::max(1, options.logEvery)) == 0 || done == endStep) {
            log.addStep(done, static_cast<double>(done) / loader.stepsPerEpoch(), lossValue,
                computed.global.item<double>(), computed.local.item<double>(), computed.box.item<double>(), rate,
                imagesPerSecond, elapsed);
        }
        if (progress) {
            Progress update;
            update.phase = Progress::Phase::Training;
            update.step = done;
            update.totalSteps = totalSteps;
            update.loss = lossValue;
            update.globalLoss = computed.global.item<double>();
            update.localLoss = computed.local.item<double>();
            update.boxLoss = computed.box.item<double>();
            update.learningRate = rate;
            update.imagesPerSecond = imagesPerSecond;
            update.etaSeconds = (totalSteps - done) * elapsed / (done - startStep);
            progress(update);
        }
        if (options.validateEvery > 0 && done % options.validateEvery == 0 && done < totalSteps)
            result.validations.push_back(validate(done));
        if (options.checkpointEvery > 0 && done % options.checkpointEvery == 0 && done < totalSteps) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
            checkpoint(done, seconds);
        }
    }
    loader.stop();
    const double trainingSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loopStart).count();

    result.steps = step;
    result.stoppedEarly = step < totalSteps;
    result.imagesPerSecond
        = trainingSeconds > 0 ? (step - startStep) * static_cast<double>(options.batchSize) / trainingSeconds : 0.0;
    if (!losses.empty()) {
        const std::size_t window = std::max<std::size_t>(1, std::min<std::size_t>(5, losses.size() / 4 + 1));
        result.firstLoss = std::accumulate(losses.begin(), losses.begin() + static_cast<long>(window), 0.0) / window;
        result.lastLoss = std::accumulate(losses.end() - static_cast<long>(window), losses.end(), 0.0) / window;
    }
    if (!result.stoppedEarly)
        result.validations.push_back(validate(step));

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    result.seconds = seconds;
    if (writer) {
        log.setSummary(Json { { "settings", settingsObject }, { "steps_done", step }, { "wall_seconds", seconds },
            { "images_per_second", result.imagesPerSecond }, { "steps_per_epoch", loader.stepsPerEpoch() },
            { "training_studies", loader.studyCount() }, { "command", options.commandLine },
            { "data_manifest_sha256", manifestSha256 } }
                           .dump());
        log.write((fsOut / "training-log.csv").string(), (fsOut / "training-log.json").string());
        if (result.stoppedEarly) {
            checkpoint(step, seconds);
        } else {
            report(Progress::Phase::Saving, "writing the model directory");
            internal::ModelStore::save(options.outputDirectory, run.network->stateDict(),
                buildManifest(seconds, step, result.validations), saveFiles());
            fs::remove_all(fsOut / "checkpoint");
            result.directory = options.outputDirectory;
        }
    }
    if (run.group)
        run.group->barrier();
    return result;
}

} // namespace lrclr
