#include "core/dicom/internal/DicomPreScanner.h"

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <optional>
#include <sstream>

#include <zlib.h>

#include <QFile>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctag.h>

namespace lrclr::internal {

namespace {

constexpr std::uint32_t undefinedLength = 0xFFFFFFFFu;
constexpr std::size_t npos = static_cast<std::size_t>(-1);

std::string tagText(std::uint16_t group, std::uint16_t element)
{
    std::ostringstream text;
    text << '(' << std::hex << std::uppercase << std::setfill('0') << std::setw(4) << group << ',' << std::setw(4)
         << element << ')';
    return text.str();
}

bool isLongVr(char a, char b)
{
    static constexpr const char* longVrs[]
        = { "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UR", "UT", "UN", "SV", "UV" };
    return std::any_of(
        std::begin(longVrs), std::end(longVrs), [&](const char* vr) { return vr[0] == a && vr[1] == b; });
}

bool isVrCharacter(std::uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

/// Sequence VR from the data dictionary, for implicit VR data (private tags without a known creator are not
/// sequences to DCMTK either: it keeps them as opaque bytes).
bool dictionarySaysSequence(std::uint16_t group, std::uint16_t element)
{
    const DcmTag tag(group, element);
    return tag.getEVR() == EVR_SQ;
}

class Scanner {
public:
    Scanner(std::span<const std::uint8_t> data, bool littleEndian, bool explicitVr, int maximumDepth)
        : m_data(data)
        , m_littleEndian(littleEndian)
        , m_explicitVr(explicitVr)
        , m_maximumDepth(maximumDepth)
    {
    }

    std::optional<std::string> run(int& deepest);

    /// Offset (in the scanned bytes) and length of a defined-length Pixel Data element at the top level, if any.
    std::size_t pixelDataOffset() const { return m_pixelDataOffset; }
    std::size_t pixelDataLength() const { return m_pixelDataLength; }

private:
    enum class Kind { Sequence, Item, Fragments };
    struct Frame {
        Kind kind;
        std::size_t end; ///< npos for undefined length
        bool explicitVr;
    };

    std::uint16_t u16(std::size_t at) const
    {
        return m_littleEndian ? static_cast<std::uint16_t>(m_data[at] | (m_data[at + 1] << 8))
                              : static_cast<std::uint16_t>((m_data[at] << 8) | m_data[at + 1]);
    }
    std::uint32_t u32(std::size_t at) const
    {
        const std::uint32_t a = m_data[at], b = m_data[at + 1], c = m_data[at + 2], d = m_data[at + 3];
        return m_littleEndian ? (a | (b << 8) | (c << 16) | (d << 24)) : ((a << 24) | (b << 16) | (c << 8) | d);
    }
    std::size_t bound() const
    {
        for (auto it = m_stack.rbegin(); it != m_stack.rend(); ++it)
            if (it->end != npos)
                return it->end;
        return m_data.size();
    }
    int sequenceDepth() const
    {
        return static_cast<int>(
            std::count_if(m_stack.begin(), m_stack.end(), [](const Frame& f) { return f.kind != Kind::Item; }));
    }

    std::span<const std::uint8_t> m_data;
    bool m_littleEndian;
    bool m_explicitVr;
    int m_maximumDepth;
    std::vector<Frame> m_stack;
    std::size_t m_pixelDataOffset = npos;
    std::size_t m_pixelDataLength = 0;
};

std::optional<std::string> Scanner::run(int& deepest)
{
    std::size_t pos = 0;
    deepest = 0;
    const auto at = [&](std::size_t offset) { return "at byte offset " + std::to_string(offset); };
    while (true) {
        while (!m_stack.empty() && m_stack.back().end != npos && pos >= m_stack.back().end) {
            if (pos > m_stack.back().end)
                return "an element runs past the end of its enclosing item or sequence " + at(pos);
            m_stack.pop_back();
        }
        if (pos == m_data.size()) {
            if (!m_stack.empty())
                return std::string("the file ends inside an unterminated sequence (truncated file)");
            return std::nullopt;
        }
        const std::size_t limit = bound();
        if (limit - pos < 8)
            return "the file is truncated: " + std::to_string(limit - pos) + " stray bytes " + at(pos);
        const std::uint16_t group = u16(pos);
        const std::uint16_t element = u16(pos + 2);
        const bool explicitVr = m_stack.empty() ? m_explicitVr : m_stack.back().explicitVr;
        if (group == 0xFFFE) {
            const std::uint32_t length = u32(pos + 4);
            pos += 8;
            if (element == 0xE000) {
                if (m_stack.empty() || m_stack.back().kind == Kind::Item)
                    return "an item tag outside a sequence " + at(pos - 8);
                if (m_stack.back().kind == Kind::Fragments) {
                    if (length == undefinedLength || length > limit - pos)
                        return "a pixel data fragment claims " + std::to_string(length) + " bytes but only "
                            + std::to_string(limit - pos) + " remain (truncated or corrupt file)";
                    pos += length;
                    continue;
                }
                if (length != undefinedLength && length > limit - pos)
                    return "a sequence item claims " + std::to_string(length) + " bytes but only "
                        + std::to_string(limit - pos) + " remain (truncated or corrupt file)";
                m_stack.push_back({ Kind::Item, length == undefinedLength ? npos : pos + length, explicitVr });
            } else if (element == 0xE00D) {
                if (m_stack.empty() || m_stack.back().kind != Kind::Item || m_stack.back().end != npos)
                    return "an item delimiter without an open item " + at(pos - 8);
                m_stack.pop_back();
            } else if (element == 0xE0DD) {
                if (m_stack.empty() || m_stack.back().kind == Kind::Item || m_stack.back().end != npos)
                    return "a sequence delimiter without an open sequence " + at(pos - 8);
                m_stack.pop_back();
            } else {
                return "an unknown delimiter tag " + tagText(group, element) + ' ' + at(pos - 8);
            }
            continue;
        }
        if (!m_stack.empty() && m_stack.back().kind != Kind::Item)
            return "element " + tagText(group, element) + " inside a sequence but outside any item " + at(pos);

        std::uint32_t length = 0;
        std::size_t header = 8;
        bool sequence = false;
        bool unknownVr = false;
        const bool vrPresent = explicitVr && isVrCharacter(m_data[pos + 4]) && isVrCharacter(m_data[pos + 5]);
        if (vrPresent) {
            const char a = static_cast<char>(m_data[pos + 4]);
            const char b = static_cast<char>(m_data[pos + 5]);
            if (isLongVr(a, b)) {
                if (limit - pos < 12)
                    return "the file is truncated inside the header of element " + tagText(group, element);
                length = u32(pos + 8);
                header = 12;
            } else {
                length = u16(pos + 6);
            }
            sequence = a == 'S' && b == 'Q';
            unknownVr = a == 'U' && b == 'N';
        } else {
            length = u32(pos + 4);
            sequence = length == undefinedLength || dictionarySaysSequence(group, element);
        }
        pos += header;
        const bool pixelData = group == 0x7FE0 && element == 0x0010;
        if (length == undefinedLength) {
            if (pixelData || (vrPresent && !sequence && !unknownVr)) {
                m_stack.push_back({ Kind::Fragments, npos, explicitVr });
            } else {
                // Undefined-length UN holds implicit VR little endian data (PS3.5 6.2.2).
                m_stack.push_back({ Kind::Sequence, npos, unknownVr ? false : explicitVr });
            }
        } else {
            if (length > limit - pos)
                return "element " + tagText(group, element) + " claims " + std::to_string(length) + " bytes but only "
                    + std::to_string(limit - pos) + " remain (truncated or corrupt file)";
            if (sequence && !pixelData) {
                m_stack.push_back({ Kind::Sequence, pos + length, explicitVr });
            } else {
                if (pixelData && m_stack.empty()) {
                    m_pixelDataOffset = pos;
                    m_pixelDataLength = length;
                }
                pos += length;
                continue;
            }
        }
        deepest = std::max(deepest, sequenceDepth());
        if (deepest > m_maximumDepth)
            return "sequences nested deeper than " + std::to_string(m_maximumDepth) + " levels";
    }
}

std::string trimmedUid(std::span<const std::uint8_t> bytes)
{
    std::string text(bytes.begin(), bytes.end());
    while (!text.empty() && (text.back() == '\0' || text.back() == ' '))
        text.pop_back();
    return text;
}

bool inflateRaw(std::span<const std::uint8_t> input, std::size_t maximumBytes, std::vector<std::uint8_t>& output,
    std::string& problem)
{
    z_stream stream {};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        problem = "cannot initialise zlib";
        return false;
    }
    stream.next_in = const_cast<Bytef*>(input.data());
    stream.avail_in = static_cast<uInt>(std::min<std::size_t>(input.size(), 0xFFFFFFFFu));
    std::vector<std::uint8_t> chunk(1 << 16);
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = chunk.data();
        stream.avail_out = static_cast<uInt>(chunk.size());
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
            inflateEnd(&stream);
            problem = "the deflated dataset is corrupt";
            return false;
        }
        const std::size_t produced = chunk.size() - stream.avail_out;
        if (output.size() + produced > maximumBytes) {
            inflateEnd(&stream);
            problem = "the deflated dataset inflates to more than " + std::to_string(maximumBytes >> 20) + " MiB";
            return false;
        }
        output.insert(output.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(produced));
        if (status == Z_BUF_ERROR && stream.avail_in == 0)
            break; // DCMTK accepts a stream without its final block; so do we
        if (produced == 0 && status == Z_BUF_ERROR)
            break;
    }
    inflateEnd(&stream);
    return true;
}

} // namespace

