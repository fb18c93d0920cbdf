#include "ui/DarkTheme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace lrclr {

QPalette DarkTheme::palette()
{
    // Dark grays rather than black for chrome, so the image (black background) stays the darkest thing on screen.
    const QColor window(37, 39, 42);
    const QColor base(26, 28, 30);
    const QColor text(214, 217, 221);
    const QColor disabledText(110, 114, 120);
    const QColor highlight(42, 110, 170);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(33, 35, 38));
    palette.setColor(QPalette::ToolTipBase, QColor(50, 53, 57));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabledText);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(48, 51, 55));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(255, 90, 90));
    palette.setColor(QPalette::Link, QColor(100, 170, 240));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, QColor(250, 250, 250));
    palette.setColor(QPalette::Light, QColor(70, 73, 78));
    palette.setColor(QPalette::Midlight, QColor(58, 61, 65));
    palette.setColor(QPalette::Mid, QColor(44, 46, 50));
    palette.setColor(QPalette::Dark, QColor(20, 21, 23));
    palette.setColor(QPalette::Shadow, QColor(0, 0, 0));
    for (const auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        palette.setColor(QPalette::Disabled, role, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(60, 64, 70));
    return palette;
}

void DarkTheme::apply(QApplication& application)
{
    application.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    application.setPalette(palette());
    application.setStyleSheet(
        QStringLiteral("QDockWidget::title { background: #2b2e32; padding: 4px 6px; }"
                       "QToolTip { color: #d6d9dd; background-color: #323539; border: 1px solid #4a4e54; }"
                       "QStatusBar QLabel { padding: 0 8px; }"));
}

} // namespace lrclr
