#include "core/model/ClipTokenizer.h"

#include <array>
#include <limits>
#include <mutex>
#include <unordered_map>

#include <unicode/locid.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <zlib.h>

#include "core/model/LrclrModel.h"
#include "core/model/internal/HtmlText.h"

namespace lrclr {

namespace {

constexpr std::size_t kMaxMergesFileBytes = std::size_t(256) << 20;
constexpr std::size_t kMaxCacheEntries = 200000;
const std::string kStartOfText = "<|startoftext|>";
const std::string kEndOfText = "<|endoftext|>";

// CLIP's pre-tokenisation pattern (simple_tokenizer.py), compiled case-insensitively as CLIP does.
const char16_t* const kTokenPattern
    = u"<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
// Python's str.isspace (and so re's \s on str): general category Zs or bidirectional class WS, B or S.
const char16_t* const kPythonWhitespace = u"[\\p{Zs}\\p{Bidi_Class=WS}\\p{Bidi_Class=B}\\p{Bidi_Class=S}]+";

std::string utf8Of(UChar32 codePoint)
{
    std::string text;
    icu::UnicodeString(codePoint).toUTF8String(text);
    return text;
}

/// CLIP's bytes_to_unicode(): printable Latin-1 bytes map to themselves, the others to U+0100 upwards.
std::array<UChar32, 256> byteToCodePoint()
{
    std::array<UChar32, 256> table {};
    std::array<bool, 256> printable {};
    for (int b = '!'; b <= '~'; ++b)
        printable[b] = true;
    for (int b = 0xA1; b <= 0xAC; ++b)
        printable[b] = true;
    for (int b = 0xAE; b <= 0xFF; ++b)
        printable[b] = true;
    int next = 0;
    for (int b = 0; b < 256; ++b)
        table[b] = printable[b] ? b : 256 + next++;
    return table;
}

/// The byte order of CLIP's vocabulary: the printable ranges first, then the remaining bytes ascending.
std::vector<int> vocabularyByteOrder()
{
    std::vector<int> order;
    for (int b = '!'; b <= '~'; ++b)
        order.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        order.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        order.push_back(b);
    for (int b = 0; b < 256; ++b) {
        if (!((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)))
            order.push_back(b);
    }
    return order;
}

std::string readMaybeGzipped(const std::string& path)
{
    // gzread reads plain files unchanged, so one path serves both CLIP's .txt.gz and an uncompressed file.
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file)
        throw ModelError(path + ": cannot open the BPE merges file");
    std::string content;
    std::array<char, 1 << 16> buffer {};
    while (true) {
        const int count = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
        if (count < 0) {
            int code = 0;
            const std::string message = gzerror(file, &code);
            gzclose(file);
            throw ModelError(path + ": cannot read the BPE merges file (" + message + ")");
        }
        if (count == 0)
            break;
        content.append(buffer.data(), static_cast<std::size_t>(count));
        if (content.size() > kMaxMergesFileBytes) {
            gzclose(file);
            throw ModelError(path + ": the BPE merges file is larger than 256 MiB");
        }
    }
    gzclose(file);
    return content;
}

std::vector<std::string> splitWhitespace(const std::string& line)
{
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            ++i;
        if (i > start)
            parts.push_back(line.substr(start, i - start));
    }
    return parts;
}

/// Splits UTF-8 into code points (each as its UTF-8 bytes); the input comes from the byte mapping, so it is valid.
std::vector<std::string> codePoints(const std::string& utf8)
{
    std::vector<std::string> points;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        points.push_back(utf8.substr(i, length));
        i += length;
    }
    return points;
}

} // namespace

struct ClipTokenizer::Private {
    std::array<std::string, 256> byteEncoder;
    std::unordered_map<std::string, unsigned char> byteDecoder;
    std::unordered_map<std::string, std::int64_t> encoder;
    std::vector<std::string> decoder;
    std::unordered_map<std::string, int> mergeRanks; // "left right" -> rank
    int mergeCount = 0;
    std::int64_t startOfText = 0;
    std::int64_t endOfText = 0;
    std::unique_ptr<icu::RegexPattern> tokenPattern;
    std::string path;

    mutable std::mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<std::int64_t>> cache;

    std::int64_t id(const std::string& symbol) const
    {
        const auto found = encoder.find(symbol);
        if (found == encoder.end())
            throw ModelError(path + ": BPE symbol '" + symbol + "' is not in the vocabulary (inconsistent merges)");
        return found->second;
    }

