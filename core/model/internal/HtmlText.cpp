#include "core/model/internal/HtmlText.h"

#include <cstdint>

#include <unicode/unistr.h>

#include "core/model/internal/HtmlEntityTable.h"

namespace lrclr::internal {

namespace {

bool isDigit(char32_t c)
{
    return c >= '0' && c <= '9';
}

bool isHexDigit(char32_t c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hexValue(char32_t c)
{
    return isDigit(c) ? static_cast<int>(c - '0') : static_cast<int>((c | 0x20) - 'a' + 10);
}

bool isNameCharacter(char32_t c)
{
    // [^\t\n\f <&#;] in html's _charref pattern
    return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' && c != ';';
}

std::u32string utf32(const char* utf8)
{
    const auto unicode = icu::UnicodeString::fromUTF8(utf8);
    std::u32string result(static_cast<std::size_t>(unicode.countChar32()), U'\0');
    UErrorCode status = U_ZERO_ERROR;
    unicode.toUTF32(reinterpret_cast<UChar32*>(result.data()), static_cast<int32_t>(result.size()), status);
    return result;
}

std::u32string numericReplacement(std::uint64_t number, bool overflow)
{
    if (!overflow && number <= 0x10FFFF) {
        if (const auto replacement = HtmlEntityTable::invalidCharref(static_cast<char32_t>(number)))
            return std::u32string(1, *replacement);
    }
    if (overflow || (number >= 0xD800 && number <= 0xDFFF) || number > 0x10FFFF)
        return U"\uFFFD";
    if (HtmlEntityTable::isInvalidCodepoint(static_cast<char32_t>(number)))
        return U"";
    return std::u32string(1, static_cast<char32_t>(number));
}

} // namespace

std::u32string HtmlText::unescape(const std::u32string& text)
{
    if (text.find(U'&') == std::u32string::npos)
        return text;
    std::u32string result;
    result.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != U'&') {
            result.push_back(text[i++]);
            continue;
        }
        const std::size_t start = i + 1;
        // Numeric: &#[0-9]+;?  or  &#[xX][0-9a-fA-F]+;?
        if (start < text.size() && text[start] == U'#') {
            const bool hex = start + 1 < text.size() && (text[start + 1] == U'x' || text[start + 1] == U'X');
            std::size_t digitsStart = start + (hex ? 2 : 1);
            std::size_t end = digitsStart;
            while (end < text.size() && (hex ? isHexDigit(text[end]) : isDigit(text[end])))
                ++end;
            if (end == digitsStart) {
                result.push_back(text[i++]); // "&#" without digits stays as it is
                continue;
            }
            std::uint64_t number = 0;
            bool overflow = false;
            for (std::size_t k = digitsStart; k < end; ++k) {
                const int digit = hex ? hexValue(text[k]) : static_cast<int>(text[k] - '0');
                if (number > (std::uint64_t(1) << 40))
                    overflow = true; // Python's int is unbounded; anything this large maps to U+FFFD anyway
                else
                    number = number * (hex ? 16 : 10) + static_cast<std::uint64_t>(digit);
            }
            if (end < text.size() && text[end] == U';')
                ++end;
            result += numericReplacement(number, overflow);
            i = end;
            continue;
        }
        // Named: [^\t\n\f <&#;]{1,32};?
        std::size_t end = start;
        while (end < text.size() && end - start < 32 && isNameCharacter(text[end]))
            ++end;
        if (end == start) {
            result.push_back(text[i++]);
            continue;
        }
        if (end < text.size() && text[end] == U';')
            ++end;
        const std::u32string name = text.substr(start, end - start);
        // Entity names are ASCII; only ASCII prefixes can match.
        std::string ascii;
        for (const char32_t c : name) {
            if (c >= 0x80)
                break;
            ascii.push_back(static_cast<char>(c));
        }
        bool replaced = false;
        if (ascii.size() == name.size()) {
            if (const char* replacement = HtmlEntityTable::named(ascii)) {
                result += utf32(replacement);
                replaced = true;
            }
        }
        // The longest prefix of at least 2 characters that is a (legacy, ';'-less) entity name.
        for (std::size_t length = std::min(name.size() - 1, ascii.size()); !replaced && length >= 2; --length) {
            if (const char* replacement = HtmlEntityTable::named(std::string_view(ascii).substr(0, length))) {
                result += utf32(replacement);
                result += name.substr(length);
                replaced = true;
            }
        }
        if (!replaced) {
            result.push_back(U'&');
            result += name;
        }
        i = end;
    }
    return result;
}

} // namespace lrclr::internal
