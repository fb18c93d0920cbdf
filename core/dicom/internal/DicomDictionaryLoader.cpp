#include "core/dicom/internal/DicomDictionaryLoader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcvr.h>

namespace lrclr::internal {

namespace {

/// isspace() in the C locale, which is what DCMTK's parser runs in.
constexpr bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool hasSpace(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return isSpace(c); });
}

/// Strings the dictionary entries point to. DcmDictEntry then only references them (no copy per entry); they live as
/// long as the process, like the global dictionary itself. One block per dictionary file, never reallocated.
class StringArena {
public:
    /// Room for every string of a file of `bytes` bytes (each entry stores less than its line).
    void reserveFor(std::size_t bytes)
    {
        m_blocks.emplace_back(new char[bytes + 1]);
        m_capacity = bytes + 1;
        m_used = 0;
    }

    /// `text` as it is, or (DCMTK's stripWhitespace()) without any white space character.
    const char* keep(std::string_view text, bool removeSpaces = false)
    {
        if (m_blocks.empty() || m_used + text.size() + 1 > m_capacity)
            reserveFor(std::max<std::size_t>(text.size() + 1, 4096));
        char* const start = m_blocks.back().get() + m_used;
        char* out = start;
        for (const char c : text)
            if (!removeSpaces || !isSpace(c))
                *out++ = c;
        *out++ = '\0';
        m_used += static_cast<std::size_t>(out - start);
        return start;
    }

private:
    std::vector<std::unique_ptr<char[]>> m_blocks;
    std::size_t m_capacity = 0;
    std::size_t m_used = 0;
};

StringArena& arena()
{
    static auto* strings = new StringArena(); // never destroyed: the dictionary may be used until the very end
    return *strings;
}

std::string withoutSpaces(std::string_view text)
{
    std::string result;
    result.reserve(text.size());
    for (const char c : text)
        if (!isSpace(c))
            result += c;
    return result;
}

/// DcmVR::setVR() searches its table by name; the dictionary uses ~35 two-letter names 8000 times, so remember them.
DcmEVR vrNamed(std::string_view name)
{
    if (name.size() != 2)
        return DcmVR(std::string(name).c_str()).getEVR();
    static std::array<int, 1 << 16> known {}; // EVR + 1 per two-byte name; 0: not looked up yet
    const auto key
        = static_cast<std::size_t>(static_cast<unsigned char>(name[0]) << 8 | static_cast<unsigned char>(name[1]));
    if (known[key] == 0)
        known[key] = static_cast<int>(DcmVR(std::string(name).c_str()).getEVR()) + 1;
    return static_cast<DcmEVR>(known[key] - 1);
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

/// sscanf("%x") on a string without spaces: hex digits up to the first other character; at least one.
bool parseHex(std::string_view& text, unsigned& value)
{
    std::size_t used = 0;
    value = 0;
    while (used < text.size() && std::isxdigit(static_cast<unsigned char>(text[used])) && used < 8) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[used])));
        value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
        ++used;
    }
    text.remove_prefix(used);
    return used > 0;
}

/// DCMTK's parseTagPart(): "gggg", "gggg-GGGG" (even by default) or "gggg-o-GGGG" / -e- / -u-.
bool parseTagPart(std::string_view text, unsigned& low, unsigned& high, DcmDictRangeRestriction& restriction)
{
    restriction = DcmDictRange_Unspecified;
    if (!parseHex(text, low))
        return false;
    if (text.empty()) {
        high = low;
        return true;
    }
    if (text.front() != '-')
        return false;
    text.remove_prefix(1);
    if (text.size() > 2 && text[1] == '-' && std::strchr("oOeEuU", text[0])) {
        const char restrictor = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
        restriction = restrictor == 'o' ? DcmDictRange_Odd
            : restrictor == 'e'         ? DcmDictRange_Even
                                        : DcmDictRange_Unspecified;
        text.remove_prefix(2);
    } else {
        restriction = DcmDictRange_Even;
    }
    return parseHex(text, high) && text.empty();
}

