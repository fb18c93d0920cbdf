#include "core/study/internal/JapaneseTextDecoder.h"

#include <cerrno>
#include <vector>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <iconv.h>
#endif

namespace lrclr::internal {

namespace {

constexpr char escape = 0x1B;

std::optional<std::string> eucJpToUtf8(const std::string& euc)
{
#ifdef _WIN32
    // No iconv on Windows: code page 20932 is EUC-JP (JIS X 0208 and 0212); UTF-16 in between.
    constexpr UINT eucJp = 20932;
    if (euc.empty())
        return std::string();
    const int wideLength
        = ::MultiByteToWideChar(eucJp, MB_ERR_INVALID_CHARS, euc.data(), static_cast<int>(euc.size()), nullptr, 0);
    if (wideLength <= 0)
        return std::nullopt;
    std::wstring wide(static_cast<std::size_t>(wideLength), L'\0');
    ::MultiByteToWideChar(
        eucJp, MB_ERR_INVALID_CHARS, euc.data(), static_cast<int>(euc.size()), wide.data(), wideLength);
    const int length = ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), wideLength, nullptr, 0, nullptr, nullptr);
    if (length <= 0)
        return std::nullopt;
    std::string utf8(static_cast<std::size_t>(length), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), wideLength, utf8.data(), length, nullptr, nullptr);
    return utf8;
#else
    iconv_t converter = iconv_open("UTF-8", "EUC-JP");
    if (converter == reinterpret_cast<iconv_t>(-1))
        return std::nullopt;
    std::string input = euc;
    std::vector<char> output(input.size() * 4 + 16);
    char* in = input.data();
    std::size_t inLeft = input.size();
    char* out = output.data();
    std::size_t outLeft = output.size();
    const std::size_t result = iconv(converter, &in, &inLeft, &out, &outLeft);
    iconv_close(converter);
    if (result == static_cast<std::size_t>(-1))
        return std::nullopt;
    return std::string(output.data(), output.size() - outLeft);
#endif
}

} // namespace

bool JapaneseTextDecoder::handles(const std::string& specificCharacterSet)
{
    return specificCharacterSet.find("IR 87") != std::string::npos
        || specificCharacterSet.find("IR 159") != std::string::npos;
}

std::optional<std::string> JapaneseTextDecoder::decode(const std::string& text, const std::string& specificCharacterSet)
{
    // PS3.5 6.1.2.5.3: the first value of Specific Character Set is the initial G0/G1 state, restored at the start of
    // each value and at the PN delimiters '^' and '='.
    const bool katakanaInitially
        = specificCharacterSet.rfind("ISO 2022 IR 13", 0) == 0 || specificCharacterSet.rfind("ISO_IR 13", 0) == 0;
    enum class Mode { Ascii, Jis0208, Jis0212, Katakana7 };
    Mode mode = Mode::Ascii;
    std::string euc;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == escape) {
            const std::string rest = text.substr(i + 1, 3);
            if (rest.rfind("(B", 0) == 0 || rest.rfind("(J", 0) == 0) {
                mode = Mode::Ascii;
                i += 3;
            } else if (rest.rfind("(I", 0) == 0) {
                mode = Mode::Katakana7;
                i += 3;
            } else if (rest.rfind(")I", 0) == 0) {
                i += 3; // G1 katakana: high bytes below are already read as katakana
            } else if (rest.rfind("$B", 0) == 0 || rest.rfind("$@", 0) == 0) {
                mode = Mode::Jis0208;
                i += 3;
            } else if (rest.rfind("$(D", 0) == 0) {
                mode = Mode::Jis0212;
                i += 4;
            } else {
                return std::nullopt;
            }
            continue;
        }
        if (mode == Mode::Jis0208 || mode == Mode::Jis0212) {
            if (c < 0x21 || i + 1 >= text.size()) {
                // Control characters end a two-byte run (writers should have switched back before them).
                mode = Mode::Ascii;
                continue;
            }
            if (mode == Mode::Jis0212)
                euc += static_cast<char>(0x8F);
            euc += static_cast<char>(c | 0x80);
            euc += static_cast<char>(static_cast<unsigned char>(text[i + 1]) | 0x80);
            i += 2;
            continue;
        }
        if (c >= 0xA1 && c <= 0xDF && katakanaInitially) {
            euc += static_cast<char>(0x8E);
            euc += static_cast<char>(c);
        } else if (mode == Mode::Katakana7 && c >= 0x21 && c <= 0x5F) {
            euc += static_cast<char>(0x8E);
            euc += static_cast<char>(c | 0x80);
        } else if (c < 0x80) {
            euc += static_cast<char>(c);
            if (c == '^' || c == '=' || c == '\\')
                mode = Mode::Ascii;
        } else {
            return std::nullopt;
        }
        ++i;
    }
    return eucJpToUtf8(euc);
}

} // namespace lrclr::internal
