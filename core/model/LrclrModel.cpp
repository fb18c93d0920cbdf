#include "core/model/LrclrModel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/ClipTokenizer.h"
#include "core/model/FindingCatalog.h"
#include "core/model/ImagePreprocessor.h"
#include "core/model/LrclrSettings.h"
#include "core/model/ModelDirectory.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/CrossModalInteraction.h"
#include "core/model/internal/RegionSelection.h"
#include "core/model/internal/StateDict.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace lrclr {

namespace {

namespace F = torch::nn::functional;

torch::Tensor normalized(const torch::Tensor& x)
{
    return F::normalize(x, F::NormalizeFuncOptions().dim(-1));
}

AnalysisResult::PatchMap patchMap(const torch::Tensor& values, int grid)
{
    AnalysisResult::PatchMap map;
    map.rows = grid;
    map.columns = grid;
    const auto cpu = values.to(torch::kCPU, torch::kFloat).contiguous();
    map.values.assign(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
    return map;
}

// A similarity map with the flat patches (ImagePreprocessor::flatPatches: padding, collimation, fill) set to the
// lowest value among the others: their tokens hold no local evidence, and the training's pooled maps leave them out.
AnalysisResult::PatchMap similarityPatchMap(
    const torch::Tensor& values, int grid, const std::vector<std::uint8_t>& flat)
{
    auto map = patchMap(values, grid);
    if (flat.size() != map.values.size())
        return map;
    float lowest = std::numeric_limits<float>::infinity();
    for (std::size_t p = 0; p < flat.size(); ++p)
        if (!flat[p])
            lowest = std::min(lowest, map.values[p]);
    if (!std::isfinite(lowest))
        return map; // every patch flat: keep the map as it is
    for (std::size_t p = 0; p < flat.size(); ++p)
        if (flat[p])
            map.values[p] = lowest;
    return map;
}

// Cheap identity of an image for the feature cache: size plus a hash of every pixel's bits.
std::size_t imageKey(const GrayscaleImage& image)
{
    std::size_t hash = std::hash<int>()(image.width) * 31 + std::hash<int>()(image.height);
    const std::string_view bytes(
        reinterpret_cast<const char*>(image.pixels.data()), image.pixels.size() * sizeof(float));
    return hash ^ (std::hash<std::string_view>()(bytes) + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2));
}

// Two-way softmax of (positive, negative) cosines, CheXzero's zero-shot probability (no logit_scale).
torch::Tensor positiveProbability(const torch::Tensor& positive, const torch::Tensor& negative)
{
    return torch::softmax(torch::stack({ positive, negative }, -1), -1).select(-1, 0);
}

} // namespace

struct LrclrModel::Private {
    std::string directory;
    ModelManifest manifest;
    LrclrSettings settings;
    ImagePreprocessor preprocessor { ImagePreprocessor::Settings {} };
    FindingCatalog findings;
    std::unique_ptr<ClipTokenizer> tokenizer;
    std::unique_ptr<internal::ClipNetwork> network;
    std::string deviceName;

    // Created lazily in the calling thread (InferenceMode tensors), then reused.
    torch::Tensor positivePrompts; // [F, E], normalised
    torch::Tensor negativePrompts;

    struct ImageFeatures {
        std::size_t key = 0;
        AnalysisResult::Geometry geometry;
        torch::Tensor global; // [E], normalised
        torch::Tensor patches; // [P, E], normalised (CLS excluded)
        internal::SelectedRegions regions;
        torch::Tensor promptAttention; // [F, P], CrossAttention mode only: the finding prompts' attention
        std::vector<std::uint8_t> flatPatches; // [P], ImagePreprocessor::flatPatches of the model input
    };
    std::optional<ImageFeatures> cache;

    int grid() const { return manifest.clip.gridSize(); }

    /// The normalised global image embedding, as plain values.
    static std::vector<float> embeddingValues(const ImageFeatures& features)
    {
        const auto global = features.global.to(torch::kCPU, torch::kFloat).contiguous();
        return { global.data_ptr<float>(), global.data_ptr<float>() + global.numel() };
    }

