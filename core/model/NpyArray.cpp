#include "core/model/NpyArray.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/model/LrclrModel.h"

namespace lrclr {

namespace {

const std::string kMagic("\x93NUMPY", 6);
constexpr std::size_t kMaxHeaderLength = 1 << 16;
constexpr std::size_t kMaxDimensions = 32;

float halfToFloat(std::uint16_t half)
{
    const std::uint32_t sign = (half >> 15) & 1;
    const std::uint32_t exponent = (half >> 10) & 0x1F;
    const std::uint32_t mantissa = half & 0x3FF;
    float value;
    if (exponent == 0)
        value = std::ldexp(static_cast<float>(mantissa), -24); // subnormal
    else if (exponent == 31)
        value = mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else
        value = std::ldexp(static_cast<float>(mantissa + 1024), static_cast<int>(exponent) - 25);
    return sign ? -value : value;
}

template<typename T> T readLittleEndian(const char* bytes)
{
    std::uint64_t raw = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        raw |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    T value;
    if constexpr (sizeof(T) == 8) {
        std::memcpy(&value, &raw, 8);
    } else {
        const auto narrow = static_cast<std::uint32_t>(raw);
        std::memcpy(&value, &narrow, sizeof(T));
    }
    return value;
}

/// Parses the Python dict literal of a .npy header, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& source)
        : m_text(text)
        , m_source(source)
    {
    }

    void parse(std::string& descriptor, bool& fortranOrder, std::vector<std::int64_t>& shape)
    {
        bool haveDescriptor = false, haveOrder = false, haveShape = false;
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}')
                break;
            const auto key = quoted();
            expect(':');
            if (key == "descr") {
                descriptor = quoted();
                haveDescriptor = true;
            } else if (key == "fortran_order") {
                fortranOrder = boolean();
                haveOrder = true;
            } else if (key == "shape") {
                shape = tuple();
                haveShape = true;
            } else {
                fail("unknown header key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',')
                ++m_position;
        }
        expect('}');
        if (!haveDescriptor || !haveOrder || !haveShape)
            fail("the header lacks 'descr', 'fortran_order' or 'shape'");
    }

private:
    [[noreturn]] void fail(const std::string& problem) const
    {
        throw ModelError(m_source + ": bad .npy header: " + problem);
    }

    void skipSpace()
    {
        while (m_position < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_position])))
            ++m_position;
    }

    char peek()
    {
        skipSpace();
        if (m_position >= m_text.size())
            fail("it ends early");
        return m_text[m_position];
    }

    void expect(char character)
    {
        if (peek() != character)
            fail(std::string("expected '") + character + "' at offset " + std::to_string(m_position));
        ++m_position;
    }

    std::string quoted()
    {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            fail("expected a quoted string at offset " + std::to_string(m_position));
        const auto end = m_text.find(quote, m_position + 1);
        if (end == std::string::npos)
            fail("an unterminated string");
        auto value = m_text.substr(m_position + 1, end - m_position - 1);
        m_position = end + 1;
        return value;
    }

    bool boolean()
    {
        skipSpace();
        for (const auto& [word, value] : { std::pair<const char*, bool> { "True", true }, { "False", false } }) {
            if (m_text.compare(m_position, std::strlen(word), word) == 0) {
                m_position += std::strlen(word);
                return value;
            }
        }
        fail("fortran_order is neither True nor False");
    }

    std::vector<std::int64_t> tuple()
    {
        std::vector<std::int64_t> values;
        expect('(');
        while (peek() != ')') {
            std::int64_t value = 0;
            int digits = 0;
            while (m_position < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_position]))) {
                if (++digits > 15)
                    fail("a shape extent is too large");
                value = value * 10 + (m_text[m_position++] - '0');
            }
            if (digits == 0)
                fail("a shape extent is not a non-negative integer");
            // Python 2 headers may spell extents as longs ("3L").
            if (m_position < m_text.size() && m_text[m_position] == 'L')
                ++m_position;
            values.push_back(value);
            if (values.size() > kMaxDimensions)
                fail("too many dimensions");
            if (peek() == ',')
                ++m_position;
            else if (peek() != ')')
                fail("a malformed shape tuple");
        }
        expect(')');
        return values;
    }

    const std::string& m_text;
    const std::string& m_source;
    std::size_t m_position = 0;
};

} // namespace

NpyArray::NpyArray(std::vector<std::int64_t> shape, const std::vector<float>& values)
    : m_dataType(DataType::Float32)
    , m_shape(std::move(shape))
{
    if (static_cast<std::int64_t>(values.size()) != elementCount())
        throw std::invalid_argument("NpyArray: " + std::to_string(values.size()) + " values for a shape of "
            + std::to_string(elementCount()) + " elements");
    m_data.resize(values.size() * sizeof(float));
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint32_t raw;
        std::memcpy(&raw, &values[i], 4);
        for (int b = 0; b < 4; ++b)
            m_data[4 * i + b] = static_cast<char>((raw >> (8 * b)) & 0xFF);
    }
}

NpyArray NpyArray::read(const std::string& path)
{
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        throw ModelError(path + ": cannot read .npy file (" + error.message() + ")");
    // Arrays beyond 4 GiB are not something this program reads; refusing them bounds the allocation.
    if (size > (std::uint64_t(1) << 32))
        throw ModelError(path + ": .npy file larger than 4 GiB");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw ModelError(path + ": cannot open (" + std::strerror(errno) + ")");
    std::string bytes(size, '\0');
    file.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(file.gcount()) != size)
        throw ModelError(path + ": read error");
    return fromBytes(bytes, path);
}

