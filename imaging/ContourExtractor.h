#pragma once

#include <vector>

#include <QPolygonF>
#include <QSizeF>

#include "imaging/ScalarImage.h"

namespace lrclr {

/// Isolines of a heatmap at chosen levels, computed with VTK's vtkFlyingEdges2D and joined into polylines with
/// vtkStripper, returned in original-image pixel coordinates (x right, y down, pixel (i, j) spans [i, i+1) x [j, j+1)).
/// Thread-safe (no shared state).
class ContourExtractor {
public:
    struct Contour {
        double level = 0.0;
        std::vector<QPolygonF> polylines; ///< closed lines repeat their first point at the end
    };

    /// `map` tiles the image rectangle [0, imageSize.width) x [0, imageSize.height) (it may be coarser than the
    /// image). NaN samples count as below every level, so lines close along the edge of the model's field of view.
    /// Returns one Contour per level, in the order given; an invalid map or empty image size gives empty contours.
    static std::vector<Contour> extract(
        const ScalarImage& map, const std::vector<double>& levels, const QSizeF& imageSize);

    /// `count` levels evenly spaced strictly inside [minimum, maximum] (e.g. 3 -> 25 %, 50 %, 75 %).
    static std::vector<double> evenlySpacedLevels(double minimum, double maximum, int count);
};

} // namespace lrclr
