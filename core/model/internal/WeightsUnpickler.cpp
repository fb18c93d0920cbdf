#include "core/model/internal/WeightsUnpickler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/model/LrclrModel.h"
#include "core/model/internal/CheckedArithmetic.h"

namespace lrclr::internal {

namespace {

// Limits far above any real state dict (CLIP ViT-L/14 has ~400 tensors) but small enough that a hostile pickle
// cannot make the interpreter allocate without bound.
constexpr std::size_t kMaxStackDepth = 100000;
constexpr std::size_t kMaxMemoEntries = 1000000;
constexpr std::size_t kMaxContainerItems = 1000000;
constexpr std::size_t kMaxDimensions = 16;
// CLIP ViT-L/14's state dict pickle creates ~15,000 values; this is a hundred times more.
constexpr std::size_t kMaxValues = 2000000;
// Containers nest at most this deep, so that releasing them (recursively) cannot exhaust the thread's stack.
constexpr int kMaxNesting = 100;

struct Value;
using ValuePtr = std::shared_ptr<Value>;

enum class Kind { None, Bool, Int, String, Tuple, List, Dict, Global, StorageType, Storage, Tensor };

struct Value {
    Kind kind = Kind::None;
    int nesting = 0; // 1 + the deepest contained value
    bool sealed = false; // placed inside another container: may no longer change
    std::int64_t integer = 0; // Bool, Int; Storage/Tensor: index into the result
    std::string text; // String; Global: "module.name"
    std::vector<ValuePtr> items; // Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries; // Dict (insertion order)
    WeightsUnpickler::ElementType elementType = WeightsUnpickler::ElementType::Float32; // StorageType
};

ValuePtr makeValue(Kind kind)
{
    auto value = std::make_shared<Value>();
    value->kind = kind;
    return value;
}

ValuePtr makeInt(std::int64_t integer)
{
    auto value = makeValue(Kind::Int);
    value->integer = integer;
    return value;
}

const char* kindName(Kind kind)
{
    static constexpr const char* names[]
        = { "None", "bool", "int", "str", "tuple", "list", "dict", "global", "storage type", "storage", "tensor" };
    static_assert(std::size(names) == static_cast<std::size_t>(Kind::Tensor) + 1, "one name per Kind, in order");
    return names[static_cast<std::size_t>(kind)];
}

/// What the interpreter and its callers know of each element type, in one place.
struct ElementTypeFacts {
    WeightsUnpickler::ElementType type;
    const char* storageClass; ///< the torch.*Storage global a pickle names it by
    const char* name; ///< as numpy and torch spell it
    int size; ///< bytes per element
};

constexpr ElementTypeFacts elementTypes[] = {
    { WeightsUnpickler::ElementType::Float32, "torch.FloatStorage", "float32", 4 },
    { WeightsUnpickler::ElementType::Float16, "torch.HalfStorage", "float16", 2 },
    { WeightsUnpickler::ElementType::BFloat16, "torch.BFloat16Storage", "bfloat16", 2 },
    { WeightsUnpickler::ElementType::Float64, "torch.DoubleStorage", "float64", 8 },
    { WeightsUnpickler::ElementType::Int64, "torch.LongStorage", "int64", 8 },
    { WeightsUnpickler::ElementType::Int32, "torch.IntStorage", "int32", 4 },
    { WeightsUnpickler::ElementType::Int16, "torch.ShortStorage", "int16", 2 },
    { WeightsUnpickler::ElementType::Int8, "torch.CharStorage", "int8", 1 },
    { WeightsUnpickler::ElementType::UInt8, "torch.ByteStorage", "uint8", 1 },
    { WeightsUnpickler::ElementType::Bool, "torch.BoolStorage", "bool", 1 },
};

const ElementTypeFacts& factsOf(WeightsUnpickler::ElementType type)
{
    static constexpr ElementTypeFacts unknown { WeightsUnpickler::ElementType::Float32, "", "unknown", 1 };
    for (const ElementTypeFacts& facts : elementTypes) {
        if (facts.type == type)
            return facts;
    }
    return unknown;
}

std::optional<WeightsUnpickler::ElementType> storageType(const std::string& name)
{
    for (const ElementTypeFacts& facts : elementTypes) {
        if (name == facts.storageClass)
            return facts.type;
    }
    return std::nullopt;
}

bool isAllowedCallable(const std::string& name)
{
    return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2"
        || name == "torch._utils._rebuild_parameter";
}

class Machine {
public:
    Machine(std::string_view pickle, const std::string& source)
        : m_data(pickle)
        , m_source(source)
    {
    }

