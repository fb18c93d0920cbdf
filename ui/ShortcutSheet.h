#pragma once

#include <QDialog>
#include <QList>

class QAction;

namespace lrclr {

/// The F1 sheet: every action with a shortcut, grouped by menu, so a radiologist can learn the keyboard path.
/// GUI thread only.
class ShortcutSheet : public QDialog {
    Q_OBJECT

public:
    struct Group {
        QString title;
        QList<QAction*> actions;
    };

    ShortcutSheet(const QList<Group>& groups, const QStringList& mouseHints, QWidget* parent = nullptr);
};

} // namespace lrclr
