// lrclr-model-check: built only when core/model is configured on its own (e.g. against a CUDA LibTorch 2.x), to
// prove the model library compiles and computes there without the rest of the project.
//
//   lrclr-model-check                                   versions, device, BLAS, a small checksum
//   lrclr-model-check --reference DIR [--cuda] [--out W] parity with OpenAI CLIP's outputs in DIR
//                                                       (../shared/reference/clip) on the CPU or CUDA in fp32 and,
//                                                       on CUDA, fp16; then LrclrModel::analyze on CUDA against CPU
// Exit status 0 only when every comparison is within its tolerance.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/ClipImporter.h"
#include "core/model/LrclrModel.h"
#include "core/model/MixedPrecision.h"
#include "core/model/NpyArray.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/StateDict.h"
#include "core/model/internal/TorchCheckpoint.h"

namespace {

using namespace lrclr;

torch::Tensor readNpy(const std::string& path)
{
    const auto array = NpyArray::read(path);
    auto values = array.toFloat32();
    return torch::from_blob(values.data(), array.shape(), torch::kFloat).clone();
}

struct Comparison {
    std::string what;
    double maxAbsError = 0;
    double minCosine = 1;
    bool passed = false;
};

Comparison compare(
    const std::string& what, torch::Tensor actual, const torch::Tensor& expected, double tolerance, double cosineFloor)
{
    actual = actual.to(torch::kCPU, torch::kFloat).reshape(expected.sizes());
    const auto flatActual = actual.reshape({ actual.size(0), -1 });
    const auto flatExpected = expected.reshape({ expected.size(0), -1 });
    Comparison result;
    result.what = what;
    result.maxAbsError = (actual - expected).abs().max().item<double>();
    result.minCosine = torch::cosine_similarity(flatActual, flatExpected, 1).min().item<double>();
    result.passed = result.maxAbsError <= tolerance && result.minCosine >= cosineFloor;
    std::cout << "  " << std::left << std::setw(44) << what << std::right << " max abs error " << std::scientific
              << std::setprecision(2) << result.maxAbsError << "  min cosine " << std::fixed << std::setprecision(7)
              << result.minCosine << (result.passed ? "  ok" : "  FAILED") << '\n';
    return result;
}

bool parity(const std::string& folder, const torch::Device& device, bool half, nlohmann::json& record)
{
    const auto weights = internal::TorchCheckpoint::read(folder + "/clip_tiny_seed0.pt");
    const auto config = ClipConfig::fromShapes(weights.shapes());
    internal::ClipNetwork network(config);
    network.loadStateDict(weights);
    network.moveTo(device, half);

    nlohmann::json reference;
    std::ifstream(folder + "/reference.json") >> reference;
    const auto& rows = reference.at("token_ids");
    auto tokens = torch::zeros({ static_cast<int64_t>(rows.size()), config.contextLength }, torch::kLong);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = 0; j < rows[i].size(); ++j)
            tokens[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = rows[i][j].get<int64_t>();
    }

