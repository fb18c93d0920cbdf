// Fuzz target: CLIP's tokenizer. The input is a BPE merges file (plain or gzip, as ClipTokenizer reads it), then a
// NUL byte, then text to tokenize (cleaning with html.unescape, ICU pre-tokenisation, byte-level BPE). A bad merges
// file throws lrclr::ModelError; encoding any text with an accepted one must not fail.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "core/model/ClipTokenizer.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto* separator = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
    const std::size_t mergesSize = separator ? static_cast<std::size_t>(separator - data) : size;
    const std::string text = separator
        ? std::string(reinterpret_cast<const char*>(separator + 1), size - mergesSize - 1)
        : std::string("The lungs are clear. No pleural effusion.");
    ClipTokenizer::clean(text);
    const std::string path = fuzz::temporaryFolder().write("merges.txt", data, mergesSize);
    std::unique_ptr<ClipTokenizer> tokenizer;
    try {
        tokenizer = std::make_unique<ClipTokenizer>(path);
    } catch (const std::exception&) {
        return 0;
    }
    const auto tokens = tokenizer->encode(text);
    for (const auto token : tokens)
        fuzz::require(0 <= token && token < tokenizer->vocabularySize());
    const auto rows = tokenizer->tokenize({ text, std::string() }, 77);
    fuzz::require(rows.size() == 2 && rows[0].size() == 77 && rows[1].size() == 77);
    tokenizer->decode(tokens);
    return 0;
}
