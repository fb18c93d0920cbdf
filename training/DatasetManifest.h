#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "training/ManifestEntry.h"

namespace lrclr {

/// Thrown for a manifest that cannot be read or written; the message starts with "file:line:" where a line is at
/// fault.
class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A dataset manifest: the list of studies the trainer and the evaluator read, stored as JSON Lines (one JSON
/// object per study, format in docs/DATASETS.md). Readers of the real dataset layouts (MimicCxrReader,
/// ChexpertReader) and the phantom generator produce it. Not thread-safe; reading and writing are reentrant.
class DatasetManifest {
public:
    DatasetManifest() = default;

    /// Reads a manifest; relative paths in it are resolved against its folder. Throws ManifestError naming the
    /// file and line of the first bad row (and what is wrong with it).
    static DatasetManifest load(const std::string& path);
    /// As load(), but a row that cannot be parsed is left out and its error ("file:line: problem") appended to
    /// `badRows` instead of thrown (`lrclr evaluate --skip-bad`). Unreadable files still throw.
    static DatasetManifest load(const std::string& path, std::vector<std::string>& badRows);
    /// Parses one line (without the newline); `where` prefixes error messages, e.g. "manifest.jsonl:12".
    static ManifestEntry parseLine(const std::string& line, const std::string& where);
    static std::string formatLine(const ManifestEntry& entry);

    /// Writes the manifest as JSON Lines (atomically: a temporary file renamed over `path`).
    void save(const std::string& path) const;

    const std::vector<ManifestEntry>& entries() const { return m_entries; }
    std::vector<ManifestEntry>& entries() { return m_entries; }
    void add(ManifestEntry entry) { m_entries.push_back(std::move(entry)); }

    /// The folder relative paths are resolved against (the manifest's folder after load()).
    const std::string& baseDirectory() const { return m_baseDirectory; }
    void setBaseDirectory(const std::string& directory) { m_baseDirectory = directory; }
    /// `path` made absolute against baseDirectory() unless it already is.
    std::string resolve(const std::string& path) const;

    /// The report text of `entry`: reportText, or the contents of its report file. Throws ManifestError when the
    /// file cannot be read.
    std::string reportText(const ManifestEntry& entry) const;

    /// Entries whose split is `split` ("" selects the unassigned ones).
    std::vector<ManifestEntry> split(const std::string& split) const;

private:
    static DatasetManifest read(const std::string& path, std::vector<std::string>* badRows);

    std::string m_baseDirectory;
    std::vector<ManifestEntry> m_entries;
};

} // namespace lrclr