    using Stage = LrclrModel::Stage;
    using StageObserver = LrclrModel::StageObserver;

    /// Share of a full analysis done when `stage` starts, from docs/MODEL.md's benchmark of ViT-B/32 on 2 CPU cores:
    /// the image forward pass (~65 ms) and the text encoder on a 10-sentence report (~83 ms) dominate; region
    /// selection, grounding and findings (prompt embeddings are cached after the first analysis) are small.
    static double stageStart(Stage stage)
    {
        switch (stage) {
        case Stage::Preprocessing:
            return 0.0;
        case Stage::EncodingImage:
            return 0.05;
        case Stage::SelectingRegions:
            return 0.45;
        case Stage::EncodingText:
            return 0.48;
        case Stage::GroundingSentences:
            return 0.9;
        case Stage::ScoringFindings:
            return 0.93;
        }
        return 0.0;
    }

    static void announce(const StageObserver& observer, Stage stage)
    {
        if (observer && !observer(stage, stageStart(stage)))
            throw AnalysisStopped();
    }

    torch::Tensor encodeTexts(const std::vector<std::string>& texts) const
    {
        return encodeTokens(tokenizer->tokenize(texts, manifest.clip.contextLength));
    }

    // Rows are encoded in batches of similar length (sorted by their EOT position), so each batch is cut short
    // (see ClipNetwork::encodeText) and a long report never needs more than one batch of activations at a time.
    torch::Tensor encodeTokens(const std::vector<std::vector<std::int64_t>>& rows) const
    {
        constexpr std::size_t batchSize = 32;
        if (rows.empty())
            return torch::empty({ 0, manifest.clip.embedDimension });
        const int context = manifest.clip.contextLength;
        const auto length = [](const std::vector<std::int64_t>& row) {
            return std::max_element(row.begin(), row.end()) - row.begin();
        };
        std::vector<std::size_t> order(rows.size());
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return length(rows[a]) < length(rows[b]); });
        torch::Tensor result;
        for (std::size_t start = 0; start < order.size(); start += batchSize) {
            const auto count = std::min(batchSize, order.size() - start);
            auto tokens = torch::zeros({ static_cast<int64_t>(count), context }, torch::kLong);
            auto* data = tokens.data_ptr<int64_t>();
            for (std::size_t i = 0; i < count; ++i) {
                const auto& row = rows[order[start + i]];
                std::copy(row.begin(), row.end(), data + i * static_cast<std::size_t>(context));
            }
            const auto embeddings = network->encodeText(tokens);
            if (!result.defined())
                result = torch::empty({ static_cast<int64_t>(rows.size()), embeddings.size(1) }, embeddings.options());
            for (std::size_t i = 0; i < count; ++i)
                result[static_cast<int64_t>(order[start + i])].copy_(embeddings[static_cast<int64_t>(i)]);
        }
        return result;
    }

    // Template-averaged prompt embeddings: each template's embeddings normalised, averaged, renormalised.
    void preparePrompts()
    {
        if (positivePrompts.defined())
            return;
        const auto embed = [&](bool positive) {
            torch::Tensor sum;
            for (const auto& pair : findings.templates()) {
                std::vector<std::string> texts;
                for (const auto& name : findings.findings())
                    texts.push_back(FindingCatalog::fill(positive ? pair.positive : pair.negative, name));
                const auto embedding = normalized(encodeTexts(texts));
                sum = sum.defined() ? sum + embedding : embedding;
            }
            return normalized(sum);
        };
        positivePrompts = embed(true);
        negativePrompts = embed(false);
    }

    const ImageFeatures& imageFeatures(const GrayscaleImage& image, const StageObserver& observer = {})
    {
        const auto key = imageKey(image);
        if (cache && cache->key == key)
            return *cache;
        ImageFeatures features;
        features.key = key;
        announce(observer, Stage::Preprocessing);
        std::vector<float> input;
        try {
            input = preprocessor.apply(image, &features.geometry);
        } catch (const std::invalid_argument& error) {
            throw ModelError(error.what());
        }
        const int size = manifest.clip.imageResolution;
        {
            const auto& normalisation = preprocessor.settings();
            std::vector<float> display(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(size) * size);
            for (auto& value : display)
                value = static_cast<float>(value * normalisation.standardDeviation + normalisation.mean);
            features.flatPatches = ImagePreprocessor::flatPatches(display.data(), size, grid());
        }
        const auto tensor = torch::from_blob(input.data(), { 1, 3, size, size }, torch::kFloat);
        announce(observer, Stage::EncodingImage);
        auto output = network->encodeImage(tensor, true);
        features.global = normalized(output.embedding()[0]);
        features.patches = normalized(output.tokens()[0].slice(0, 1));
        announce(observer, Stage::SelectingRegions);
        if (settings.selectionMode == SelectionMode::CrossAttention) {
            features.promptAttention = promptAttention(features);
            features.regions = attentionPeakRegions(features.promptAttention);
        } else {
            features.regions = internal::selectRegions(output.attention(), settings.selectionMode, settings.topK)[0];
        }
        cache = std::move(features);
        return *cache;
    }

    // SelectionMode::CrossAttention: the 3x3 patch block around the peak of each attention map over every patch
    // (rows of `maps`, [n, P] on the CPU), kept when it holds enough of that attention; best first, one block per
    // peak, at most top-k.
    internal::SelectedRegions attentionPeakRegions(const torch::Tensor& maps) const
    {
        const auto weights = maps.to(torch::kCPU, torch::kFloat).contiguous();
        const int side = grid();
        struct Candidate {
            int peak = 0;
            float mass = 0.0f;
            std::vector<int> members;
        };
        std::vector<Candidate> candidates;
        for (int64_t f = 0; f < weights.size(0); ++f) {
            const auto* row = weights[f].data_ptr<float>();
            const int peak = static_cast<int>(std::max_element(row, row + side * side) - row);
            Candidate candidate;
            candidate.peak = peak;
            for (int r = std::max(0, peak / side - 1); r <= std::min(side - 1, peak / side + 1); ++r) {
                for (int c = std::max(0, peak % side - 1); c <= std::min(side - 1, peak % side + 1); ++c) {
                    candidate.members.push_back(r * side + c);
                    candidate.mass += row[r * side + c];
                }
            }
            if (candidate.mass >= LrclrSettings::kCrossAttentionMinimumMass)
                candidates.push_back(std::move(candidate));
        }
        std::stable_sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.mass > b.mass; });
        internal::SelectedRegions regions;
        for (auto& candidate : candidates) {
            if (static_cast<int>(regions.patchIndices.size()) >= settings.topK)
                break;
            // Texts that look at the same place (a sentence and its finding, or consolidation and pneumonia) give
            // one region.
            const bool taken = std::any_of(regions.members.begin(), regions.members.end(), [&](const auto& block) {
                return std::find(block.begin(), block.end(), candidate.peak) != block.end();
            });
            if (taken)
                continue;
            regions.patchIndices.push_back(candidate.peak);
            regions.scores.push_back(candidate.mass);
            regions.members.push_back(std::move(candidate.members));
        }
        return regions;
    }

    // The finding prompts' attention over every patch, [F, P].
    torch::Tensor promptAttention(const ImageFeatures& features)
    {
        preparePrompts();
        return std::get<0>(network->interaction().forward(positivePrompts.unsqueeze(0), features.patches.unsqueeze(0),
            features.global.unsqueeze(0), torch::Tensor()))[0];
    }

    // CrossAttention mode with a report: regions where the finding prompts or the report's positively aligned
    // sentences look; the sentences' region weights follow the new regions. Cached for live re-grounding.
    void selectRegionsWithSentences(const ImageFeatures& features, std::vector<AnalysisResult::Sentence>& sentences)
    {
        std::vector<torch::Tensor> maps { features.promptAttention.to(torch::kCPU, torch::kFloat) };
        for (const auto& sentence : sentences) {
            if (sentence.globalSimilarity > 0.0f)
                maps.push_back(torch::tensor(sentence.attentionMap.values).unsqueeze(0));
        }
        cache->regions = attentionPeakRegions(torch::cat(maps, 0));
        for (auto& sentence : sentences)
            sentence.regionWeights = blockMasses(sentence.attentionMap.values, cache->regions);
    }

    // A sentence's weight on each region: its attention mass anywhere in the region's patches.
    static std::vector<float> blockMasses(const std::vector<float>& attention, const internal::SelectedRegions& regions)
    {
        std::vector<float> masses;
        for (std::size_t k = 0; k < regions.patchIndices.size(); ++k) {
            float mass = 0.0f;
            if (k < regions.members.size()) {
                for (int index : regions.members[k])
                    mass += attention[static_cast<std::size_t>(index)];
            } else {
                mass = attention[static_cast<std::size_t>(regions.patchIndices[k])];
            }
            masses.push_back(mass);
        }
        return masses;
    }

    // Keys of the cross-attention for one image: the selected region tokens, or every patch token.
    torch::Tensor interactionKeys(const ImageFeatures& features) const
    {
        if (settings.attendAllPatches)
            return features.patches;
        const auto indices = torch::tensor(
            std::vector<int64_t>(features.regions.patchIndices.begin(), features.regions.patchIndices.end()),
            torch::TensorOptions().dtype(torch::kLong).device(features.patches.device()));
        return features.patches.index_select(0, indices);
    }

    std::vector<AnalysisResult::Sentence> groundSentences(
        const ImageFeatures& features, const std::vector<std::string>& sentences, const StageObserver& observer = {})
    {
        std::vector<AnalysisResult::Sentence> result;
        if (sentences.empty())
            return result;
        announce(observer, Stage::EncodingText);
        const auto text = normalized(encodeTexts(sentences)); // [S, E]
        announce(observer, Stage::GroundingSentences);
        const auto keys = interactionKeys(features);
        const auto [weights, local, conditioned] = network->interaction().forward(
            text.unsqueeze(0), keys.unsqueeze(0), features.global.unsqueeze(0), torch::Tensor());
        const auto globalSimilarity = torch::matmul(text, features.global).cpu();
        const auto localSimilarity = torch::cosine_similarity(text, local[0], -1).cpu();
        const auto patchSimilarity = torch::matmul(text, features.patches.t()).cpu(); // [S, P]
        const auto sentenceWeights = weights[0].to(torch::kCPU, torch::kFloat); // [S, K]
        const int patches = grid() * grid();
        for (std::size_t i = 0; i < sentences.size(); ++i) {
            const auto row = static_cast<int64_t>(i);
            AnalysisResult::Sentence sentence;
            sentence.text = sentences[i];
            sentence.globalSimilarity = globalSimilarity[row].item<float>();
            sentence.localSimilarity = localSimilarity[row].item<float>();
            sentence.similarityMap = similarityPatchMap(patchSimilarity[row], grid(), features.flatPatches);
            auto spread = torch::zeros({ patches });
            if (settings.attendAllPatches) {
                spread = sentenceWeights[row].contiguous();
                sentence.regionWeights = blockMasses(
                    std::vector<float>(spread.data_ptr<float>(), spread.data_ptr<float>() + patches), features.regions);
            } else {
                for (std::size_t k = 0; k < features.regions.patchIndices.size(); ++k) {
                    const float weight = sentenceWeights[row][static_cast<int64_t>(k)].item<float>();
                    sentence.regionWeights.push_back(weight);
                    spread[features.regions.patchIndices[k]] = weight;
                }
            }
            sentence.attentionMap = patchMap(spread, grid());
            result.push_back(std::move(sentence));
        }
        return result;
    }

    std::vector<AnalysisResult::Finding> scoreFindings(const ImageFeatures& features)
    {
        preparePrompts();
        const auto keys = interactionKeys(features).unsqueeze(0);
        const auto global = features.global.unsqueeze(0);
        const auto count = positivePrompts.size(0);
        // Every prompt gets its own local (region-attended) and region-conditioned image embedding.
        const auto prompts = torch::cat({ positivePrompts, negativePrompts }, 0).unsqueeze(0); // [1, 2F, E]
        const auto [weights, local, conditioned]
            = network->interaction().forward(prompts, keys, global, torch::Tensor());
        const auto promptCosine = [&](const torch::Tensor& images) {
            return torch::cosine_similarity(images[0], prompts[0], -1); // [2F]
        };
        const auto globalCosine = torch::matmul(prompts[0], features.global);
        const auto localCosine = promptCosine(local);
        const auto conditionedCosine = promptCosine(conditioned);
        const auto probability = [&](const torch::Tensor& cosine) {
            return positiveProbability(cosine.slice(0, 0, count), cosine.slice(0, count)).cpu();
        };
        const auto globalProbability = probability(globalCosine);
        const auto localProbability = probability(localCosine);
        const auto combinedProbability = probability(conditionedCosine);
        const auto maps = torch::matmul(positivePrompts, features.patches.t()).cpu(); // [F, P]
        // Each positive prompt's cross-attention, on the patch grid (over the regions, or over every patch).
        const auto promptWeights = weights[0].slice(0, 0, count).to(torch::kCPU, torch::kFloat).contiguous();
        const int patches = grid() * grid();
        std::vector<AnalysisResult::Finding> result;
        for (int64_t i = 0; i < count; ++i) {
            AnalysisResult::Finding finding;
            finding.name = findings.findings()[static_cast<std::size_t>(i)];
            finding.globalProbability = globalProbability[i].item<float>();
            finding.localProbability = localProbability[i].item<float>();
            finding.combinedProbability = combinedProbability[i].item<float>();
            finding.probability = finding.combinedProbability;
            if (const auto* calibration = manifest.calibration.find(finding.name);
                calibration && calibration->calibrated) {
                finding.probability = static_cast<float>(calibration->apply(finding.combinedProbability));
                finding.calibrated = true;
                if (std::isfinite(calibration->threshold))
                    finding.threshold = static_cast<float>(calibration->threshold);
            }
            finding.map = similarityPatchMap(maps[i], grid(), features.flatPatches);
            auto spread = torch::zeros({ patches });
            if (settings.attendAllPatches) {
                spread = promptWeights[i];
            } else {
                for (std::size_t k = 0; k < features.regions.patchIndices.size(); ++k)
                    spread[features.regions.patchIndices[k]] = promptWeights[i][static_cast<int64_t>(k)];
            }
            finding.attentionMap = patchMap(spread, grid());
            result.push_back(std::move(finding));
        }
        return result;
    }
};