    std::vector<std::int64_t> bpe(const std::string& token) const
    {
        if (token == kStartOfText || token == kEndOfText)
            return { id(token) };
        {
            std::lock_guard<std::mutex> lock(cacheMutex);
            const auto cached = cache.find(token);
            if (cached != cache.end())
                return cached->second;
        }
        std::vector<std::string> word = codePoints(token);
        word.back() += "</w>";
        while (word.size() > 1) {
            // The adjacent pair with the lowest merge rank; none ranked means done.
            int bestRank = std::numeric_limits<int>::max();
            std::size_t best = 0;
            for (std::size_t i = 0; i + 1 < word.size(); ++i) {
                const auto rank = mergeRanks.find(word[i] + ' ' + word[i + 1]);
                if (rank != mergeRanks.end() && rank->second < bestRank) {
                    bestRank = rank->second;
                    best = i;
                }
            }
            if (bestRank == std::numeric_limits<int>::max())
                break;
            const std::string first = word[best];
            const std::string second = word[best + 1];
            // Merge every occurrence left to right, non-overlapping, as simple_tokenizer.py does.
            std::vector<std::string> merged;
            merged.reserve(word.size());
            for (std::size_t i = 0; i < word.size();) {
                if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                    merged.push_back(first + second);
                    i += 2;
                } else {
                    merged.push_back(word[i]);
                    ++i;
                }
            }
            word = std::move(merged);
        }
        std::vector<std::int64_t> ids;
        ids.reserve(word.size());
        for (const auto& symbol : word)
            ids.push_back(id(symbol));
        std::lock_guard<std::mutex> lock(cacheMutex);
        if (cache.size() >= kMaxCacheEntries)
            cache.clear();
        cache.emplace(token, ids);
        return ids;
    }
};

ClipTokenizer::ClipTokenizer(const std::string& mergesPath, int vocabularySize)
    : d(std::make_unique<Private>())
{
    d->path = mergesPath;
    const auto table = byteToCodePoint();
    for (int b = 0; b < 256; ++b) {
        d->byteEncoder[b] = utf8Of(table[b]);
        d->byteDecoder[d->byteEncoder[b]] = static_cast<unsigned char>(b);
    }

    const std::string content = readMaybeGzipped(mergesPath);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start <= content.size();) {
        auto end = content.find('\n', start);
        if (end == std::string::npos)
            end = content.size();
        lines.push_back(content.substr(start, end - start));
        start = end + 1;
    }
    // Line 0 is a header ("#version: 0.2"); trailing empty lines are not merges.
    while (lines.size() > 1 && splitWhitespace(lines.back()).empty())
        lines.pop_back();
    const std::size_t available = lines.empty() ? 0 : lines.size() - 1;
    std::size_t wanted = available;
    if (vocabularySize > 0) {
        if (vocabularySize < 514)
            throw ModelError(mergesPath + ": a vocabulary of " + std::to_string(vocabularySize)
                + " cannot hold the 512 byte tokens and 2 special tokens");
        wanted = static_cast<std::size_t>(vocabularySize - 514);
        if (wanted > available)
            throw ModelError(mergesPath + ": the model's vocabulary of " + std::to_string(vocabularySize) + " needs "
                + std::to_string(wanted) + " merges but the file has only " + std::to_string(available));
    }

    std::vector<std::string> vocabulary;
    vocabulary.reserve(512 + wanted + 2);
    const auto order = vocabularyByteOrder();
    for (const int b : order)
        vocabulary.push_back(d->byteEncoder[b]);
    for (const int b : order)
        vocabulary.push_back(d->byteEncoder[b] + "</w>");
    for (std::size_t i = 1; i <= wanted; ++i) {
        const auto parts = splitWhitespace(lines[i]);
        if (parts.size() != 2)
            throw ModelError(mergesPath + ": line " + std::to_string(i + 1) + " is not a merge of two symbols");
        d->mergeRanks.emplace(parts[0] + ' ' + parts[1], static_cast<int>(i - 1));
        vocabulary.push_back(parts[0] + parts[1]);
    }
    vocabulary.push_back(kStartOfText);
    vocabulary.push_back(kEndOfText);
    d->mergeCount = static_cast<int>(wanted);
    d->decoder = vocabulary;
    // dict(zip(vocab, range(len(vocab)))): a repeated string keeps its last id.
    for (std::size_t i = 0; i < vocabulary.size(); ++i)
        d->encoder[vocabulary[i]] = static_cast<std::int64_t>(i);
    d->startOfText = d->encoder.at(kStartOfText);
    d->endOfText = d->encoder.at(kEndOfText);

    UErrorCode status = U_ZERO_ERROR;
    UParseError parseError;
    d->tokenPattern.reset(
        icu::RegexPattern::compile(icu::UnicodeString(kTokenPattern), UREGEX_CASE_INSENSITIVE, parseError, status));
    if (U_FAILURE(status))
        throw ModelError(std::string("ICU cannot compile the tokenizer pattern: ") + u_errorName(status));
}

ClipTokenizer::~ClipTokenizer() = default;