    // fp32 is held to the CPU parity test's tolerance; fp16 (how the viewer runs on a GPU) to what half precision
    // can give through 4 + 4 transformer layers.
    const double tolerance = half ? 2e-2 : 1e-4;
    const double cosineFloor = half ? 0.999 : 0.99999;
    const std::string mode = std::string(device.is_cuda() ? "CUDA" : "CPU") + (half ? " fp16" : " fp32");
    std::cout << mode << ":\n";
    c10::InferenceMode guard;
    const auto input = readNpy(folder + "/image_input.npy").to(device);
    auto output = network.encodeImage(input, true);
    const auto text = network.encodeText(tokens.to(device));
    std::vector<Comparison> results;
    results.push_back(compare(
        "image embedding", output.embedding(), readNpy(folder + "/image_embedding.npy"), tolerance, cosineFloor));
    results.push_back(
        compare("visual tokens", output.tokens(), readNpy(folder + "/visual_tokens.npy"), tolerance, cosineFloor));
    results.push_back(compare("visual attention", torch::stack(output.attention()),
        readNpy(folder + "/visual_attention.npy"), tolerance, cosineFloor));
    results.push_back(compare(
        "text embedding (cut at last EOT)", text, readNpy(folder + "/text_embedding.npy"), tolerance, cosineFloor));
    results.push_back(compare("text embedding (77 positions)", network.encodeTextFullContext(tokens.to(device)),
        readNpy(folder + "/text_embedding.npy"), tolerance, cosineFloor));
    namespace F = torch::nn::functional;
    const auto cosine = torch::matmul(F::normalize(output.embedding(), F::NormalizeFuncOptions().dim(-1)),
        F::normalize(text, F::NormalizeFuncOptions().dim(-1)).t());
    results.push_back(compare("logits per image", cosine * network.logitScale(),
        readNpy(folder + "/logits_per_image.npy"), half ? 0.5 : 1e-3, cosineFloor));
    bool passed = true;
    for (const auto& result : results) {
        record[mode][result.what] = { { "max_abs_error", result.maxAbsError }, { "min_cosine", result.minCosine },
            { "passed", result.passed } };
        passed = passed && result.passed;
    }
    return passed;
}

// Training under lrclr::MixedPrecision on CUDA: autocast switches on and off with the guard, bf16 forward passes
// agree with fp32 ones, and a backward pass through both towers gives finite fp32 gradients to every parameter.
bool mixedPrecision(const std::string& folder, nlohmann::json& record)
{
    const torch::Device device(torch::kCUDA);
    const auto weights = internal::TorchCheckpoint::read(folder + "/clip_tiny_seed0.pt");
    internal::ClipNetwork network(ClipConfig::fromShapes(weights.shapes()));
    network.loadStateDict(weights);
    network.moveTo(device, false);
    const auto input = readNpy(folder + "/image_input.npy").to(device);
    const auto probe = torch::randn({ 64, 64 }, torch::TensorOptions().device(device));
    torch::ScalarType inside = torch::kFloat;
    {
        const MixedPrecision precision(true);
        inside = torch::matmul(probe, probe).scalar_type();
    }
    const auto outside = torch::matmul(probe, probe).scalar_type();

    torch::Tensor reference;
    {
        torch::NoGradGuard noGrad;
        reference = network.encodeImage(input, false).embedding().to(torch::kCPU, torch::kFloat);
    }
    torch::Tensor embedding;
    {
        const MixedPrecision precision(true);
        namespace F = torch::nn::functional;
        auto image = network.encodeImage(input, false).embedding();
        auto tokens = torch::zeros({ 2, ClipConfig::fromShapes(weights.shapes()).contextLength }, torch::kLong);
        tokens[0][0] = 49406;
        tokens[0][1] = 320;
        tokens[0][2] = 49407;
        tokens[1][0] = 49406;
        tokens[1][1] = 1929;
        tokens[1][2] = 544;
        tokens[1][3] = 49407;
        auto text = network.encodeText(tokens.to(device));
        const auto logits = torch::matmul(F::normalize(image, F::NormalizeFuncOptions().dim(-1)),
            F::normalize(text, F::NormalizeFuncOptions().dim(-1)).t());
        logits.sum().backward();
        embedding = image.detach().to(torch::kCPU, torch::kFloat);
    }
    int parameters = 0;
    int withGradient = 0;
    bool finiteFloatGradients = true;
    for (const auto& parameter : network.module().parameters()) {
        ++parameters;
        if (!parameter.grad().defined())
            continue;
        ++withGradient;
        finiteFloatGradients = finiteFloatGradients && parameter.grad().scalar_type() == torch::kFloat
            && torch::isfinite(parameter.grad()).all().item<bool>();
    }
    const double cosine = torch::cosine_similarity(embedding, reference, 1).min().item<double>();
    const double error = (embedding - reference).abs().max().item<double>();
    // The image tower's parameters and the text tower's all take part; lrclr.* and logit_scale do not here.
    const bool passed = inside == torch::kBFloat16 && outside == torch::kFloat && cosine >= 0.999
        && finiteFloatGradients && withGradient > parameters / 2;
    std::cout << "MixedPrecision (bf16 autocast) on CUDA:\n"
              << "  matmul inside / outside the guard   " << c10::toString(inside) << " / " << c10::toString(outside)
              << '\n'
              << "  image embedding vs fp32             max abs error " << std::scientific << std::setprecision(2)
              << error << "  min cosine " << std::fixed << std::setprecision(5) << cosine << '\n'
              << "  backward                            " << withGradient << " of " << parameters
              << " parameters got gradients, " << (finiteFloatGradients ? "all fp32 and finite" : "NOT all fp32/finite")
              << '\n'
              << (passed ? "  ok\n" : "  FAILED\n");
    record["mixed_precision"] = { { "inside", c10::toString(inside) }, { "outside", c10::toString(outside) },
        { "max_abs_error", error }, { "min_cosine", cosine }, { "parameters", parameters },
        { "with_gradient", withGradient }, { "passed", passed } };
    return passed;
}

