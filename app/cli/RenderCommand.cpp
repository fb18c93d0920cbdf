#include "app/cli/RenderCommand.h"

#include <iostream>
#include <optional>
#include <string>

#include <QFileInfo>
#include <QString>

#include "app/cli/CommandOptions.h"
#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/StudyFileType.h"
#include "imaging/DisplayFrameWriter.h"
#include "imaging/RasterImageReader.h"

namespace lrclr::cli {

namespace {

/// "C,W" -> center and width; width must be positive.
std::optional<std::pair<double, double>> parseWindow(const std::string& text)
{
    const QStringList parts = QString::fromStdString(text).split(',');
    if (parts.size() != 2)
        return std::nullopt;
    bool centerOk = false;
    bool widthOk = false;
    const double center = parts[0].trimmed().toDouble(&centerOk);
    const double width = parts[1].trimmed().toDouble(&widthOk);
    if (!centerOk || !widthOk || !(width > 0.0))
        return std::nullopt;
    return std::make_pair(center, width);
}

/// Reads frame `frame` (from 1) of a raster or DICOM file into `image`; on failure returns false and sets `error`.
bool readFrame(const QString& input, int frame, XrayImage& image, std::string& error)
{
    if (StudyFileType::of(input) == StudyFileType::Kind::Raster) {
        QString rasterError;
        auto raster = RasterImageReader::read(input, &rasterError);
        if (!raster) {
            error = rasterError.toStdString();
            return false;
        }
        if (frame != 1) {
            error = input.toStdString() + " has a single frame";
            return false;
        }
        image = std::move(*raster);
        return true;
    }
    DicomImageReader reader;
    if (!reader.read(QFile::encodeName(input).toStdString(), image, frame - 1)) {
        error = reader.errorString();
        return false;
    }
    return true;
}

} // namespace

RenderCommand::RenderCommand()
    : Command("render", "Render one frame of an image through the display pipeline to a file")
{
}

int RenderCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr render FILE --out OUTPUT [options]");
    options.add()("out,o", po::value<std::string>(), "output image (.png, .pgm/.ppm, .jpg, .tif), 8-bit")("window,w",
        po::value<std::string>(),
        "window center,width in modality units (default: the image's first preset, else its full range)")(
        "frame,f", po::value<int>()->default_value(1), "frame number, from 1")("invert", "invert the gray scale");
    options.addHidden()("input", po::value<std::string>());
    options.addPositional("input");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("input") || !options.has("out"))
        return options.usageError("an input file and --out are required");
    const QString input = QString::fromStdString(options.value<std::string>("input"));
    const QString output = QString::fromStdString(options.value<std::string>("out"));
    const int frame = options.value<int>("frame");
    std::optional<std::pair<double, double>> window;
    if (options.has("window")) {
        window = parseWindow(options.value<std::string>("window"));
        if (!window)
            return options.error("--window needs CENTER,WIDTH with a positive width", 2);
    }
    if (frame < 1)
        return options.error("--frame counts from 1", 2);

    XrayImage image;
    if (std::string error; !readFrame(input, frame, image, error))
        return options.error(error, 1);
    DisplayPipeline pipeline(std::move(image));
    if (window)
        pipeline.setWindow(window->first, window->second);
    if (options.has("invert"))
        pipeline.setUserInverted(true);
    QString error;
    if (!DisplayFrameWriter::write(pipeline.render(), output, &error))
        return options.error(error.toStdString(), 1);
    return 0;
}

} // namespace lrclr::cli
