#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lrclr::internal {

/// Python's html.unescape tables (HTML5 named character references and the numeric-reference fix-ups), generated
/// from Python's standard library by scripts/generate_html_entities.py. Thread-safe (constant data).
class HtmlEntityTable {
public:
    /// The UTF-8 replacement of a named reference, spelled as in html.entities.html5 ("amp;", "amp", "Eacute;"),
    /// or nullptr.
    static const char* named(std::string_view name);
    /// The replacement html.unescape uses for a numeric reference in html._invalid_charrefs (e.g. 0x80 -> U+20AC).
    static std::optional<char32_t> invalidCharref(char32_t number);
    /// Numeric references that html.unescape removes (html._invalid_codepoints).
    static bool isInvalidCodepoint(char32_t number);
    static std::size_t namedCount();
};

} // namespace lrclr::internal
