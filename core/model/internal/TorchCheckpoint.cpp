#include "core/model/internal/TorchCheckpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>
#include <zlib.h>

#include "core/model/LrclrModel.h"
#include "core/model/Sha256.h"
#include "core/model/internal/MappedFile.h"
#include "core/model/internal/WeightsUnpickler.h"

namespace lrclr::internal {

namespace {

/// One record of the archive's central directory.
struct ZipEntry {
    std::uint16_t method = 0;
    std::uint32_t crc32 = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t size = 0;
    std::uint64_t localHeaderOffset = 0;
};

/// Reads just the zip central directory, so that every record is known to be stored (torch.save never compresses)
/// and to lie inside the file before PyTorchStreamReader allocates memory for it.
class ZipDirectory {
public:
    explicit ZipDirectory(const std::string& path)
        : m_path(path)
        , m_file(path, std::ios::binary)
    {
        if (!m_file)
            fail("cannot open the file");
        m_size = std::filesystem::file_size(path);
        if (m_size < 4)
            fail("the file is empty or truncated");
        const auto magic = read(0, 4);
        if (magic.rfind("PK", 0) != 0) {
            if (static_cast<unsigned char>(magic[0]) == 0x80)
                fail("this is the legacy (pre-PyTorch-1.6) torch.save format; re-save it with a current PyTorch");
            fail("not a zip archive, so not a torch.save checkpoint");
        }
        readCentralDirectory();
    }

    const std::map<std::string, ZipEntry>& entries() const { return m_entries; }

private:
    [[noreturn]] void fail(const std::string& problem) const { throw ModelError(m_path + ": " + problem); }

    std::string read(std::uint64_t offset, std::uint64_t count)
    {
        if (offset > m_size || count > m_size - offset)
            fail("the zip directory points outside the file (truncated or corrupt)");
        std::string bytes(count, '\0');
        m_file.seekg(static_cast<std::streamoff>(offset));
        m_file.read(bytes.data(), static_cast<std::streamsize>(count));
        if (!m_file)
            fail("read error");
        return bytes;
    }

