// lrclr-model-check: built only when core/model is configured on its own (e.g. against a CUDA LibTorch 2.x), to
// prove the model library compiles and computes there without the rest of the project.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "core/model/TorchRuntime.h"

int main()
{
    try {
        lrclr::TorchRuntime::configureThreads();
        const auto blas = lrclr::TorchRuntime::loadedBlas();
        std::cout << "LibTorch " << lrclr::TorchRuntime::version() << '\n'
                  << "device   " << lrclr::TorchRuntime::deviceDescription() << '\n'
                  << "BLAS     " << blas.name << " (" << blas.libraryPath << ")\n"
                  << "checksum " << lrclr::TorchRuntime::smokeCompute() << '\n';
        return EXIT_SUCCESS;
    } catch (const std::exception& error) {
        std::cerr << "lrclr-model-check: " << error.what() << '\n';
        return EXIT_FAILURE;
    }
}
