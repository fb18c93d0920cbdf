#include "imaging/ContourExtractor.h"

#include <cmath>

#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkFlyingEdges2D.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkStripper.h>

namespace lrclr {

std::vector<ContourExtractor::Contour> ContourExtractor::extract(
    const ScalarImage& map, const std::vector<double>& levels, const QSizeF& imageSize)
{
    std::vector<Contour> contours;
    contours.reserve(levels.size());
    for (const double level : levels)
        contours.push_back(Contour { level, {} });
    if (!map.isValid() || map.width < 2 || map.height < 2 || !(imageSize.width() > 0.0) || !(imageSize.height() > 0.0))
        return contours;

    const auto [lowest, highest] = map.finiteRange();
    const float belowEverything = lowest - 1.0f - std::abs(highest - lowest);

    // Samples sit at the centres of the rectangles they cover in the image.
    const double spacingX = imageSize.width() / map.width;
    const double spacingY = imageSize.height() / map.height;
    vtkNew<vtkImageData> image;
    image->SetDimensions(map.width, map.height, 1);
    image->SetOrigin(0.5 * spacingX, 0.5 * spacingY, 0.0);
    image->SetSpacing(spacingX, spacingY, 1.0);
    vtkNew<vtkFloatArray> scalars;
    scalars->SetNumberOfTuples(static_cast<vtkIdType>(map.values.size()));
    for (std::size_t index = 0; index < map.values.size(); ++index) {
        const float value = map.values[index];
        scalars->SetValue(static_cast<vtkIdType>(index), std::isfinite(value) ? value : belowEverything);
    }
    image->GetPointData()->SetScalars(scalars);

    for (auto& contour : contours) {
        if (!std::isfinite(contour.level))
            continue;
        vtkNew<vtkFlyingEdges2D> isolines;
        isolines->SetInputData(image);
        isolines->SetValue(0, contour.level);
        isolines->ComputeScalarsOff();

        // Flying edges emits one segment per pixel crossing; the stripper joins them into long polylines so the
        // viewport draws a few paths instead of thousands of segments.
        vtkNew<vtkStripper> stripper;
        stripper->SetInputConnection(isolines->GetOutputPort());
        stripper->JoinContiguousSegmentsOn();
        stripper->SetMaximumLength(1 << 20);
        stripper->Update();

        vtkPolyData* lines = stripper->GetOutput();
        vtkPoints* points = lines->GetPoints();
        vtkCellArray* cells = lines->GetLines();
        if (points == nullptr || cells == nullptr)
            continue;
        vtkNew<vtkIdList> pointIds;
        cells->InitTraversal();
        while (cells->GetNextCell(pointIds)) {
            QPolygonF polyline;
            polyline.reserve(static_cast<int>(pointIds->GetNumberOfIds()));
            for (vtkIdType k = 0; k < pointIds->GetNumberOfIds(); ++k) {
                double point[3];
                points->GetPoint(pointIds->GetId(k), point);
                polyline.append(QPointF(point[0], point[1]));
            }
            if (polyline.size() >= 2)
                contour.polylines.push_back(std::move(polyline));
        }
    }
    return contours;
}

std::vector<double> ContourExtractor::evenlySpacedLevels(double minimum, double maximum, int count)
{
    std::vector<double> levels;
    if (count <= 0 || !std::isfinite(minimum) || !std::isfinite(maximum) || !(maximum > minimum))
        return levels;
    levels.reserve(static_cast<std::size_t>(count));
    for (int k = 1; k <= count; ++k)
        levels.push_back(minimum + (maximum - minimum) * k / (count + 1));
    return levels;
}

} // namespace lrclr
