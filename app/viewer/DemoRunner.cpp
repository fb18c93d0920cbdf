#include "app/viewer/DemoRunner.h"

#include <iostream>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include "ui/MainWindow.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

constexpr int analysisTimeoutMs = 300000;

/// A bundled folder: `checkoutRelative` in the nearest ancestor folder of the executable (a build tree:
/// build/<preset>/app -> the checkout), else `installedRelative` in the installed data folder (bin -> share/lrclr,
/// LRCLR_DATA_FROM_BIN). Empty when neither exists.
QString findBundled(const QString& checkoutRelative, const QString& installedRelative)
{
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .filePath(QStringLiteral(LRCLR_DATA_FROM_BIN "/") + installedRelative);
    if (QFileInfo(installed).isDir())
        return QFileInfo(installed).canonicalFilePath();
    QDir directory(QCoreApplication::applicationDirPath());
    for (int level = 0; level < 4; ++level) {
        const QFileInfo info(directory.filePath(checkoutRelative));
        if (info.isDir())
            return info.canonicalFilePath();
        if (!directory.cdUp())
            break;
    }
    return {};
}

/// finish() may run before the event loop starts (nothing to wait for), when exit() would be ignored.
void quitLater(int code)
{
    QMetaObject::invokeMethod(
        QCoreApplication::instance(), [code] { QCoreApplication::exit(code); }, Qt::QueuedConnection);
}

void say(const QString& line)
{
    std::cout << "demo: " << line.toStdString() << std::endl;
}

} // namespace

QString DemoRunner::findDemoStudy()
{
    const QString fromEnvironment = qEnvironmentVariable("LRCLR_DEMO_STUDY");
    return !fromEnvironment.isEmpty() ? fromEnvironment
                                      : findBundled(QStringLiteral("resources/demo"), QStringLiteral("demo"));
}

QString DemoRunner::findModelDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("LRCLR_MODEL_DIR");
    return !fromEnvironment.isEmpty() ? fromEnvironment
                                      : findBundled(QStringLiteral("models/demo"), QStringLiteral("models/demo"));
}

QString DemoRunner::expectedModelDirectory()
{
    return QDir(QCoreApplication::applicationDirPath())
        .absoluteFilePath(QStringLiteral(LRCLR_DATA_FROM_BIN "/models/demo"));
}

DemoRunner::DemoRunner(MainWindow& window, QString exportDirectory, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_exportDirectory(std::move(exportDirectory))
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    m_timeout->setInterval(analysisTimeoutMs);
    connect(m_timeout, &QTimer::timeout, this,
        [this] { finish(false, tr("the analysis did not finish within %1 s").arg(analysisTimeoutMs / 1000)); });
}

void DemoRunner::start()
{
    const QString study = findDemoStudy();
    const QString model = findModelDirectory();
    m_modelMissing = model.isEmpty();
    if (m_modelMissing)
        say(QStringLiteral("MISSING demo model (%1 or $LRCLR_MODEL_DIR): no analysis, no overlay")
                .arg(expectedModelDirectory()));
    else
        say(QStringLiteral("model: %1").arg(model));

    if (study.isEmpty()) {
        say(QStringLiteral("MISSING demo study (resources/demo, share/lrclr/demo or $LRCLR_DEMO_STUDY): showing a "
                           "generated test pattern instead"));
        m_window.showTestPattern();
        if (!m_exportDirectory.isEmpty())
            finish(false, QStringLiteral("no demo study"));
        return;
    }
    say(QStringLiteral("study: %1").arg(study));

    if (!m_exportDirectory.isEmpty()) {
        ViewerSession* session = m_window.session();
        connect(session, &ViewerSession::resultChanged, this, [this] {
            // Let the window pick and render the first overlay before grabbing it.
            QTimer::singleShot(0, this, [this] { finish(true, QString()); });
        });
        connect(session, &ViewerSession::analysisFailed, this,
            [this](const QString& message) { finish(false, QStringLiteral("analysis failed: ") + message); });
        m_timeout->start();
    }
    if (!m_window.openPath(study) && !m_exportDirectory.isEmpty())
        finish(false, QStringLiteral("cannot open %1").arg(study));
}

void DemoRunner::finish(bool analysisReady, const QString& problem)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout->stop();
    if (!QDir().mkpath(m_exportDirectory)) {
        say(QStringLiteral("FAIL cannot create %1").arg(m_exportDirectory));
        quitLater(1);
        return;
    }
    const QString overlay = QDir(m_exportDirectory).filePath(QStringLiteral("overlay.png"));
    const QString json = QDir(m_exportDirectory).filePath(QStringLiteral("analysis.json"));
    QString error;
    const bool wroteOverlay = m_window.exportSnapshot(overlay, &error);
    say(wroteOverlay ? QStringLiteral("wrote %1%2")
                           .arg(overlay, analysisReady ? QString() : QStringLiteral(" (image only, no overlay)"))
                     : QStringLiteral("could not write %1: %2").arg(overlay, error));
    bool wroteJson = false;
    if (analysisReady) {
        wroteJson = m_window.exportAnalysisJson(json, &error);
        say(wroteJson ? QStringLiteral("wrote %1").arg(json)
                      : QStringLiteral("could not write %1: %2").arg(json, error));
    } else {
        say(QStringLiteral("INCOMPLETE: %1; analysis.json not written").arg(problem));
    }
    if (!analysisReady && m_modelMissing)
        say(QStringLiteral("exported the study without analysis: no model at %1 ($LRCLR_MODEL_DIR or --model "
                           "names another)")
                .arg(expectedModelDirectory()));
    // The job is the analysed demo: anything less is a failure, so scripts and package tests notice.
    quitLater(wroteOverlay && wroteJson ? 0 : 1);
}

} // namespace lrclr
