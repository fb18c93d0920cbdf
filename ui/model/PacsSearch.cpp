#include "ui/model/PacsSearch.h"

#include <QFutureWatcher>
#include <QtConcurrent>

#include "ui/model/PacsStudyRows.h"
#include "ui/model/internal/PacsWorkerPool.h"

namespace lrclr {

namespace {

struct FindOutcome {
    std::optional<PacsStudyList> list;
    QString error;
};

} // namespace

PacsSearch::PacsSearch(QObject* parent)
    : QObject(parent)
    , m_rows(new PacsStudyRows(this))
{
}

PacsSearch::~PacsSearch()
{
    if (m_client)
        m_client->cancel();
}

std::optional<StudyQuery> PacsSearch::queryFrom(const Form& form, QString* error)
{
    StudyQuery query;
    query.patientId = form.patientId.trimmed();
    query.patientName = form.patientName.trimmed();
    query.accessionNumber = form.accessionNumber.trimmed();
    query.modality = form.modality.trimmed().toUpper();
    query.limit = maximumStudies;
    QString dates = form.studyDates.simplified().remove(u' ');
    // "2024-01-15 - 2024-02-01" and "2024-01-15" as people type them: drop the dashes inside dates.
    static const QRegularExpression isoDate(QStringLiteral("(\\d{4})-(\\d{2})-(\\d{2})"));
    dates.replace(isoDate, QStringLiteral("\\1\\2\\3"));
    QString why;
    if (!dates.isEmpty() && !StudyQuery::parseDateRange(dates, &query.studyDateFrom, &query.studyDateTo, &why)) {
        *error = tr("Study date: %1").arg(why);
        return std::nullopt;
    }
    if (const QString problem = query.problem(); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return query;
}

bool PacsSearch::search(const PacsNodeEntry& entry, const Form& form)
{
    QString error;
    if (const QString problem = PacsNodeSettings::problem(entry); !problem.isEmpty())
        error = problem;
    const std::optional<StudyQuery> query = error.isEmpty() ? queryFrom(form, &error) : std::nullopt;
    if (!query) {
        cancel();
        m_rows->clear();
        setState(State::Failed, error);
        Q_EMIT failed(error);
        return false;
    }
    search(entry, *query);
    return true;
}

void PacsSearch::search(const PacsNodeEntry& entry, const StudyQuery& query)
{
    if (m_client)
        m_client->cancel();
    const quint64 generation = ++m_generation;
    m_node = entry;
    auto client = std::make_shared<PacsClient>(entry.node, entry.callingAeTitle);
    client->setTimeouts(m_timeouts);
    m_client = client;
    m_rows->clear();
    setState(State::Searching, tr("Searching %1\u2026").arg(entry.node.toString()));

    auto* watcher = new QFutureWatcher<FindOutcome>(this);
    connect(watcher, &QFutureWatcher<FindOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // superseded or canceled
        const FindOutcome outcome = watcher->result();
        m_client.reset();
        finish(outcome.list, outcome.error);
    });
    watcher->setFuture(QtConcurrent::run(internal::pacsWorkerPool(), [client, query] {
        FindOutcome outcome;
        outcome.list = client->findStudies(query, &outcome.error);
        return outcome;
    }));
}

void PacsSearch::finish(const std::optional<PacsStudyList>& list, const QString& error)
{
    if (!list) {
        const QString message = tr("Search failed: %1").arg(error);
        setState(State::Failed, message);
        Q_EMIT failed(message);
        return;
    }
    m_rows->setStudies(list->studies);
    const int count = int(list->studies.size());
    QString message = count == 0 ? tr("No study matches") : count == 1 ? tr("1 study") : tr("%1 studies").arg(count);
    if (list->truncated)
        message = tr("The first %1 studies; the node has more: narrow the search").arg(count);
    setState(State::Done, message);
    Q_EMIT finished(count, list->truncated);
}

void PacsSearch::cancel()
{
    ++m_generation;
    if (m_client) {
        m_client->cancel();
        m_client.reset();
    }
    if (m_state == State::Searching)
        setState(State::Canceled, tr("Search canceled"));
}

void PacsSearch::setState(State state, const QString& message)
{
    // Emitted on every call: a new search or failure changes the message even when the state stays.
    m_message = message;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace lrclr