    WeightsUnpickler::Result run()
    {
        while (true) {
            if (m_position >= m_data.size())
                fail("the pickle ends without a STOP opcode (truncated file)");
            const std::size_t opcodeOffset = m_position;
            const auto opcode = static_cast<unsigned char>(m_data[m_position++]);
            m_opcodeOffset = opcodeOffset;
            if (opcode == '.') {
                if (m_stack.size() != 1 || !m_marks.empty())
                    fail("the pickle stops with " + std::to_string(m_stack.size()) + " values on the stack");
                return finish(m_stack.back());
            }
            step(opcode);
            if (m_stack.size() > kMaxStackDepth)
                fail("the pickle nests too deeply");
        }
    }

private:
    [[noreturn]] void fail(const std::string& problem) const
    {
        throw ModelError(
            m_source + ": refused weights pickle at byte " + std::to_string(m_opcodeOffset) + ": " + problem);
    }

    // --- reading -----------------------------------------------------------------------------------------------
    std::string_view take(std::size_t count)
    {
        if (count > m_data.size() - m_position)
            fail("an opcode claims " + std::to_string(count) + " bytes but only "
                + std::to_string(m_data.size() - m_position) + " remain (truncated or corrupt)");
        const auto bytes = m_data.substr(m_position, count);
        m_position += count;
        return bytes;
    }

    std::uint64_t readLittleEndian(std::size_t count)
    {
        const auto bytes = take(count);
        std::uint64_t result = 0;
        for (std::size_t i = 0; i < count; ++i)
            result |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
        return result;
    }

    std::string readLine()
    {
        const auto end = m_data.find('\n', m_position);
        if (end == std::string_view::npos || end - m_position > 256)
            fail("a GLOBAL name is not terminated (truncated or corrupt)");
        std::string line(m_data.substr(m_position, end - m_position));
        m_position = end + 1;
        return line;
    }

    // --- stack -------------------------------------------------------------------------------------------------
    ValuePtr pop()
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail("stack underflow");
        auto value = std::move(m_stack.back());
        m_stack.pop_back();
        return value;
    }

    ValuePtr& top()
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail("stack underflow");
        return m_stack.back();
    }

    std::vector<ValuePtr> popToMark()
    {
        if (m_marks.empty())
            fail("an opcode needs a MARK but there is none");
        const std::size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<ValuePtr> items(std::make_move_iterator(m_stack.begin() + static_cast<std::ptrdiff_t>(mark)),
            std::make_move_iterator(m_stack.end()));
        m_stack.resize(mark);
        return items;
    }

    void push(ValuePtr value)
    {
        // Every value is pushed once when created, so this bounds the interpreter's memory (~150 bytes a value).
        if (++m_pushes > kMaxValues)
            fail("the pickle creates more than " + std::to_string(kMaxValues) + " values; not a state dict");
        m_stack.push_back(std::move(value));
    }

    void pushString(std::string_view bytes)
    {
        auto value = makeValue(Kind::String);
        value->text = std::string(bytes);
        push(std::move(value));
    }

    // Python's pickler fills every dict and list before it places it into another container. Refusing changes after
    // that keeps the value graph acyclic and its recorded nesting exact, so releasing it cannot recurse without bound.
    void nestInto(Value& container, const ValuePtr& item)
    {
        if (item.get() == &container)
            fail("a container that contains itself");
        item->sealed = true;
        container.nesting = std::max(container.nesting, item->nesting + 1);
        if (container.nesting > kMaxNesting)
            fail("containers nest more than " + std::to_string(kMaxNesting) + " levels deep");
    }

