#include "core/model/LrclrSettings.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lrclr {

namespace {

nlohmann::json parseObject(const std::string& text, const char* what)
{
    const auto json = nlohmann::json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw std::runtime_error(std::string("\"") + what + "\" is not a JSON object");
    return json;
}

} // namespace

std::string LrclrSettings::selectionModeName(SelectionMode mode)
{
    switch (mode) {
    case SelectionMode::PartSelection:
        return "part-selection";
    case SelectionMode::Rollout:
        return "rollout";
    case SelectionMode::CrossAttention:
        return "cross-attention";
    }
    return "part-selection";
}

namespace {

int localHeadLayersFromJson(const nlohmann::json& patchMap)
{
    if (!patchMap.is_object())
        throw std::runtime_error("\"lrclr.patchMap\" must be an object");
    const auto source = patchMap.value("source", std::string("vision-tokens"));
    if (source == "vision-tokens")
        return 0;
    if (source != "local-head")
        throw std::runtime_error("\"lrclr.patchMap.source\" must be \"vision-tokens\" or \"local-head\"");
    const auto& layers = patchMap.contains("layers") ? patchMap["layers"] : nlohmann::json();
    if (!layers.is_number_integer() || layers.get<long long>() < 1
        || layers.get<long long>() > LrclrSettings::kMaximumLocalHeadLayers)
        throw std::runtime_error("\"lrclr.patchMap.layers\" must be an integer from 1 to "
            + std::to_string(LrclrSettings::kMaximumLocalHeadLayers));
    return layers.get<int>();
}

} // namespace

LrclrSettings LrclrSettings::fromJson(const std::string& text)
{
    const auto json = parseObject(text, "lrclr");
    LrclrSettings settings;
    if (json.contains("selection")) {
        const auto& selection = json["selection"];
        if (!selection.is_object())
            throw std::runtime_error("\"lrclr.selection\" must be an object");
        const auto mode = selection.value("mode", selectionModeName(settings.selectionMode));
        if (mode == "part-selection")
            settings.selectionMode = SelectionMode::PartSelection;
        else if (mode == "rollout")
            settings.selectionMode = SelectionMode::Rollout;
        else if (mode == "cross-attention")
            settings.selectionMode = SelectionMode::CrossAttention;
        else
            throw std::runtime_error(
                "\"lrclr.selection.mode\" must be \"part-selection\", \"rollout\" or \"cross-attention\", not \"" + mode
                + "\"");
        if (selection.contains("topK")) {
            if (!selection["topK"].is_number_integer() || selection["topK"].get<int>() < 1)
                throw std::runtime_error("\"lrclr.selection.topK\" must be a positive integer");
            settings.topK = selection["topK"].get<int>();
        }
    }
    if (json.contains("interaction")) {
        const auto& interaction = json["interaction"];
        const auto keys = interaction.is_object() ? interaction.value("keys", std::string("regions")) : "";
        if (keys != "regions" && keys != "all-patches")
            throw std::runtime_error("\"lrclr.interaction.keys\" must be \"regions\" or \"all-patches\"");
        settings.attendAllPatches = keys == "all-patches";
    }
    if (json.contains("patchMap"))
        settings.localHeadLayers = localHeadLayersFromJson(json["patchMap"]);
    // Regions found by the prompts' attention over every patch only make sense if sentences attend over every patch.
    if (settings.selectionMode == SelectionMode::CrossAttention)
        settings.attendAllPatches = true;
    return settings;
}

std::string LrclrSettings::toJson() const
{
    nlohmann::json json = {
        { "selection", { { "mode", selectionModeName(selectionMode) }, { "topK", topK } } },
        { "interaction", { { "keys", attendAllPatches ? "all-patches" : "regions" } } },
    };
    if (localHeadLayers > 0)
        json["patchMap"] = { { "source", "local-head" }, { "layers", localHeadLayers } };
    return json.dump(2);
}

ImagePreprocessor::Settings LrclrSettings::preprocessingFromJson(const std::string& text, int inputSize)
{
    const auto json = parseObject(text, "preprocessing");
    ImagePreprocessor::Settings settings;
    settings.inputSize = inputSize;
    try {
        settings.mode = json.value("mode", settings.mode);
        settings.mean = json.value("mean", settings.mean);
        settings.standardDeviation = json.value("std", settings.standardDeviation);
    } catch (const nlohmann::json::exception& error) {
        throw std::runtime_error(std::string("\"preprocessing\": ") + error.what());
    }
    if (json.contains("inputSize") && json["inputSize"] != inputSize)
        throw std::runtime_error(
            "\"preprocessing.inputSize\" differs from the model resolution " + std::to_string(inputSize));
    if (settings.mode != "letterbox" && settings.mode != "center-crop")
        throw std::runtime_error("\"preprocessing.mode\" must be \"letterbox\" or \"center-crop\"");
    if (!(settings.standardDeviation > 0.0))
        throw std::runtime_error("\"preprocessing.std\" must be positive");
    return settings;
}

std::string LrclrSettings::preprocessingToJson(const ImagePreprocessor::Settings& settings)
{
    const nlohmann::json json = { { "mode", settings.mode }, { "mean", settings.mean },
        { "std", settings.standardDeviation }, { "inputSize", settings.inputSize }, { "interpolation", "bicubic" },
        { "channels", "grayscale replicated to 3" } };
    return json.dump(2);
}

} // namespace lrclr