    static std::uint64_t le(const std::string& bytes, std::size_t offset, std::size_t count)
    {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < count; ++i)
            value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes.at(offset + i))) << (8 * i);
        return value;
    }

    void readCentralDirectory()
    {
        const std::uint64_t tailSize = std::min<std::uint64_t>(m_size, 22 + 65535);
        const auto tail = read(m_size - tailSize, tailSize);
        const auto eocd = tail.rfind(std::string("PK\x05\x06", 4));
        if (eocd == std::string::npos || tail.size() - eocd < 22)
            fail("the zip end-of-directory record is missing (truncated file?)");
        std::uint64_t count = le(tail, eocd + 10, 2);
        std::uint64_t directorySize = le(tail, eocd + 12, 4);
        std::uint64_t directoryOffset = le(tail, eocd + 16, 4);
        if (count == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF) {
            const std::uint64_t eocdOffset = m_size - tailSize + eocd;
            if (eocdOffset < 20)
                fail("the zip64 locator is missing");
            const auto locator = read(eocdOffset - 20, 20);
            if (locator.compare(0, 4, "PK\x06\x07", 4) != 0)
                fail("the zip64 locator is missing");
            const auto record = read(le(locator, 8, 8), 56);
            if (record.compare(0, 4, "PK\x06\x06", 4) != 0)
                fail("the zip64 end-of-directory record is corrupt");
            count = le(record, 32, 8);
            directorySize = le(record, 40, 8);
            directoryOffset = le(record, 48, 8);
        }
        if (count == 0 || count > 100000)
            fail("the archive claims " + std::to_string(count) + " records");
        const auto directory = read(directoryOffset, directorySize);
        std::size_t position = 0;
        for (std::uint64_t i = 0; i < count; ++i) {
            if (directory.size() - position < 46 || directory.compare(position, 4, "PK\x01\x02", 4) != 0)
                fail("zip central directory record " + std::to_string(i) + " is corrupt");
            ZipEntry entry;
            entry.method = static_cast<std::uint16_t>(le(directory, position + 10, 2));
            entry.crc32 = static_cast<std::uint32_t>(le(directory, position + 16, 4));
            entry.compressedSize = le(directory, position + 20, 4);
            entry.size = le(directory, position + 24, 4);
            const auto nameLength = le(directory, position + 28, 2);
            const auto extraLength = le(directory, position + 30, 2);
            const auto commentLength = le(directory, position + 32, 2);
            entry.localHeaderOffset = le(directory, position + 42, 4);
            if (directory.size() - position - 46 < nameLength + extraLength + commentLength)
                fail("zip central directory record " + std::to_string(i) + " is truncated");
            const std::string name = directory.substr(position + 46, nameLength);
            readZip64Extra(directory.substr(position + 46 + nameLength, extraLength), entry, name);
            position += 46 + nameLength + extraLength + commentLength;

            if (entry.method != 0)
                fail("record '" + name + "' is compressed; torch.save stores records uncompressed");
            if (entry.compressedSize != entry.size || entry.localHeaderOffset >= m_size
                || entry.size > m_size - entry.localHeaderOffset)
                fail("record '" + name + "' claims " + std::to_string(entry.size)
                    + " bytes that the file does not hold (truncated or corrupt)");
            if (!m_entries.emplace(name, entry).second)
                fail("record '" + name + "' appears twice");
        }
    }

    void readZip64Extra(const std::string& extra, ZipEntry& entry, const std::string& name)
    {
        std::size_t position = 0;
        while (extra.size() - position >= 4) {
            const auto id = le(extra, position, 2);
            const auto length = le(extra, position + 2, 2);
            if (extra.size() - position - 4 < length)
                fail("record '" + name + "' has a corrupt extra field");
            if (id == 0x0001) {
                std::size_t field = position + 4;
                const auto next = [&]() {
                    if (field + 8 > position + 4 + length)
                        fail("record '" + name + "' has a corrupt zip64 field");
                    const auto value = le(extra, field, 8);
                    field += 8;
                    return value;
                };
                if (entry.size == 0xFFFFFFFF)
                    entry.size = next();
                if (entry.compressedSize == 0xFFFFFFFF)
                    entry.compressedSize = next();
                if (entry.localHeaderOffset == 0xFFFFFFFF)
                    entry.localHeaderOffset = next();
            }
            position += 4 + length;
        }
    }

    std::string m_path;
    std::ifstream m_file;
    std::uint64_t m_size = 0;
    std::map<std::string, ZipEntry> m_entries;
};

at::ScalarType scalarType(WeightsUnpickler::ElementType type)
{
    using T = WeightsUnpickler::ElementType;
    switch (type) {
    case T::Float32:
        return at::kFloat;
    case T::Float16:
        return at::kHalf;
    case T::BFloat16:
        return at::kBFloat16;
    case T::Float64:
        return at::kDouble;
    case T::Int64:
        return at::kLong;
    case T::Int32:
        return at::kInt;
    case T::Int16:
        return at::kShort;
    case T::Int8:
        return at::kChar;
    case T::UInt8:
        return at::kByte;
    case T::Bool:
        return at::kBool;
    }
    return at::kFloat;
}