    void pushTuple(std::vector<ValuePtr> items)
    {
        auto value = makeValue(Kind::Tuple);
        for (const auto& item : items)
            nestInto(*value, item);
        value->items = std::move(items);
        push(std::move(value));
    }

    void memoPut(std::uint64_t index)
    {
        if (m_stack.empty())
            fail("PUT with an empty stack");
        if (index >= kMaxMemoEntries)
            fail("memo index " + std::to_string(index) + " is out of range");
        m_memo[index] = m_stack.back();
    }

    void memoGet(std::uint64_t index)
    {
        const auto found = m_memo.find(index);
        if (found == m_memo.end())
            fail("GET of memo index " + std::to_string(index) + " that was never stored");
        push(found->second);
    }

    void setItems(ValuePtr& dict, std::vector<ValuePtr>& keyValues)
    {
        if (dict->kind != Kind::Dict)
            fail(std::string("SETITEM on a ") + kindName(dict->kind) + " instead of a dict");
        if (dict->sealed)
            fail("SETITEM on a dict that is already inside another container");
        if (keyValues.size() % 2 != 0)
            fail("SETITEMS with an odd number of values");
        for (std::size_t i = 0; i < keyValues.size(); i += 2) {
            if (dict->entries.size() >= kMaxContainerItems)
                fail("a dict has too many entries");
            nestInto(*dict, keyValues[i]);
            nestInto(*dict, keyValues[i + 1]);
            dict->entries.emplace_back(std::move(keyValues[i]), std::move(keyValues[i + 1]));
        }
    }

    // --- interpretation ------------------------------------------------------------------------------------------
    // Each opcode belongs to one group; a group returns false for opcodes that are not its own.
    void step(unsigned char opcode)
    {
        if (stepFraming(opcode) || stepTuple(opcode) || stepContainer(opcode) || stepScalar(opcode)
            || stepString(opcode) || stepMemo(opcode) || stepCall(opcode))
            return;
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", opcode);
        fail(std::string("opcode ") + hex + " is not allowed in a weights-only state dict");
    }

    /// The last `count` values, in stack order.
    std::vector<ValuePtr> popLast(std::size_t count)
    {
        std::vector<ValuePtr> items(count);
        for (std::size_t i = count; i-- > 0;)
            items[i] = pop();
        return items;
    }

    bool stepFraming(unsigned char opcode)
    {
        switch (opcode) {
        case 0x80: { // PROTO
            const auto protocol = readLittleEndian(1);
            if (protocol > 5)
                fail("unsupported pickle protocol " + std::to_string(protocol));
            return true;
        }
        case 0x95: // FRAME: a length hint only
            readLittleEndian(8);
            return true;
        case '(': // MARK
            m_marks.push_back(m_stack.size());
            return true;
        default:
            return false;
        }
    }

    bool stepTuple(unsigned char opcode)
    {
        switch (opcode) {
        case ')': // EMPTY_TUPLE
            pushTuple({});
            return true;
        case 't': // TUPLE
            pushTuple(popToMark());
            return true;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: // TUPLE3
            pushTuple(popLast(static_cast<std::size_t>(opcode - 0x84)));
            return true;
        default:
            return false;
        }
    }

    void appendToList(std::vector<ValuePtr> items, const char* what)
    {
        auto& list = top();
        if (list->kind != Kind::List || list->sealed || list->items.size() + items.size() > kMaxContainerItems)
            fail(std::string(what) + " to something that is not an open list");
        for (auto& item : items) {
            nestInto(*list, item);
            list->items.push_back(std::move(item));
        }
    }

