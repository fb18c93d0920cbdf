#include "training/internal/FindingBox.h"

namespace lrclr::internal {

void FindingBox::add(const FindingBox& other)
{
    if (!other.empty()) {
        add(other.m_minX, other.m_minY);
        add(other.m_maxX, other.m_maxY);
    }
}

PhantomCase::Box FindingBox::box() const
{
    return { static_cast<double>(m_minX), static_cast<double>(m_minY), static_cast<double>(m_maxX - m_minX + 1),
        static_cast<double>(m_maxY - m_minY + 1) };
}

} // namespace lrclr::internal
