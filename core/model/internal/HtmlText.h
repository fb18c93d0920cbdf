#pragma once

#include <string>

namespace lrclr::internal {

/// Python's `html.unescape` (numeric references with the HTML5 fix-ups, HTML5 named references including the
/// longest-prefix rule for legacy names without ';'), on UTF-32 text. Thread-safe.
class HtmlText {
public:
    static std::u32string unescape(const std::u32string& text);
};

} // namespace lrclr::internal
