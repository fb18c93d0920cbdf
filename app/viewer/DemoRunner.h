#pragma once

#include <QObject>
#include <QString>

class QTimer;

namespace lrclr {

class MainWindow;

/// `--demo`: finds the bundled demo study and model, opens the study in the window, and with `--export DIR` waits for
/// the analysis (headless), writes DIR/overlay.png and DIR/analysis.json, and quits. Says plainly what is missing
/// when the demo study or model is not there. GUI thread only.
class DemoRunner : public QObject {
    Q_OBJECT

public:
    /// The demo study folder: $LRCLR_DEMO_STUDY, else the installed share/lrclr/demo, else resources/demo of the
    /// checkout above the executable; empty when absent.
    static QString findDemoStudy();
    /// The model directory: $LRCLR_MODEL_DIR, else the installed share/lrclr/models/demo, else models/demo of the
    /// checkout above the executable; empty when absent.
    static QString findModelDirectory();
    /// Where the installed demo model belongs (share/lrclr/models/demo beside bin/), for messages when it is absent.
    static QString expectedModelDirectory();

    DemoRunner(MainWindow& window, QString exportDirectory, QObject* parent = nullptr);

    /// Opens the demo (or the test pattern when the study is missing). With an export directory, the process exits
    /// when overlay.png and analysis.json are written (0), or on failure or timeout (1); without a model the study
    /// alone is exported (overlay.png without an overlay) and the exit code is 1.
    void start();

private:
    void finish(bool analysisReady, const QString& problem);

    MainWindow& m_window;
    QString m_exportDirectory;
    QTimer* m_timeout = nullptr;
    bool m_finished = false;
    bool m_modelMissing = false;
};

} // namespace lrclr
