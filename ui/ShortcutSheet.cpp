#include "ui/ShortcutSheet.h"

#include <algorithm>

#include <QAction>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QScreen>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lrclr {

ShortcutSheet::ShortcutSheet(const QList<Group>& groups, const QStringList& mouseHints, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard and mouse"));
    auto* tree = new QTreeWidget(this);
    tree->setColumnCount(2);
    tree->setHeaderLabels({ tr("Action"), tr("Shortcut") });
    tree->setRootIsDecorated(false);
    for (const Group& group : groups) {
        auto* heading = new QTreeWidgetItem(tree, { group.title });
        QFont bold = heading->font(0);
        bold.setBold(true);
        heading->setFont(0, bold);
        heading->setFirstColumnSpanned(true);
        for (QAction* action : group.actions) {
            if (action->shortcuts().isEmpty())
                continue;
            QStringList keys;
            for (const QKeySequence& key : action->shortcuts())
                keys << key.toString(QKeySequence::NativeText);
            new QTreeWidgetItem(tree, { action->text().remove(QLatin1Char('&')), keys.join(QStringLiteral(", ")) });
        }
    }
    auto* heading = new QTreeWidgetItem(tree, { tr("Mouse") });
    heading->setFirstColumnSpanned(true);
    QFont bold = heading->font(0);
    bold.setBold(true);
    heading->setFont(0, bold);
    for (const QString& hint : mouseHints) {
        const QStringList parts = hint.split(QLatin1Char('\t'));
        new QTreeWidgetItem(tree, { parts.value(0), parts.value(1) });
    }
    tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tree);
    layout->addWidget(buttons);
    // Tall enough for every row without scrolling where the screen allows it (the sheet was cut off at 640 px).
    tree->resizeColumnToContents(0);
    tree->resizeColumnToContents(1);
    int rows = 0;
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        ++rows;
    const int rowHeight = tree->sizeHintForRow(0) > 0 ? tree->sizeHintForRow(0) : fontMetrics().height() + 4;
    const int wanted = tree->header()->sizeHint().height() + rows * rowHeight + buttons->sizeHint().height() + 48;
    const QScreen* screen = parent ? parent->screen() : QGuiApplication::primaryScreen();
    const int available = screen ? screen->availableGeometry().height() * 9 / 10 : 900;
    const int width = tree->columnWidth(0) + tree->columnWidth(1) + 64;
    resize(std::max(520, width), std::clamp(wanted, 320, std::max(320, available)));
}

} // namespace lrclr