/// Where a stored record's bytes lie in the mapped archive: after its local header (signature, then the name and
/// extra lengths at bytes 26 and 28). With `checkCrc`, checks them against the central directory's CRC-32: Debian's
/// (and PyTorch's) miniz is built without the reader's CRC check, so a flipped bit would otherwise load silently.
/// Without it the caller has verified the whole file (a SHA-256 covers every record).
std::string_view record(
    const MappedFile& file, const std::string& name, const ZipEntry& entry, const std::string& path, bool checkCrc)
{
    const auto fail = [&](const std::string& problem) -> std::string_view {
        throw ModelError(path + ": record '" + name + "' " + problem);
    };
    const auto offset = entry.localHeaderOffset;
    if (offset > file.size() || file.size() - offset < 30 || std::memcmp(file.data() + offset, "PK\x03\x04", 4) != 0)
        return fail("has no local header where the zip directory says (corrupt file)");
    const auto* header = reinterpret_cast<const unsigned char*>(file.data() + offset);
    const std::uint64_t start = offset + 30 + (header[26] | (header[27] << 8)) + (header[28] | (header[29] << 8));
    if (start > file.size() || entry.size > file.size() - start)
        return fail("reaches beyond the end of the file (truncated?)");
    const std::string_view bytes(file.data() + start, static_cast<std::size_t>(entry.size));
    if (checkCrc) {
        uLong crc = crc32(0L, Z_NULL, 0);
        const auto* data = reinterpret_cast<const Bytef*>(bytes.data());
        for (std::size_t done = 0; done < bytes.size();) {
            const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes.size() - done, 1u << 30));
            crc = crc32(crc, data + done, chunk);
            done += chunk;
        }
        if (crc != entry.crc32)
            return fail("fails its CRC-32 check (the file is corrupt)");
    }
    return bytes;
}

// Records that torch.save (PyTorch 1.6 ... 2.x) writes besides data.pkl and data/<key>.
const std::set<std::string>& metadataRecords()
{
    static const std::set<std::string> names = { "version", ".data/version", "byteorder", ".data/serialization_id",
        ".format_version", ".storage_alignment" };
    return names;
}

const char* storageClass(at::ScalarType type)
{
    switch (type) {
    case at::kFloat:
        return "FloatStorage";
    case at::kHalf:
        return "HalfStorage";
    case at::kBFloat16:
        return "BFloat16Storage";
    case at::kDouble:
        return "DoubleStorage";
    case at::kLong:
        return "LongStorage";
    case at::kInt:
        return "IntStorage";
    case at::kShort:
        return "ShortStorage";
    case at::kChar:
        return "CharStorage";
    case at::kByte:
        return "ByteStorage";
    case at::kBool:
        return "BoolStorage";
    default:
        return nullptr;
    }
}

/// Pickle opcodes (protocol 2) for the subset torch.save emits; see WeightsUnpickler for the reading side.
class PickleWriter {
public:
    void raw(const std::string& bytes) { m_bytes += bytes; }
    void global(const std::string& module, const std::string& name) { m_bytes += "c" + module + "\n" + name + "\n"; }
    void mark() { m_bytes += '('; }

    void string(const std::string& text)
    {
        m_bytes += 'X';
        littleEndian(text.size(), 4);
        m_bytes += text;
    }

    void integer(std::int64_t value)
    {
        if (value >= std::numeric_limits<std::int32_t>::min() && value <= std::numeric_limits<std::int32_t>::max()) {
            m_bytes += 'J';
            littleEndian(static_cast<std::uint64_t>(value), 4);
        } else {
            m_bytes += "\x8a\x08";
            littleEndian(static_cast<std::uint64_t>(value), 8);
        }
    }

    void tuple(const std::vector<std::int64_t>& values)
    {
        mark();
        for (const auto value : values)
            integer(value);
        m_bytes += 't';
    }

    const std::string& bytes() const { return m_bytes; }

private:
    void littleEndian(std::uint64_t value, int count)
    {
        for (int i = 0; i < count; ++i)
            m_bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }

    std::string m_bytes;
};

} // namespace

std::string TorchCheckpoint::dtypeName(const at::Tensor& tensor)
{
    switch (tensor.scalar_type()) {
    case at::kFloat:
        return "float32";
    case at::kHalf:
        return "float16";
    case at::kBFloat16:
        return "bfloat16";
    case at::kDouble:
        return "float64";
    case at::kLong:
        return "int64";
    case at::kInt:
        return "int32";
    case at::kShort:
        return "int16";
    case at::kChar:
        return "int8";
    case at::kByte:
        return "uint8";
    case at::kBool:
        return "bool";
    default:
        return c10::toString(tensor.scalar_type());
    }
}

