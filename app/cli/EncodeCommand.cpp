#include "app/cli/EncodeCommand.h"

#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

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

} // namespace

int EncodeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr encode --model DIR (--image FILE | --tensor x.npy) [--text T]... [--json]");
    options.add_options()("help,h", "show this help")("model", po::value<std::string>(), "model directory")(
        "image", po::value<std::string>(), "image file (DICOM, PNG, JPEG, ...), preprocessed per the manifest")(
        "tensor", po::value<std::string>(), "preprocessed float32 .npy of shape [3,S,S] or [B,3,S,S]")(
        "text", po::value<std::vector<std::string>>(), "text to embed (repeatable)")(
        "json", "print JSON: image embedding and visual tokens (CLS first), text token ids and embeddings")(
        "device", po::value<std::string>()->default_value("auto"), "auto, cpu or cuda");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "lrclr encode: " << error.what() << '\n' << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (!values.count("model") || (values.count("image") + values.count("tensor") == 0 && !values.count("text"))
        || (values.count("image") && values.count("tensor"))) {
        std::cerr << "lrclr encode: needs --model and one of --image/--tensor and/or --text\n" << options;
        return 2;
    }
    LrclrModel::Options modelOptions;
    const auto device = values["device"].as<std::string>();
    modelOptions.device = device == "cpu" ? LrclrModel::Options::Device::Cpu
        : device == "cuda"                ? LrclrModel::Options::Device::Cuda
                                          : LrclrModel::Options::Device::Automatic;
    try {
        const auto model = LrclrModel::load(values["model"].as<std::string>(), modelOptions);
        nlohmann::json output;
        const auto identity = model->identity();
        output["model"] = { { "name", identity.name }, { "sha256", identity.sha256 }, { "device", identity.device } };
        if (values.count("image")) {
            output["images"] = { imageJson(model->encodeImage(ModelInput::readImage(values["image"].as<std::string>())),
                model->embedDimension()) };
        } else if (values.count("tensor")) {
            const auto path = values["tensor"].as<std::string>();
            const auto array = NpyArray::read(path);
            const auto& shape = array.shape();
            const int size = model->inputSize();
            const bool batched = shape.size() == 4;
            if ((shape.size() != 3 && shape.size() != 4) || shape[shape.size() - 3] != 3
                || shape[shape.size() - 2] != size || shape.back() != size) {
                std::cerr << "lrclr encode: " << path << ": expected shape [3," << size << "," << size << "] or [B,3,"
                          << size << "," << size << "]\n";
                return 1;
            }
            const auto values32 = array.toFloat32();
            const std::size_t plane = static_cast<std::size_t>(3) * size * size;
            output["images"] = nlohmann::json::array();
            for (std::int64_t b = 0; b < (batched ? shape[0] : 1); ++b) {
                const auto begin = values32.begin() + static_cast<std::ptrdiff_t>(b * plane);
                output["images"].push_back(imageJson(
                    model->encodePreprocessed(std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(plane))),
                    model->embedDimension()));
            }
        }
        if (values.count("text")) {
            output["texts"] = nlohmann::json::array();
            for (const auto& text : model->encodeTexts(values["text"].as<std::vector<std::string>>()))
                output["texts"].push_back(
                    { { "text", text.text }, { "tokens", text.tokens }, { "embedding", text.embedding } });
        }
        if (values.count("json")) {
            std::cout << output.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        } else {
            std::cout << "model " << identity.name << " on " << identity.device << '\n';
            if (output.contains("images"))
                std::cout << output["images"].size() << " image(s): " << model->embedDimension() << "-d embedding and "
                          << output["images"][0]["tokens"].size() << " visual tokens each\n";
            if (output.contains("texts"))
                std::cout << output["texts"].size() << " text(s) embedded; use --json for the values\n";
        }
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr encode: " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
