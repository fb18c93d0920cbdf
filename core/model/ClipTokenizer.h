#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lrclr {

/// CLIP's byte-level BPE tokenizer (openai/CLIP simple_tokenizer.py): text cleaning (html.unescape twice,
/// whitespace collapse, strip, lower-case), ICU regex pre-tokenisation with \p{L}/\p{N} classes, byte-to-unicode
/// mapping, BPE with the merges of a CLIP-format file (gzip or plain), and `tokenize` with SOT/EOT and padding.
/// Thread-safe: const methods may run concurrently (the BPE cache is guarded).
class ClipTokenizer {
public:
    /// CLIP's vocabulary: 256 byte tokens, their "</w>" forms, 48,894 merges, <|startoftext|>, <|endoftext|>.
    static constexpr int kClipVocabularySize = 49408;

    /// Reads a merges file: a header line, then one "left right" merge per line. The vocabulary is 512 byte tokens +
    /// the merges + the two special tokens. With `vocabularySize` > 0 only the first vocabularySize - 514 merges are
    /// used (CLIP's file holds 262,144 merges of which the model uses 48,894; pass the model's vocabulary size,
    /// e.g. ClipConfig::vocabularySize); with 0 all merges are used. Throws lrclr::ModelError naming the file.
    explicit ClipTokenizer(const std::string& mergesPath, int vocabularySize = 0);
    ~ClipTokenizer();
    ClipTokenizer(const ClipTokenizer&) = delete;
    ClipTokenizer& operator=(const ClipTokenizer&) = delete;

    /// Token ids of `text` without start/end tokens (CLIP's SimpleTokenizer.encode). Invalid UTF-8 is decoded with
    /// U+FFFD replacement characters.
    std::vector<std::int64_t> encode(const std::string& text) const;

    /// One row per text: <|startoftext|>, tokens, <|endoftext|>, zero padding to `contextLength`; a longer text is
    /// cut to `contextLength` with the last id forced to <|endoftext|> (clip.tokenize(..., truncate=True)).
    std::vector<std::vector<std::int64_t>> tokenize(
        const std::vector<std::string>& texts, int contextLength = 77) const;

    /// The text of token ids, "</w>" turned back into spaces (SimpleTokenizer.decode), for diagnostics.
    std::string decode(const std::vector<std::int64_t>& tokens) const;

    /// CLIP's cleaning: html.unescape twice, whitespace runs -> one space, strip, lower-case.
    static std::string clean(const std::string& text);

    int startOfText() const;
    int endOfText() const;
    int vocabularySize() const;
    int mergeCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr
