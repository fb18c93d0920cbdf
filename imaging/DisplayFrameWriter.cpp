#include "imaging/DisplayFrameWriter.h"

#include <cstdio>
#include <memory>

#include <QFileInfo>
#include <QImage>
#include <QImageWriter>

namespace lrclr {

namespace {

bool fail(QString* errorMessage, const QString& message)
{
    if (errorMessage)
        *errorMessage = message;
    return false;
}

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

} // namespace

QImage DisplayFrameWriter::view(const DisplayFrame& frame)
{
    if (!frame.isValid())
        return {};
    return QImage(frame.bytes.data(), frame.width, frame.height, frame.bytesPerLine(),
        frame.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
}

bool DisplayFrameWriter::write(const DisplayFrame& frame, const QString& path, QString* errorMessage)
{
    if (!frame.isValid())
        return fail(errorMessage, path + QStringLiteral(": nothing to write (empty frame)"));
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pgm") || suffix == QLatin1String("ppm") || suffix == QLatin1String("pnm")) {
        // Netpbm is a header plus the raw bytes: written directly, it costs no more than the copy to disk.
        if (suffix == QLatin1String("pgm") && frame.channels != 1)
            return fail(errorMessage, path + QStringLiteral(": a colour image cannot be written as PGM (use .ppm)"));
        std::unique_ptr<std::FILE, FileCloser> file(std::fopen(QFile::encodeName(path).constData(), "wb"));
        if (!file)
            return fail(errorMessage, path + QStringLiteral(": cannot open for writing"));
        const QByteArray header = QStringLiteral("P%1\n%2 %3\n255\n")
                                      .arg(frame.channels == 3 ? 6 : 5)
                                      .arg(frame.width)
                                      .arg(frame.height)
                                      .toLatin1();
        if (std::fwrite(header.constData(), 1, static_cast<std::size_t>(header.size()), file.get())
                != static_cast<std::size_t>(header.size())
            || std::fwrite(frame.bytes.data(), 1, frame.bytes.size(), file.get()) != frame.bytes.size()
            || std::fflush(file.get()) != 0)
            return fail(errorMessage, path + QStringLiteral(": write failed (disk full?)"));
        return true;
    }
    if (suffix.isEmpty() || !QImageWriter::supportedImageFormats().contains(suffix.toLatin1()))
        return fail(errorMessage, path + QStringLiteral(": unsupported output format '%1'").arg(suffix));
    QImageWriter writer(path, suffix.toLatin1());
    if (suffix == QLatin1String("png"))
        writer.setQuality(85); // Qt maps PNG quality onto zlib level (here 1): speed matters more than bytes
    if (!writer.write(view(frame)))
        return fail(errorMessage, path + QStringLiteral(": ") + writer.errorString());
    return true;
}

} // namespace lrclr
