#pragma once

#include <QObject>

namespace lrclr {

class MainWindow;

/// Start-up check of the whole stack in one process: shows the window, runs a LibTorch computation on a worker
/// thread, checks the loaded BLAS is not the reference one, then quits with 0 (pass) or 1. GUI thread only.
class SmokeTest : public QObject {
    Q_OBJECT

public:
    explicit SmokeTest(MainWindow& window, QObject* parent = nullptr);
    void start();

private:
    void finish(double checksum);

    MainWindow& m_window;
};

} // namespace lrclr
