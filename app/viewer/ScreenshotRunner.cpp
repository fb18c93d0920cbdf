#include "app/viewer/ScreenshotRunner.h"

#include <iostream>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPixmap>
#include <QSaveFile>
#include <QScreen>
#include <QTimer>

#include "ui/ImageViewport.h"
#include "ui/MainWindow.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

constexpr int analysisTimeoutMs = 300000;
/// Long enough for the X server to have every flushed paint of the window before it is read back.
constexpr int settleMs = 400;

void say(const QString& line)
{
    std::cout << "screenshot: " << line.toStdString() << std::endl;
}

QString normalized(const QString& text)
{
    return text.simplified().toCaseFolded();
}

/// Runs the event loop for `ms` so queued repaints are delivered and flushed to the screen.
void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QJsonArray toArray(const QRectF& rect)
{
    return { rect.x(), rect.y(), rect.width(), rect.height() };
}

} // namespace

ScreenshotRunner::ScreenshotRunner(MainWindow& window, QString screenshotPath, QString sentence, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_path(std::move(screenshotPath))
    , m_sentence(std::move(sentence))
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    m_timeout->setInterval(analysisTimeoutMs);
    connect(m_timeout, &QTimer::timeout, this,
        [this] { capture(false, tr("the analysis did not finish within %1 s").arg(analysisTimeoutMs / 1000)); });
}

int ScreenshotRunner::matchSentence(const QStringList& sentences, const QString& wanted)
{
    const QString target = normalized(wanted);
    if (target.isEmpty())
        return -1;
    for (int k = 0; k < sentences.size(); ++k)
        if (normalized(sentences[k]) == target)
            return k;
    int found = -1;
    for (int k = 0; k < sentences.size(); ++k) {
        if (normalized(sentences[k]).contains(target)) {
            if (found >= 0)
                return -1;
            found = k;
        }
    }
    return found;
}

void ScreenshotRunner::start()
{
    ViewerSession* session = m_window.session();
    // Queued: the session picks its default selection right after emitting resultChanged, and the window draws it.
    connect(session, &ViewerSession::resultChanged, this, &ScreenshotRunner::onResult, Qt::QueuedConnection);
    connect(session, &ViewerSession::analysisFailed, this,
        [this](const QString& message) { capture(false, tr("analysis failed: %1").arg(message)); });
    m_timeout->start();
}

void ScreenshotRunner::onResult()
{
    if (m_capturing)
        return;
    const auto result = m_window.session()->result();
    if (!result)
        return;
    if (!m_sentence.isEmpty()) {
        QStringList sentences;
        for (const auto& sentence : result->sentences)
            sentences << QString::fromStdString(sentence.text);
        m_selectedSentence = matchSentence(sentences, m_sentence);
        if (m_selectedSentence < 0) {
            capture(false,
                tr("no single report sentence matches \"%1\"; the sentences are: %2")
                    .arg(m_sentence, sentences.join(QStringLiteral(" | "))));
            return;
        }
        m_window.session()->selection()->selectSentence(m_selectedSentence);
    } else if (m_window.session()->selection()->kind() == AnalysisSelection::Kind::Sentence) {
        m_selectedSentence = m_window.session()->selection()->selectedIndex();
    }
    capture(true, QString());
}