// The whole inference engine (preprocessing, region selection, cross-modal layer, zero-shot scoring, heatmaps) on
// CUDA in fp16 against the same model on the CPU in fp32.
bool analyzeOnBothDevices(const std::string& folder, const std::string& work, nlohmann::json& record)
{
    ClipImporter::Options import;
    import.checkpointPath = folder + "/clip_tiny_seed0.pt";
    import.mergesPath = folder + "/bpe_simple_vocab_16e6.txt.gz";
    import.outputDirectory = work + "/imported-model";
    import.overwrite = true;
    import.name = "clip_tiny_seed0";
    import.command = "lrclr-model-check";
    ClipImporter::run(import);

    GrayscaleImage image;
    image.width = 300; // not square, so the inverse preprocessing is exercised too
    image.height = 260;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x)
            image.pixels.push_back(static_cast<float>(128 + 100 * std::sin(x * 0.05) * std::cos(y * 0.07)));
    }
    const std::vector<std::string> sentences { "Moderate right pleural effusion.", "No pneumothorax.",
        "Heart size is normal.", "Left upper lobe nodule measuring 2.5 cm." };

    LrclrModel::Options cpuOptions;
    cpuOptions.device = LrclrModel::Options::Device::Cpu;
    LrclrModel::Options cudaOptions;
    cudaOptions.device = LrclrModel::Options::Device::Cuda;
    const auto cpu = LrclrModel::load(import.outputDirectory, cpuOptions);
    const auto cuda = LrclrModel::load(import.outputDirectory, cudaOptions);
    const auto expected = cpu->analyze(image, sentences);
    (void)cuda->analyze(image, sentences); // first call: CUDA context, kernels, prompt embeddings
    const auto start = std::chrono::steady_clock::now();
    const auto actual = cuda->analyze(image, sentences);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    double probabilityError = 0;
    for (std::size_t i = 0; i < expected.findings.size(); ++i) {
        const auto& e = expected.findings[i];
        const auto& a = actual.findings[i];
        for (const double difference :
            { std::abs(e.globalProbability - a.globalProbability), std::abs(e.localProbability - a.localProbability),
                std::abs(e.combinedProbability - a.combinedProbability) })
            probabilityError = std::max(probabilityError, difference);
    }
    double mapError = 0;
    double similarityError = 0;
    for (std::size_t i = 0; i < expected.sentences.size(); ++i) {
        const auto& a = expected.sentences[i].similarityMap.values;
        const auto& b = actual.sentences[i].similarityMap.values;
        for (std::size_t j = 0; j < std::min(a.size(), b.size()); ++j)
            mapError = std::max(mapError, static_cast<double>(std::abs(a[j] - b[j])));
        similarityError = std::max(similarityError,
            static_cast<double>(
                std::abs(expected.sentences[i].globalSimilarity - actual.sentences[i].globalSimilarity)));
    }
    const bool sameRegions = expected.regions.size() == actual.regions.size();
    const bool passed = actual.findings.size() == expected.findings.size()
        && actual.sentences.size() == expected.sentences.size() && probabilityError <= 1e-2 && mapError <= 1e-2
        && similarityError <= 1e-2;
    std::cout << "LrclrModel::analyze, CUDA fp16 vs CPU fp32 (" << expected.findings.size() << " findings, "
              << expected.sentences.size() << " sentences):\n"
              << "  device                 " << actual.model.device << '\n'
              << std::scientific << std::setprecision(2) << "  finding probabilities  max abs difference "
              << probabilityError << '\n'
              << "  sentence heatmaps      max abs difference " << mapError << '\n'
              << "  sentence similarity    max abs difference " << similarityError << '\n'
              << "  selected regions       " << actual.regions.size() << " (CPU " << expected.regions.size() << ")"
              << (sameRegions ? "" : "  (differ: attention ties in fp16)") << '\n'
              << std::fixed << std::setprecision(1) << "  analyze() on CUDA      " << seconds * 1e3 << " ms\n"
              << (passed ? "  ok\n" : "  FAILED\n");
    record["analyze"] = { { "device", actual.model.device }, { "probability_max_abs_difference", probabilityError },
        { "heatmap_max_abs_difference", mapError }, { "similarity_max_abs_difference", similarityError },
        { "analyze_ms", seconds * 1e3 }, { "passed", passed } };
    return passed;
}

} // namespace

