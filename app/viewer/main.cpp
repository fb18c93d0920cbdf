// lrclr-viewer: the radiologist's viewer. Parses the command line, builds the main window, runs the event loop.
#include <cstring>
#include <iostream>

#include <QApplication>
#include <QCommandLineParser>

#include "app/viewer/DemoRunner.h"
#include "app/viewer/PacsCommandLine.h"
#include "app/viewer/ScreenshotRunner.h"
#include "app/viewer/SmokeTest.h"
#include "core/dicom/DicomLibrary.h"
#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "ui/DarkTheme.h"
#include "ui/MainWindow.h"

namespace {

// Whether the command line only asks for the help text or the version, which need no display.
bool asksForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* option : { "-h", "--help", "--help-all", "-?", "-v", "--version" }) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("LRCLR Viewer"));
    QCoreApplication::setOrganizationName(QStringLiteral("LRCLR"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LRCLR_VERSION_STRING));
}

} // namespace

int main(int argc, char** argv)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chest X-ray viewer with LRCLR region-sentence grounding"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Open the bundled demo study."));
    const QCommandLineOption exportOption(QStringLiteral("export"),
        QStringLiteral("With --demo: wait for the analysis, write DIR/overlay.png and DIR/analysis.json, quit."),
        QStringLiteral("DIR"));
    const QCommandLineOption smokeOption(
        QStringLiteral("smoke-test"), QStringLiteral("Check Qt, LibTorch, DCMTK, VTK and BLAS, then quit."));
    const QCommandLineOption lightOption(
        QStringLiteral("light"), QStringLiteral("Use the system theme, not the dark one."));
    const QCommandLineOption modelOption(QStringLiteral("model"),
        QStringLiteral("Model directory (default: $LRCLR_MODEL_DIR, else the bundled demo model)."),
        QStringLiteral("DIR"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("Wait for the analysis, grab the window from the screen into FILE (and FILE's stem + "
                       "-no-overlay.png, + .json with where the image lies in it), quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption selectSentenceOption(QStringLiteral("select-sentence"),
        QStringLiteral("With --screenshot: show the heatmap of the report sentence matching TEXT."),
        QStringLiteral("TEXT"));
    parser.addOption(demoOption);
    parser.addOption(exportOption);
    parser.addOption(smokeOption);
    parser.addOption(lightOption);
    parser.addOption(modelOption);
    parser.addOption(screenshotOption);
    parser.addOption(selectSentenceOption);
    const lrclr::PacsCommandLine pacsCommandLine;
    pacsCommandLine.addOptions(parser);
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Image files, folders or DICOMDIRs to open."),
        QStringLiteral("[paths...]"));
    if (asksForHelpOrVersion(argc, argv)) {
        // Without a display a QApplication aborts; help and version print (and exit) from a core application.
        QCoreApplication core(argc, argv);
        nameApplication();
        parser.process(core);
        return 0;
    }

    // Fractional HiDPI scales (150 %) as the screen asks, instead of rounding fonts and images to 100 % or 200 %.
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication application(argc, argv);
    nameApplication();
    parser.process(application);

    lrclr::DicomLibrary::initialize();
    if (!parser.isSet(lightOption))
        lrclr::DarkTheme::apply(application);

    // Without a model the analysis fails with a message naming where the model was expected.
    // --model wins over the environment; through the environment, the demo's messages name the same directory.
    if (parser.isSet(modelOption))
        qputenv("LRCLR_MODEL_DIR", parser.value(modelOption).toLocal8Bit());
    QString modelDirectory = lrclr::DemoRunner::findModelDirectory();
    if (modelDirectory.isEmpty())
        modelDirectory = lrclr::DemoRunner::expectedModelDirectory();
    lrclr::InferenceService service(std::make_unique<lrclr::LrclrAnalyzer>(modelDirectory.toStdString()));
    lrclr::MainWindow window(&service);

    if (parser.isSet(smokeOption)) {
        lrclr::SmokeTest smokeTest(window);
        smokeTest.start();
        return QApplication::exec();
    }

    // Searches and retrieves run on worker threads: their answers arrive after the runners below have started.
    if (QString error; !pacsCommandLine.apply(parser, window, &error)) {
        std::cerr << "lrclr-viewer: " << error.toStdString() << std::endl;
        return 2;
    }
    window.show();
    lrclr::ScreenshotRunner screenshot(window, parser.value(screenshotOption), parser.value(selectSentenceOption));
    const bool opensStudy
        = parser.isSet(demoOption) || !parser.positionalArguments().isEmpty() || pacsCommandLine.opensStudy(parser);
    if (parser.isSet(screenshotOption) && !opensStudy) {
        // Nothing would ever be analysed: say so now instead of waiting for the analysis timeout.
        std::cerr << "lrclr-viewer: --screenshot needs a study to analyse (--demo, a path, or --pacs with "
                     "--patient-id)"
                  << std::endl;
        return 2;
    }
    if (parser.isSet(screenshotOption))
        screenshot.start();
    lrclr::DemoRunner demo(window, parser.value(exportOption));
    if (parser.isSet(demoOption))
        demo.start();
    for (const QString& path : parser.positionalArguments())
        window.openPath(path);

    return QApplication::exec();
}
