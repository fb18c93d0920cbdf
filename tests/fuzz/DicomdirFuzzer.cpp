// Fuzz target: a DICOMDIR (DicomdirReader: the pre-scan, DCMTK's parser, the Directory Record Sequence and the
// resolution of each Referenced File ID inside the media folder). The media folder holds IMAGES/IM1 so that
// references can resolve; whatever the input, no listed file may lie outside the media folder.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include <QDir>
#include <QFileInfo>

#include "core/study/DicomdirReader.h"
#include "tests/fuzz/DicomFuzzSupport.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

namespace {

QString mediaFolder;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::initializeDicom();
    const std::string media = fuzz::temporaryFolder().path() + "/media";
    std::filesystem::create_directories(media + "/IMAGES");
    const std::uint8_t nothing = 0;
    fuzz::temporaryFolder().write("media/IMAGES/IM1", &nothing, 0);
    mediaFolder = QFileInfo(QString::fromStdString(media)).canonicalFilePath();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("media/DICOMDIR", data, size);
    QString error;
    const auto result = DicomdirReader::read(QString::fromStdString(path), &error);
    if (!result) {
        fuzz::require(!error.isEmpty());
        return 0;
    }
    for (const QString& file : result->files)
        fuzz::require(file.startsWith(mediaFolder + u'/'));
    return 0;
}
