#pragma once

#include <memory>
#include <optional>

#include <QObject>
#include <QString>

#include "core/pacs/PacsClient.h"
#include "core/pacs/StudyQuery.h"
#include "ui/model/PacsNodeSettings.h"

namespace lrclr {

class PacsStudyRows;

/// The PACS source's search: the form's fields turned into a StudyQuery, the study-level C-FIND run on a worker thread
/// (never on the GUI thread, however long the node makes us wait), and the rows it found. A new search cancels the
/// one in flight and only the latest one's answer is kept; a node that refuses, times out or cannot be reached ends
/// the search as Failed with a message that says so. Not thread-safe: GUI thread only.
class PacsSearch : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Searching, Done, Failed, Canceled };
    Q_ENUM(State)

    /// The search form as typed: patient ID and name (DICOM wildcards '*' and '?'), study dates ("YYYYMMDD-YYYYMMDD",
    /// "YYYYMMDD-", "-YYYYMMDD" or one day, "-" separators inside a date allowed as in 2024-01-15), accession number
    /// and modality (empty: any).
    struct Form {
        QString patientId;
        QString patientName;
        QString studyDates;
        QString accessionNumber;
        QString modality;
    };

    /// Most studies one search lists; beyond that the list says it was cut short.
    static constexpr int maximumStudies = 500;

    explicit PacsSearch(QObject* parent = nullptr);
    ~PacsSearch() override;

    /// The query of `form` (limited to maximumStudies); std::nullopt with a message in `error` when a field cannot
    /// be sent (a bad date range, a backslash, a value too long).
    static std::optional<StudyQuery> queryFrom(const Form& form, QString* error);

    /// Searches `entry` with `form`: false (state Failed, message() says why) when the form or the node is invalid,
    /// true when the search started.
    bool search(const PacsNodeEntry& entry, const Form& form);
    void search(const PacsNodeEntry& entry, const StudyQuery& query);
    /// Stops the search in flight (its answer is dropped; the state becomes Canceled).
    void cancel();

    /// Timeouts of the searches started from now on.
    void setTimeouts(const PacsClient::Timeouts& timeouts) { m_timeouts = timeouts; }

    PacsStudyRows* rows() const { return m_rows; }
    State state() const { return m_state; }
    bool isSearching() const { return m_state == State::Searching; }
    /// What the browser shows under the results: "Searching ORTHANC@host:4242…", "2 studies", or why it failed.
    QString message() const { return m_message; }
    /// The node of the latest search.
    const PacsNodeEntry& node() const { return m_node; }

Q_SIGNALS:
    void stateChanged(lrclr::PacsSearch::State state);
    /// The search finished: `count` rows, `truncated` when the node had more than maximumStudies.
    void finished(int count, bool truncated);
    void failed(const QString& message);

private:
    void setState(State state, const QString& message);
    void finish(const std::optional<PacsStudyList>& list, const QString& error);

    PacsStudyRows* m_rows = nullptr;
    PacsClient::Timeouts m_timeouts;
    PacsNodeEntry m_node;
    std::shared_ptr<PacsClient> m_client; ///< the client of the search in flight, to cancel it
    quint64 m_generation = 0; ///< bumped by each search and cancel; an answer is kept only if still current
    State m_state = State::Idle;
    QString m_message;
};

} // namespace lrclr
