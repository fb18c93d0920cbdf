#include "core/model/AnalysisJson.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lrclr {

namespace {

using nlohmann::json;

json patchMap(const AnalysisResult::PatchMap& map)
{
    return { { "rows", map.rows }, { "columns", map.columns }, { "values", map.values } };
}

json box(const AnalysisResult::Box& value)
{
    return { { "x", value.x }, { "y", value.y }, { "width", value.width }, { "height", value.height } };
}

json files(const std::vector<AnalysisJson::HeatmapFiles>& list, std::size_t index)
{
    json result = json::object();
    if (index < list.size()) {
        if (!list[index].png.empty())
            result["png"] = list[index].png;
        if (!list[index].npy.empty())
            result["npy"] = list[index].npy;
    }
    return result;
}

AnalysisResult::PatchMap readPatchMap(const json& value)
{
    AnalysisResult::PatchMap map;
    map.rows = value.at("rows").get<int>();
    map.columns = value.at("columns").get<int>();
    map.values = value.at("values").get<std::vector<float>>();
    if (map.rows < 0 || map.columns < 0 || map.values.size() != static_cast<std::size_t>(map.rows) * map.columns)
        throw std::runtime_error("patch map size does not match rows x columns");
    return map;
}

AnalysisResult::Box readBox(const json& value)
{
    return { value.at("x").get<double>(), value.at("y").get<double>(), value.at("width").get<double>(),
        value.at("height").get<double>() };
}

AnalysisResult::SimilarityScale readSimilarityScale(const json& value)
{
    const AnalysisResult::SimilarityScale scale { value.at("low").get<float>(), value.at("threshold").get<float>(),
        value.at("high").get<float>() };
    if (!(scale.low <= scale.threshold && scale.threshold < scale.high))
        throw std::runtime_error("similarityScale needs low <= threshold < high");
    return scale;
}

} // namespace

std::string AnalysisJson::toJson(const AnalysisResult& result, const Attachments& attachments, int indent)
{
    json document;
    document["schema"] = schemaName;
    document["version"] = schemaVersion;
    document["model"] = { { "name", result.model.name }, { "sha256", result.model.sha256 },
        { "device", result.model.device }, { "preprocessing", result.model.preprocessing } };
    document["imageEmbedding"] = result.imageEmbedding;
    if (result.similarityScale)
        document["similarityScale"] = { { "low", result.similarityScale->low },
            { "threshold", result.similarityScale->threshold }, { "high", result.similarityScale->high } };
    else
        document["similarityScale"] = nullptr;
    const auto& g = result.geometry;
    document["geometry"]
        = { { "originalWidth", g.originalWidth }, { "originalHeight", g.originalHeight }, { "inputSize", g.inputSize },
              { "scale", g.scale }, { "offsetX", g.offsetX }, { "offsetY", g.offsetY }, { "mode", g.mode } };
    document["seconds"] = result.seconds;
    document["findings"] = json::array();
    for (std::size_t i = 0; i < result.findings.size(); ++i) {
        const auto& finding = result.findings[i];
        document["findings"].push_back({ { "name", finding.name }, { "globalProbability", finding.globalProbability },
            { "localProbability", finding.localProbability }, { "combinedProbability", finding.combinedProbability },
            { "probability", finding.probability }, { "calibrated", finding.calibrated },
            { "threshold", finding.threshold ? json(*finding.threshold) : json(nullptr) },
            { "aboveThreshold", finding.aboveThreshold() }, { "map", patchMap(finding.map) },
            { "attentionMap", patchMap(finding.attentionMap) }, { "heatmap", files(attachments.findingMaps, i) } });
    }
    document["regions"] = json::array();
    for (const auto& region : result.regions) {
        document["regions"].push_back({ { "patchIndex", region.patchIndex }, { "row", region.row },
            { "column", region.column }, { "score", region.score }, { "box", box(region.box) } });
    }
    document["sentences"] = json::array();
    for (std::size_t i = 0; i < result.sentences.size(); ++i) {
        const auto& sentence = result.sentences[i];
        document["sentences"].push_back({ { "text", sentence.text }, { "begin", sentence.begin },
            { "end", sentence.end }, { "globalSimilarity", sentence.globalSimilarity },
            { "localSimilarity", sentence.localSimilarity }, { "regionWeights", sentence.regionWeights },
            { "similarityMap", patchMap(sentence.similarityMap) }, { "attentionMap", patchMap(sentence.attentionMap) },
            { "heatmaps",
                { { "similarity", files(attachments.sentenceSimilarity, i) },
                    { "attention", files(attachments.sentenceAttention, i) } } } });
    }
    // Replace invalid UTF-8 (report text is user input) instead of throwing.
    return document.dump(indent, ' ', false, json::error_handler_t::replace);
}

