#include "training/BpeTrainer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <zlib.h>

#include "core/model/ClipTokenizer.h"

namespace lrclr {

namespace {

// CLIP's bytes_to_unicode(): printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.
const std::array<std::string, 256>& byteSymbols()
{
    static const std::array<std::string, 256> table = [] {
        std::array<int, 256> codePoints {};
        std::array<bool, 256> direct {};
        for (int b = '!'; b <= '~'; ++b)
            direct[static_cast<std::size_t>(b)] = true;
        for (int b = 0xA1; b <= 0xAC; ++b)
            direct[static_cast<std::size_t>(b)] = true;
        for (int b = 0xAE; b <= 0xFF; ++b)
            direct[static_cast<std::size_t>(b)] = true;
        int next = 0;
        for (int b = 0; b < 256; ++b)
            codePoints[static_cast<std::size_t>(b)] = direct[static_cast<std::size_t>(b)] ? b : 256 + next++;
        std::array<std::string, 256> result;
        for (int b = 0; b < 256; ++b) {
            char buffer[4];
            int length = 0;
            UBool error = false;
            U8_APPEND(buffer, length, 4, codePoints[static_cast<std::size_t>(b)], error);
            (void)error;
            result[static_cast<std::size_t>(b)] = std::string(buffer, static_cast<std::size_t>(length));
        }
        return result;
    }();
    return table;
}

bool isNumber(UChar32 c)
{
    const auto type = u_charType(c);
    return type == U_DECIMAL_DIGIT_NUMBER || type == U_LETTER_NUMBER || type == U_OTHER_NUMBER;
}

} // namespace

std::vector<std::string> BpeTrainer::preTokenize(const std::string& text)
{
    // <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
    std::vector<std::string> words;
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto length = static_cast<std::int32_t>(text.size());
    const auto peek = [&](std::int32_t at, std::int32_t* next) {
        UChar32 c = 0;
        U8_NEXT(data, at, length, c);
        *next = at;
        return c < 0 ? 0xFFFD : c;
    };
    std::int32_t i = 0;
    while (i < length) {
        for (const char* special : { "<|startoftext|>", "<|endoftext|>" }) {
            const std::string token(special);
            if (text.compare(static_cast<std::size_t>(i), token.size(), token) == 0) {
                words.push_back(token);
                i += static_cast<std::int32_t>(token.size());
            }
        }
        if (i >= length)
            break;
        if (text[static_cast<std::size_t>(i)] == '\'') {
            bool matched = false;
            for (const char* contraction : { "'s", "'t", "'re", "'ve", "'m", "'ll", "'d" }) {
                const std::string token(contraction);
                if (text.compare(static_cast<std::size_t>(i), token.size(), token) == 0) {
                    words.push_back(token);
                    i += static_cast<std::int32_t>(token.size());
                    matched = true;
                    break;
                }
            }
            if (matched)
                continue;
        }
        std::int32_t next = 0;
        const UChar32 c = peek(i, &next);
        if (u_isUWhiteSpace(c)) {
            i = next;
            continue;
        }
        const auto start = i;
        if (u_isalpha(c)) {
            i = next;
            while (i < length) {
                const UChar32 d = peek(i, &next);
                if (!u_isalpha(d))
                    break;
                i = next;
            }
        } else if (isNumber(c)) {
            i = next;
        } else {
            i = next;
            while (i < length) {
                const UChar32 d = peek(i, &next);
                if (u_isUWhiteSpace(d) || u_isalpha(d) || isNumber(d))
                    break;
                i = next;
            }
        }
        words.push_back(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
    return words;
}

void BpeTrainer::addText(const std::string& text)
{
    for (const auto& word : preTokenize(ClipTokenizer::clean(text)))
        ++m_words[word];
}

std::vector<std::pair<std::string, std::string>> BpeTrainer::train(int merges, int minimumFrequency) const
{
    // Symbols as ids into `names`; words as id sequences with their counts.
    std::vector<std::string> names;
    std::unordered_map<std::string, int> ids;
    const auto idOf = [&](const std::string& name) {
        const auto found = ids.find(name);
        if (found != ids.end())
            return found->second;
        ids.emplace(name, static_cast<int>(names.size()));
        names.push_back(name);
        return static_cast<int>(names.size()) - 1;
    };
    struct Word {
        std::vector<int> symbols;
        std::int64_t count = 0;
    };
    std::vector<Word> words;
    const auto& bytes = byteSymbols();
    for (const auto& [text, count] : m_words) {
        Word word;
        word.count = count;
        for (std::size_t i = 0; i < text.size(); ++i) {
            auto symbol = bytes[static_cast<std::uint8_t>(text[i])];
            if (i + 1 == text.size())
                symbol += "</w>";
            word.symbols.push_back(idOf(symbol));
        }
        words.push_back(std::move(word));
    }

    std::vector<std::pair<std::string, std::string>> result;
    while (static_cast<int>(result.size()) < merges) {
        std::unordered_map<std::uint64_t, std::int64_t> counts;
        for (const auto& word : words) {
            for (std::size_t i = 0; i + 1 < word.symbols.size(); ++i)
                counts[(static_cast<std::uint64_t>(word.symbols[i]) << 32)
                    | static_cast<std::uint32_t>(word.symbols[i + 1])]
                    += word.count;
        }
        std::uint64_t best = 0;
        std::int64_t bestCount = 0;
        for (const auto& [pair, count] : counts) {
            if (count < bestCount)
                continue;
            if (count == bestCount) {
                const auto text
                    = [&](std::uint64_t p) { return std::make_pair(names[p >> 32], names[p & 0xFFFFFFFFULL]); };
                if (!(text(pair) < text(best)))
                    continue;
            }
            best = pair;
            bestCount = count;
        }
        if (bestCount < std::max(1, minimumFrequency))
            break;
        const int left = static_cast<int>(best >> 32);
        const int right = static_cast<int>(best & 0xFFFFFFFFULL);
        result.emplace_back(names[static_cast<std::size_t>(left)], names[static_cast<std::size_t>(right)]);
        const int merged = idOf(names[static_cast<std::size_t>(left)] + names[static_cast<std::size_t>(right)]);
        for (auto& word : words) {
            auto& symbols = word.symbols;
            std::vector<int> out;
            out.reserve(symbols.size());
            for (std::size_t i = 0; i < symbols.size(); ++i) {
                if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
                    out.push_back(merged);
                    ++i;
                } else {
                    out.push_back(symbols[i]);
                }
            }
            symbols = std::move(out);
        }
    }
    return result;
}

void BpeTrainer::write(const std::string& path, const std::vector<std::pair<std::string, std::string>>& merges)
{
    std::string text = "#version: 0.2 - byte-level BPE merges trained by lrclr train-bpe\n";
    for (const auto& [left, right] : merges)
        text += left + " " + right + "\n";
    const bool compressed = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    const std::string temporary = path + ".partial";
    if (compressed) {
        gzFile file = gzopen(temporary.c_str(), "wb9");
        if (!file)
            throw std::runtime_error(path + ": cannot create the merges file");
        const int written = gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
        if (gzclose(file) != Z_OK || written != static_cast<int>(text.size()))
            throw std::runtime_error(path + ": cannot write the merges file");
    } else {
        FILE* file = std::fopen(temporary.c_str(), "wb");
        if (!file)
            throw std::runtime_error(path + ": cannot create the merges file");
        const auto written = std::fwrite(text.data(), 1, text.size(), file);
        if (std::fclose(file) != 0 || written != text.size())
            throw std::runtime_error(path + ": cannot write the merges file");
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        throw std::runtime_error(path + ": cannot move the merges file into place");
}

} // namespace lrclr
