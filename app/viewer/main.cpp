// lrclr-viewer: the radiologist's viewer. Parses the command line, builds the main window, runs the event loop.
#include <QApplication>
#include <QCommandLineParser>

#include "app/viewer/SmokeTest.h"
#include "core/study/DicomLibrary.h"
#include "ui/MainWindow.h"

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LRCLR Viewer"));
    QApplication::setOrganizationName(QStringLiteral("LRCLR"));
    QApplication::setApplicationVersion(QStringLiteral(LRCLR_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chest X-ray viewer with LRCLR region-sentence grounding"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Open the bundled demo study."));
    const QCommandLineOption smokeOption(QStringLiteral("smoke-test"),
                                         QStringLiteral("Check Qt, LibTorch, DCMTK, VTK and BLAS, then quit."));
    parser.addOption(demoOption);
    parser.addOption(smokeOption);
    parser.process(application);

    lrclr::DicomLibrary::initialize();
    lrclr::MainWindow window;

    if (parser.isSet(smokeOption)) {
        lrclr::SmokeTest smokeTest(window);
        smokeTest.start();
        return QApplication::exec();
    }

    if (parser.isSet(demoOption))
        window.showTestPattern();
    window.show();
    return QApplication::exec();
}
