#include "ui/model/PacsNodeSettings.h"

#include <QObject>
#include <QSettings>

namespace lrclr {

namespace {

const QString nodesArray = QStringLiteral("pacs/nodes");
const QString aeTitleKey = QStringLiteral("aeTitle");
const QString hostKey = QStringLiteral("host");
const QString portKey = QStringLiteral("port");
const QString callingAeTitleKey = QStringLiteral("callingAeTitle");

} // namespace

QString PacsNodeEntry::label() const
{
    return QObject::tr("%1 (as %2)").arg(node.toString(), callingAeTitle);
}

bool PacsNodeEntry::operator==(const PacsNodeEntry& other) const
{
    return node.aeTitle() == other.node.aeTitle() && node.host() == other.node.host()
        && node.port() == other.node.port() && callingAeTitle == other.callingAeTitle;
}

QList<PacsNodeEntry> PacsNodeSettings::load(QSettings& settings)
{
    QList<PacsNodeEntry> entries;
    const int count = settings.beginReadArray(nodesArray);
    for (int k = 0; k < count; ++k) {
        settings.setArrayIndex(k);
        PacsNodeEntry entry;
        entry.node = PacsNode(
            settings.value(aeTitleKey).toString(), settings.value(hostKey).toString(), settings.value(portKey).toInt());
        entry.callingAeTitle = settings.value(callingAeTitleKey, entry.callingAeTitle).toString();
        if (problem(entry).isEmpty() && !entries.contains(entry))
            entries.append(entry);
    }
    settings.endArray();
    return entries;
}

void PacsNodeSettings::save(QSettings& settings, const QList<PacsNodeEntry>& entries)
{
    settings.remove(nodesArray);
    settings.beginWriteArray(nodesArray, int(entries.size()));
    for (int k = 0; k < entries.size(); ++k) {
        settings.setArrayIndex(k);
        settings.setValue(aeTitleKey, entries[k].node.aeTitle());
        settings.setValue(hostKey, entries[k].node.host());
        settings.setValue(portKey, entries[k].node.port());
        settings.setValue(callingAeTitleKey, entries[k].callingAeTitle);
    }
    settings.endArray();
}

QString PacsNodeSettings::problem(const PacsNodeEntry& entry)
{
    if (const QString why = PacsNode::aeTitleProblem(entry.node.aeTitle()); !why.isEmpty())
        return QObject::tr("The node's AE title: %1").arg(why);
    if (entry.node.host().trimmed().isEmpty())
        return QObject::tr("The node needs a host name or address");
    if (entry.node.port() < 1 || entry.node.port() > 65535)
        return QObject::tr("The port must lie between 1 and 65535");
    if (const QString why = PacsNode::aeTitleProblem(entry.callingAeTitle); !why.isEmpty())
        return QObject::tr("Our AE title: %1").arg(why);
    return {};
}

} // namespace lrclr
