#pragma once

#include <QMainWindow>

class QLabel;

namespace lrclr {

/// The viewer's main window. Lives on the GUI thread; not thread-safe.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    /// Shows a generated test pattern, used by the demo until a real study is opened.
    void showTestPattern();

private:
    QLabel* m_view = nullptr;
};

} // namespace lrclr
