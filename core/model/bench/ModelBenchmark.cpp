// lrclr-model-bench: times the LibTorch CLIP network against a Python reference (scripts/model_benchmark.py, Debian's
// python3-torch) with the same architecture and the same random weights, in the same run, and prints the ratios next
// to the achieved GFLOP/s and a measured fp32 GEMM rate. A benchmark, not a test: it asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#ifdef _WIN32
#include <direct.h>
#include <process.h>
#else
#include <unistd.h>
#endif

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/ClipConfig.h"
#include "core/model/ClipTokenizer.h"
#include "core/model/NpyArray.h"
#include "core/model/TorchRuntime.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/StateDict.h"
#include "core/model/internal/TorchCheckpoint.h"

#ifndef LRCLR_SOURCE_DIR
#define LRCLR_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using lrclr::ClipConfig;

// A 10-sentence chest X-ray report, the text workload.
const std::vector<std::string> reportSentences = {
    "The cardiomediastinal silhouette is within normal limits.",
    "There is a small left pleural effusion with adjacent atelectasis.",
    "No pneumothorax is seen.",
    "The lungs are otherwise clear without focal consolidation.",
    "An endotracheal tube terminates 4 cm above the carina.",
    "A right internal jugular central venous catheter tip projects over the cavoatrial junction.",
    "Mild pulmonary vascular congestion is present.",
    "There is no free air under the diaphragm.",
    "Degenerative changes are noted in the thoracic spine.",
    "Compared with the prior study, the effusion has slightly increased.",
};

struct Options {
#ifdef _WIN32
    std::string python = "python";
#else
    std::string python = "/usr/bin/python3";
#endif
    std::string script = std::string(LRCLR_SOURCE_DIR) + "/scripts/model_benchmark.py";
    std::string merges;
    int threads = 0;
    int runs = 5;
    bool cuda = false;
};

// Deletes the benchmark's own four files and its folder. Not std::filesystem::remove_all: PyTorch's pip wheels
// export libstdc++'s filesystem symbols from libtorch.so, and their remove_all jumps to a null pointer when
// called from a program built against that LibTorch (seen with PyTorch 2.11 on CUDA).
void removeWorkFolder(const fs::path& folder)
{
#ifdef _WIN32
    // Paths are wide strings there.
    for (const char* name : { "weights.pt", "images.npy", "tokens.npy", "result.json" })
        ::_wremove((folder / name).c_str());
    ::_wrmdir(folder.c_str());
#else
    for (const char* name : { "weights.pt", "images.npy", "tokens.npy", "result.json" })
        std::remove((folder / name).c_str());
    ::rmdir(folder.c_str());
#endif
}

double bestSeconds(const std::function<void()>& work, int runs, bool cuda)
{
    const auto timed = [&] {
        const auto start = std::chrono::steady_clock::now();
        work();
        if (cuda)
            torch::cuda::synchronize();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    timed(); // warm-up
    std::vector<double> times;
    for (int i = 0; i < runs; ++i)
        times.push_back(timed());
    // Best of the runs: on a shared machine the minimum is the least disturbed estimate of the work itself.
    return *std::min_element(times.begin(), times.end());
}

// Multiply-adds x 2 of the matrix products of one image through the vision tower.
double imageFlops(const ClipConfig& c)
{
    const double n = c.gridSize() * c.gridSize() + 1.0;
    const double w = c.visionWidth;
    const double patches = n - 1.0;
    double flops = 2.0 * patches * (3.0 * c.visionPatchSize * c.visionPatchSize) * w; // patch embedding
    const double perLayer = 2.0 * n * w * (3 * w) + 2.0 * 2.0 * n * n * w + 2.0 * n * w * w + 2.0 * 2.0 * n * w * 4 * w;
    flops += c.visionLayers * perLayer + 2.0 * w * c.embedDimension;
    return flops;
}

// The same for `rows` texts of `length` positions through the text tower.
double textFlops(const ClipConfig& c, double rows, double length)
{
    const double w = c.textWidth;
    const double perLayer = 2.0 * length * w * (3 * w) + 2.0 * 2.0 * length * length * w + 2.0 * length * w * w
        + 2.0 * 2.0 * length * w * 4 * w;
    return rows * (c.textLayers * perLayer + 2.0 * w * c.embedDimension);
}

double gemmRate(int64_t m, int64_t k, int64_t n, bool cuda)
{
    const auto options = torch::TensorOptions().device(cuda ? torch::kCUDA : torch::kCPU);
    const auto a = torch::randn({ m, k }, options);
    const auto b = torch::randn({ k, n }, options);
    const double seconds = bestSeconds([&] { (void)torch::mm(a, b); }, 7, cuda);
    return 2.0 * m * k * n / seconds / 1e9;
}

std::string quote(const std::string& text)
{
#ifdef _WIN32
    // cmd.exe: double quotes (Windows paths cannot contain one).
    return '"' + text + '"';
#else
    std::string result = "'";
    for (char c : text)
        result += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return result + "'";
#endif
}

/// std::system's status for `command`, a line of quote()d words.
int runShell(const std::string& command)
{
#ifdef _WIN32
    // cmd /c strips the first and the last quote of a line that starts with one: one more pair keeps the rest.
    return std::system(('"' + command + '"').c_str());
#else
    return std::system(command.c_str());
#endif
}

int usage()
{
    std::cerr << "usage: lrclr-model-bench [--threads N] [--runs R] [--python PATH] [--script PATH] [--merges FILE]"
                 " [--cuda]\n";
    return 2;
}

/// nullopt for an unknown argument.
std::optional<Options> parseOptions(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        const auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (argument == "--threads")
            options.threads = std::atoi(next().c_str());
        else if (argument == "--runs")
            options.runs = std::max(1, std::atoi(next().c_str()));
        else if (argument == "--python")
            options.python = next();
        else if (argument == "--script")
            options.script = next();
        else if (argument == "--merges")
            options.merges = next();
        else if (argument == "--cuda")
            options.cuda = true;
        else
            return std::nullopt;
    }
    return options;
}