LrclrModel::LrclrModel(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

LrclrModel::~LrclrModel() = default;

std::unique_ptr<LrclrModel> LrclrModel::load(const std::string& directory, const Options& options)
{
    auto d = std::make_unique<Private>();
    // Sizes and SHA-256s are verified; the weights' SHA-256 while they are read, so the file is read once.
    const auto opened = ModelDirectory::open(directory, ModelDirectory::WeightsDigest::CheckedByReader);
    d->directory = directory;
    d->manifest = opened.manifest();
    const auto& config = d->manifest.clip;
    try {
        d->settings = LrclrSettings::fromJson(d->manifest.lrclrJson);
        d->preprocessor = ImagePreprocessor(
            LrclrSettings::preprocessingFromJson(d->manifest.preprocessingJson, config.imageResolution));
        d->findings = opened.findingsPath().empty() ? FindingCatalog::chexpert()
                                                    : FindingCatalog::fromFile(opened.findingsPath());
    } catch (const std::exception& error) {
        throw ModelError(directory + "/" + ModelDirectory::kManifestName + ": " + error.what());
    }
    d->tokenizer = std::make_unique<ClipTokenizer>(opened.mergesPath(), config.vocabularySize);

    bool useCuda = false;
    switch (options.device) {
    case Options::Device::Automatic:
        useCuda = torch::cuda::is_available();
        break;
    case Options::Device::Cuda:
        if (!torch::cuda::is_available())
            throw ModelError(directory + ": CUDA was requested but LibTorch sees no CUDA device");
        useCuda = true;
        break;
    case Options::Device::Cpu:
        break;
    }
    if (!useCuda)
        TorchRuntime::configureThreads(options.threads);

    try {
        // The network is built without random draws (every backbone tensor comes from the file) and takes the
        // file's tensors as they are: load time and memory are the weights' own.
        d->network = std::make_unique<internal::ClipNetwork>(config, internal::ClipNetwork::Weights::ToBeLoaded);
        if (d->settings.localHeadLayers > 0)
            d->network->addLocalPatchHead(d->settings.localHeadLayers);
        const auto weights = internal::TorchCheckpoint::read(opened.weightsPath(), d->manifest.weights.sha256);
        // A head the manifest names must be trained: an untrained one would paint maps that mean nothing.
        if (d->settings.localHeadLayers > 0 && !weights.contains("lrclr.local.proj"))
            throw std::invalid_argument("the manifest names a local patch head (lrclr.patchMap) but the weights have "
                                        "no lrclr.local tensors");
        d->network->loadStateDict(weights);
    } catch (const std::invalid_argument& error) {
        throw ModelError(opened.weightsPath() + ": " + error.what());
    }
    if (useCuda) {
        d->network->moveTo(torch::Device(torch::kCUDA), true);
        d->deviceName = "CUDA (fp16)";
    } else {
        d->deviceName = "CPU (" + std::to_string(TorchRuntime::threads()) + " threads)";
    }
    return std::unique_ptr<LrclrModel>(new LrclrModel(std::move(d)));
}

AnalysisResult::ModelIdentity LrclrModel::identity() const
{
    AnalysisResult::ModelIdentity identity;
    identity.name = d->manifest.name;
    identity.sha256 = d->manifest.weights.sha256;
    identity.device = d->deviceName;
    const auto& settings = d->preprocessor.settings();
    std::ostringstream text;
    text << settings.mode << ' ' << settings.inputSize << ", bicubic, mean " << settings.mean << " / std "
         << settings.standardDeviation << "; selection " << LrclrSettings::selectionModeName(d->settings.selectionMode)
         << " top " << d->settings.topK << (d->settings.attendAllPatches ? ", attends all patches" : "");
    identity.preprocessing = text.str();
    return identity;
}

std::optional<AnalysisResult::SimilarityScale> LrclrModel::similarityScale() const
{
    const auto& scale = d->manifest.overlayScale;
    if (!scale.fitted)
        return std::nullopt;
    return AnalysisResult::SimilarityScale { static_cast<float>(scale.low), static_cast<float>(scale.threshold),
        static_cast<float>(scale.high) };
}

std::vector<std::string> LrclrModel::findingNames() const
{
    return d->findings.findings();
}

AnalysisResult LrclrModel::analyze(const GrayscaleImage& image, const std::vector<std::string>& sentences) const
{
    return analyze(image, sentences, StageObserver {});
}

AnalysisResult LrclrModel::analyze(
    const GrayscaleImage& image, const std::vector<std::string>& sentences, const StageObserver& observer) const
{
    const auto start = std::chrono::steady_clock::now();
    c10::InferenceMode guard;
    const auto& features = d->imageFeatures(image, observer);
    AnalysisResult result;
    result.model = identity();
    result.similarityScale = similarityScale();
    result.geometry = features.geometry;
    result.imageEmbedding = Private::embeddingValues(features);
    const int grid = d->grid();
    // Sentences before findings: the order of LrclrModel::Stage (and of the viewer's progress stages).
    result.sentences = d->groundSentences(features, sentences, observer);
    if (d->settings.selectionMode == SelectionMode::CrossAttention && !result.sentences.empty())
        d->selectRegionsWithSentences(features, result.sentences);
    for (std::size_t i = 0; i < features.regions.patchIndices.size(); ++i) {
        AnalysisResult::Region region;
        region.patchIndex = features.regions.patchIndices[i];
        region.row = region.patchIndex / grid;
        region.column = region.patchIndex % grid;
        region.score = features.regions.scores[i];
        region.box = ImagePreprocessor::patchBox(region.row, region.column, grid, features.geometry);
        if (i < features.regions.members.size()) {
            // A block: the union of its patches' footprints.
            for (int member : features.regions.members[i]) {
                const auto box = ImagePreprocessor::patchBox(member / grid, member % grid, grid, features.geometry);
                const double right = std::max(region.box.x + region.box.width, box.x + box.width);
                const double bottom = std::max(region.box.y + region.box.height, box.y + box.height);
                region.box.x = std::min(region.box.x, box.x);
                region.box.y = std::min(region.box.y, box.y);
                region.box.width = right - region.box.x;
                region.box.height = bottom - region.box.y;
            }
        }
        result.regions.push_back(region);
    }
    Private::announce(observer, Stage::ScoringFindings);
    result.findings = d->scoreFindings(features);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::vector<AnalysisResult::Sentence> LrclrModel::ground(
    const GrayscaleImage& image, const std::vector<std::string>& sentences) const
{
    c10::InferenceMode guard;
    const auto& features = d->imageFeatures(image);
    return d->groundSentences(features, sentences);
}

int LrclrModel::embedDimension() const
{
    return d->manifest.clip.embedDimension;
}

int LrclrModel::inputSize() const
{
    return d->manifest.clip.imageResolution;
}

namespace {

LrclrModel::ImageEncoding imageEncoding(internal::VisionOutput& output, int64_t index = 0)
{
    LrclrModel::ImageEncoding encoding;
    const auto embedding = output.embedding()[index].to(torch::kCPU).contiguous();
    const auto tokens = output.tokens()[index].to(torch::kCPU).contiguous();
    encoding.embedding.assign(embedding.data_ptr<float>(), embedding.data_ptr<float>() + embedding.numel());
    encoding.tokenCount = static_cast<int>(tokens.size(0));
    encoding.tokens.assign(tokens.data_ptr<float>(), tokens.data_ptr<float>() + tokens.numel());
    return encoding;
}

} // namespace

LrclrModel::ImageEncoding LrclrModel::encodeImage(const GrayscaleImage& image) const
{
    AnalysisResult::Geometry geometry;
    std::vector<float> input;
    try {
        input = d->preprocessor.apply(image, &geometry);
    } catch (const std::invalid_argument& error) {
        throw ModelError(error.what());
    }
    auto encoding = encodePreprocessed(input);
    encoding.geometry = geometry;
    return encoding;
}

LrclrModel::ImageEncoding LrclrModel::encodePreprocessed(const std::vector<float>& input) const
{
    const int size = inputSize();
    if (input.size() != static_cast<std::size_t>(3) * size * size)
        throw ModelError("encode: preprocessed input must hold 3 x " + std::to_string(size) + " x "
            + std::to_string(size) + " floats, got " + std::to_string(input.size()));
    return encodePreprocessedBatch(input.data(), 1).front();
}

std::vector<LrclrModel::ImageEncoding> LrclrModel::encodePreprocessedBatch(
    const float* input, int count, int batchSize) const
{
    const int size = inputSize();
    const int64_t plane = int64_t(3) * size * size;
    std::vector<ImageEncoding> result;
    c10::InferenceMode guard;
    for (int first = 0; first < count; first += std::max(1, batchSize)) {
        const int64_t rows = std::min(count - first, std::max(1, batchSize));
        const auto images
            = torch::from_blob(const_cast<float*>(input) + first * plane, { rows, 3, size, size }, torch::kFloat);
        auto output = d->network->encodeImage(images, false);
        for (int64_t row = 0; row < rows; ++row)
            result.push_back(imageEncoding(output, row));
    }
    return result;
}

std::vector<LrclrModel::TextEncoding> LrclrModel::encodeTexts(const std::vector<std::string>& texts) const
{
    std::vector<TextEncoding> result;
    if (texts.empty())
        return result;
    c10::InferenceMode guard;
    const auto rows = d->tokenizer->tokenize(texts, d->manifest.clip.contextLength);
    const auto embeddings = d->encodeTokens(rows).to(torch::kCPU).contiguous();
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto row = embeddings[static_cast<int64_t>(i)];
        result.push_back(
            { texts[i], rows[i], std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()) });
    }
    return result;
}

} // namespace lrclr