    /// Lists and dicts: created empty, then filled before they are placed into another container.
    bool stepContainer(unsigned char opcode)
    {
        switch (opcode) {
        case ']': // EMPTY_LIST
            push(makeValue(Kind::List));
            return true;
        case 'a': // APPEND
            appendToList(popLast(1), "APPEND");
            return true;
        case 'e': // APPENDS
            appendToList(popToMark(), "APPENDS");
            return true;
        case '}': // EMPTY_DICT
            push(makeValue(Kind::Dict));
            return true;
        case 's': { // SETITEM
            auto keyValue = popLast(2);
            setItems(top(), keyValue);
            return true;
        }
        case 'u': { // SETITEMS
            auto keyValues = popToMark();
            setItems(top(), keyValues);
            return true;
        }
        case 'b': { // BUILD
            auto state = pop();
            auto& target = top();
            // An OrderedDict from state_dict() carries its `_metadata` (module versions) as instance state; it is not
            // needed to rebuild the tensors. Nothing else may receive state: BUILD is how pickles call __setstate__.
            if (target->kind != Kind::Dict || state->kind != Kind::Dict)
                fail(std::string("BUILD on a ") + kindName(target->kind) + " is not part of a state dict");
            return true;
        }
        default:
            return false;
        }
    }

    /// LONG1: little-endian two's complement of n bytes.
    std::int64_t readLong1()
    {
        const auto count = readLittleEndian(1);
        if (count > 8)
            fail("an integer of " + std::to_string(count) + " bytes is too large for a tensor shape");
        std::uint64_t raw = count == 0 ? 0 : readLittleEndian(count);
        if (count > 0 && count < 8 && (raw >> (8 * count - 1)) & 1)
            raw |= ~std::uint64_t(0) << (8 * count); // sign-extend
        return static_cast<std::int64_t>(raw);
    }

    bool stepScalar(unsigned char opcode)
    {
        switch (opcode) {
        case 'N': // NONE
            push(makeValue(Kind::None));
            return true;
        case 0x88: // NEWTRUE
        case 0x89: { // NEWFALSE
            auto value = makeValue(Kind::Bool);
            value->integer = opcode == 0x88 ? 1 : 0;
            push(std::move(value));
            return true;
        }
        case 'J': // BININT
            push(makeInt(static_cast<std::int32_t>(readLittleEndian(4))));
            return true;
        case 'K': // BININT1
            push(makeInt(static_cast<std::int64_t>(readLittleEndian(1))));
            return true;
        case 'M': // BININT2
            push(makeInt(static_cast<std::int64_t>(readLittleEndian(2))));
            return true;
        case 0x8a: // LONG1
            push(makeInt(readLong1()));
            return true;
        default:
            return false;
        }
    }

    /// Text and bytes alike become strings; the opcode says how many bytes its length takes.
    bool stepString(unsigned char opcode)
    {
        switch (opcode) {
        case 0x8c: // SHORT_BINUNICODE
        case 'U': // SHORT_BINSTRING
        case 'C': // SHORT_BINBYTES
            pushString(take(readLittleEndian(1)));
            return true;
        case 'X': // BINUNICODE
        case 'T': // BINSTRING
        case 'B': // BINBYTES
            pushString(take(readLittleEndian(4)));
            return true;
        case 0x8d: // BINUNICODE8
            pushString(take(readLittleEndian(8)));
            return true;
        default:
            return false;
        }
    }

    bool stepMemo(unsigned char opcode)
    {
        switch (opcode) {
        case 'q': // BINPUT
            memoPut(readLittleEndian(1));
            return true;
        case 'r': // LONG_BINPUT
            memoPut(readLittleEndian(4));
            return true;
        case 0x94: // MEMOIZE
            memoPut(m_memo.size());
            return true;
        case 'h': // BINGET
            memoGet(readLittleEndian(1));
            return true;
        case 'j': // LONG_BINGET
            memoGet(readLittleEndian(4));
            return true;
        default:
            return false;
        }
    }

    bool stepCall(unsigned char opcode)
    {
        switch (opcode) {
        case 'c': { // GLOBAL
            const auto module = readLine();
            const auto name = readLine();
            pushGlobal(module, name);
            return true;
        }
        case 0x93: { // STACK_GLOBAL
            auto name = pop();
            auto module = pop();
            if (module->kind != Kind::String || name->kind != Kind::String)
                fail("STACK_GLOBAL with non-string names");
            pushGlobal(module->text, name->text);
            return true;
        }
        case 'Q': // BINPERSID
            push(persistentLoad(pop()));
            return true;
        case 'R': { // REDUCE
            auto arguments = pop();
            auto callable = pop();
            push(reduce(callable, arguments));
            return true;
        }
        default:
            return false;
        }
    }

