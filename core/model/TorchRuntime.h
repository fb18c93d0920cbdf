#pragma once

#include <string>

namespace lrclr {

/// Facts about, and settings of, the LibTorch runtime of this process (BLAS, threads, device).
/// Thread-safe: every function may be called from any thread.
class TorchRuntime {
public:
    /// The BLAS library the process actually loaded, found from the loaded objects rather than from a timing.
    struct BlasInfo {
        std::string libraryPath; ///< resolved path of the loaded libblas.so.3 (or the optimised BLAS)
        std::string name; ///< e.g. "OpenBLAS 0.3.21 (openmp)", or "reference BLAS (netlib)"
        bool isReference = true; ///< true for Debian's unoptimised reference BLAS
    };

    /// LibTorch version, e.g. "1.13.1".
    static std::string version();
    static BlasInfo loadedBlas();
    static bool cudaAvailable();
    /// "CPU (2 threads)" or "CUDA: NVIDIA H100 80GB HBM3".
    static std::string deviceDescription();

    /// Sets LibTorch's intra-op thread count; 0 means one per hardware thread. LibTorch on Debian starts at 1.
    static void configureThreads(int threads = 0);
    static int threads();

    /// Runs a small matrix product and returns a checksum; proves LibTorch computes in this thread.
    static double smokeCompute();
};

} // namespace lrclr
