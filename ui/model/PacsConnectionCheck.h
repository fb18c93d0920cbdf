#pragma once

#include <memory>

#include <QObject>
#include <QString>

#include "core/pacs/PacsClient.h"
#include "ui/model/PacsNodeSettings.h"

namespace lrclr {

/// "Test (C-ECHO)" of the node dialog: a C-ECHO on a worker thread, its answer back on the GUI thread. A new check
/// supersedes the one in flight. Not thread-safe: GUI thread only.
class PacsConnectionCheck : public QObject {
    Q_OBJECT

public:
    explicit PacsConnectionCheck(QObject* parent = nullptr);
    ~PacsConnectionCheck() override;

    void setTimeouts(const PacsClient::Timeouts& timeouts) { m_timeouts = timeouts; }
    bool isRunning() const { return m_client != nullptr; }

    /// Starts a C-ECHO of `entry`; an invalid entry finishes at once (false, the reason).
    void check(const PacsNodeEntry& entry);

Q_SIGNALS:
    /// `answered`: the node answered the C-ECHO; `message` says so or why not.
    void finished(bool answered, const QString& message);

private:
    PacsClient::Timeouts m_timeouts;
    std::shared_ptr<PacsClient> m_client;
    quint64 m_generation = 0;
};

} // namespace lrclr
