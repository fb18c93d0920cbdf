#include "ui/ShortcutSheet.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
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
    resize(520, 640);
}

} // namespace lrclr
