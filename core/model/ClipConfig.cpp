#include "core/model/ClipConfig.h"

#include <cmath>
#include <set>
#include <stdexcept>

namespace lrclr {

namespace {

const std::vector<std::int64_t>& shapeOf(
    const std::map<std::string, std::vector<std::int64_t>>& shapes, const std::string& key, std::size_t rank)
{
    const auto found = shapes.find(key);
    if (found == shapes.end())
        throw std::invalid_argument("state dict has no '" + key + "', so it is not an OpenAI CLIP ViT checkpoint");
    if (found->second.size() != rank)
        throw std::invalid_argument("'" + key + "' has " + std::to_string(found->second.size())
            + " dimensions, expected " + std::to_string(rank));
    for (const auto extent : found->second) {
        if (extent <= 0 || extent > (1 << 30))
            throw std::invalid_argument("'" + key + "' has an impossible extent " + std::to_string(extent));
    }
    return found->second;
}

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

ClipConfig ClipConfig::fromShapes(const std::map<std::string, std::vector<std::int64_t>>& shapes)
{
    // Mirrors build_model() in openai/CLIP clip/model.py (ViT branch: "visual.proj" present).
    if (shapes.count("visual.proj") == 0 && shapes.count("visual.layer1.0.conv1.weight") != 0)
        throw std::invalid_argument("a ResNet CLIP checkpoint (visual.layer1...); only ViT image towers are supported");

    ClipConfig config;
    const auto& conv = shapeOf(shapes, "visual.conv1.weight", 4);
    config.visionWidth = static_cast<int>(conv[0]);
    config.visionPatchSize = static_cast<int>(conv[3]);
    if (conv[2] != conv[3])
        throw std::invalid_argument("'visual.conv1.weight' has non-square patches");
    for (const auto& [key, shape] : shapes) {
        if (startsWith(key, "visual.") && endsWith(key, ".attn.in_proj_weight"))
            ++config.visionLayers;
    }
    const auto positions = shapeOf(shapes, "visual.positional_embedding", 2)[0];
    const auto grid = static_cast<int>(std::lround(std::sqrt(static_cast<double>(positions - 1))));
    if (static_cast<std::int64_t>(grid) * grid + 1 != positions)
        throw std::invalid_argument(
            "'visual.positional_embedding' has " + std::to_string(positions) + " rows, not 1 + a square patch grid");
    config.imageResolution = config.visionPatchSize * grid;

    config.embedDimension = static_cast<int>(shapeOf(shapes, "text_projection", 2)[1]);
    config.contextLength = static_cast<int>(shapeOf(shapes, "positional_embedding", 2)[0]);
    config.vocabularySize = static_cast<int>(shapeOf(shapes, "token_embedding.weight", 2)[0]);
    config.textWidth = static_cast<int>(shapeOf(shapes, "ln_final.weight", 1)[0]);
    config.textHeads = config.textWidth / 64;
    config.visionHeads = config.visionWidth / 64;

    std::set<std::string> textBlocks;
    const std::string blockPrefix = "transformer.resblocks.";
    for (const auto& [key, shape] : shapes) {
        if (startsWith(key, blockPrefix))
            textBlocks.insert(key.substr(blockPrefix.size(), key.find('.', blockPrefix.size()) - blockPrefix.size()));
    }
    config.textLayers = static_cast<int>(textBlocks.size());

    if (config.visionLayers == 0 || config.textLayers == 0)
        throw std::invalid_argument("the checkpoint has no transformer blocks");
    if (config.visionHeads == 0 || config.textHeads == 0 || config.visionWidth % 64 != 0 || config.textWidth % 64 != 0)
        throw std::invalid_argument("transformer widths (vision " + std::to_string(config.visionWidth) + ", text "
            + std::to_string(config.textWidth) + ") are not multiples of the head width 64");
    // Consistency checks that build_model() leaves to load_state_dict().
    if (shapeOf(shapes, "visual.proj", 2)[0] != config.visionWidth
        || shapeOf(shapes, "visual.proj", 2)[1] != config.embedDimension)
        throw std::invalid_argument("'visual.proj' does not map the vision width to the embedding width");
    if (shapeOf(shapes, "text_projection", 2)[0] != config.textWidth
        || shapeOf(shapes, "token_embedding.weight", 2)[1] != config.textWidth
        || shapeOf(shapes, "positional_embedding", 2)[1] != config.textWidth)
        throw std::invalid_argument("text tensors disagree about the text width " + std::to_string(config.textWidth));
    if (shapeOf(shapes, "visual.positional_embedding", 2)[1] != config.visionWidth)
        throw std::invalid_argument("'visual.positional_embedding' does not match the vision width");
    config.checkLimits();
    return config;
}

void ClipConfig::checkLimits() const
{
    const auto check = [](const char* field, long long value, long long maximum) {
        if (value < 1 || value > maximum)
            throw std::invalid_argument(std::string("'") + field + "' = " + std::to_string(value)
                + " is outside the supported range 1.." + std::to_string(maximum));
    };
    check("embed_dim", embedDimension, maximumWidth);
    check("image_resolution", imageResolution, maximumImageResolution);
    check("vision_layers", visionLayers, maximumLayers);
    check("vision_width", visionWidth, maximumWidth);
    check("vision_patch_size", visionPatchSize, imageResolution);
    check("vision_heads", visionHeads, maximumHeads);
    check("context_length", contextLength, maximumContextLength);
    check("vocab_size", vocabularySize, maximumVocabularySize);
    check("transformer_width", textWidth, maximumWidth);
    check("transformer_heads", textHeads, maximumHeads);
    check("transformer_layers", textLayers, maximumLayers);
    check("image grid (image_resolution / vision_patch_size)", gridSize(), maximumGridSize);
    // About 12 W^2 weights per transformer block, plus the embeddings: refuse before anything is allocated.
    const long long parameters = 12LL * visionLayers * visionWidth * visionWidth
        + 12LL * textLayers * textWidth * textWidth + static_cast<long long>(vocabularySize) * textWidth
        + static_cast<long long>(gridSize()) * gridSize() * visionWidth;
    if (parameters > maximumParameters)
        throw std::invalid_argument("the configuration describes about " + std::to_string(parameters)
            + " parameters (at most " + std::to_string(maximumParameters) + ")");
}

} // namespace lrclr
