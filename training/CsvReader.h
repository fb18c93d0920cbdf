#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace lrclr {

/// Reads RFC 4180 CSV files record by record: comma separators, double-quoted fields with "" escapes and embedded
/// newlines, LF or CRLF line ends, an optional UTF-8 byte order mark. Errors (unterminated quote, oversized field)
/// throw ManifestError with "file:line:". Not thread-safe.
class CsvReader {
public:
    /// Throws ManifestError when the file cannot be opened.
    explicit CsvReader(const std::string& path);

    /// Reads the next record into `fields`; false at the end of the file. Empty lines are skipped.
    bool next(std::vector<std::string>& fields);
    /// The line on which the last record returned by next() started (1-based).
    int lineNumber() const { return m_recordLine; }
    const std::string& path() const { return m_path; }
    /// "file:line" of the last record, for error messages.
    std::string where() const { return m_path + ":" + std::to_string(m_recordLine); }

    /// The index of `name` in `header`, or -1.
    static int column(const std::vector<std::string>& header, const std::string& name);

private:
    std::string m_path;
    std::ifstream m_input;
    int m_line = 1;
    int m_recordLine = 0;
    bool m_first = true;
};

} // namespace lrclr
