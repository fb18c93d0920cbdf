#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lrclr {

/// Learns byte-level BPE merges from a text corpus in the form ClipTokenizer reads (CLIP's merges file): the same
/// cleaning (ClipTokenizer::clean), pre-tokenisation (CLIP's regex: contractions, letter runs, single digits, runs
/// of other symbols) and byte-to-unicode mapping, words ending in "</w>", and at each step the most frequent
/// adjacent pair merged (ties broken by the pair's text, so the result is deterministic). A model using the file
/// has a vocabulary of 512 + merges + 2 tokens. Not thread-safe; one instance per corpus.
class BpeTrainer {
public:
    /// Counts the words of `text` (call once per document).
    void addText(const std::string& text);
    /// Distinct words seen.
    std::size_t wordCount() const { return m_words.size(); }

    /// Learns up to `merges` merges; fewer when no pair occurs at least `minimumFrequency` times.
    std::vector<std::pair<std::string, std::string>> train(int merges, int minimumFrequency = 2) const;

    /// Writes CLIP's format: a "#version" header line, then one "left right" pair per line; gzip-compressed when
    /// `path` ends in ".gz". Throws std::runtime_error naming the file.
    static void write(const std::string& path, const std::vector<std::pair<std::string, std::string>>& merges);

    /// CLIP's pre-tokenisation of already cleaned text (exposed for tests).
    static std::vector<std::string> preTokenize(const std::string& cleanedText);

private:
    std::map<std::string, std::int64_t> m_words;
};

} // namespace lrclr