std::string ClipTokenizer::clean(const std::string& text)
{
    // html.unescape(html.unescape(text)) works on code points; ICU converts with U+FFFD for invalid UTF-8.
    const auto unicode = icu::UnicodeString::fromUTF8(text);
    std::u32string codePoints(static_cast<std::size_t>(unicode.countChar32()), U'\0');
    UErrorCode status = U_ZERO_ERROR;
    unicode.toUTF32(reinterpret_cast<UChar32*>(codePoints.data()), static_cast<int32_t>(codePoints.size()), status);
    codePoints = internal::HtmlText::unescape(internal::HtmlText::unescape(codePoints));
    auto unescaped = icu::UnicodeString::fromUTF32(
        reinterpret_cast<const UChar32*>(codePoints.data()), static_cast<int32_t>(codePoints.size()));

    static const std::unique_ptr<icu::RegexPattern> whitespace = [] {
        UErrorCode compileStatus = U_ZERO_ERROR;
        UParseError parseError;
        return std::unique_ptr<icu::RegexPattern>(
            icu::RegexPattern::compile(icu::UnicodeString(kPythonWhitespace), 0, parseError, compileStatus));
    }();
    status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(whitespace->matcher(unescaped, status));
    auto collapsed = matcher->replaceAll(icu::UnicodeString(u" "), status);
    if (U_FAILURE(status))
        throw ModelError(std::string("ICU whitespace replacement failed: ") + u_errorName(status));
    // After the collapse every whitespace run is one space, so stripping spaces equals Python's strip().
    int32_t begin = 0;
    int32_t end = collapsed.length();
    while (begin < end && collapsed.charAt(begin) == u' ')
        ++begin;
    while (end > begin && collapsed.charAt(end - 1) == u' ')
        --end;
    auto stripped = collapsed.tempSubStringBetween(begin, end);
    stripped.toLower(icu::Locale::getRoot()); // full Unicode lower-casing as Python's str.lower()
    std::string result;
    stripped.toUTF8String(result);
    return result;
}

std::vector<std::int64_t> ClipTokenizer::encode(const std::string& text) const
{
    const auto cleaned = icu::UnicodeString::fromUTF8(clean(text));
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(d->tokenPattern->matcher(cleaned, status));
    if (U_FAILURE(status))
        throw ModelError(std::string("ICU tokenizer matcher failed: ") + u_errorName(status));
    std::vector<std::int64_t> ids;
    while (matcher->find(status) && U_SUCCESS(status)) {
        std::string bytes;
        matcher->group(status).toUTF8String(bytes);
        std::string token;
        for (const char byte : bytes)
            token += d->byteEncoder[static_cast<unsigned char>(byte)];
        const auto pieces = d->bpe(token);
        ids.insert(ids.end(), pieces.begin(), pieces.end());
    }
    if (U_FAILURE(status))
        throw ModelError(std::string("ICU tokenizer match failed: ") + u_errorName(status));
    return ids;
}

std::vector<std::vector<std::int64_t>> ClipTokenizer::tokenize(
    const std::vector<std::string>& texts, int contextLength) const
{
    if (contextLength < 2)
        throw std::invalid_argument("ClipTokenizer::tokenize: context length " + std::to_string(contextLength)
            + " cannot hold the start and end tokens");
    std::vector<std::vector<std::int64_t>> rows;
    rows.reserve(texts.size());
    for (const auto& text : texts) {
        std::vector<std::int64_t> row;
        row.reserve(static_cast<std::size_t>(contextLength));
        row.push_back(d->startOfText);
        const auto tokens = encode(text);
        row.insert(row.end(), tokens.begin(), tokens.end());
        row.push_back(d->endOfText);
        if (row.size() > static_cast<std::size_t>(contextLength)) {
            row.resize(static_cast<std::size_t>(contextLength));
            row.back() = d->endOfText;
        }
        row.resize(static_cast<std::size_t>(contextLength), 0);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string ClipTokenizer::decode(const std::vector<std::int64_t>& tokens) const
{
    std::string symbols;
    for (const auto token : tokens) {
        if (token < 0 || token >= static_cast<std::int64_t>(d->decoder.size()))
            throw std::out_of_range("ClipTokenizer::decode: token id " + std::to_string(token) + " out of range");
        symbols += d->decoder[static_cast<std::size_t>(token)];
    }
    std::string bytes;
    for (std::size_t i = 0; i < symbols.size();) {
        if (symbols.compare(i, 4, "</w>") == 0) {
            bytes += ' ';
            i += 4;
            continue;
        }
        const auto lead = static_cast<unsigned char>(symbols[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const auto found = d->byteDecoder.find(symbols.substr(i, length));
        if (found != d->byteDecoder.end())
            bytes += static_cast<char>(found->second);
        else
            bytes += symbols.substr(i, length);
        i += length;
    }
    // Invalid UTF-8 from partial tokens becomes U+FFFD, as bytearray.decode(errors="replace") does.
    std::string text;
    icu::UnicodeString::fromUTF8(bytes).toUTF8String(text);
    return text;
}

int ClipTokenizer::startOfText() const
{
    return static_cast<int>(d->startOfText);
}

int ClipTokenizer::endOfText() const
{
    return static_cast<int>(d->endOfText);
}

int ClipTokenizer::vocabularySize() const
{
    return static_cast<int>(d->decoder.size());
}

int ClipTokenizer::mergeCount() const
{
    return d->mergeCount;
}

} // namespace lrclr
