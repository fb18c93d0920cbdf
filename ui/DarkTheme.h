#pragma once

class QApplication;
class QPalette;

namespace lrclr {

/// The viewer's default look: Qt's Fusion style with a dark, low-luminance palette, because reading rooms are dark
/// and a bright frame around the image lowers perceived contrast. GUI thread only.
class DarkTheme {
public:
    static QPalette palette();
    /// Fusion style + palette() + a style sheet for the few widgets a palette does not reach (dock titles, tooltips).
    static void apply(QApplication& application);
};

} // namespace lrclr
