#pragma once

#include <QString>

namespace lrclr {

/// Reads the size of a raster image (PNG/JPEG/TIFF) for the indexer without decoding its pixels.
///
/// Why an interface: lrclr::core links Qt Core only, and image codecs live in Qt Gui. The indexer (core) lists raster
/// files by extension and asks an injected probe for their dimensions; lrclr::imaging's RasterImageReader implements
/// it with QImageReader. Without a probe, raster instances are indexed with rows = columns = 0 (unknown until
/// opened). Implementations must be thread-safe: the indexer calls them from its worker thread.
class StudyIndexRasterProbe {
public:
    struct Info {
        int rows = 0;
        int columns = 0;
        QString format; ///< "png", "jpeg", "tiff"
    };

    StudyIndexRasterProbe() = default;
    StudyIndexRasterProbe(const StudyIndexRasterProbe&) = delete;
    StudyIndexRasterProbe& operator=(const StudyIndexRasterProbe&) = delete;
    virtual ~StudyIndexRasterProbe() = default;

    /// Returns false and sets `errorMessage` (naming the file) when `path` is not a readable raster image.
    virtual bool probe(const QString& path, Info& info, QString* errorMessage) const = 0;
};

} // namespace lrclr
