#include "app/support/SoftwareInventory.h"

#include <QtGlobal>

#include <boost/version.hpp>

#include "core/dicom/DicomLibrary.h"
#include "core/model/TorchRuntime.h"
#include "imaging/ImagingLibrary.h"

namespace lrclr {

std::vector<SoftwareVersion> SoftwareInventory::collect()
{
    const auto blas = TorchRuntime::loadedBlas();
    return {
        { "LRCLR Viewer", applicationVersion() },
        { "Qt", qVersion() },
        { "LibTorch", TorchRuntime::version() },
        { "DCMTK", DicomLibrary::version() },
        { "VTK", ImagingLibrary::vtkVersion() },
        { "Boost",
            std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "."
                + std::to_string(BOOST_VERSION % 100) },
        { "BLAS", blas.name + " (" + (blas.libraryPath.empty() ? "not loaded" : blas.libraryPath) + ")" },
        { "Device", TorchRuntime::deviceDescription() },
    };
}

std::string SoftwareInventory::applicationVersion()
{
    return LRCLR_VERSION_STRING;
}

} // namespace lrclr