/// CLIP ViT-B/32: the architecture scripts/model_benchmark.py builds.
ClipConfig benchmarkConfig()
{
    ClipConfig config;
    config.embedDimension = 512;
    config.imageResolution = 224;
    config.visionLayers = 12;
    config.visionWidth = 768;
    config.visionPatchSize = 32;
    config.visionHeads = 12;
    config.contextLength = 77;
    config.vocabularySize = 49408;
    config.textWidth = 512;
    config.textHeads = 8;
    config.textLayers = 12;
    return config;
}

/// Inputs shared with Python: 8 images and the report's token rows.
struct Inputs {
    torch::Tensor images;
    torch::Tensor tokens;
    std::string tokenSource;
};

Inputs makeInputs(const Options& options, const ClipConfig& config)
{
    torch::manual_seed(0);
    Inputs inputs;
    inputs.images = torch::randn({ 8, 3, 224, 224 });
    inputs.tokens = torch::zeros({ static_cast<int64_t>(reportSentences.size()), 77 }, torch::kLong);
    auto& tokens = inputs.tokens;
    if (!options.merges.empty()) {
        const lrclr::ClipTokenizer tokenizer(options.merges, config.vocabularySize);
        const auto rows = tokenizer.tokenize(reportSentences, config.contextLength);
        for (std::size_t i = 0; i < rows.size(); ++i)
            for (std::size_t j = 0; j < rows[i].size(); ++j)
                tokens[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = rows[i][j];
        inputs.tokenSource = "CLIP BPE of a 10-sentence report";
    } else {
        // Without a merges file: rows of the same lengths a CLIP tokenizer gives such sentences (8–19 tokens).
        const std::vector<int> lengths = { 11, 13, 6, 11, 12, 19, 8, 9, 9, 14 };
        for (std::size_t i = 0; i < lengths.size(); ++i) {
            const auto row = static_cast<int64_t>(i);
            tokens[row][0] = 49406;
            tokens[row].slice(0, 1, 1 + lengths[i]).copy_(torch::randint(256, 49000, { lengths[i] }, torch::kLong));
            tokens[row][1 + lengths[i]] = 49407;
        }
        inputs.tokenSource = "synthetic rows of report-sentence lengths (no --merges)";
    }
    return inputs;
}

void writeInputs(const Inputs& inputs, const fs::path& folder)
{
    const auto flat = [](const torch::Tensor& t) {
        const auto f = t.to(torch::kFloat).contiguous();
        return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
    };
    lrclr::NpyArray(inputs.images.sizes().vec(), flat(inputs.images)).write((folder / "images.npy").string());
    lrclr::NpyArray(inputs.tokens.sizes().vec(), flat(inputs.tokens)).write((folder / "tokens.npy").string());
}

/// Python reference: builds the model (seed 0), saves its state dict to weights.pt, times, writes result.json.
/// nullopt (and the work folder removed) when it fails.
std::optional<nlohmann::json> runPythonReference(const Options& options, int threads, const fs::path& folder)
{
    const auto resultPath = folder / "result.json";
    std::ostringstream command;
    command << quote(options.python) << ' ' << quote(options.script) << " --weights "
            << quote((folder / "weights.pt").string()) << " --images " << quote((folder / "images.npy").string())
            << " --tokens " << quote((folder / "tokens.npy").string()) << " --result " << quote(resultPath.string())
            << " --threads " << threads << " --runs " << options.runs << " --device "
            << (options.cuda ? "cuda" : "cpu");
    std::cerr << "running the Python reference: " << command.str() << '\n';
    if (runShell(command.str()) != 0) {
        std::cerr << "lrclr-model-bench: the Python reference failed (python3-torch installed?)\n";
        removeWorkFolder(folder);
        return std::nullopt;
    }
    nlohmann::json python;
    std::ifstream(resultPath) >> python;
    return python;
}

/// The same weights through the weights-only importer; null when the checkpoint is not the benchmark's model.
std::unique_ptr<lrclr::internal::ClipNetwork> loadReferenceWeights(
    const fs::path& weights, const ClipConfig& config, bool cuda)
{
    std::cerr << "reading the Python reference's checkpoint\n";
    const auto state = lrclr::internal::TorchCheckpoint::read(weights.string());
    if (!(ClipConfig::fromShapes(state.shapes()).visionWidth == config.visionWidth)) {
        std::cerr << "lrclr-model-bench: unexpected configuration in the Python checkpoint\n";
        return nullptr;
    }
    auto network = std::make_unique<lrclr::internal::ClipNetwork>(config);
    network->loadStateDict(state);
    if (cuda)
        network->moveTo(torch::Device(torch::kCUDA), true);
    return network;
}

/// Best times in seconds of each workload through lrclr's network.
struct Timings {
    double image1 = 0;
    double image8 = 0;
    double text = 0;
    double textFull = 0;
    double imageWithAttention = 0;
};

Timings timeNetwork(
    lrclr::internal::ClipNetwork& network, const torch::Tensor& input, const torch::Tensor& ids, const Options& options)
{
    std::cerr << "timing lrclr\n";
    const int runs = options.runs;
    const bool cuda = options.cuda;
    Timings timings;
    timings.image1 = bestSeconds([&] { (void)network.encodeImage(input.slice(0, 0, 1), false); }, runs, cuda);
    timings.image8 = bestSeconds([&] { (void)network.encodeImage(input, false); }, runs, cuda);
    timings.text = bestSeconds([&] { (void)network.encodeText(ids); }, runs, cuda);
    timings.textFull = bestSeconds([&] { (void)network.encodeTextFullContext(ids); }, runs, cuda);
    timings.imageWithAttention
        = bestSeconds([&] { (void)network.encodeImage(input.slice(0, 0, 1), true); }, runs, cuda);
    return timings;
}

/// Largest absolute differences of lrclr's embeddings from Python's.
struct EmbeddingErrors {
    double image = 0;
    double text = 0;
};

EmbeddingErrors compareEmbeddings(lrclr::internal::ClipNetwork& network, const torch::Tensor& input,
    const torch::Tensor& ids, const nlohmann::json& python)
{
    const auto imageEmbedding = network.encodeImage(input.slice(0, 0, 2), false).embedding().cpu();
    const auto textEmbedding = network.encodeText(ids).cpu();
    const auto pythonTensor = [](const nlohmann::json& rows) {
        std::vector<float> values;
        for (const auto& row : rows)
            for (const auto& value : row)
                values.push_back(value.get<float>());
        return torch::tensor(values).reshape({ static_cast<int64_t>(rows.size()), -1 });
    };
    EmbeddingErrors errors;
    errors.image = (imageEmbedding - pythonTensor(python["image_embedding"])).abs().max().item<double>();
    errors.text = (textEmbedding - pythonTensor(python["text_embedding"])).abs().max().item<double>();
    return errors;
}

/// Everything the report prints besides the timings.
struct Context {
    std::string tokenSource;
    int threads = 0;
    bool cuda = false;
    int64_t cutLength = 0;
    double gemmSquare = 0; ///< GFLOP/s
    double gemmMlp = 0; ///< GFLOP/s
};

void printHeader(const Context& context, const nlohmann::json& python)
{
    const auto blas = lrclr::TorchRuntime::loadedBlas();
    std::cout << std::fixed;
    std::cout << "lrclr model benchmark: ViT-B/32 image tower + 12-layer text tower, random weights (seed 0)\n"
              << "device: " << (context.cuda ? "CUDA, fp16 (both sides)" : "CPU, fp32") << ", " << context.threads
              << " thread(s); LibTorch " << lrclr::TorchRuntime::version() << " vs Python torch "
              << python.value("torch", std::string("?")) << " at the same thread count\n"
              << "BLAS: " << blas.name << '\n'
              << "text: " << context.tokenSource << "; lrclr cuts at the last EOT (" << context.cutLength
              << " positions), Python runs all 77 as CLIP does\n"
              << std::setprecision(1) << "fp32 GEMM rate: " << context.gemmSquare << " GFLOP/s (1024x1024x1024), "
              << context.gemmMlp << " GFLOP/s (400x768x3072, the batch-8 MLP shape)\n\n";
    std::cout << std::left << std::setw(30) << "workload" << std::right << std::setw(12) << "python ms" << std::setw(12)
              << "lrclr ms" << std::setw(10) << "ratio" << std::setw(14) << "lrclr GFLOP/s" << std::setw(10) << "% GEMM"
              << std::setw(8) << "goal" << '\n';
}

void printRow(const std::string& name, double pythonSeconds, double seconds, double flops, const std::string& goal,
    double gemmSquare)
{
    const double rate = flops / seconds / 1e9;
    std::cout << std::left << std::setw(30) << name << std::right << std::setprecision(1) << std::setw(12)
              << (pythonSeconds > 0 ? pythonSeconds * 1e3 : 0.0) << std::setw(12) << seconds * 1e3
              << std::setprecision(2) << std::setw(10) << (pythonSeconds > 0 ? seconds / pythonSeconds : 0.0)
              << std::setprecision(1) << std::setw(14) << rate << std::setw(10) << 100.0 * rate / gemmSquare
              << std::setw(8) << goal << '\n';
}

void printReport(const Context& context, const ClipConfig& config, const Timings& lrclr, const nlohmann::json& python,
    const EmbeddingErrors& errors)
{
    printHeader(context, python);
    const auto row
        = [&](const std::string& name, double pythonSeconds, double seconds, double flops, const std::string& goal) {
              printRow(name, pythonSeconds, seconds, flops, goal, context.gemmSquare);
          };
    const double sentences = static_cast<double>(reportSentences.size());
    const double reportFlops = textFlops(config, sentences, static_cast<double>(context.cutLength));
    row("image, batch 1", python["image_batch1_s"].get<double>(), lrclr.image1, imageFlops(config), "<=0.50");
    row("image, batch 8", python["image_batch8_s"].get<double>(), lrclr.image8, 8 * imageFlops(config), "<=0.50");
    row("report text, 10 sentences", python["text_s"].get<double>(), lrclr.text, reportFlops, "<=0.25");
    row("  (lrclr without the EOT cut)", python["text_s"].get<double>(), lrclr.textFull,
        textFlops(config, sentences, 77), "");
    row("  (image b1 + attention maps)", python["image_batch1_s"].get<double>(), lrclr.imageWithAttention,
        imageFlops(config), "");
    if (python.contains("image_batch1_s_default")) {
        std::cout << "\nagainst python3-torch at its default of " << python["default_threads"].get<int>()
                  << " thread(s) (how `python3` runs CLIP here unless told otherwise):\n";
        row("image, batch 1", python["image_batch1_s_default"].get<double>(), lrclr.image1, imageFlops(config),
            "<=0.50");
        row("image, batch 8", python["image_batch8_s_default"].get<double>(), lrclr.image8, 8 * imageFlops(config),
            "<=0.50");
        row("report text, 10 sentences", python["text_s_default"].get<double>(), lrclr.text, reportFlops, "<=0.25");
    }
    std::cout << std::scientific << std::setprecision(2) << "\noutputs vs Python: image embedding max abs error "
              << errors.image << ", text embedding max abs error " << errors.text << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    const auto options = parseOptions(argc, argv);
    if (!options)
        return usage();
    if (options->cuda && !torch::cuda::is_available()) {
        std::cerr << "lrclr-model-bench: --cuda given but LibTorch sees no CUDA device\n";
        return 1;
    }
    lrclr::TorchRuntime::configureThreads(options->threads);
    Context context;
    context.threads = lrclr::TorchRuntime::threads();
    context.cuda = options->cuda;
#ifdef _WIN32
    const fs::path folder = fs::temp_directory_path() / ("lrclr-model-bench-" + std::to_string(::_getpid()));
#else
    const fs::path folder = fs::temp_directory_path() / ("lrclr-model-bench-" + std::to_string(::getpid()));
#endif
    fs::create_directories(folder);

    const ClipConfig config = benchmarkConfig();
    const Inputs inputs = makeInputs(*options, config);
    context.tokenSource = inputs.tokenSource;
    writeInputs(inputs, folder);
    const auto python = runPythonReference(*options, context.threads, folder);
    if (!python)
        return 1;
    const auto network = loadReferenceWeights(folder / "weights.pt", config, options->cuda);
    if (!network)
        return 1;
    removeWorkFolder(folder);

    c10::InferenceMode guard;
    const auto device = options->cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    const auto input = inputs.images.to(device);
    const auto ids = inputs.tokens.to(device);
    const Timings timings = timeNetwork(*network, input, ids, *options);
    const EmbeddingErrors errors = compareEmbeddings(*network, input, ids, *python);
    context.gemmSquare = gemmRate(1024, 1024, 1024, options->cuda);
    context.gemmMlp = gemmRate(400, 768, 3072, options->cuda);
    context.cutLength = inputs.tokens.argmax(-1).max().item<int64_t>() + 1;
    printReport(context, config, timings, *python, errors);
    return 0;
}
