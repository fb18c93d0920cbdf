#include "ui/model/PacsConnectionCheck.h"

#include <QFutureWatcher>
#include <QtConcurrent>

#include "ui/model/internal/PacsWorkerPool.h"

namespace lrclr {

namespace {

struct EchoOutcome {
    bool answered = false;
    QString error;
};

} // namespace

PacsConnectionCheck::PacsConnectionCheck(QObject* parent)
    : QObject(parent)
{
}

PacsConnectionCheck::~PacsConnectionCheck()
{
    if (m_client)
        m_client->cancel();
}

void PacsConnectionCheck::check(const PacsNodeEntry& entry)
{
    if (m_client)
        m_client->cancel();
    const quint64 generation = ++m_generation;
    if (const QString problem = PacsNodeSettings::problem(entry); !problem.isEmpty()) {
        m_client.reset();
        Q_EMIT finished(false, problem);
        return;
    }
    auto client = std::make_shared<PacsClient>(entry.node, entry.callingAeTitle);
    client->setTimeouts(m_timeouts);
    m_client = client;
    auto* watcher = new QFutureWatcher<EchoOutcome>(this);
    connect(watcher, &QFutureWatcher<EchoOutcome>::finished, this, [this, watcher, generation, entry] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_client.reset();
        const EchoOutcome outcome = watcher->result();
        Q_EMIT finished(outcome.answered,
            outcome.answered ? tr("%1 answered the C-ECHO").arg(entry.node.toString()) : outcome.error);
    });
    watcher->setFuture(QtConcurrent::run(internal::pacsWorkerPool(), [client] {
        EchoOutcome outcome;
        outcome.answered = client->echo(&outcome.error);
        return outcome;
    }));
}

} // namespace lrclr
