#include "core/model/ModelDirectory.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/model/LrclrModel.h"
#include "core/model/Sha256.h"

namespace lrclr {

namespace {

// ordered_json keeps keys in insertion/file order: the manifest reads top-down (format first), and the opaque
// objects ("lrclr", ...) keep their authors' key order through a load/save cycle.
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

Json parseObject(const std::string& text, const std::string& what)
{
    Json value = Json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_object())
        throw ModelError("manifest field '" + what + "' is not a JSON object: " + text.substr(0, 80));
    return value;
}

Json clipToJson(const ClipConfig& config)
{
    // CLIP's own names (build_model's variables), so a reader can compare with OpenAI's code directly.
    return Json { { "embed_dim", config.embedDimension }, { "image_resolution", config.imageResolution },
        { "vision_layers", config.visionLayers }, { "vision_width", config.visionWidth },
        { "vision_patch_size", config.visionPatchSize }, { "vision_heads", config.visionHeads },
        { "context_length", config.contextLength }, { "vocab_size", config.vocabularySize },
        { "transformer_width", config.textWidth }, { "transformer_heads", config.textHeads },
        { "transformer_layers", config.textLayers } };
}

/// A relative file name that stays inside the model directory.
bool isPlainFileName(const std::string& name)
{
    if (name.empty() || name.size() > 255)
        return false;
    const fs::path path(name);
    if (path.is_absolute() || path.has_root_path())
        return false;
    for (const auto& part : path) {
        if (part == ".." || part == ".")
            return false;
    }
    return true;
}

class Reader {
public:
    explicit Reader(std::string source)
        : m_source(std::move(source))
    {
    }

    [[noreturn]] void fail(const std::string& problem) const { throw ModelError(m_source + ": " + problem); }

    const Json& field(const Json& object, const std::string& key, const std::string& where) const
    {
        if (!object.is_object() || !object.contains(key))
            fail("the manifest has no '" + where + key + "'");
        return object.at(key);
    }

    std::string string(const Json& object, const std::string& key, const std::string& where = "") const
    {
        const auto& value = field(object, key, where);
        if (!value.is_string())
            fail("'" + where + key + "' is not a string");
        return value.get<std::string>();
    }

    std::string optionalString(const Json& object, const std::string& key) const
    {
        if (!object.contains(key) || object.at(key).is_null())
            return {};
        if (!object.at(key).is_string())
            fail("'" + key + "' is not a string");
        return object.at(key).get<std::string>();
    }

    std::int64_t integer(const Json& object, const std::string& key, const std::string& where = "") const
    {
        const auto& value = field(object, key, where);
        if (!value.is_number_integer())
            fail("'" + where + key + "' is not an integer");
        return value.get<std::int64_t>();
    }

    int positive(const Json& object, const std::string& key, const std::string& where) const
    {
        const auto value = integer(object, key, where);
        if (value <= 0 || value > (1 << 30))
            fail("'" + where + key + "' = " + std::to_string(value) + " is out of range");
        return static_cast<int>(value);
    }

    std::string objectText(const Json& object, const std::string& key) const
    {
        if (!object.contains(key) || object.at(key).is_null())
            return "{}";
        if (!object.at(key).is_object())
            fail("'" + key + "' is not a JSON object");
        return object.at(key).dump();
    }