void ScreenshotRunner::capture(bool analysisReady, const QString& problem)
{
    if (m_capturing)
        return;
    m_capturing = true;
    m_timeout->stop();
    if (!problem.isEmpty())
        say(QStringLiteral("FAIL %1").arg(problem));

    const QFileInfo target(m_path);
    if (!QDir().mkpath(target.absolutePath())) {
        say(QStringLiteral("FAIL cannot create %1").arg(target.absolutePath()));
        finish(1);
        return;
    }
    const QString stem = QDir(target.absolutePath()).filePath(target.completeBaseName());

    bool fromScreen = true;
    const auto grab = [this, &fromScreen] {
        m_window.repaint();
        settle(settleMs);
        QPixmap pixmap;
        if (QScreen* screen = m_window.screen())
            pixmap = screen->grabWindow(m_window.winId());
        if (pixmap.isNull()) {
            // Platforms without screen read-back (offscreen) still get a picture of the widgets.
            fromScreen = false;
            pixmap = m_window.grab();
        }
        return pixmap;
    };

    settle(settleMs); // the selection's repaint, and the first show of the window
    const QPixmap withOverlay = grab();
    OverlaySettings* overlay = m_window.overlaySettings();
    const bool overlayWasVisible = overlay->isVisible();
    overlay->setVisible(false);
    const QPixmap withoutOverlay = grab();
    overlay->setVisible(overlayWasVisible);

    const QString withoutPath = stem + QStringLiteral("-no-overlay.png");
    bool written = withOverlay.save(m_path, "PNG");
    written = withoutOverlay.save(withoutPath, "PNG") && written;

    // Where the image lies in the screenshot: screenshot pixel = image pixel * scale + offset.
    const ImageViewport* viewport = m_window.viewport();
    const double ratio = withOverlay.devicePixelRatio();
    const QPointF origin = viewport->mapTo(&m_window, QPointF(0, 0));
    const ViewTransform& view = viewport->viewTransform();
    const QRectF imageArea = viewport->imageArea().translated(origin);
    const QRectF imageRect = view.toWidget(QRectF(0, 0, viewport->image().columns, viewport->image().rows))
                                 .translated(origin)
                                 .intersected(imageArea);
    const auto scaled = [ratio](const QRectF& rect) { return QRectF(rect.topLeft() * ratio, rect.size() * ratio); };

    QJsonObject geometry;
    geometry[QStringLiteral("scale")] = view.scale() * ratio;
    geometry[QStringLiteral("offset")]
        = QJsonArray { (view.offset().x() + origin.x()) * ratio, (view.offset().y() + origin.y()) * ratio };
    geometry[QStringLiteral("imageArea")] = toArray(scaled(imageArea));
    geometry[QStringLiteral("visibleImage")] = toArray(scaled(imageRect));

    QJsonObject report;
    report[QStringLiteral("screenshot")] = QFileInfo(m_path).fileName();
    report[QStringLiteral("withoutOverlay")] = QFileInfo(withoutPath).fileName();
    report[QStringLiteral("source")] = fromScreen ? QStringLiteral("screen") : QStringLiteral("widget");
    report[QStringLiteral("devicePixelRatio")] = ratio;
    report[QStringLiteral("screenshotSize")]
        = QJsonArray { withOverlay.toImage().width(), withOverlay.toImage().height() };
    report[QStringLiteral("imageSize")] = QJsonArray { viewport->image().columns, viewport->image().rows };
    report[QStringLiteral("imageToScreenshot")] = geometry;
    report[QStringLiteral("analysisReady")] = analysisReady;
    if (!problem.isEmpty())
        report[QStringLiteral("problem")] = problem;
    const auto result = m_window.session()->result();
    if (result && m_selectedSentence >= 0 && m_selectedSentence < int(result->sentences.size())) {
        report[QStringLiteral("sentence")] = QJsonObject { { QStringLiteral("index"), m_selectedSentence },
            { QStringLiteral("text"),
                QString::fromStdString(result->sentences[static_cast<std::size_t>(m_selectedSentence)].text) } };
    }
    const OverlayHeatmap heatmap = viewport->heatmap();
    report[QStringLiteral("heatmap")] = heatmap.label;
    report[QStringLiteral("overlayLabel")] = viewport->scene().overlayLabel;
    // The colour scale the overlay used: the model's shared one (with its threshold) or the map's own range.
    report[QStringLiteral("overlayScale")] = QJsonObject { { QStringLiteral("minimum"), heatmap.minimum },
        { QStringLiteral("maximum"), heatmap.maximum }, { QStringLiteral("shared"), heatmap.hasSharedScale() },
        { QStringLiteral("threshold"),
            heatmap.threshold ? QJsonValue(double(*heatmap.threshold)) : QJsonValue(QJsonValue::Null) } };
    report[QStringLiteral("overlay")] = QJsonObject { { QStringLiteral("colormap"), overlay->colormap() },
        { QStringLiteral("opacity"), overlay->opacity() }, { QStringLiteral("threshold"), overlay->threshold() },
        { QStringLiteral("modelThreshold"), overlay->usesModelThreshold() },
        { QStringLiteral("visible"), overlayWasVisible } };

    QSaveFile json(stem + QStringLiteral(".json"));
    const QByteArray bytes = QJsonDocument(report).toJson();
    written = json.open(QIODevice::WriteOnly) && json.write(bytes) == bytes.size() && json.commit() && written;

    say(QStringLiteral("%1 %2, %3 and %4 (%5)")
            .arg(written ? QStringLiteral("wrote") : QStringLiteral("FAIL could not write"), m_path, withoutPath,
                json.fileName(),
                fromScreen ? QStringLiteral("grabbed from the screen")
                           : QStringLiteral("rendered from the widgets: no screen read-back")));
    if (report.contains(QStringLiteral("sentence")))
        say(QStringLiteral("sentence %1: %2")
                .arg(m_selectedSentence + 1)
                .arg(report[QStringLiteral("sentence")].toObject()[QStringLiteral("text")].toString()));
    finish(written && analysisReady ? 0 : 1);
}

void ScreenshotRunner::finish(int exitCode)
{
    // May run before the event loop starts, when exit() would be ignored.
    QMetaObject::invokeMethod(
        QCoreApplication::instance(), [exitCode] { QCoreApplication::exit(exitCode); }, Qt::QueuedConnection);
}

} // namespace lrclr
