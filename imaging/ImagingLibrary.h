#pragma once

#include <string>

namespace lrclr {

/// Facts about the image-processing libraries behind lrclr::imaging. Thread-safe.
class ImagingLibrary {
public:
    /// VTK version, e.g. "9.1.0".
    static std::string vtkVersion();
    /// Contours a small synthetic disc with VTK and returns the number of contour points (start-up smoke test;
    /// 0 means VTK's pipeline did not run).
    static int contourSelfTest();
};

} // namespace lrclr