    void pushGlobal(const std::string& module, const std::string& name)
    {
        const std::string qualified = module + "." + name;
        if (const auto type = storageType(qualified)) {
            auto value = makeValue(Kind::StorageType);
            value->text = qualified;
            value->elementType = *type;
            push(std::move(value));
            return;
        }
        if (!isAllowedCallable(qualified))
            fail("global '" + qualified + "' is not allowed in a weights-only state dict (it could run code)");
        auto value = makeValue(Kind::Global);
        value->text = qualified;
        push(std::move(value));
    }

    std::int64_t integerOf(const ValuePtr& value, const char* what)
    {
        if (value->kind != Kind::Int)
            fail(std::string(what) + " is a " + kindName(value->kind) + ", expected an int");
        return value->integer;
    }

    ValuePtr persistentLoad(const ValuePtr& id)
    {
        // ('storage', torch.FloatStorage, key, location, element count)
        if (id->kind != Kind::Tuple || id->items.size() != 5 || id->items[0]->kind != Kind::String
            || id->items[0]->text != "storage")
            fail("a persistent id that is not ('storage', type, key, location, size)");
        const auto& type = id->items[1];
        const auto& key = id->items[2];
        const auto& location = id->items[3];
        if (type->kind != Kind::StorageType)
            fail("a storage whose type is not a torch.*Storage class");
        if (key->kind != Kind::String || key->text.empty() || key->text.size() > 64
            || key->text.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
                != std::string::npos)
            fail("a storage key that is not a plain record name");
        if (location->kind != Kind::String)
            fail("a storage location that is not a string");
        const std::int64_t count = integerOf(id->items[4], "a storage size");
        if (count < 0)
            fail("a negative storage size");
        const auto elementSize = WeightsUnpickler::elementSize(type->elementType);
        if (count > std::numeric_limits<std::int64_t>::max() / elementSize)
            fail("storage '" + key->text + "' claims " + std::to_string(count) + " elements, an impossible size");

        auto value = makeValue(Kind::Storage);
        const auto known = m_storageByKey.find(key->text);
        if (known != m_storageByKey.end()) {
            const auto& storage = m_result.storages[known->second];
            if (storage.elementType != type->elementType || storage.elementCount != count)
                fail("storage '" + key->text + "' is declared twice with different types or sizes");
            value->integer = static_cast<std::int64_t>(known->second);
            return value;
        }
        WeightsUnpickler::Storage storage;
        storage.key = key->text;
        storage.elementType = type->elementType;
        storage.elementCount = count;
        storage.location = location->text;
        m_storageByKey.emplace(storage.key, m_result.storages.size());
        value->integer = static_cast<std::int64_t>(m_result.storages.size());
        m_result.storages.push_back(std::move(storage));
        return value;
    }

