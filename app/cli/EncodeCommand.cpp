#include "app/cli/EncodeCommand.h"

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelDevice.h"
#include "app/cli/ModelInput.h"
#include "core/model/LrclrModel.h"
#include "core/model/NpyArray.h"

namespace lrclr::cli {

namespace {

nlohmann::json imageJson(const LrclrModel::ImageEncoding& encoding, int embedDimension)
{
    nlohmann::json tokens = nlohmann::json::array();
    for (int i = 0; i < encoding.tokenCount; ++i) {
        const auto begin = encoding.tokens.begin() + static_cast<std::ptrdiff_t>(i) * embedDimension;
        tokens.push_back(std::vector<float>(begin, begin + embedDimension));
    }
    nlohmann::json json = { { "embedding", encoding.embedding }, { "tokens", tokens } };
    if (encoding.geometry.inputSize > 0) {
        const auto& g = encoding.geometry;
        json["geometry"] = { { "originalWidth", g.originalWidth }, { "originalHeight", g.originalHeight },
            { "inputSize", g.inputSize }, { "scale", g.scale }, { "offsetX", g.offsetX }, { "offsetY", g.offsetY },
            { "mode", g.mode } };
    }
    return json;
}

std::string expectedTensorShape(int size)
{
    const auto side = std::to_string(size);
    return "[3," + side + "," + side + "] or [B,3," + side + "," + side + "]";
}

/// The encodings of the images in a preprocessed .npy ([3,S,S] or [B,3,S,S]); std::nullopt when its shape is not the
/// model's.
std::optional<nlohmann::json> tensorImagesJson(const LrclrModel& model, const std::string& path)
{
    const auto array = NpyArray::read(path);
    const auto& shape = array.shape();
    const int size = model.inputSize();
    const bool batched = shape.size() == 4;
    if ((shape.size() != 3 && shape.size() != 4) || shape[shape.size() - 3] != 3 || shape[shape.size() - 2] != size
        || shape.back() != size)
        return std::nullopt;
    const auto values = array.toFloat32();
    nlohmann::json images = nlohmann::json::array();
    for (const auto& encoding : model.encodePreprocessedBatch(values.data(), static_cast<int>(batched ? shape[0] : 1)))
        images.push_back(imageJson(encoding, model.embedDimension()));
    return images;
}

void printSummary(const nlohmann::json& output, const AnalysisResult::ModelIdentity& identity, int embedDimension)
{
    std::cout << "model " << identity.name << " on " << identity.device << '\n';
    if (output.contains("images"))
        std::cout << output["images"].size() << " image(s): " << embedDimension << "-d embedding and "
                  << output["images"][0]["tokens"].size() << " visual tokens each\n";
    if (output.contains("texts"))
        std::cout << output["texts"].size() << " text(s) embedded; use --json for the values\n";
}

} // namespace

EncodeCommand::EncodeCommand()
    : Command("encode", std::string(modelCommandSummary("encode")))
{
}

int EncodeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr encode --model DIR (--image FILE | --tensor x.npy) [--text T]... [--json]");
    std::string device;
    options.add()("model", po::value<std::string>(), "model directory")(
        "image", po::value<std::string>(), "image file (DICOM, PNG, JPEG, ...), preprocessed per the manifest")(
        "tensor", po::value<std::string>(), "preprocessed float32 .npy of shape [3,S,S] or [B,3,S,S]")(
        "text", po::value<std::vector<std::string>>(), "text to embed (repeatable)")(
        "json", "print JSON: image embedding and visual tokens (CLS first), text token ids and embeddings");
    options.addDevice(device);
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("model") || (options.has("image") + options.has("tensor") == 0 && !options.has("text"))
        || (options.has("image") && options.has("tensor")))
        return options.usageError("needs --model and one of --image/--tensor and/or --text");
    LrclrModel::Options modelOptions;
    modelOptions.device = ModelDevice::fromName(device);
    const auto model = LrclrModel::load(options.value<std::string>("model"), modelOptions);
    nlohmann::json output;
    const auto identity = model->identity();
    output["model"] = { { "name", identity.name }, { "sha256", identity.sha256 }, { "device", identity.device } };
    if (options.has("image")) {
        output["images"] = { imageJson(
            model->encodeImage(ModelInput::readImage(options.value<std::string>("image"))), model->embedDimension()) };
    } else if (options.has("tensor")) {
        const auto path = options.value<std::string>("tensor");
        auto images = tensorImagesJson(*model, path);
        if (!images)
            return options.error(path + ": expected shape " + expectedTensorShape(model->inputSize()), 1);
        output["images"] = std::move(*images);
    }
    if (options.has("text")) {
        output["texts"] = nlohmann::json::array();
        for (const auto& text : model->encodeTexts(options.value<std::vector<std::string>>("text")))
            output["texts"].push_back(
                { { "text", text.text }, { "tokens", text.tokens }, { "embedding", text.embedding } });
    }
    if (options.has("json"))
        std::cout << output.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    else
        printSummary(output, identity, model->embedDimension());
    return 0;
}

} // namespace lrclr::cli
