#pragma once

#include <string>

namespace lrclr {

/// Facts about the image-processing libraries behind lrclr::imaging. Thread-safe.
class ImagingLibrary
{
public:
    /// VTK version, e.g. "9.1.0".
    static std::string vtkVersion();
};

} // namespace lrclr
