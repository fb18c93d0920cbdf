#pragma once

#include <QString>

namespace lrclr {

/// Decides what kind of file a study path holds, once, for every reader: the viewer, `lrclr analyze`, `render`,
/// `train` and `evaluate` (imaging/StudyReader, imaging/ModelInputReader) and the browser's index. Content comes
/// first, the name only where the content says nothing, so a DICOM file without a preamble or without `.dcm` opens
/// everywhere or nowhere. Stateless; thread-safe.
class StudyFileType {
public:
    enum class Kind {
        Dicom, ///< DICOM Part 10 ("DICM" after the preamble), a preamble-less data set, or a .dcm/.dicom/.dic/.ima name
        Raster, ///< PNG, JPEG or TIFF by signature, or by a .png/.jpg/.jpeg/.tif/.tiff/.bmp name
        Unknown ///< neither (including a missing or unreadable file)
    };

    /// Reads at most the first 132 bytes of `path`.
    static Kind of(const QString& path);

    /// Names that say DICOM: .dcm, .dicom, .dic, .ima (any case).
    static bool hasDicomName(const QString& path);
    /// Names that say raster image: .png, .jpg, .jpeg, .tif, .tiff, .bmp (any case).
    static bool hasRasterName(const QString& path);
    /// "DICM" at offset 128.
    static bool hasDicomPreamble(const QString& path);
};

} // namespace lrclr