void TorchCheckpoint::write(const std::string& path, const StateDict& stateDict)
{
    const auto keys = stateDict.keys();
    std::vector<at::Tensor> tensors;
    PickleWriter pickle;
    pickle.raw("\x80\x02");
    pickle.global("collections", "OrderedDict");
    pickle.raw(")R");
    pickle.mark();
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto tensor = stateDict.tensor(keys[i]).detach().to(at::kCPU).contiguous();
        const char* storage = storageClass(tensor.scalar_type());
        if (!storage)
            throw ModelError(path + ": tensor '" + keys[i] + "' has a dtype torch.save checkpoints here do not hold");
        pickle.string(keys[i]);
        pickle.global("torch._utils", "_rebuild_tensor_v2");
        pickle.mark();
        pickle.mark();
        pickle.string("storage");
        pickle.global("torch", storage);
        pickle.string(std::to_string(i));
        pickle.string("cpu");
        pickle.integer(tensor.numel());
        pickle.raw("tQ");
        pickle.integer(0);
        pickle.tuple(tensor.sizes().vec());
        pickle.tuple(tensor.strides().vec());
        pickle.raw("\x89");
        pickle.global("collections", "OrderedDict");
        pickle.raw(")RtR");
        tensors.push_back(tensor);
    }
    pickle.raw("u.");

    const auto temporary = path + ".partial";
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output)
        throw ModelError(path + ": cannot create " + temporary);
    // A failed write is recorded here instead of being reported to the writer: PyTorchStreamWriter throws on a short
    // write, and its destructor then finishes the archive again and throws a second time, which terminates the
    // process (train on a full disk aborted that way). The stream's state says afterwards whether all went out.
    bool writeFailed = false;
    try {
        // Writing through a function gives the records the archive folder "archive/", as torch.save to a stream does.
        caffe2::serialize::PyTorchStreamWriter writer([&output, &writeFailed](const void* data, size_t size) -> size_t {
            if (!writeFailed) {
                output.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
                writeFailed = !output;
            }
            return size;
        });
        writer.writeRecord("data.pkl", pickle.bytes().data(), pickle.bytes().size());
        writer.writeRecord("byteorder", "little", 6);
        for (std::size_t i = 0; i < tensors.size() && !writeFailed; ++i) {
            writer.writeRecord("data/" + std::to_string(i), tensors[i].data_ptr(),
                static_cast<std::size_t>(tensors[i].numel()) * tensors[i].element_size());
        }
        writer.writeEndOfFile();
    } catch (const c10::Error& error) {
        output.close();
        std::filesystem::remove(temporary);
        throw ModelError(path + ": cannot write the checkpoint: " + error.what_without_backtrace());
    }
    output.close();
    if (writeFailed || !output) {
        const int reason = errno;
        std::filesystem::remove(temporary);
        throw ModelError(path + ": cannot write " + temporary + ": "
            + (reason != 0 ? std::strerror(reason) : "write error") + " (disk full?)");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
        throw ModelError(path + ": cannot write the checkpoint (" + error.message() + ")");
}

