#include "imaging/ImagingLibrary.h"

#include <vtkVersion.h>

namespace lrclr {

std::string ImagingLibrary::vtkVersion()
{
    return vtkVersion::GetVTKVersion();
}

} // namespace lrclr
