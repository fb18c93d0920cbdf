#include "core/study/internal/DicomAttributes.h"

#include <cmath>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>

namespace lrclr::internal {

std::string DicomAttributes::text(DcmItem& item, const DcmTagKey& tag)
{
    OFString value;
    if (item.findAndGetOFStringArray(tag, value).bad())
        return {};
    std::string text(value.c_str(), value.length());
    while (!text.empty() && (text.back() == ' ' || text.back() == '\0'))
        text.pop_back();
    return text;
}

std::optional<double> DicomAttributes::number(DcmItem& item, const DcmTagKey& tag, unsigned long position)
{
    Float64 value = 0;
    if (item.findAndGetFloat64(tag, value, position).bad() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

int DicomAttributes::unsignedShort(DcmItem& item, const DcmTagKey& tag, int fallback)
{
    Uint16 value = 0;
    if (item.findAndGetUint16(tag, value).bad())
        return fallback;
    return value;
}

std::optional<int> DicomAttributes::unsignedOrSignedShort(
    DcmItem& item, const DcmTagKey& tag, unsigned long position, bool signedByDefault)
{
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element).bad() || !element)
        return std::nullopt;
    if (element->ident() == EVR_SS) {
        Sint16 value = 0;
        if (element->getSint16(value, position).bad())
            return std::nullopt;
        return value;
    }
    Uint16 value = 0;
    if (element->getUint16(value, position).bad())
        return std::nullopt;
    return signedByDefault ? static_cast<int>(static_cast<Sint16>(value)) : static_cast<int>(value);
}

std::string DicomAttributes::validUtf8(const std::string& text)
{
    std::string result;
    result.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
        for (int k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) >> 6) == 0x2;
        if (valid) {
            result.append(text, i, static_cast<std::size_t>(length));
            i += static_cast<std::size_t>(length);
        } else {
            result += static_cast<char>(0xC0 | (c >> 6));
            result += static_cast<char>(0x80 | (c & 0x3F));
            ++i;
        }
    }
    return result;
}

} // namespace lrclr::internal
