#include "ui/ViewerStatusBar.h"

#include <cmath>

#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>

#include "ui/DisplayNumber.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

namespace {

QLabel* plainLabel(QWidget* parent, const QString& text = QString())
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    return label;
}

} // namespace

ViewerStatusBar::ViewerStatusBar(QStatusBar* bar, ImageViewport* viewport, ViewerSession* session)
    : QObject(bar)
    , m_bar(bar)
    , m_viewport(viewport)
    , m_session(session)
{
    m_activity = plainLabel(bar, tr("No study open"));
    m_progress = new QProgressBar(bar);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(140);
    m_progress->setVisible(false);
    m_pixel = plainLabel(bar);
    m_position = plainLabel(bar);
    m_zoom = plainLabel(bar);
    m_window = plainLabel(bar);
    bar->addWidget(m_activity, 1);
    bar->addWidget(m_progress);
    for (QLabel* label : { m_pixel, m_position, m_zoom, m_window })
        bar->addPermanentWidget(label);

    connect(viewport, &ImageViewport::cursorInfoChanged, this, &ViewerStatusBar::showCursor);
    connect(viewport, &ImageViewport::windowChanged, this, &ViewerStatusBar::showViewport);
    connect(viewport, &ImageViewport::viewChanged, this, &ViewerStatusBar::showViewport);
    connect(session, &ViewerSession::stateChanged, this, &ViewerStatusBar::showSessionState);
    connect(session, &ViewerSession::loadingChanged, this, &ViewerStatusBar::showSessionState);
    connect(session, &ViewerSession::progress, this,
        [this](InferenceStage stage, double fraction) { showProgress(fraction, stageName(stage)); });
    connect(session, &ViewerSession::loadFailed, this,
        [this](const QString&, const QString& message) { showMessage(message); });
    connect(session, &ViewerSession::groundingFailed, this,
        [this](const QString& message) { showMessage(tr("Grounding failed: %1").arg(message)); });
    connect(
        session, &ViewerSession::decisionsLoadFailed, this, [this](const QString& message) { showMessage(message); });
}

void ViewerStatusBar::showMessage(const QString& message, int timeoutMs)
{
    m_bar->showMessage(message, timeoutMs);
}

void ViewerStatusBar::setActivityText(const QString& text)
{
    m_activity->setText(text);
}

void ViewerStatusBar::showSessionState()
{
    if (m_session->isLoading()) {
        // Decoding reports no fraction: a busy bar says "working" without inventing one.
        m_progress->setRange(0, 0);
        m_progress->setVisible(true);
        m_activity->setText(tr("Opening %1...").arg(QDir::toNativeSeparators(m_session->loadingPath())));
        return;
    }
    m_progress->setRange(0, 100);
    m_progress->setVisible(m_session->state() == ViewerSession::State::Analyzing);
    switch (m_session->state()) {
    case ViewerSession::State::Empty:
        m_activity->setText(tr("No study open"));
        break;
    case ViewerSession::State::Analyzing:
        m_activity->setText(tr("Analyzing..."));
        break;
    case ViewerSession::State::Ready: {
        // The demo model analyses in tens of milliseconds: "0.0 s" would read as "did nothing".
        const double seconds = m_session->result() ? m_session->result()->seconds : 0.0;
        m_activity->setText(seconds < 1.0 ? tr("Analysis ready (%1 ms)").arg(std::lround(seconds * 1000.0))
                                          : tr("Analysis ready (%1 s)").arg(seconds, 0, 'f', 1));
        break;
    }
    case ViewerSession::State::Failed:
        m_activity->setText(tr("Analysis failed: %1").arg(m_session->errorMessage()));
        break;
    case ViewerSession::State::Canceled:
        m_activity->setText(tr("Analysis canceled"));
        break;
    }
}

void ViewerStatusBar::showProgress(double fraction, const QString& stage)
{
    if (m_session->isLoading())
        return;
    m_progress->setValue(int(std::lround(fraction * 100)));
    m_activity->setText(tr("Analyzing: %1").arg(stage));
}

void ViewerStatusBar::showCursor(const ImageViewport::CursorInfo& info)
{
    if (!info.insideImage) {
        m_pixel->clear();
        m_position->clear();
        return;
    }
    QString value
        = tr("(%1, %2)  stored %3").arg(info.pixel.x()).arg(info.pixel.y()).arg(displayNumber(info.storedValue));
    value += tr("  value %1%2")
                 .arg(displayNumber(info.modalityValue),
                     info.modalityUnit.isEmpty() ? QString() : QLatin1Char(' ') + info.modalityUnit);
    m_pixel->setText(value);
    m_position->setText(info.positionMm
            ? tr("%1, %2 mm").arg(info.positionMm->x(), 0, 'f', 1).arg(info.positionMm->y(), 0, 'f', 1)
            : tr("no pixel spacing"));
}

void ViewerStatusBar::showViewport()
{
    if (!m_viewport->hasImage()) {
        m_zoom->clear();
        m_window->clear();
        return;
    }
    m_zoom->setText(tr("Zoom %1%").arg(m_viewport->zoomPercent(), 0, 'f', 0));
    m_window->setText(tr("W %1 / L %2%3")
                          .arg(displayNumber(m_viewport->windowWidth()), displayNumber(m_viewport->windowCenter()),
                              m_viewport->isInverted() ? tr("  inverted") : QString()));
}

} // namespace lrclr
