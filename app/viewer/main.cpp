// lrclr-viewer: the radiologist's viewer. Parses the command line, builds the main window, runs the event loop.
#include <QApplication>
#include <QCommandLineParser>

#include "app/viewer/DemoRunner.h"
#include "app/viewer/SmokeTest.h"
#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "core/study/DicomLibrary.h"
#include "ui/DarkTheme.h"
#include "ui/MainWindow.h"

int main(int argc, char** argv)
{
    // Fractional HiDPI scales (150 %) as the screen asks, instead of rounding fonts and images to 100 % or 200 %.
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LRCLR Viewer"));
    QApplication::setOrganizationName(QStringLiteral("LRCLR"));
    QApplication::setApplicationVersion(QStringLiteral(LRCLR_VERSION_STRING));

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
    parser.addOption(demoOption);
    parser.addOption(exportOption);
    parser.addOption(smokeOption);
    parser.addOption(lightOption);
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Image files, folders or DICOMDIRs to open."),
        QStringLiteral("[paths...]"));
    parser.process(application);

    lrclr::DicomLibrary::initialize();
    if (!parser.isSet(lightOption))
        lrclr::DarkTheme::apply(application);

    // Without a model the analysis fails with a message naming where the model was expected.
    QString modelDirectory = lrclr::DemoRunner::findModelDirectory();
    if (modelDirectory.isEmpty())
        modelDirectory = QStringLiteral("models/demo");
    lrclr::InferenceService service(std::make_unique<lrclr::LrclrAnalyzer>(modelDirectory.toStdString()));
    lrclr::MainWindow window(&service);

    if (parser.isSet(smokeOption)) {
        lrclr::SmokeTest smokeTest(window);
        smokeTest.start();
        return QApplication::exec();
    }

    window.show();
    lrclr::DemoRunner demo(window, parser.value(exportOption));
    if (parser.isSet(demoOption))
        demo.start();
    for (const QString& path : parser.positionalArguments())
        window.openPath(path);
    return QApplication::exec();
}
