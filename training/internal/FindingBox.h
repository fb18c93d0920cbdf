#pragma once

#include <algorithm>
#include <limits>

#include "training/PhantomCase.h"

namespace lrclr::internal {

/// The bounding box of the pixels where one finding actually shows, so that ground-truth boxes are what was drawn.
/// Both phantom generators collect their findings' boxes with it. A plain value.
class FindingBox {
public:
    void add(int x, int y) // inline: called for every pixel a finding covers
    {
        m_minX = std::min(m_minX, x);
        m_minY = std::min(m_minY, y);
        m_maxX = std::max(m_maxX, x);
        m_maxY = std::max(m_maxY, y);
    }
    /// Grows this box to cover `other` too (nothing when `other` is empty).
    void add(const FindingBox& other);
    bool empty() const { return m_maxX < 0; }
    /// In pixels, x and y of the top-left pixel, width and height counting both ends; only when not empty().
    PhantomCase::Box box() const;

private:
    int m_minX = std::numeric_limits<int>::max();
    int m_minY = std::numeric_limits<int>::max();
    int m_maxX = -1;
    int m_maxY = -1;
};

} // namespace lrclr::internal