DicomPreScanner::Result DicomPreScanner::scan(
    std::span<const std::uint8_t> file, int maximumDepth, std::size_t maximumInflatedBytes)
{
    Result result;
    std::size_t pos = 0;
    if (file.size() >= 132 && std::memcmp(file.data() + 128, "DICM", 4) == 0)
        pos = 132;
    // File Meta Information: always explicit VR little endian, group 0002.
    bool sawMeta = false;
    while (file.size() - pos >= 8 && (file[pos] | (file[pos + 1] << 8)) == 0x0002) {
        sawMeta = true;
        const std::uint16_t element = static_cast<std::uint16_t>(file[pos + 2] | (file[pos + 3] << 8));
        std::size_t header = 8;
        std::uint32_t length = 0;
        if (isVrCharacter(file[pos + 4]) && isVrCharacter(file[pos + 5])) {
            if (isLongVr(static_cast<char>(file[pos + 4]), static_cast<char>(file[pos + 5]))) {
                if (file.size() - pos < 12) {
                    result.problem = "the file meta information is truncated";
                    return result;
                }
                length = static_cast<std::uint32_t>(file[pos + 8] | (file[pos + 9] << 8) | (file[pos + 10] << 16)
                    | (static_cast<std::uint32_t>(file[pos + 11]) << 24));
                header = 12;
            } else {
                length = static_cast<std::uint32_t>(file[pos + 6] | (file[pos + 7] << 8));
            }
        } else {
            length = static_cast<std::uint32_t>(file[pos + 4] | (file[pos + 5] << 8) | (file[pos + 6] << 16)
                | (static_cast<std::uint32_t>(file[pos + 7]) << 24));
        }
        pos += header;
        if (length > file.size() - pos) {
            result.problem = "file meta element " + tagText(2, element) + " claims " + std::to_string(length)
                + " bytes but only " + std::to_string(file.size() - pos) + " remain";
            return result;
        }
        if (element == 0x0010)
            result.transferSyntaxUid = trimmedUid(file.subspan(pos, length));
        pos += length;
    }
    std::span<const std::uint8_t> dataset = file.subspan(pos);
    bool littleEndian = true;
    bool explicitVr = true;
    const std::string& uid = result.transferSyntaxUid;
    std::vector<std::uint8_t> inflated;
    if (uid == "1.2.840.10008.1.2") {
        explicitVr = false;
    } else if (uid == "1.2.840.10008.1.2.2") {
        littleEndian = false;
    } else if (uid == "1.2.840.10008.1.2.1.99") {
        if (!inflateRaw(dataset, maximumInflatedBytes, inflated, result.problem))
            return result;
        dataset = inflated;
    } else if (uid.empty() && dataset.size() >= 8) {
        // No meta header (or no transfer syntax in it): guess the way DCMTK does, from the first element.
        const unsigned groupLittle = dataset[0] | (dataset[1] << 8);
        const unsigned groupBig = (dataset[0] << 8) | dataset[1];
        littleEndian = groupLittle <= groupBig;
        explicitVr = isVrCharacter(dataset[4]) && isVrCharacter(dataset[5]);
    }
    (void)sawMeta;
    Scanner scanner(dataset, littleEndian, explicitVr, maximumDepth);
    if (auto problem = scanner.run(result.deepestNesting)) {
        result.problem = *problem;
        return result;
    }
    result.accepted = true;
    result.littleEndian = littleEndian;
    if (scanner.pixelDataOffset() != npos && inflated.empty()) {
        result.nativePixelDataOffset
            = static_cast<std::size_t>(dataset.data() - file.data()) + scanner.pixelDataOffset();
        result.nativePixelDataLength = scanner.pixelDataLength();
    }
    return result;
}

DicomPreScanner::Result DicomPreScanner::scanMapped(QFile& file, int maximumDepth, std::size_t maximumInflatedBytes)
{
    uchar* mapped = file.map(0, file.size());
    if (!mapped) {
        Result refused;
        refused.problem = "cannot map the file: " + file.errorString().toStdString();
        return refused;
    }
    Result result = scan(std::span<const std::uint8_t>(mapped, static_cast<std::size_t>(file.size())), maximumDepth,
        maximumInflatedBytes);
    file.unmap(mapped);
    return result;
}

} // namespace lrclr::internal
