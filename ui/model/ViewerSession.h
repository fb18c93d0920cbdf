#pragma once

#include <memory>
#include <optional>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include "core/inference/InferenceService.h"
#include "core/inference/InferenceTypes.h"
#include "core/model/GrayscaleImage.h"
#include "core/report/Report.h"
#include "core/results/DicomResultTypes.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/XrayImage.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewStore.h"

namespace lrclr {

class AnalysisSelection;
class ReviewDecisions;

/// The open study as the viewer works on it: its image, report text and sentences, the analysis of it from the
/// InferenceService, and the UI-model objects derived from that analysis (links, selection, review decisions).
/// Opening a file reads it on a worker thread; opening a study cancels the running job and submits a new one; only
/// the latest job's result is kept; an edited or typed sentence is re-grounded alone. Not thread-safe: GUI thread only;
/// the service must outlive the session.
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

    /// The study's image ready to paint, made on the loading thread so that showing it renders nothing on the GUI
    /// thread: the default display chain (its lookup table built) and the frame it renders.
    struct Display {
        DisplayPipeline pipeline;
        DisplayFrame frame;
    };

    /// One opened study, immutable once published: what the viewport shows, what the model receives, and the
    /// report's sentences with their spans.
    struct Study {
        QString path; ///< study file or folder
        QString reportPath; ///< the report file read with the image; empty when none
        QString title;
        std::shared_ptr<const XrayImage>
            displayImage; ///< the decoded image (null for studies built from a model input)
        std::shared_ptr<const Display> display; ///< displayImage prepared for the viewport (null with it)
        std::shared_ptr<const GrayscaleImage> image; ///< the model's input (DisplayPipeline::modelInput)
        QString reportText;
        QList<Sentence> sentences;
        QString reportProblem; ///< the study's report file exists but could not be read
    };

    explicit ViewerSession(InferenceService* service, QObject* parent = nullptr);
    ~ViewerSession() override;

    /// A Study from a parsed report: every sentence of `report`, in report order, with its span in report.text().
    static Study studyFrom(
        const QString& path, const QString& title, std::shared_ptr<const GrayscaleImage> image, const Report& report);
    /// Reads and prepares a study from files (StudyReader, then the model input): the slow part of opening, which
    /// openFile() runs on a worker thread. Thread-safe (no shared state). std::nullopt with `error` set when the
    /// image cannot be read.
    static std::optional<Study> load(const QString& imagePath, const QString& reportPath, QString* error);

    /// True while openFile() reads a study in the background.
    bool isLoading() const { return m_loadingPath.isEmpty() == false; }
    /// The file being read while isLoading().
    QString loadingPath() const { return m_loadingPath; }

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

    /// Where the open study's review decisions are saved: its file in the ReviewStore (keyed by the image's UIDs, or
    /// its path); empty without a study.
    QString decisionsPath() const;
    /// Saves the review decisions into the ReviewStore (the previous file kept as .bak; an unreadable one set aside
    /// first). False with `error` on failure (the previous file stays intact).
    bool saveDecisions(QString* error = nullptr);
    /// Writes the review decisions to a file the user chose; the store is not changed.
    bool exportDecisions(const QString& path, QString* error = nullptr) const;
    /// The store reviews are saved in (default: the per-user one; tests give their own).
    void setReviewStore(const ReviewStore& store) { m_reviews = store; }
    const ReviewStore& reviewStore() const { return m_reviews; }
    /// Writes the latest analysis as JSON (AnalysisJson: the schema of `lrclr analyze`), atomically. False with
    /// `error` when there is no analysis or the file cannot be written.
    bool exportAnalysisJson(const QString& path, QString* error = nullptr) const;
    /// Writes a de-identified copy of the open study into the new or empty `folder` on a worker thread
    /// (DeidentifiedExport: the image file and its report, plus the latest analysis as JSON with the identity
    /// scrubbed from its sentences); deidentifiedExportFinished() or deidentifiedExportFailed() reports it. False
    /// (with `error`) when there is no study file to export.
    bool exportDeidentified(const QString& folder, QString* error = nullptr);
    /// Writes the latest analysis as DICOM into `folder` on a worker thread, as a new series each in the source
    /// study: the Comprehensive SR of core/results (sentences, their regions as SCOORD on the source image, scores,
    /// the review decisions made so far, findings, the model) and `snapshot` (the overlay as shown, with its legend)
    /// as a Secondary Capture; dicomExportFinished() or dicomExportFailed() reports it. False (with `error`) when
    /// there is no analysis or the study is not a DICOM image (the results must join its study).
    bool exportDicomResults(const QString& folder, RgbPicture snapshot, QString* error = nullptr);

public Q_SLOTS:
    /// Reads `imagePath` (and `reportPath`, else the study's own report) on a worker thread, then opens it as
    /// openStudy() does; the event loop keeps running meanwhile. A newer openFile() or cancelLoad() supersedes a load
    /// in flight (its result is dropped). When the image cannot be read, loadFailed() names the file and the problem
    /// and the open study stays as it was.
    void openFile(const QString& imagePath, const QString& reportPath = QString());
    /// Drops the load in flight, if any (decoding itself cannot be interrupted; its result is discarded).
    void cancelLoad();
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
    /// openFile() started (true) or ended (false: opened, failed or superseded).
    void loadingChanged(bool loading);
    void loadFailed(const QString& path, const QString& message);
    void studyChanged();
    void stateChanged(lrclr::ViewerSession::State state);
    void progress(lrclr::InferenceStage stage, double fraction);
    /// A new result for the open study (full analysis or after re-grounding); links/selection/decisions are updated.
    /// Right after a full analysis's resultChanged, unless something is selected already, the session selects the
    /// best-aligned sentence, else the most probable finding.
    void resultChanged(lrclr::SharedAnalysisResult result);
    void sentenceGrounded(int index);
    /// A replaced sentence changed the study's report text (study().reportText) and the spans of the sentences after
    /// it (study().sentences and the result's begin/end).
    void reportTextChanged();
    void analysisFailed(const QString& message, lrclr::InferenceFailure kind);
    void groundingFailed(const QString& message, lrclr::InferenceFailure kind);
    /// The decisions file beside the study exists but could not be read; the message names the file and the problem.
    /// The file is left as it is until the user saves.
    void decisionsLoadFailed(const QString& message);
    /// exportDeidentified() wrote `written` files into `folder`; `warnings` lists what the user should check.
    void deidentifiedExportFinished(const QString& folder, int written, const QStringList& warnings);
    void deidentifiedExportFailed(const QString& message);
    /// exportDicomResults() wrote these files.
    void dicomExportFinished(const QStringList& paths);
    void dicomExportFailed(const QString& message);

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
    void setLoadingPath(const QString& path);
    void selectDefault();

    /// Where a grounding's result goes: replace sentence `replaceIndex`, or append (-1).
    /// Splices `text` into the report in place of sentence `index` and moves the later spans.
    void replaceInReport(int index, const QString& text, AnalysisResult& result);

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
    bool m_decisionsUnreadable = false; ///< the store's file for this study exists but could not be read
    ReviewStore m_reviews;
    QString m_loadingPath;
    quint64 m_loadGeneration = 0; ///< bumped by every openFile()/cancelLoad(); a load publishes only if still current
};

} // namespace lrclr
