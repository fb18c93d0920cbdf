#pragma once

#include <functional>
#include <memory>

#include <QString>
#include <QStringList>

#include "core/study/StudyIndex.h"

namespace lrclr {

class StudyIndexRasterProbe;

/// Builds a StudyIndex from a folder (recursive) or a DICOMDIR, synchronously; StudyIndexer runs it on a worker
/// thread. Files are classified by content and name:
/// - DICOM (a "DICM" preamble, or a .dcm/.dicom/.dic/.ima name): header read by StudyIndexHeaderReader;
/// - raster images (.png, .jpg, .jpeg, .tif, .tiff): one study per file, or per MIMIC-CXR study folder
///   (pNN/pNNNNNNNN/sNNNNNNNN/), sized by the injected StudyIndexRasterProbe if any;
/// - reports: a .txt sidecar (same stem as an image, or MIMIC-CXR sNNNNNNNN.txt) and DICOM SR instances are listed
///   in their study's reportPaths;
/// - anything else, and every file that fails to read, is listed in StudyIndex::problems() with a reason.
/// Symbolic links to folders are not followed (no loops). Logs nothing: PHI stays out of logs by construction.
/// Thread-safety: scan() is reentrant (const, no shared state).
class StudyIndexScanner {
public:
    /// Called after each file with (files done, files in total). Runs on the scanning thread.
    using ProgressCallback = std::function<void(int done, int total)>;
    /// Polled between files (and every 256 entries of a folder walk); true stops the scan.
    using CancelCheck = std::function<bool()>;

    /// Folder walks stop collecting beyond this many files (listed as a problem), so a mistaken scan of "/" ends.
    static constexpr int maximumFileCount = 200000;

    /// How much of a folder a scan reads: a folder the user opens is walked recursively; the folder beside a file
    /// the user opens is read one level deep and bounded, so opening /tmp/x.dcm does not index all of /tmp.
    struct FolderScope {
        bool recursive = true;
        int maximumFiles = maximumFileCount;
        /// The neighbours of an opened file: this folder only, at most 500 files.
        static FolderScope neighbours() { return { false, 500 }; }
    };

    explicit StudyIndexScanner(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe = {});

    /// `path`: a folder, a DICOMDIR, or a single file. When `cancelRequested` returns true the scan stops between files
    /// and returns what it has with isCancelled() set. Returns std::nullopt and sets `errorMessage` when `path` does
    /// not exist or a DICOMDIR given as `path` is unreadable.
    std::optional<StudyIndex> scan(const QString& path, const CancelCheck& cancelRequested = {},
        const ProgressCallback& progress = {}, QString* errorMessage = nullptr) const
    {
        return scan(path, FolderScope {}, cancelRequested, progress, errorMessage);
    }
    /// The same with a folder scope (ignored for a DICOMDIR or a single file).
    std::optional<StudyIndex> scan(const QString& path, const FolderScope& scope, const CancelCheck& cancelRequested,
        const ProgressCallback& progress, QString* errorMessage) const;

    static bool isRasterFileName(const QString& path);
    static bool isDicomFileName(const QString& path);

private:
    std::shared_ptr<const StudyIndexRasterProbe> m_rasterProbe;
};

} // namespace lrclr