    ModelManifest::File file(
        const Json& object, const std::string& key, const std::string& nameKey, bool withSize) const
    {
        const auto& entry = field(object, key, "");
        ModelManifest::File file;
        file.name = string(entry, nameKey, key + ".");
        if (!isPlainFileName(file.name))
            fail("'" + key + "." + nameKey + "' = '" + file.name + "' is not a file name inside the directory");
        file.sha256 = string(entry, "sha256", key + ".");
        if (file.sha256.size() != 64 || file.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            fail("'" + key + ".sha256' is not a lower-case hex SHA-256");
        if (withSize) {
            const auto size = integer(entry, "size", key + ".");
            if (size < 0)
                fail("'" + key + ".size' is negative");
            file.size = static_cast<std::uint64_t>(size);
        }
        return file;
    }

private:
    std::string m_source;
};

std::string readText(const std::string& path, std::size_t limit)
{
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error)
        throw ModelError(path + ": cannot read (" + error.message() + ")");
    if (size > limit)
        throw ModelError(path + ": larger than " + std::to_string(limit) + " bytes; not a manifest");
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

void verifyFile(const std::string& directory, const ModelManifest::File& file, bool checkSize, const char* role,
    bool checkDigest = true)
{
    const auto path = (fs::path(directory) / file.name).string();
    std::error_code error;
    if (!fs::is_regular_file(path, error))
        throw ModelError(
            path + ": the " + std::string(role) + " file named in " + ModelDirectory::kManifestName + " is missing");
    if (checkSize && fs::file_size(path) != file.size)
        throw ModelError(path + ": the " + std::string(role) + " file has " + std::to_string(fs::file_size(path))
            + " bytes but the manifest says " + std::to_string(file.size) + "; refusing to load it");
    if (!checkDigest)
        return;
    const auto actual = Sha256::ofFile(path);
    if (actual != file.sha256)
        throw ModelError(path + ": the " + std::string(role) + " file's SHA-256 " + actual
            + " does not match the manifest's " + file.sha256 + "; refusing to load it");
}

Json finite(double value)
{
    return std::isfinite(value) ? Json(value) : Json(nullptr);
}

Json calibrationToJson(const ModelManifest::Calibration& calibration)
{
    Json findings = Json::object();
    for (const auto& finding : calibration.findings) {
        findings[finding.name] = Json { { "calibrated", finding.calibrated },
            { "a", finding.calibrated ? finite(finding.a) : Json(nullptr) },
            { "b", finding.calibrated ? finite(finding.b) : Json(nullptr) },
            { "threshold", finding.calibrated ? finite(finding.threshold) : Json(nullptr) },
            { "positives", finding.positives }, { "negatives", finding.negatives }, { "score", calibration.score } };
    }
    return Json { { "method", "platt" }, { "score", calibration.score },
        { "input", "logit(combinedProbability) = cos(image, positive prompt) - cos(image, negative prompt)" },
        { "split", calibration.split }, { "manifest", calibration.manifest }, { "date", calibration.date },
        { "findings", findings } };
}

ModelManifest::Calibration calibrationFromJson(const Json& json, const Reader& reader)
{
    ModelManifest::Calibration calibration;
    if (!json.is_object())
        reader.fail("'calibration' is not a JSON object");
    const auto text = [&](const char* key) {
        if (!json.contains(key) || json.at(key).is_null())
            return std::string();
        if (!json.at(key).is_string())
            reader.fail(std::string("'calibration.") + key + "' is not a string");
        return json.at(key).get<std::string>();
    };
    calibration.score = text("score");
    if (calibration.score.empty())
        calibration.score = "combined";
    if (calibration.score != "combined")
        reader.fail("'calibration.score' = '" + calibration.score + "' is not supported (only \"combined\")");
    calibration.split = text("split");
    calibration.manifest = text("manifest");
    calibration.date = text("date");
    if (!json.contains("findings"))
        return calibration;
    const auto& findings = json.at("findings");
    if (!findings.is_object())
        reader.fail("'calibration.findings' is not a JSON object");
    for (const auto& [name, entry] : findings.items()) {
        const std::string where = "calibration.findings." + name + ".";
        if (!entry.is_object())
            reader.fail("'" + where.substr(0, where.size() - 1) + "' is not a JSON object");
        ModelManifest::Calibration::Finding finding;
        finding.name = name;
        const auto number = [&, &entry = entry](const char* key) {
            if (!entry.contains(key) || entry.at(key).is_null())
                return std::numeric_limits<double>::quiet_NaN();
            if (!entry.at(key).is_number())
                reader.fail("'" + where + key + "' is not a number");
            return entry.at(key).get<double>();
        };
        const auto count = [&, &entry = entry](const char* key) {
            if (!entry.contains(key))
                return 0;
            if (!entry.at(key).is_number_integer() || entry.at(key).get<std::int64_t>() < 0)
                reader.fail("'" + where + key + "' is not a count");
            return static_cast<int>(entry.at(key).get<std::int64_t>());
        };
        finding.positives = count("positives");
        finding.negatives = count("negatives");
        finding.a = number("a");
        finding.b = number("b");
        finding.threshold = number("threshold");
        const bool flagged = entry.contains("calibrated") && entry.at("calibrated").is_boolean()
            && !entry.at("calibrated").get<bool>();
        // A finding without finite coefficients is not applied, whatever its flag says.
        finding.calibrated = !flagged && std::isfinite(finding.a) && std::isfinite(finding.b);
        if (!finding.calibrated) {
            finding.a = 1.0;
            finding.b = 0.0;
            finding.threshold = std::numeric_limits<double>::quiet_NaN();
        }
        calibration.findings.push_back(std::move(finding));
    }
    return calibration;
}

Json overlayScaleToJson(const ModelManifest::OverlayScale& scale)
{
    return Json { { "map", "similarity" }, { "score", "cosine(sentence or positive prompt, patch token)" },
        { "low", scale.low }, { "threshold", scale.threshold }, { "high", scale.high }, { "youden", scale.youden },
        { "sentences", scale.sentences }, { "split", scale.split }, { "manifest", scale.manifest },
        { "date", scale.date } };
}

ModelManifest::OverlayScale overlayScaleFromJson(const Json& json, const Reader& reader)
{
    if (!json.is_object())
        reader.fail("'overlayScale' is not a JSON object");
    const auto number = [&](const char* key) {
        if (!json.contains(key) || !json.at(key).is_number())
            reader.fail(std::string("'overlayScale.") + key + "' is missing or not a number");
        const double value = json.at(key).get<double>();
        if (!std::isfinite(value) || value < -1.0 || value > 1.0)
            reader.fail(std::string("'overlayScale.") + key + "' is not a cosine in [-1, 1]");
        return value;
    };
    const auto text = [&](const char* key) {
        return json.contains(key) && json.at(key).is_string() ? json.at(key).get<std::string>() : std::string();
    };
    ModelManifest::OverlayScale scale;
    if (json.contains("map") && json.at("map") != "similarity")
        reader.fail("'overlayScale.map' is not \"similarity\" (the only map with a shared scale)");
    scale.low = number("low");
    scale.threshold = number("threshold");
    scale.high = number("high");
    if (!(scale.low <= scale.threshold && scale.threshold < scale.high))
        reader.fail("'overlayScale' needs low <= threshold < high");
    if (json.contains("youden") && json.at("youden").is_number())
        scale.youden = json.at("youden").get<double>();
    if (json.contains("sentences") && json.at("sentences").is_number_integer())
        scale.sentences = static_cast<int>(
            std::clamp<std::int64_t>(json.at("sentences").get<std::int64_t>(), 0, std::numeric_limits<int>::max()));
    scale.split = text("split");
    scale.manifest = text("manifest");
    scale.date = text("date");
    scale.fitted = true;
    return scale;
}

} // namespace

std::string ModelManifest::toJson() const
{
    Json json;
    json["format"] = "lrclr-model";
    json["formatVersion"] = formatVersion;
    json["name"] = name;
    json["clip"] = clipToJson(clip);
    json["lrclr"] = parseObject(lrclrJson, "lrclr");
    json["preprocessing"] = parseObject(preprocessingJson, "preprocessing");
    json["weights"] = Json { { "file", weights.name }, { "format", weightsFormat }, { "sha256", weights.sha256 },
        { "size", weights.size } };
    json["tokenizer"] = Json { { "merges", merges.name }, { "sha256", merges.sha256 }, { "size", merges.size } };
    json["findings"] = findingsFile.empty() ? Json(nullptr) : Json(findingsFile);
    json["provenance"] = Json { { "sourceCheckpoint", provenance.sourceCheckpoint },
        { "sourceSha256", provenance.sourceSha256 }, { "command", provenance.command }, { "date", provenance.date },
        { "toolVersion", provenance.toolVersion } };
    json["notes"] = parseObject(notesJson, "notes");
    json["evaluation"] = parseObject(evaluationJson, "evaluation");
    if (!calibration.findings.empty())
        json["calibration"] = calibrationToJson(calibration);
    if (overlayScale.fitted)
        json["overlayScale"] = overlayScaleToJson(overlayScale);
    return json.dump(2) + "\n";
}

double ModelManifest::Calibration::logit(double probability)
{
    const double p = std::clamp(probability, 1e-7, 1.0 - 1e-7);
    return std::log(p / (1.0 - p));
}

double ModelManifest::Calibration::Finding::apply(double rawProbability) const
{
    if (!calibrated)
        return rawProbability;
    return 1.0 / (1.0 + std::exp(-(a * logit(rawProbability) + b)));
}

const ModelManifest::Calibration::Finding* ModelManifest::Calibration::find(const std::string& name) const
{
    const auto found
        = std::find_if(findings.begin(), findings.end(), [&name](const Finding& entry) { return entry.name == name; });
    return found == findings.end() ? nullptr : &*found;
}

ModelManifest ModelManifest::fromJson(const std::string& text, const std::string& source)
{
    const Json json = Json::parse(text, nullptr, false);
    if (json.is_discarded())
        throw ModelError(source + ": not valid JSON");
    if (!json.is_object())
        throw ModelError(source + ": the manifest is not a JSON object");
    const Reader reader(source);
    if (reader.string(json, "format") != "lrclr-model")
        reader.fail("'format' is not \"lrclr-model\"");
    ModelManifest manifest;
    manifest.formatVersion = static_cast<int>(reader.integer(json, "formatVersion"));
    if (manifest.formatVersion < 1 || manifest.formatVersion > kFormatVersion)
        reader.fail("format version " + std::to_string(manifest.formatVersion) + " is not supported (this build reads "
            + std::to_string(kFormatVersion) + ")");
    manifest.name = reader.optionalString(json, "name");

    const auto& clip = reader.field(json, "clip", "");
    manifest.clip.embedDimension = reader.positive(clip, "embed_dim", "clip.");
    manifest.clip.imageResolution = reader.positive(clip, "image_resolution", "clip.");
    manifest.clip.visionLayers = reader.positive(clip, "vision_layers", "clip.");
    manifest.clip.visionWidth = reader.positive(clip, "vision_width", "clip.");
    manifest.clip.visionPatchSize = reader.positive(clip, "vision_patch_size", "clip.");
    manifest.clip.visionHeads = reader.positive(clip, "vision_heads", "clip.");
    manifest.clip.contextLength = reader.positive(clip, "context_length", "clip.");
    manifest.clip.vocabularySize = reader.positive(clip, "vocab_size", "clip.");
    manifest.clip.textWidth = reader.positive(clip, "transformer_width", "clip.");
    manifest.clip.textHeads = reader.positive(clip, "transformer_heads", "clip.");
    manifest.clip.textLayers = reader.positive(clip, "transformer_layers", "clip.");
    try {
        manifest.clip.checkLimits();
    } catch (const std::invalid_argument& error) {
        reader.fail(std::string("clip: ") + error.what());
    }

    manifest.lrclrJson = reader.objectText(json, "lrclr");
    manifest.preprocessingJson = reader.objectText(json, "preprocessing");
    manifest.weights = reader.file(json, "weights", "file", true);
    manifest.weightsFormat = reader.string(json.at("weights"), "format", "weights.");
    if (manifest.weightsFormat != "torch-state-dict-zip")
        reader.fail("weights format '" + manifest.weightsFormat + "' is not supported");
    manifest.merges = reader.file(json, "tokenizer", "merges", false);
    if (json.at("tokenizer").contains("size"))
        manifest.merges.size = static_cast<std::uint64_t>(reader.integer(json.at("tokenizer"), "size", "tokenizer."));
    manifest.findingsFile = reader.optionalString(json, "findings");
    if (!manifest.findingsFile.empty() && !isPlainFileName(manifest.findingsFile))
        reader.fail("'findings' = '" + manifest.findingsFile + "' is not a file name inside the directory");
    if (json.contains("provenance")) {
        const auto& provenance = json.at("provenance");
        if (!provenance.is_object())
            reader.fail("'provenance' is not a JSON object");
        manifest.provenance.sourceCheckpoint = reader.optionalString(provenance, "sourceCheckpoint");
        manifest.provenance.sourceSha256 = reader.optionalString(provenance, "sourceSha256");
        manifest.provenance.command = reader.optionalString(provenance, "command");
        manifest.provenance.date = reader.optionalString(provenance, "date");
        manifest.provenance.toolVersion = reader.optionalString(provenance, "toolVersion");
    }
    manifest.notesJson = reader.objectText(json, "notes");
    manifest.evaluationJson = reader.objectText(json, "evaluation");
    if (json.contains("calibration") && !json.at("calibration").is_null())
        manifest.calibration = calibrationFromJson(json.at("calibration"), reader);
    if (json.contains("overlayScale") && !json.at("overlayScale").is_null())
        manifest.overlayScale = overlayScaleFromJson(json.at("overlayScale"), reader);
    return manifest;
}

ModelDirectory ModelDirectory::open(const std::string& directory, WeightsDigest weightsDigest)
{
    const auto manifestPath = (fs::path(directory) / kManifestName).string();
    std::error_code error;
    if (!fs::is_directory(directory, error))
        throw ModelError(directory + ": not a model directory (no such directory)");
    if (!fs::is_regular_file(manifestPath, error))
        throw ModelError(manifestPath + ": missing; not a model directory");
    ModelDirectory result;
    result.m_directory = directory;
    result.m_manifest = ModelManifest::fromJson(readText(manifestPath, 16 << 20), manifestPath);
    verifyFile(directory, result.m_manifest.weights, true, "weights", weightsDigest == WeightsDigest::CheckNow);
    verifyFile(directory, result.m_manifest.merges, result.m_manifest.merges.size != 0, "tokenizer merges");
    if (!result.m_manifest.findingsFile.empty() && !fs::is_regular_file(result.findingsPath(), error))
        throw ModelError(result.findingsPath() + ": the findings file named in the manifest is missing");
    return result;
}

void ModelDirectory::writeManifest(const std::string& directory, const ModelManifest& manifest)
{
    const auto text = manifest.toJson();
    const auto target = fs::path(directory) / kManifestName;
    const auto temporary = fs::path(directory) / (std::string(kManifestName) + ".partial");
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file << text;
        file.flush();
        if (!file)
            throw ModelError(temporary.string() + ": cannot write the manifest");
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error)
        throw ModelError(target.string() + ": cannot write the manifest (" + error.message() + ")");
}

std::string ModelDirectory::weightsPath() const
{
    return (fs::path(m_directory) / m_manifest.weights.name).string();
}

std::string ModelDirectory::mergesPath() const
{
    return (fs::path(m_directory) / m_manifest.merges.name).string();
}

std::string ModelDirectory::findingsPath() const
{
    return m_manifest.findingsFile.empty() ? std::string() : (fs::path(m_directory) / m_manifest.findingsFile).string();
}

} // namespace lrclr