struct Tag {
    unsigned group = 0, groupHigh = 0, element = 0, elementHigh = 0;
    DcmDictRangeRestriction groupRestriction = DcmDictRange_Unspecified;
    DcmDictRangeRestriction elementRestriction = DcmDictRange_Unspecified;
    std::string privateCreator;
};

/// DCMTK's parseWholeTagField(): "(gggg,eeee)" or "(gggg,"creator",ee)", with ranges as in parseTagPart.
bool parseTag(std::string_view text, Tag& tag)
{
    text = trimmed(text);
    if (text.size() < 5 || text.front() != '(' || text.back() != ')')
        return false;
    text = text.substr(1, text.size() - 2);
    const std::size_t comma = text.find(',');
    if (comma == std::string_view::npos)
        return false;
    const std::string_view groupText = text.substr(0, comma);
    const std::string group = hasSpace(groupText) ? withoutSpaces(groupText) : std::string();
    std::string_view rest = trimmed(text.substr(comma + 1));
    if (!rest.empty() && rest.front() == '"') {
        const std::size_t close = rest.find('"', 1);
        if (close == std::string_view::npos)
            return false;
        tag.privateCreator = std::string(rest.substr(1, close - 1));
        rest = trimmed(rest.substr(close + 1));
        if (rest.empty() || rest.front() != ',')
            return false;
        rest.remove_prefix(1);
    }
    const std::string element = hasSpace(rest) ? withoutSpaces(rest) : std::string();
    return parseTagPart(group.empty() ? groupText : group, tag.group, tag.groupHigh, tag.groupRestriction)
        && parseTagPart(element.empty() ? rest : element, tag.element, tag.elementHigh, tag.elementRestriction)
        && tag.group <= 0xFFFF && tag.groupHigh <= 0xFFFF && tag.element <= 0xFFFF && tag.elementHigh <= 0xFFFF;
}

/// DCMTK's parseVMField(): "1", "2-6", "1-n", "2-2n" (read as 2-n), "2n", "n".
bool parseVm(std::string_view text, int& minimum, int& maximum)
{
    text = trimmed(text);
    const auto parseInt = [&](int& value) {
        std::size_t used = 0;
        value = 0;
        while (used < text.size() && std::isdigit(static_cast<unsigned char>(text[used])) && used < 9)
            value = value * 10 + (text[used++] - '0');
        text.remove_prefix(used);
        return used > 0;
    };
    const auto isN = [](char c) { return c == 'n' || c == 'N'; };
    if (!parseInt(minimum)) {
        if (!text.empty() && isN(text.front())) {
            minimum = 1;
            maximum = DcmVariableVM;
            return true;
        }
        return false;
    }
    if (text.empty()) {
        maximum = minimum;
        return true;
    }
    if (text.front() == '-') {
        text.remove_prefix(1);
        if (parseInt(maximum)) {
            if (text.empty())
                return true;
            if (!isN(text.front()))
                return false;
            maximum = DcmVariableVM; // "2-2n" reads as 2-n
            return true;
        }
        if (!text.empty() && isN(text.front())) {
            maximum = DcmVariableVM;
            return true;
        }
        return false;
    }
    if (isN(text.front())) {
        maximum = DcmVariableVM;
        return true;
    }
    return false;
}

