#include "core/model/TorchRuntime.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <link.h>

#include <torch/torch.h>
#include <torch/version.h>

#ifdef LRCLR_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace lrclr {

namespace {

std::vector<std::string> loadedObjects()
{
    std::vector<std::string> names;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            if (info->dlpi_name && info->dlpi_name[0] != '\0')
                static_cast<std::vector<std::string>*>(data)->emplace_back(info->dlpi_name);
            return 0;
        },
        &names);
    return names;
}

std::string resolved(const std::string& path)
{
    std::error_code error;
    const auto canonical = std::filesystem::canonical(path, error);
    return error ? path : canonical.string();
}

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

} // namespace

std::string TorchRuntime::version()
{
    return TORCH_VERSION;
}

TorchRuntime::BlasInfo TorchRuntime::loadedBlas()
{
    BlasInfo info;
    info.name = "none loaded";
    std::string optimised;
    for (const auto& object : loadedObjects()) {
        const auto path = resolved(object);
        const auto file = std::filesystem::path(object).filename().string();
        if (file.rfind("libblas.so", 0) == 0) {
            info.libraryPath = path;
            // Debian's alternatives: .../blas/libblas.so.3 is netlib's reference BLAS,
            // .../openblas-*/libblas.so.3, .../blis-*/..., .../atlas/... are optimised ones.
            info.isReference = contains(path, "/blas/libblas.so");
        } else if (contains(path, "openblas") || contains(path, "libmkl") || contains(path, "blis")) {
            optimised = path;
        }
    }
    if (info.libraryPath.empty() && !optimised.empty()) {
        info.libraryPath = optimised;
        info.isReference = false;
    }
    if (info.libraryPath.empty())
        return info;

    if (info.isReference) {
        info.name = "reference BLAS (netlib, unoptimised)";
    } else if (contains(info.libraryPath, "openblas")) {
        using ConfigFunction = const char* (*)();
        auto config = reinterpret_cast<ConfigFunction>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
        // openblas_get_config() reads "OpenBLAS 0.3.21 DYNAMIC_ARCH ... USE_OPENMP SkylakeX ...".
        info.name = config ? std::string(config()) : "OpenBLAS";
        if (contains(info.libraryPath, "openblas-openmp"))
            info.name += " [openmp]";
        else if (contains(info.libraryPath, "openblas-pthread"))
            info.name += " [pthread]";
    } else if (contains(info.libraryPath, "blis")) {
        info.name = "BLIS";
    } else if (contains(info.libraryPath, "mkl")) {
        info.name = "Intel MKL";
    } else {
        info.name = "optimised BLAS";
    }
    return info;
}

bool TorchRuntime::cudaAvailable()
{
    return torch::cuda::is_available();
}

std::string TorchRuntime::deviceDescription()
{
    if (cudaAvailable()) {
#ifdef LRCLR_TORCH_CUDA
        const auto* properties = at::cuda::getDeviceProperties(0);
        return std::string("CUDA: ") + properties->name + " (" + std::to_string(torch::cuda::device_count())
            + " device(s), " + std::to_string(properties->totalGlobalMem >> 20) + " MiB)";
#else
        return "CUDA (" + std::to_string(torch::cuda::device_count()) + " device(s))";
#endif
    }
    return "CPU (" + std::to_string(threads()) + " threads)";
}

void TorchRuntime::configureThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
}

int TorchRuntime::threads()
{
    return torch::get_num_threads();
}

double TorchRuntime::smokeCompute()
{
    c10::InferenceMode guard;
    const auto a = torch::arange(64 * 64, torch::kFloat32).reshape({ 64, 64 }) / 4096.0;
    const auto product = torch::matmul(a, a.transpose(0, 1));
    return product.sum().item<double>();
}

} // namespace lrclr
