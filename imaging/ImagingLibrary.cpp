#include "imaging/ImagingLibrary.h"

#include <vtkContourFilter.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkVersion.h>

namespace lrclr {

std::string ImagingLibrary::vtkVersion()
{
    return vtkVersion::GetVTKVersion();
}

int ImagingLibrary::contourSelfTest()
{
    constexpr int size = 32;
    vtkNew<vtkImageData> image;
    image->SetDimensions(size, size, 1);
    vtkNew<vtkFloatArray> values;
    values->SetNumberOfTuples(size * size);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const float dx = x - size / 2.0f;
            const float dy = y - size / 2.0f;
            values->SetValue(y * size + x, dx * dx + dy * dy);
        }
    }
    image->GetPointData()->SetScalars(values);

    vtkNew<vtkContourFilter> contour;
    contour->SetInputData(image);
    contour->SetValue(0, 64.0); // a circle of radius 8
    contour->Update();
    return static_cast<int>(contour->GetOutput()->GetNumberOfPoints());
}

} // namespace lrclr
