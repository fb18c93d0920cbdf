#include "core/model/TorchRuntime.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <thread>
#include <vector>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// After windows.h: K32EnumProcessModules (kernel32, Windows 7 and later).
#include <psapi.h>
#else
#include <dlfcn.h>
#include <link.h>
#endif

#include <torch/torch.h>
#include <torch/version.h>

#ifdef LRCLR_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace lrclr {

namespace {

#ifdef _WIN32
std::vector<HMODULE> loadedModules()
{
    std::vector<HMODULE> modules(512);
    DWORD bytes = 0;
    while (::K32EnumProcessModules(
               ::GetCurrentProcess(), modules.data(), static_cast<DWORD>(modules.size() * sizeof(HMODULE)), &bytes)
        && bytes > modules.size() * sizeof(HMODULE))
        modules.resize(bytes / sizeof(HMODULE));
    modules.resize(std::min<std::size_t>(modules.size(), bytes / sizeof(HMODULE)));
    return modules;
}

/// What dlsym(RTLD_DEFAULT, name) finds on Linux: the first loaded module that exports `name`.
void* exportedSymbol(const char* name)
{
    for (HMODULE module : loadedModules())
        if (auto* address = ::GetProcAddress(module, name))
            return reinterpret_cast<void*>(address);
    return nullptr;
}
#endif

std::vector<std::string> loadedObjects()
{
    std::vector<std::string> names;
#ifdef _WIN32
    for (HMODULE module : loadedModules()) {
        wchar_t path[32768];
        const DWORD length = ::GetModuleFileNameW(module, path, static_cast<DWORD>(std::size(path)));
        const int bytes = length
            ? ::WideCharToMultiByte(CP_UTF8, 0, path, static_cast<int>(length), nullptr, 0, nullptr, nullptr)
            : 0;
        if (bytes <= 0)
            continue;
        std::string name(static_cast<std::size_t>(bytes), '\0');
        ::WideCharToMultiByte(CP_UTF8, 0, path, static_cast<int>(length), name.data(), bytes, nullptr, nullptr);
        names.push_back(std::move(name));
    }
#else
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            if (info->dlpi_name && info->dlpi_name[0] != '\0')
                static_cast<std::vector<std::string>*>(data)->emplace_back(info->dlpi_name);
            return 0;
        },
        &names);
#endif
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
#ifdef _WIN32
        auto config = reinterpret_cast<ConfigFunction>(exportedSymbol("openblas_get_config"));
#else
        auto config = reinterpret_cast<ConfigFunction>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
#endif
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
