// Fuzz target: a DICOM file read as a study image (DicomImageReader: the hostile-file pre-scan, DCMTK's parser and
// decoders, the project's own pixel paths and OpenJPEG for JPEG 2000), then shown through the display pipeline.
// DicomImageReader reports bad files through its return value; it throws nothing.
#include <cstddef>
#include <cstdint>

#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "tests/fuzz/DicomFuzzSupport.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

namespace {

/// Largest image rendered per input: a bigger one is valid but only costs time (the reader's own limit is 2^28).
constexpr std::size_t maximumRenderedPixels = std::size_t { 1 } << 22;

void exercise(const XrayImage& image)
{
    fuzz::require(image.isValid());
    const auto [low, high] = image.storedRange();
    fuzz::require(low <= high);
    image.storedValue(0, 0);
    image.storedValue(image.columns - 1, image.rows - 1);
    image.modalityValue(low);
    image.modalityValue(high);
    if (image.pixelCount() > maximumRenderedPixels)
        return;
    DisplayPipeline pipeline(image);
    pipeline.setRenderBands(1);
    pipeline.render();
    for (int i = 0; i < static_cast<int>(image.windowPresets.size()) && i < 4; ++i)
        fuzz::require(pipeline.selectWindowPreset(i));
    for (int i = 0; i < static_cast<int>(image.voiLuts.size()) && i < 4; ++i) {
        fuzz::require(pipeline.selectVoiLut(i));
        pipeline.render();
    }
    pipeline.setUserInverted(true);
    pipeline.setVoi(DisplayPipeline::percentileVoi(image, 0.5, 99.5));
    pipeline.render();
    pipeline.displayValue(low);
    pipeline.displayValue(high);
    DisplayPipeline::modelInput(image);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::initializeDicom();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("input.dcm", data, size);
    DicomImageReader reader;
    XrayImage image;
    if (!reader.read(path, image, 0)) {
        fuzz::require(!reader.errorString().empty());
        return 0;
    }
    exercise(image);
    if (image.numberOfFrames > 1) {
        XrayImage last;
        if (reader.read(path, last, image.numberOfFrames - 1))
            exercise(last);
    }
    return 0;
}