/// The entries of one dictionary file, or false (and nothing added) when any line is not understood.
bool parseFile(const std::string& path, std::vector<std::unique_ptr<DcmDictEntry>>& entries)
{
    std::ifstream stream(path, std::ios::binary | std::ios::ate);
    if (!stream)
        return false;
    const std::streamoff size = stream.tellg();
    if (size <= 0 || size > (16 << 20))
        return false;
    std::string content(static_cast<std::size_t>(size), '\0');
    stream.seekg(0);
    if (!stream.read(content.data(), size))
        return false;
    arena().reserveFor(content.size());
    std::size_t position = 0;
    while (position < content.size()) {
        std::size_t end = content.find('\n', position);
        if (end == std::string::npos)
            end = content.size();
        const std::string_view line = trimmed(std::string_view(content).substr(position, end - position));
        position = end + 1;
        if (line.empty() || line.front() == '#')
            continue;
        if (line.size() > DCM_MAXDICTLINESIZE - 8)
            return false;
        std::array<std::string_view, DCM_MAXDICTFIELDS> fields;
        std::size_t fieldCount = 0;
        for (std::size_t start = 0; fieldCount < fields.size();) {
            const std::size_t tab = line.find('\t', start);
            fields[fieldCount++] = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
            if (tab == std::string_view::npos)
                break;
            start = tab + 1;
        }
        if (fieldCount < 3 || fieldCount > 5)
            return false;
        int vmMinimum = 1;
        int vmMaximum = 1;
        Tag tag;
        if ((fieldCount >= 4 && !parseVm(fields[3], vmMinimum, vmMaximum)) || !parseTag(fields[0], tag))
            return false;
        const DcmEVR vr = vrNamed(trimmed(fields[1]));
        if (vr == EVR_UNKNOWN || trimmed(fields[1]).find_first_of(" \t") != std::string_view::npos)
            return false;
        StringArena& strings = arena();
        const char* name = strings.keep(fields[2], true);
        const char* version = fieldCount == 5 ? strings.keep(fields[4], true) : "DICOM";
        // The private creator is kept exactly as written between its quotes, spaces included, as DCMTK does.
        const char* creator = tag.privateCreator.empty() ? nullptr : strings.keep(tag.privateCreator);
        auto entry = std::make_unique<DcmDictEntry>(static_cast<Uint16>(tag.group), static_cast<Uint16>(tag.element),
            static_cast<Uint16>(tag.groupHigh), static_cast<Uint16>(tag.elementHigh), DcmVR(vr), name, vmMinimum,
            vmMaximum, version, OFFalse, creator);
        entry->setGroupRangeRestriction(tag.groupRestriction);
        entry->setElementRangeRestriction(tag.elementRestriction);
        entries.push_back(std::move(entry));
    }
    return true;
}

} // namespace

bool DicomDictionaryLoader::loadGlobalDictionary()
{
    const char* userPath = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
    if (userPath && *userPath)
        return false;
    std::vector<std::unique_ptr<DcmDictEntry>> entries;
    entries.reserve(9000);
    std::string paths = DCM_DICT_DEFAULT_PATH;
    bool understood = true;
    for (std::size_t start = 0; understood && start <= paths.size();) {
        std::size_t end = paths.find(ENVIRONMENT_PATH_SEPARATOR, start);
        if (end == std::string::npos)
            end = paths.size();
        const std::string path = paths.substr(start, end - start);
        if (!path.empty())
            understood = parseFile(path, entries);
        start = end + 1;
    }
    if (!understood || entries.empty())
        return false; // DCMTK loads its dictionary itself on first use, as it always would

#ifdef _WIN32
    // As below, with NUL as the empty file; an empty value removes the variable. (vcpkg's DCMTK without its
    // external-dict feature has the dictionary built in and DCM_DICT_DEFAULT_PATH "": this point is not reached.)
    ::_putenv_s(DCM_DICT_ENVIRONMENT_VARIABLE, "NUL");
    DcmDataDictionary& dictionary = dcmDataDict.wrlock();
    ::_putenv_s(DCM_DICT_ENVIRONMENT_VARIABLE, "");
#else
    // DCMTK creates the global dictionary on first use and then reads the files named by DCMDICTPATH: point it at an
    // empty file for that moment, so that it only builds its skeleton, then add the entries parsed above.
    ::setenv(DCM_DICT_ENVIRONMENT_VARIABLE, "/dev/null", 1);
    DcmDataDictionary& dictionary = dcmDataDict.wrlock();
    ::unsetenv(DCM_DICT_ENVIRONMENT_VARIABLE);
#endif
    // Somebody may have used DCMTK (and so loaded the dictionary) before: then there is nothing to add.
    const bool alreadyLoaded = dictionary.numberOfEntries() > 1000;
    if (!alreadyLoaded)
        for (auto& entry : entries)
            dictionary.addEntry(entry.release());
    dcmDataDict.wrunlock();
    return !alreadyLoaded;
}

} // namespace lrclr::internal
