#pragma once

#include <memory>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include "core/inference/InferenceService.h"
#include "core/inference/InferenceTypes.h"
#include "core/model/GrayscaleImage.h"
#include "core/report/Report.h"
#include "ui/model/ReportRegionLinks.h"

namespace lrclr {

class AnalysisSelection;
class ReviewDecisions;

/// The open study as the viewer works on it: its image, report text and sentences, the analysis of it from the
/// InferenceService, and the UI-model objects derived from that analysis (links, selection, review decisions).
/// Opening a study cancels the running job and submits a new one; only the latest job's result is kept; an edited or
/// typed sentence is re-grounded alone. Not thread-safe: GUI thread only; the service must outlive the session.
class ViewerSession : public QObject {
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)

public:
    /// Empty: no study. Analyzing: a job for the open study runs. Ready: a result is shown. Failed / Canceled: the
    /// last analysis ended without a result (an earlier result of the same study, if any, is still shown).
    enum class State { Empty, Analyzing, Ready, Failed, Canceled };
    Q_ENUM(State)

    /// A report sentence with its span in the report text, in UTF-16 code units (QString indices, as Report uses);
    /// begin == end for typed text. The result's AnalysisResult::Sentence begin/end carry the same units.
    struct Sentence {
        QString text;
        qsizetype begin = 0;
        qsizetype end = 0;
    };

    /// What the viewer hands over when a study is opened (the image already at the display scale the model expects).
    struct Study {
        QString path; ///< study file or folder; review decisions are saved beside it
        QString title;
        std::shared_ptr<const GrayscaleImage> image;
        QString reportText;
        QList<Sentence> sentences;
    };

    explicit ViewerSession(InferenceService* service, QObject* parent = nullptr);

    /// A Study from a parsed report: every sentence of `report`, in report order, with its span in report.text().
    static Study studyFrom(
        const QString& path, const QString& title, std::shared_ptr<const GrayscaleImage> image, const Report& report);
    ~ViewerSession() override;

    const Study& study() const { return m_study; }
    bool hasStudy() const { return m_study.image != nullptr; }
    State state() const { return m_state; }
    /// The latest analysis (null until one finished for the open study).
    SharedAnalysisResult result() const { return m_result; }
    /// Job id of the analysis or grounding in flight (0 when none).
    quint64 currentJob() const { return m_analysisJob; }
    /// Message of the last failure (empty unless state() is Failed or a grounding failed).
    QString errorMessage() const { return m_error; }

    ReportRegionLinks* links() const { return m_links; }
    AnalysisSelection* selection() const { return m_selection; }
    ReviewDecisions* decisions() const { return m_decisions; }

    /// Where the open study's review decisions are saved (ReviewDecisions::defaultPathFor); empty without a path.
    QString decisionsPath() const;
    /// Saves the review decisions beside the study. False with `error` on failure (the previous file stays intact).
    bool saveDecisions(QString* error = nullptr);

public Q_SLOTS:
    /// Cancels whatever runs, shows the new study, and submits its analysis (image + report sentences).
    void openStudy(const lrclr::ViewerSession::Study& study);
    void closeStudy();
    /// Submits the open study again (e.g. after switching the model to the CPU).
    void reanalyze();
    /// Re-grounds sentence `index` with new text; the result's sentence is replaced when the grounding arrives.
    /// Returns the job id, or 0 when there is no result yet or the index is invalid.
    quint64 regroundSentence(int index, const QString& text);
    /// Grounds typed text that is not part of the report; appended to the result's sentences when it arrives.
    quint64 groundTypedSentence(const QString& text);

Q_SIGNALS:
    void studyChanged();
    void stateChanged(lrclr::ViewerSession::State state);
    void progress(lrclr::InferenceStage stage, double fraction);
    /// A new result for the open study (full analysis or after re-grounding); links/selection/decisions are updated.
    void resultChanged(lrclr::SharedAnalysisResult result);
    void sentenceGrounded(int index);
    void analysisFailed(const QString& message, lrclr::InferenceFailure kind);
    void groundingFailed(const QString& message, lrclr::InferenceFailure kind);
    /// The decisions file beside the study exists but could not be read; the message names the file and the problem.
    /// The file is left as it is until the user saves.
    void decisionsLoadFailed(const QString& message);

private:
    void setState(State state);
    void setResult(SharedAnalysisResult result);
    void onFinished(quint64 jobId, const AnalysisResult& result);
    void onGroundingFinished(quint64 jobId, const GroundedSentences& sentences);
    void onFailed(quint64 jobId, const QString& message, InferenceFailure kind);
    void onCanceled(quint64 jobId);
    void onProgress(quint64 jobId, InferenceStage stage, double fraction);
    quint64 submitGrounding(const QString& text, int replaceIndex);
    void cancelJobs();
    void loadDecisions();

    /// Where a grounding's result goes: replace sentence `replaceIndex`, or append (-1).
    struct PendingGrounding {
        quint64 jobId = 0;
        int replaceIndex = -1;
        Sentence sentence;
    };

    QPointer<InferenceService> m_service;
    ReportRegionLinks* m_links = nullptr;
    AnalysisSelection* m_selection = nullptr;
    ReviewDecisions* m_decisions = nullptr;
    Study m_study;
    State m_state = State::Empty;
    SharedAnalysisResult m_result;
    quint64 m_analysisJob = 0;
    QList<PendingGrounding> m_groundings;
    QString m_error;
    bool m_decisionsLoaded = false;
};

} // namespace lrclr
