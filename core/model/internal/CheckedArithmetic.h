#pragma once

#include <cstdint>
#include <limits>

namespace lrclr::internal {

/// 64-bit integer arithmetic that reports overflow instead of wrapping (shapes and offsets read from files).
/// GCC and clang use their builtins; MSVC, which has none, the portable checks. Stateless; thread-safe.
class CheckedArithmetic {
public:
    /// True when a * b does not fit; otherwise stores it in *result.
    static bool multiplyOverflows(std::int64_t a, std::int64_t b, std::int64_t* result)
    {
#if defined(_MSC_VER) && !defined(__clang__)
        constexpr auto max = std::numeric_limits<std::int64_t>::max();
        constexpr auto min = std::numeric_limits<std::int64_t>::min();
        const bool overflows
            = a > 0 ? (b > 0 ? a > max / b : b < min / a) : (b > 0 ? a < min / b : a != 0 && b < max / a);
        if (!overflows)
            *result = a * b;
        return overflows;
#else
        return __builtin_mul_overflow(a, b, result);
#endif
    }

    /// True when a + b does not fit; otherwise stores it in *result.
    static bool addOverflows(std::int64_t a, std::int64_t b, std::int64_t* result)
    {
#if defined(_MSC_VER) && !defined(__clang__)
        constexpr auto max = std::numeric_limits<std::int64_t>::max();
        constexpr auto min = std::numeric_limits<std::int64_t>::min();
        const bool overflows = (b > 0 && a > max - b) || (b < 0 && a < min - b);
        if (!overflows)
            *result = a + b;
        return overflows;
#else
        return __builtin_add_overflow(a, b, result);
#endif
    }
};

} // namespace lrclr::internal
