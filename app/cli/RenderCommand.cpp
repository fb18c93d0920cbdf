#include "app/cli/RenderCommand.h"

#include <iostream>
#include <optional>

#include <QFileInfo>
#include <QString>

#include <boost/program_options.hpp>

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

} // namespace

int RenderCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr render FILE --out OUTPUT [options]");
    options.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
        "output image (.png, .pgm/.ppm, .jpg, .tif), 8-bit")("window,w", po::value<std::string>(),
        "window center,width in modality units (default: the image's first preset, else its full range)")(
        "frame,f", po::value<int>()->default_value(1), "frame number, from 1")("invert", "invert the gray scale");
    po::options_description hidden;
    hidden.add_options()("input", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("input", 1);
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "lrclr render: " << error.what() << '\n';
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (!values.count("input") || !values.count("out")) {
        std::cerr << "lrclr render: an input file and --out are required\n" << options;
        return 2;
    }
    const QString input = QString::fromStdString(values["input"].as<std::string>());
    const QString output = QString::fromStdString(values["out"].as<std::string>());
    const int frame = values["frame"].as<int>();
    std::optional<std::pair<double, double>> window;
    if (values.count("window")) {
        window = parseWindow(values["window"].as<std::string>());
        if (!window) {
            std::cerr << "lrclr render: --window needs CENTER,WIDTH with a positive width\n";
            return 2;
        }
    }
    if (frame < 1) {
        std::cerr << "lrclr render: --frame counts from 1\n";
        return 2;
    }

    XrayImage image;
    if (StudyFileType::of(input) == StudyFileType::Kind::Raster) {
        QString error;
        auto raster = RasterImageReader::read(input, &error);
        if (!raster) {
            std::cerr << "lrclr render: " << error.toStdString() << '\n';
            return 1;
        }
        if (frame != 1) {
            std::cerr << "lrclr render: " << input.toStdString() << " has a single frame\n";
            return 1;
        }
        image = std::move(*raster);
    } else {
        DicomImageReader reader;
        if (!reader.read(QFile::encodeName(input).toStdString(), image, frame - 1)) {
            std::cerr << "lrclr render: " << reader.errorString() << '\n';
            return 1;
        }
    }

    DisplayPipeline pipeline(std::move(image));
    if (window)
        pipeline.setWindow(window->first, window->second);
    if (values.count("invert"))
        pipeline.setUserInverted(true);
    QString error;
    if (!DisplayFrameWriter::write(pipeline.render(), output, &error)) {
        std::cerr << "lrclr render: " << error.toStdString() << '\n';
        return 1;
    }
    return 0;
}

} // namespace lrclr::cli
