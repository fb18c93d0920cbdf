#pragma once

#include <optional>
#include <string>

namespace lrclr::internal {

/// Decodes DICOM text in the ISO 2022 Japanese character sets (ISO 2022 IR 13 / IR 87 / IR 159 with code extension),
/// which DCMTK cannot convert when built with glibc's iconv. Escape sequences are mapped onto EUC-JP, which iconv
/// then converts to UTF-8. Stateless; thread-safe.
class JapaneseTextDecoder {
public:
    /// Whether `specificCharacterSet` (the raw attribute value, backslash-separated) needs this decoder.
    static bool handles(const std::string& specificCharacterSet);
    /// UTF-8 text, or nullopt when the bytes are not valid in these character sets.
    static std::optional<std::string> decode(const std::string& text, const std::string& specificCharacterSet);
};

} // namespace lrclr::internal
