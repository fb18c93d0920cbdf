#pragma once

#include <cstdint>
#include <random>

namespace lrclr {

/// A seeded random source whose sequences are identical on every platform and standard library: the engine is
/// std::mt19937_64 (its output is fixed by the standard), but every distribution is written here, because the
/// std:: distributions (uniform_real_distribution, normal_distribution, ...) are implementation-defined and differ
/// between libstdc++, libc++ and MSVC. Not thread-safe: give each thread (or each generated image) its own instance,
/// seeded with derivedSeed(), so that results do not depend on how work is scheduled.
class DeterministicRandom {
public:
    explicit DeterministicRandom(std::uint64_t seed);

    /// A well-mixed seed for item `index` of a run seeded with `seed` (SplitMix64 finaliser), so that item k is
    /// the same whether it is generated alone, first, or on another thread.
    static std::uint64_t derivedSeed(std::uint64_t seed, std::uint64_t index);

    std::uint64_t next() { return m_engine(); }
    /// Uniform in [0, 1), from the top 53 bits.
    double uniform();
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    /// Uniform integer in [low, high] (inclusive), unbiased (rejection sampling).
    int integer(int low, int high);
    bool chance(double probability) { return uniform() < probability; }
    /// Gaussian by the Box–Muller transform; the second value of each pair is cached.
    double normal();
    double normal(double mean, double standardDeviation) { return mean + standardDeviation * normal(); }
    /// An approximately Gaussian value (mean 0, variance 1) from the sum of four 16-bit uniforms (Irwin–Hall),
    /// bounded to +-3.46: a quarter of the cost of normal(), for per-pixel noise where the far tails do not matter.
    double fastNormal()
    {
        const std::uint64_t bits = m_engine();
        const double sum
            = static_cast<double>((bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48));
        // Four uniforms on [0, 65535]: mean 2 * 65535, variance 4 * (65536^2 - 1) / 12, sd 65536 / sqrt(3).
        return (sum - 131070.0) * (1.7320508075688772 / 65536.0);
    }
    /// Picks one element of a non-empty container.
    template<typename Container> const auto& pick(const Container& container)
    {
        return container[static_cast<std::size_t>(integer(0, static_cast<int>(container.size()) - 1))];
    }
    /// Fisher–Yates shuffle with this source (std::shuffle's use of the engine is implementation-defined).
    template<typename Container> void shuffle(Container& container)
    {
        for (int i = static_cast<int>(container.size()) - 1; i > 0; --i) {
            const int j = integer(0, i);
            if (i != j)
                std::swap(container[static_cast<std::size_t>(i)], container[static_cast<std::size_t>(j)]);
        }
    }

private:
    std::mt19937_64 m_engine;
    double m_cachedNormal = 0.0;
    bool m_hasCachedNormal = false;
};

} // namespace lrclr
