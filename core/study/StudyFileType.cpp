#include "core/study/StudyFileType.h"

#include <fstream>

#include <QByteArray>
#include <QFile>
#include <QFileInfo>

namespace lrclr {

namespace {

constexpr int headLength = 132;

// std::ifstream, not QFile: QFile is a QObject, and the trainer's loaders call this on plain std::threads, where
// Qt objects outlive the thread's Qt data.
QByteArray readHead(const QString& path)
{
    if (!QFileInfo(path).isFile())
        return {};
    std::ifstream file(QFile::encodeName(path).toStdString(), std::ios::binary);
    char head[headLength];
    file.read(head, headLength);
    return QByteArray(head, static_cast<qsizetype>(file.gcount()));
}

bool isPart10(const QByteArray& head)
{
    return head.size() >= headLength && head.mid(128, 4) == "DICM";
}

// A data set written without the 128-byte preamble and "DICM" (older modalities, some exporters) starts with its
// first element's tag: group 0002 (file meta) or 0008 (identification), little endian, then an explicit VR of two
// capital letters or an implicit 32-bit length.
bool isPreamblelessDataSet(const QByteArray& head)
{
    if (head.size() < 8)
        return false;
    const auto byte = [&head](int index) { return static_cast<unsigned char>(head[index]); };
    const int group = byte(0) | (byte(1) << 8);
    if (group != 0x0002 && group != 0x0008)
        return false;
    const bool explicitVr = byte(4) >= 'A' && byte(4) <= 'Z' && byte(5) >= 'A' && byte(5) <= 'Z';
    const bool implicitLength = byte(7) == 0 && byte(6) == 0; // a short element value: length < 65536
    return explicitVr || implicitLength;
}

bool isRasterSignature(const QByteArray& head)
{
    return head.startsWith("\x89PNG\r\n\x1a\n") || head.startsWith("\xff\xd8\xff") || head.startsWith("II*\0")
        || head.startsWith(QByteArray("MM\0*", 4));
}

bool hasSuffix(const QString& path, std::initializer_list<const char*> suffixes)
{
    const QString suffix = QFileInfo(path).suffix();
    for (const char* candidate : suffixes)
        if (suffix.compare(QLatin1String(candidate), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

bool StudyFileType::hasDicomName(const QString& path)
{
    return hasSuffix(path, { "dcm", "dicom", "dic", "ima" });
}

bool StudyFileType::hasRasterName(const QString& path)
{
    return hasSuffix(path, { "png", "jpg", "jpeg", "tif", "tiff", "bmp" });
}

bool StudyFileType::hasDicomPreamble(const QString& path)
{
    return isPart10(readHead(path));
}

StudyFileType::Kind StudyFileType::of(const QString& path)
{
    const QByteArray head = readHead(path);
    if (isPart10(head))
        return Kind::Dicom;
    if (isRasterSignature(head))
        return Kind::Raster;
    if (isPreamblelessDataSet(head))
        return Kind::Dicom;
    if (head.isEmpty() && !QFileInfo(path).isFile())
        return Kind::Unknown;
    if (hasDicomName(path))
        return Kind::Dicom;
    if (hasRasterName(path))
        return Kind::Raster;
    return Kind::Unknown;
}

} // namespace lrclr