StateDict TorchCheckpoint::read(const std::string& path, const std::string& expectedSha256)
{
    if (!std::filesystem::is_regular_file(path))
        throw ModelError(path + ": no such checkpoint file");
    const ZipDirectory directory(path);

    // Every record sits under one folder named after the archive; torch.save writes nothing else.
    std::string prefix;
    std::map<std::string, ZipEntry> records;
    for (const auto& [name, entry] : directory.entries()) {
        const auto slash = name.find('/');
        if (slash == std::string::npos || slash == 0)
            throw ModelError(path + ": unexpected record '" + name + "' outside the archive folder");
        if (prefix.empty())
            prefix = name.substr(0, slash + 1);
        if (name.compare(0, prefix.size(), prefix) != 0)
            throw ModelError(path + ": records under more than one folder ('" + prefix + "', '" + name + "')");
        const auto relative = name.substr(prefix.size());
        if (relative != "data.pkl" && relative.rfind("data/", 0) != 0 && metadataRecords().count(relative) == 0) {
            throw ModelError(
                path + ": unexpected record '" + name + "' (a TorchScript archive or a file that is not a state dict)");
        }
        records[relative] = entry;
    }
    if (records.count("data.pkl") == 0)
        throw ModelError(path + ": the archive has no data.pkl, so it is not a torch.save checkpoint");
    // A state dict's pickle holds only names and shapes (CLIP ViT-L/14: ~100 KB).
    if (records.at("data.pkl").size > (std::uint64_t(64) << 20))
        throw ModelError(path + ": data.pkl is " + std::to_string(records.at("data.pkl").size)
            + " bytes, far beyond any state dict's; refusing it");

    const auto file = MappedFile::open(path);
    bool checkRecords = true;
    if (!expectedSha256.empty()) {
        // One pass over the mapping both reads the file from disk and verifies every byte the tensors will view.
        const auto actual = Sha256::ofBytes(file->data(), file->size());
        if (actual != expectedSha256)
            throw ModelError(path + ": the weights file's SHA-256 " + actual + " does not match the manifest's "
                + expectedSha256 + "; refusing to load it");
        checkRecords = false;
    }

    if (records.count("byteorder")) {
        const auto order = record(*file, "byteorder", records.at("byteorder"), path, checkRecords);
        if (order != "little")
            throw ModelError(
                path + ": tensors are stored " + std::string(order) + "-endian; only little-endian is supported");
    }

    const auto pickle = record(*file, "data.pkl", records.at("data.pkl"), path, checkRecords);
    const auto parsed = WeightsUnpickler::parse(pickle, path + " (data.pkl)");

    // Each storage views the mapped file (no copy) unless its bytes are not aligned for its type.
    std::vector<char*> storages;
    std::vector<std::shared_ptr<std::vector<char>>> copies;
    std::set<std::string> usedRecords;
    for (const auto& storage : parsed.storages) {
        const auto name = "data/" + storage.key;
        const auto entry = records.find(name);
        if (entry == records.end())
            throw ModelError(path + ": storage '" + storage.key + "' has no record " + prefix + name);
        const auto expected = static_cast<std::uint64_t>(storage.elementCount)
            * static_cast<std::uint64_t>(WeightsUnpickler::elementSize(storage.elementType));
        if (entry->second.size != expected)
            throw ModelError(path + ": storage '" + storage.key + "' should hold " + std::to_string(expected)
                + " bytes (" + std::to_string(storage.elementCount) + " "
                + WeightsUnpickler::typeName(storage.elementType) + ") but its record has "
                + std::to_string(entry->second.size));
        const auto bytes = record(*file, prefix + name, entry->second, path, checkRecords);
        auto* data = const_cast<char*>(bytes.data());
        if (reinterpret_cast<std::uintptr_t>(data) % alignof(std::max_align_t) != 0) {
            copies.push_back(std::make_shared<std::vector<char>>(bytes.begin(), bytes.end()));
            data = copies.back()->data();
        }
        storages.push_back(data);
        usedRecords.insert(name);
    }
    for (const auto& [name, entry] : records) {
        if (name.rfind("data/", 0) == 0 && usedRecords.count(name) == 0)
            throw ModelError(path + ": record " + prefix + name + " is not used by any tensor");
    }

    StateDict result;
    for (const auto& tensor : parsed.tensors) {
        const auto& storage = parsed.storages[tensor.storageIndex];
        auto* base
            = storages[tensor.storageIndex] + tensor.storageOffset * WeightsUnpickler::elementSize(storage.elementType);
        // The tensor views the mapping (or the aligned copy), which the deleter keeps alive; no copy.
        auto view = torch::from_blob(
            base, tensor.sizes, tensor.strides, [file, copies](void*) {},
            torch::TensorOptions().dtype(scalarType(storage.elementType)));
        result.insert(tensor.name, view);
    }
    return result;
}

} // namespace lrclr::internal
