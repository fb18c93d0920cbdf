#pragma once

#include <QObject>
#include <QString>

#include "ui/ImageViewport.h"

class QLabel;
class QProgressBar;
class QStatusBar;

namespace lrclr {

class ViewerSession;

/// The viewer's status bar read-outs: what the session is doing (opening, analysing with progress, ready with the
/// time taken, failed with the reason), transient messages, and the viewport's pixel value, position in mm, zoom and
/// window. It observes the session and the viewport; nothing else writes to it except showMessage(). GUI thread only.
class ViewerStatusBar : public QObject {
    Q_OBJECT

public:
    ViewerStatusBar(QStatusBar* bar, ImageViewport* viewport, ViewerSession* session);

    /// A transient message (errors, saved files) for `timeoutMs`.
    void showMessage(const QString& message, int timeoutMs = 8000);
    /// Replaces the permanent text on the left ("Analysis ready (12 ms)", ...).
    void setActivityText(const QString& text);

private:
    void showSessionState();
    void showProgress(double fraction, const QString& stage);
    void showCursor(const ImageViewport::CursorInfo& info);
    void showViewport();

    QStatusBar* m_bar;
    ImageViewport* m_viewport;
    ViewerSession* m_session;
    QLabel* m_activity = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_pixel = nullptr;
    QLabel* m_position = nullptr;
    QLabel* m_zoom = nullptr;
    QLabel* m_window = nullptr;
};

} // namespace lrclr