    std::vector<std::int64_t> shapeOf(const ValuePtr& value, const char* what)
    {
        if (value->kind != Kind::Tuple)
            fail(std::string(what) + " is a " + kindName(value->kind) + ", expected a tuple");
        if (value->items.size() > kMaxDimensions)
            fail(std::string(what) + " has " + std::to_string(value->items.size()) + " dimensions");
        std::vector<std::int64_t> shape;
        for (const auto& item : value->items) {
            const auto extent = integerOf(item, what);
            if (extent < 0)
                fail(std::string(what) + " has a negative entry");
            shape.push_back(extent);
        }
        return shape;
    }

    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& arguments)
    {
        if (callable->kind != Kind::Global)
            fail(std::string("REDUCE calls a ") + kindName(callable->kind) + ", not an allowed global");
        if (arguments->kind != Kind::Tuple)
            fail("REDUCE arguments are not a tuple");
        const auto& args = arguments->items;
        if (callable->text == "collections.OrderedDict") {
            if (!args.empty())
                fail("OrderedDict constructed with arguments");
            return makeValue(Kind::Dict);
        }
        if (callable->text == "torch._utils._rebuild_parameter") {
            // (data, requires_grad, backward_hooks)
            if (args.size() != 3 || args[0]->kind != Kind::Tensor)
                fail("_rebuild_parameter with unexpected arguments");
            return args[0];
        }
        // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks
        //                                  [, metadata])
        if (args.size() < 6 || args.size() > 7 || args[0]->kind != Kind::Storage)
            fail("_rebuild_tensor_v2 with unexpected arguments");
        WeightsUnpickler::Tensor tensor;
        tensor.storageIndex = static_cast<std::size_t>(args[0]->integer);
        tensor.storageOffset = integerOf(args[1], "a storage offset");
        tensor.sizes = shapeOf(args[2], "a tensor size");
        tensor.strides = shapeOf(args[3], "a tensor stride");
        if (tensor.sizes.size() != tensor.strides.size())
            fail("a tensor whose size and stride have different lengths");
        checkInStorage(tensor);
        auto value = makeValue(Kind::Tensor);
        value->integer = static_cast<std::int64_t>(m_tensors.size());
        m_tensors.push_back(std::move(tensor));
        return value;
    }

    void checkInStorage(const WeightsUnpickler::Tensor& tensor)
    {
        const auto& storage = m_result.storages[tensor.storageIndex];
        if (tensor.storageOffset < 0)
            fail("a negative storage offset");
        std::int64_t elements = 1;
        std::int64_t lastIndex = tensor.storageOffset;
        for (std::size_t i = 0; i < tensor.sizes.size(); ++i) {
            std::int64_t span = 0;
            if (CheckedArithmetic::multiplyOverflows(elements, tensor.sizes[i], &elements)
                || (tensor.sizes[i] > 0
                    && CheckedArithmetic::multiplyOverflows(tensor.sizes[i] - 1, tensor.strides[i], &span))
                || CheckedArithmetic::addOverflows(lastIndex, span, &lastIndex))
                fail("a tensor shape overflows");
        }
        if (elements > 0 && lastIndex >= storage.elementCount)
            fail("a tensor reaches element " + std::to_string(lastIndex) + " of storage '" + storage.key
                + "', which has only " + std::to_string(storage.elementCount));
        if (elements == 0 && tensor.storageOffset > storage.elementCount)
            fail("a storage offset beyond storage '" + storage.key + "'");
    }

    WeightsUnpickler::Result finish(const ValuePtr& root)
    {
        if (root->kind != Kind::Dict)
            fail(std::string("the pickle holds a ") + kindName(root->kind) + ", not a state dict");
        std::map<std::string, bool> seen;
        for (const auto& [key, value] : root->entries) {
            if (key->kind != Kind::String)
                fail("a state dict key that is not a string");
            if (value->kind != Kind::Tensor)
                fail("state dict entry '" + key->text + "' is a " + kindName(value->kind) + ", not a tensor");
            if (!seen.emplace(key->text, true).second)
                fail("state dict key '" + key->text + "' appears twice");
            auto tensor = m_tensors[static_cast<std::size_t>(value->integer)];
            tensor.name = key->text;
            m_result.tensors.push_back(std::move(tensor));
        }
        return std::move(m_result);
    }

    std::string_view m_data;
    const std::string& m_source;
    std::size_t m_position = 0;
    std::size_t m_opcodeOffset = 0;
    std::size_t m_pushes = 0;
    std::vector<ValuePtr> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, ValuePtr> m_memo;
    std::unordered_map<std::string, std::size_t> m_storageByKey;
    std::vector<WeightsUnpickler::Tensor> m_tensors;
    WeightsUnpickler::Result m_result;
};

} // namespace

WeightsUnpickler::Result WeightsUnpickler::parse(std::string_view pickle, const std::string& source)
{
    return Machine(pickle, source).run();
}

int WeightsUnpickler::elementSize(ElementType type)
{
    return factsOf(type).size;
}

std::string WeightsUnpickler::typeName(ElementType type)
{
    return factsOf(type).name;
}

} // namespace lrclr::internal