namespace {

/// Every number of an analysis is stored as a float (or a double holding a float): one beyond float range would
/// become infinity, which toJson writes as null, so the document could not be read back. Throws naming the path.
void requireFloatRange(const json& document, const std::string& origin)
{
    // Iterative: a hostile file may nest arrays deeper than the stack would allow recursion.
    std::vector<std::pair<const json*, std::string>> pending { { &document, origin } };
    while (!pending.empty()) {
        const auto [value, path] = std::move(pending.back());
        pending.pop_back();
        if (value->is_number_float()) {
            const double number = value->get<double>();
            if (!std::isfinite(number) || std::fabs(number) > std::numeric_limits<float>::max())
                throw std::runtime_error(path + " = " + value->dump() + " is outside the range of a float");
        } else if (value->is_object()) {
            for (const auto& item : value->items())
                pending.emplace_back(&item.value(), path + "." + item.key());
        } else if (value->is_array()) {
            for (std::size_t i = 0; i < value->size(); ++i)
                pending.emplace_back(&(*value)[i], path + "[" + std::to_string(i) + "]");
        }
    }
}

} // namespace

AnalysisResult AnalysisJson::fromJson(const std::string& text, const std::string& origin)
{
    const auto document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        throw std::runtime_error(origin + ": not a JSON object");
    requireFloatRange(document, origin);
    if (document.value("schema", std::string()) != schemaName || document.value("version", 0) != schemaVersion)
        throw std::runtime_error(
            origin + ": not an " + std::string(schemaName) + " document of version " + std::to_string(schemaVersion));
    try {
        AnalysisResult result;
        const auto& model = document.at("model");
        result.model = { model.at("name").get<std::string>(), model.at("sha256").get<std::string>(),
            model.at("device").get<std::string>(), model.at("preprocessing").get<std::string>() };
        // Absent from files written before the embedding was part of the result.
        if (document.contains("imageEmbedding"))
            result.imageEmbedding = document.at("imageEmbedding").get<std::vector<float>>();
        // Absent (or null) in files of models without a shared overlay scale, and in files written before it existed.
        if (document.contains("similarityScale") && !document.at("similarityScale").is_null())
            result.similarityScale = readSimilarityScale(document.at("similarityScale"));
        const auto& g = document.at("geometry");
        result.geometry.originalWidth = g.at("originalWidth").get<int>();
        result.geometry.originalHeight = g.at("originalHeight").get<int>();
        result.geometry.inputSize = g.at("inputSize").get<int>();
        result.geometry.scale = g.at("scale").get<double>();
        result.geometry.offsetX = g.at("offsetX").get<double>();
        result.geometry.offsetY = g.at("offsetY").get<double>();
        result.geometry.mode = g.at("mode").get<std::string>();
        result.seconds = document.at("seconds").get<double>();
        for (const auto& item : document.at("findings")) {
            AnalysisResult::Finding finding;
            finding.name = item.at("name").get<std::string>();
            finding.globalProbability = item.at("globalProbability").get<float>();
            finding.localProbability = item.at("localProbability").get<float>();
            finding.combinedProbability = item.at("combinedProbability").get<float>();
            // Files written before calibration existed have the raw combined score only.
            finding.probability
                = item.contains("probability") ? item.at("probability").get<float>() : finding.combinedProbability;
            finding.calibrated = item.contains("calibrated") && item.at("calibrated").get<bool>();
            if (item.contains("threshold") && !item.at("threshold").is_null())
                finding.threshold = item.at("threshold").get<float>();
            finding.map = readPatchMap(item.at("map"));
            // Absent from files written before the finding attention maps existed.
            if (item.contains("attentionMap"))
                finding.attentionMap = readPatchMap(item.at("attentionMap"));
            result.findings.push_back(std::move(finding));
        }
        for (const auto& item : document.at("regions")) {
            AnalysisResult::Region region;
            region.patchIndex = item.at("patchIndex").get<int>();
            region.row = item.at("row").get<int>();
            region.column = item.at("column").get<int>();
            region.score = item.at("score").get<float>();
            region.box = readBox(item.at("box"));
            result.regions.push_back(region);
        }
        for (const auto& item : document.at("sentences")) {
            AnalysisResult::Sentence sentence;
            sentence.text = item.at("text").get<std::string>();
            sentence.begin = item.at("begin").get<std::size_t>();
            sentence.end = item.at("end").get<std::size_t>();
            sentence.globalSimilarity = item.at("globalSimilarity").get<float>();
            sentence.localSimilarity = item.at("localSimilarity").get<float>();
            sentence.regionWeights = item.at("regionWeights").get<std::vector<float>>();
            sentence.similarityMap = readPatchMap(item.at("similarityMap"));
            sentence.attentionMap = readPatchMap(item.at("attentionMap"));
            result.sentences.push_back(std::move(sentence));
        }
        return result;
    } catch (const json::exception& error) {
        throw std::runtime_error(origin + ": " + error.what());
    } catch (const std::runtime_error& error) {
        throw std::runtime_error(origin + ": " + error.what());
    }
}

} // namespace lrclr
