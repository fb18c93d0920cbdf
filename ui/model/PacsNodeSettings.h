#pragma once

#include <QList>
#include <QString>

#include "core/pacs/PacsNode.h"

class QSettings;

namespace lrclr {

/// A PACS node as the viewer calls it: the node (AE title, host, port) and the AE title we call it from, which the
/// node must know for C-GET. A plain value.
struct PacsNodeEntry {
    PacsNode node;
    QString callingAeTitle = QStringLiteral("LRCLR");

    /// "ORTHANC@pacs:4242 (as LRCLR)", for lists.
    QString label() const;
    bool operator==(const PacsNodeEntry& other) const;
};

/// The PACS nodes of the viewer's settings: read and written with QSettings (group "pacs", an array "nodes" of
/// aeTitle/host/port/callingAeTitle), and checked before they are used. Stateless; thread-safe as QSettings is.
class PacsNodeSettings {
public:
    /// The nodes saved in `settings`; entries that are incomplete or invalid are left out.
    static QList<PacsNodeEntry> load(QSettings& settings);
    static void save(QSettings& settings, const QList<PacsNodeEntry>& entries);
    /// Why `entry` cannot be used (an AE title that is not one, no host, a port outside 1..65535); empty when it can.
    static QString problem(const PacsNodeEntry& entry);
};

} // namespace lrclr
