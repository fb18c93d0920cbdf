#pragma once

#include <map>
#include <utility>

#include <QObject>
#include <QString>

#include "core/model/AnalysisResult.h"
#include "ui/model/ReportRegionLinks.h"

namespace lrclr {

/// The radiologist's accept/reject decision per sentence–region pair of the current analysis, saved as JSON (in the
/// per-user ReviewStore) together with the identity of the model that proposed the links, and reloaded with the
/// study.
/// Saving writes a temporary file and renames it (QSaveFile), so a failed save never destroys the previous file.
/// Not thread-safe: GUI thread only.
class ReviewDecisions : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool modified READ isModified NOTIFY modifiedChanged)

public:
    enum class Decision { Undecided, Accepted, Rejected };
    Q_ENUM(Decision)

    /// A decision is keyed by the sentence text and the region's patch index, which survive a re-analysis of the
    /// same study; sentence/region indexes are those of the result the decision was made on.
    struct Entry {
        int sentence = -1;
        int region = -1;
        QString sentenceText;
        int patchIndex = -1;
        Decision decision = Decision::Undecided;
    };

    explicit ReviewDecisions(QObject* parent = nullptr);

    /// `<study file or folder>.lrclr-review.json` beside the study: where earlier versions saved; read only now (a
    /// review found there and not yet in the ReviewStore is loaded, and saved to the store).
    static QString defaultPathFor(const QString& studyPath);
    static constexpr int formatVersion = 1;

    SharedAnalysisResult result() const { return m_result; }
    Decision decision(int sentence, int region) const;
    /// Decided pairs that exist in the current result, in (sentence, region) order.
    QList<Entry> entries() const;
    /// All decisions held, including those that match no pair of the current result (sentence/region -1).
    QList<Entry> allEntries() const;
    int count() const { return static_cast<int>(m_decisions.size()); }
    bool isModified() const { return m_modified; }
    /// Model identity stored in the last file loaded (empty before); compare with the current model's.
    AnalysisResult::ModelIdentity loadedModelIdentity() const { return m_loadedIdentity; }

    /// Writes the decisions and the current result's model identity to `path`. On failure returns false and sets
    /// `error` to a message naming the file and the problem; the previous file is left intact.
    bool save(const QString& path, QString* error = nullptr);
    /// The same file, written to a place the user chose ("Export review"); the decisions stay marked modified if
    /// they were (the review store is still to be saved).
    bool exportTo(const QString& path, QString* error = nullptr) const;
    /// Replaces the decisions with those in `path`, matched to the current result by sentence text and patch index.
    /// A missing, unreadable or corrupt file returns false with a message naming the file and the problem, and leaves
    /// the current decisions untouched.
    bool load(const QString& path, QString* error = nullptr);

public Q_SLOTS:
    /// Sets the analysis the decisions refer to. Decisions are kept whatever the result (they are keyed by sentence
    /// text and patch index): those matching the new result show up in entries(), the others are still saved.
    void setResult(lrclr::SharedAnalysisResult result);
    /// Ignored for indexes outside the current result. Undecided removes the decision.
    void setDecision(int sentence, int region, lrclr::ReviewDecisions::Decision decision);
    /// Removes every decision (a user action: marks the set modified).
    void clear();
    /// Removes the decisions on the sentence with this text (its text was replaced: they judged words no longer in
    /// the report). Marks the set modified when there were any.
    void forgetSentence(const QString& text);
    /// Forgets every decision and the loaded identity without marking anything modified (another study opened).
    void reset();

Q_SIGNALS:
    void decisionChanged(int sentence, int region, lrclr::ReviewDecisions::Decision decision);
    /// Many decisions changed at once (load, new result, clear).
    void decisionsReset();
    void modifiedChanged(bool modified);

private:
    using Key = std::pair<QString, int>; // sentence text, patch index
    void setModified(bool modified);
    int sentenceIndexOf(const QString& text) const;
    int regionIndexOf(int patchIndex) const;

    SharedAnalysisResult m_result;
    std::map<Key, Decision> m_decisions;
    AnalysisResult::ModelIdentity m_loadedIdentity;
    bool m_modified = false;
};

} // namespace lrclr
