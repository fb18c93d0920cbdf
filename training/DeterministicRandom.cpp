#include "training/DeterministicRandom.h"

#include <cmath>
#include <numbers>

namespace lrclr {

DeterministicRandom::DeterministicRandom(std::uint64_t seed)
    : m_engine(seed)
{
}

std::uint64_t DeterministicRandom::derivedSeed(std::uint64_t seed, std::uint64_t index)
{
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double DeterministicRandom::uniform()
{
    return static_cast<double>(m_engine() >> 11) * 0x1.0p-53;
}

int DeterministicRandom::integer(int low, int high)
{
    if (high <= low)
        return low;
    const std::uint64_t range = static_cast<std::uint64_t>(static_cast<std::int64_t>(high) - low) + 1;
    // Reject the top partial bucket so that every value is equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t value = m_engine();
    while (value >= limit)
        value = m_engine();
    return static_cast<int>(static_cast<std::int64_t>(low) + static_cast<std::int64_t>(value % range));
}

double DeterministicRandom::normal()
{
    if (m_hasCachedNormal) {
        m_hasCachedNormal = false;
        return m_cachedNormal;
    }
    double u1 = uniform();
    while (u1 <= 0.0)
        u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    m_cachedNormal = radius * std::sin(angle);
    m_hasCachedNormal = true;
    return radius * std::cos(angle);
}

} // namespace lrclr