int main(int argc, char** argv)
{
    std::string reference;
    std::string work = (std::filesystem::temp_directory_path() / "lrclr-model-check").string();
    bool cuda = false;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--reference" && i + 1 < argc) {
            reference = argv[++i];
        } else if (argument == "--out" && i + 1 < argc) {
            work = argv[++i];
        } else if (argument == "--cuda") {
            cuda = true;
        } else {
            std::cerr << "usage: lrclr-model-check [--reference DIR [--cuda] [--out WORK_DIR]]\n";
            return 2;
        }
    }
    try {
        lrclr::TorchRuntime::configureThreads();
        const auto blas = lrclr::TorchRuntime::loadedBlas();
        std::cout << "LibTorch " << lrclr::TorchRuntime::version() << '\n'
                  << "device   " << lrclr::TorchRuntime::deviceDescription() << '\n'
                  << "BLAS     " << blas.name << " (" << blas.libraryPath << ")\n"
                  << "checksum " << lrclr::TorchRuntime::smokeCompute() << '\n';
        if (reference.empty())
            return EXIT_SUCCESS;
        if (cuda && !torch::cuda::is_available()) {
            std::cerr << "lrclr-model-check: --cuda given but LibTorch sees no CUDA device\n";
            return EXIT_FAILURE;
        }
        // cuDNN may use TF32 for the patch-embedding convolution by default (10-bit mantissa); the fp32 parity
        // check wants true fp32, as the CPU computes it.
        at::globalContext().setAllowTF32CuDNN(false);
        at::globalContext().setAllowTF32CuBLAS(false);
        std::filesystem::create_directories(work);
        nlohmann::json record;
        bool passed = parity(reference, torch::Device(torch::kCPU), false, record);
        if (cuda) {
            passed = parity(reference, torch::Device(torch::kCUDA), false, record) && passed;
            passed = parity(reference, torch::Device(torch::kCUDA), true, record) && passed;
            passed = analyzeOnBothDevices(reference, work, record) && passed;
            passed = mixedPrecision(reference, record) && passed;
        }
        record["passed"] = passed;
        std::ofstream(work + "/model-check.json") << record.dump(2) << '\n';
        std::cout << (passed ? "all comparisons within tolerance\n" : "SOME COMPARISONS FAILED\n");
        return passed ? EXIT_SUCCESS : EXIT_FAILURE;
    } catch (const std::exception& error) {
        std::cerr << "lrclr-model-check: " << error.what() << '\n';
        return EXIT_FAILURE;
    }
}