NpyArray NpyArray::fromBytes(const std::string& bytes, const std::string& source)
{
    if (bytes.size() < 10 || bytes.compare(0, kMagic.size(), kMagic) != 0)
        throw ModelError(source + ": not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLength = 0;
    std::size_t headerStart = 0;
    if (major == 1) {
        headerLength = readLittleEndian<std::uint16_t>(bytes.data() + 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw ModelError(source + ": truncated .npy header");
        headerLength = readLittleEndian<std::uint32_t>(bytes.data() + 8);
        headerStart = 12;
    } else {
        throw ModelError(source + ": unsupported .npy format version " + std::to_string(major));
    }
    if (headerLength > kMaxHeaderLength || headerLength > bytes.size() - headerStart)
        throw ModelError(
            source + ": the .npy header claims " + std::to_string(headerLength) + " bytes, more than the file holds");
    const std::string header = bytes.substr(headerStart, headerLength);

    std::string descriptor;
    bool fortranOrder = false;
    NpyArray array;
    HeaderParser(header, source).parse(descriptor, fortranOrder, array.m_shape);
    if (fortranOrder)
        throw ModelError(source + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
    if (descriptor == "<f4")
        array.m_dataType = DataType::Float32;
    else if (descriptor == "<f2")
        array.m_dataType = DataType::Float16;
    else if (descriptor == "<i8")
        array.m_dataType = DataType::Int64;
    else if (descriptor == "<i4")
        array.m_dataType = DataType::Int32;
    else
        throw ModelError(source + ": unsupported dtype '" + descriptor + "' (supported: <f4, <f2, <i8, <i4)");

    std::uint64_t expected = static_cast<std::uint64_t>(elementSize(array.m_dataType));
    for (const auto extent : array.m_shape) {
        if (extent != 0 && expected > (std::uint64_t(1) << 40) / static_cast<std::uint64_t>(extent))
            throw ModelError(source + ": the shape claims an impossibly large array");
        expected *= static_cast<std::uint64_t>(extent);
    }
    const std::size_t dataStart = headerStart + headerLength;
    if (bytes.size() - dataStart != expected)
        throw ModelError(source + ": the shape needs " + std::to_string(expected) + " data bytes but the file has "
            + std::to_string(bytes.size() - dataStart));
    array.m_data = bytes.substr(dataStart);
    return array;
}

std::string NpyArray::descriptor() const
{
    switch (m_dataType) {
    case DataType::Float32:
        return "<f4";
    case DataType::Float16:
        return "<f2";
    case DataType::Int64:
        return "<i8";
    case DataType::Int32:
        return "<i4";
    }
    return "?";
}

std::string NpyArray::toBytes() const
{
    std::string shape = "(";
    for (std::size_t i = 0; i < m_shape.size(); ++i)
        shape += (i ? ", " : "") + std::to_string(m_shape[i]);
    shape += m_shape.size() == 1 ? ",)" : ")"; // Python spells a 1-tuple "(5,)"
    std::string header = "{'descr': '" + descriptor() + "', 'fortran_order': False, 'shape': " + shape + ", }";
    // The header is padded with spaces and a newline so that the data starts on a 64-byte boundary.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string bytes = kMagic + std::string("\x01\x00", 2);
    bytes.push_back(static_cast<char>(header.size() & 0xFF));
    bytes.push_back(static_cast<char>((header.size() >> 8) & 0xFF));
    return bytes + header + m_data;
}

void NpyArray::write(const std::string& path) const
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    const auto bytes = toBytes();
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file)
        throw ModelError(path + ": cannot write .npy file (" + std::strerror(errno) + ")");
}

std::int64_t NpyArray::elementCount() const
{
    std::int64_t count = 1;
    for (const auto extent : m_shape)
        count *= extent;
    return count;
}

std::vector<float> NpyArray::toFloat32() const
{
    const auto count = static_cast<std::size_t>(elementCount());
    std::vector<float> values(count);
    const char* bytes = m_data.data();
    for (std::size_t i = 0; i < count; ++i) {
        switch (m_dataType) {
        case DataType::Float32:
            values[i] = readLittleEndian<float>(bytes + 4 * i);
            break;
        case DataType::Float16:
            values[i] = halfToFloat(readLittleEndian<std::uint16_t>(bytes + 2 * i));
            break;
        case DataType::Int64:
            values[i] = static_cast<float>(readLittleEndian<std::int64_t>(bytes + 8 * i));
            break;
        case DataType::Int32:
            values[i] = static_cast<float>(readLittleEndian<std::int32_t>(bytes + 4 * i));
            break;
        }
    }
    return values;
}

std::vector<std::int64_t> NpyArray::toInt64() const
{
    if (m_dataType != DataType::Int64 && m_dataType != DataType::Int32)
        throw ModelError("NpyArray: a " + descriptor() + " array is not an integer array");
    const auto count = static_cast<std::size_t>(elementCount());
    std::vector<std::int64_t> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        values[i] = m_dataType == DataType::Int64 ? readLittleEndian<std::int64_t>(m_data.data() + 8 * i)
                                                  : readLittleEndian<std::int32_t>(m_data.data() + 4 * i);
    }
    return values;
}

int NpyArray::elementSize(DataType type)
{
    switch (type) {
    case DataType::Float32:
    case DataType::Int32:
        return 4;
    case DataType::Float16:
        return 2;
    case DataType::Int64:
        return 8;
    }
    return 4;
}

} // namespace lrclr
