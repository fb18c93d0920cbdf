#pragma once

#include <QObject>
#include <QString>

class QTimer;

namespace lrclr {

class MainWindow;

/// `--screenshot FILE [--select-sentence TEXT]`: waits for the analysis of the study the window opens, selects the
/// report sentence matching TEXT, grabs the real window from the screen (QScreen::grabWindow) with the overlay shown
/// and again with it hidden, writes FILE, FILE's stem + "-no-overlay.png" and FILE's stem + ".json" (where the image
/// lies in the screenshot, which sentence and heatmap are shown), and quits: 0 when everything was written for a
/// finished analysis, 1 otherwise (a failed analysis is still captured, so the screenshot shows the message).
/// Used by the Xvfb test and scripts/screenshot.sh. GUI thread only.
class ScreenshotRunner : public QObject {
    Q_OBJECT

public:
    ScreenshotRunner(MainWindow& window, QString screenshotPath, QString sentence, QObject* parent = nullptr);

    /// Starts waiting for the analysis; call before the study is opened.
    void start();

    /// The index of the sentence among `sentences` that matches `wanted`: equal after collapsing white space and
    /// case, else the only one containing it; -1 when none or several match.
    static int matchSentence(const QStringList& sentences, const QString& wanted);

private:
    void onResult();
    void capture(bool analysisReady, const QString& problem);
    void finish(int exitCode);

    MainWindow& m_window;
    QString m_path;
    QString m_sentence;
    QTimer* m_timeout = nullptr;
    bool m_capturing = false;
    int m_selectedSentence = -1;
};

} // namespace lrclr
