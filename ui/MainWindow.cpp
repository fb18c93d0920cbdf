#include "ui/MainWindow.h"

#include <cmath>

#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QStatusBar>

namespace lrclr {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_view(new QLabel(this))
{
    setWindowTitle(QStringLiteral("LRCLR Viewer"));
    m_view->setAlignment(Qt::AlignCenter);
    m_view->setStyleSheet(QStringLiteral("background: #101214;"));
    setCentralWidget(m_view);
    resize(1200, 900);
    statusBar()->showMessage(QStringLiteral("No study open"));
}

void MainWindow::showTestPattern()
{
    // A smooth radial gradient with a grid: proves the display path until the phantom study and model land.
    constexpr int size = 768;
    QImage image(size, size, QImage::Format_Grayscale8);
    for (int y = 0; y < size; ++y) {
        auto* line = image.scanLine(y);
        for (int x = 0; x < size; ++x) {
            const double dx = (x - size / 2.0) / size;
            const double dy = (y - size / 2.0) / size;
            const double value = 220.0 * std::exp(-4.0 * (dx * dx + dy * dy));
            const bool grid = (x % 64 == 0) || (y % 64 == 0);
            line[x] = static_cast<uchar>(grid ? 255 : value);
        }
    }
    m_view->setPixmap(QPixmap::fromImage(image));
    statusBar()->showMessage(QStringLiteral("Generated test pattern (no study or model loaded yet)"));
}

} // namespace lrclr
