#include "ui/model/ViewerSession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

#include "core/model/AnalysisJson.h"
#include "core/results/SecondaryCaptureWriter.h"
#include "core/results/StructuredReportWriter.h"
#include "core/study/DeidentifiedExport.h"
#include "core/study/DisplayPipeline.h"
#include "imaging/StudyReader.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/FindingRows.h"
#include "ui/model/ReviewDecisions.h"

namespace lrclr {

ViewerSession::ViewerSession(InferenceService* service, QObject* parent)
    : QObject(parent)
    , m_service(service)
    , m_links(new ReportRegionLinks(this))
    , m_selection(new AnalysisSelection(m_links, this))
    , m_decisions(new ReviewDecisions(this))
{
    Q_ASSERT(service);
    connect(service, &InferenceService::finished, this, &ViewerSession::onFinished);
    connect(service, &InferenceService::groundingFinished, this, &ViewerSession::onGroundingFinished);
    connect(service, &InferenceService::failed, this, &ViewerSession::onFailed);
    connect(service, &InferenceService::canceled, this, &ViewerSession::onCanceled);
    connect(service, &InferenceService::progress, this, &ViewerSession::onProgress);
}

ViewerSession::Study ViewerSession::studyFrom(
    const QString& path, const QString& title, std::shared_ptr<const GrayscaleImage> image, const Report& report)
{
    Study study;
    study.path = path;
    study.title = title;
    study.image = std::move(image);
    study.reportText = report.text();
    for (qsizetype index = 0; index < report.sentences().size(); ++index) {
        const ReportSentence& sentence = report.sentences()[index];
        study.sentences.append({ report.sentenceText(index), sentence.begin, sentence.end });
    }
    return study;
}

std::optional<ViewerSession::Study> ViewerSession::load(
    const QString& imagePath, const QString& reportPath, QString* error)
{
    auto read = StudyReader::read(imagePath, reportPath, error);
    if (!read)
        return std::nullopt;
    QString title
        = QString::fromStdString(read->image.identity.patientName).replace(QLatin1Char('^'), QStringLiteral(", "));
    if (title.isEmpty())
        title = QFileInfo(imagePath).fileName();
    auto modelInput = std::make_shared<const GrayscaleImage>(DisplayPipeline::modelInput(read->image));
    Study study = studyFrom(imagePath, title, std::move(modelInput), read->report.value_or(Report {}));
    study.displayImage = std::make_shared<const XrayImage>(std::move(read->image));
    auto display = std::make_shared<Display>(Display { DisplayPipeline(*study.displayImage), {} });
    display->pipeline.renderInto(display->frame);
    study.display = std::move(display);
    study.reportProblem = read->reportProblem;
    study.reportPath = read->reportPath;
    return study;
}

void ViewerSession::openFile(const QString& imagePath, const QString& reportPath)
{
    struct Outcome {
        std::optional<Study> study;
        QString error;
    };
    const quint64 generation = ++m_loadGeneration;
    setLoadingPath(imagePath);
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, imagePath] {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return; // superseded by a newer openFile() or canceled
        Outcome outcome = watcher->result();
        setLoadingPath({});
        if (!outcome.study) {
            Q_EMIT loadFailed(imagePath, outcome.error);
            return;
        }
        openStudy(*outcome.study);
    });
    watcher->setFuture(QtConcurrent::run([imagePath, reportPath] {
        Outcome outcome;
        outcome.study = load(imagePath, reportPath, &outcome.error);
        return outcome;
    }));
}

void ViewerSession::cancelLoad()
{
    ++m_loadGeneration;
    setLoadingPath({});
}

void ViewerSession::setLoadingPath(const QString& path)
{
    const bool wasLoading = isLoading();
    m_loadingPath = path;
    if (wasLoading != isLoading())
        Q_EMIT loadingChanged(isLoading());
}

ViewerSession::~ViewerSession()
{
    // Nobody will read the results of this session's jobs any more.
    cancelJobs();
}

void ViewerSession::cancelJobs()
{
    if (!m_service)
        return;
    if (m_analysisJob != 0)
        m_service->cancel(m_analysisJob);
    for (const PendingGrounding& grounding : std::as_const(m_groundings))
        m_service->cancel(grounding.jobId);
    m_analysisJob = 0;
    m_groundings.clear();
}

QString ViewerSession::decisionsPath() const
{
    if (!hasStudy())
        return {};
    ReviewStore::Key key;
    if (m_study.displayImage) {
        key.studyInstanceUid = QString::fromStdString(m_study.displayImage->identity.studyInstanceUid);
        key.sopInstanceUid = QString::fromStdString(m_study.displayImage->identity.sopInstanceUid);
    }
    key.imagePath = m_study.path;
    return m_reviews.pathFor(key);
}

bool ViewerSession::saveDecisions(QString* error)
{
    const QString path = decisionsPath();
    if (path.isEmpty()) {
        if (error)
            *error = QStringLiteral("The open study has neither DICOM UIDs nor a file to key its review by.");
        return false;
    }
    // A file that could not be read is evidence of something (a newer format, a damaged disk): keep it.
    if (m_decisionsUnreadable && QFileInfo::exists(path) && ReviewStore::setAside(path, error).isEmpty())
        return false;
    if (!ReviewStore::prepareSave(path, error) || !m_decisions->save(path, error))
        return false;
    m_decisionsUnreadable = false;
    return true;
}

bool ViewerSession::exportDecisions(const QString& path, QString* error) const
{
    return m_decisions->exportTo(path, error);
}

bool ViewerSession::exportAnalysisJson(const QString& path, QString* error) const
{
    if (!m_result) {
        if (error)
            *error = QStringLiteral("No analysis to export");
        return false;
    }
    QSaveFile file(path);
    const std::string json = AnalysisJson::toJson(*m_result);
    if (!file.open(QIODevice::WriteOnly) || file.write(json.data(), qint64(json.size())) != qint64(json.size())
        || !file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool ViewerSession::exportDeidentified(const QString& folder, QString* error)
{
    if (m_study.path.isEmpty() || !QFileInfo(m_study.path).isFile()) {
        if (error)
            *error = QStringLiteral("No study file to export");
        return false;
    }
    DeidentifiedExport::Inputs inputs = DeidentifiedExport::gather({ m_study.path });
    if (!m_study.reportPath.isEmpty())
        inputs.reports.append(m_study.reportPath);
    if (m_result)
        inputs.texts.append({ QStringLiteral("analysis.json"), AnalysisJson::toJson(*m_result) });
    auto* watcher = new QFutureWatcher<DeidentifiedExport::Outcome>(this);
    connect(watcher, &QFutureWatcher<DeidentifiedExport::Outcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const DeidentifiedExport::Outcome outcome = watcher->result();
        QStringList problems;
        for (const auto& item : outcome.items) {
            if (!item.error.isEmpty())
                problems.append(item.error);
            if (!item.warning.isEmpty())
                problems.append(QFileInfo(item.input).fileName() + QLatin1Char(' ') + item.warning);
        }
        if (!outcome.error.isEmpty() || outcome.failed > 0)
            Q_EMIT deidentifiedExportFailed(
                outcome.error.isEmpty() ? problems.join(QStringLiteral("; ")) : outcome.error);
        else
            Q_EMIT deidentifiedExportFinished(outcome.folder, outcome.written, problems);
    });
    watcher->setFuture(QtConcurrent::run([inputs, folder] { return DeidentifiedExport::run(inputs, folder, {}); }));
    return true;
}

namespace {

/// The review decisions as the SR writer takes them (pairs of the current result only).
std::vector<ReviewedRegion> reviewedRegions(const ReviewDecisions& decisions)
{
    std::vector<ReviewedRegion> regions;
    for (const ReviewDecisions::Entry& entry : decisions.entries())
        if (entry.decision != ReviewDecisions::Decision::Undecided)
            regions.push_back({ entry.sentence, entry.region, entry.decision == ReviewDecisions::Decision::Accepted });
    return regions;
}

struct WrittenResults {
    QStringList paths;
    QString error;
};

/// Writes the SR and the Secondary Capture (on a worker thread): the paths written, or why not.
WrittenResults writeDicomResults(const AnalysisResult& result, const DicomResultSource& source, const QString& folder,
    const StructuredReportWriter::Options& options, const RgbPicture& snapshot)
{
    WrittenResults written;
    try {
        if (!QDir().mkpath(folder))
            throw std::runtime_error("cannot create " + folder.toStdString());
        const std::string base = QDir(folder).absolutePath().toStdString() + "/";
        const auto sr = StructuredReportWriter::write(result, source, base + "lrclr-report-sr.dcm", options);
        const auto sc = SecondaryCaptureWriter::write(snapshot, source, base + "lrclr-overlay-sc.dcm", options.series);
        written.paths = QStringList { QString::fromStdString(sr.path), QString::fromStdString(sc.path) };
    } catch (const std::exception& exception) {
        written.error = QString::fromUtf8(exception.what());
    }
    return written;
}

} // namespace

bool ViewerSession::exportDicomResults(const QString& folder, RgbPicture snapshot, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_result)
        return fail(QStringLiteral("No analysis to export"));
    if (!m_study.displayImage)
        return fail(QStringLiteral("The study has no image to reference"));
    const DicomResultSource source = DicomResultSource::fromImage(*m_study.displayImage);
    if (m_study.displayImage->transferSyntaxUid.empty() || !source.isDicom())
        return fail(QStringLiteral("DICOM results need a DICOM study to join (this one lacks %1)")
                        .arg(QString::fromStdString(source.missingAttributes().empty() ? std::string("a DICOM header")
                                                                                       : source.missingAttributes())));
    StructuredReportWriter::Options options;
    options.decisions = reviewedRegions(*m_decisions);
    options.series.softwareVersion = QCoreApplication::applicationVersion().toStdString();
    if (options.series.softwareVersion.empty())
        options.series.softwareVersion = "unknown";
    const SharedAnalysisResult result = m_result;
    auto* watcher = new QFutureWatcher<WrittenResults>(this);
    connect(watcher, &QFutureWatcher<WrittenResults>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const WrittenResults written = watcher->result();
        if (written.error.isEmpty())
            Q_EMIT dicomExportFinished(written.paths);
        else
            Q_EMIT dicomExportFailed(written.error);
    });
    watcher->setFuture(QtConcurrent::run([result, source, folder, options, snapshot = std::move(snapshot)] {
        return writeDicomResults(*result, source, folder, options, snapshot);
    }));
    return true;
}

void ViewerSession::openStudy(const Study& study)
{
    cancelJobs();
    m_study = study;
    m_error.clear();
    m_decisionsLoaded = false;
    m_decisionsUnreadable = false;
    setResult({});
    m_decisions->reset();
    Q_EMIT studyChanged();
    if (!hasStudy()) {
        setState(State::Empty);
        return;
    }
    reanalyze();
}

void ViewerSession::closeStudy()
{
    cancelJobs();
    m_study = Study {};
    m_error.clear();
    m_decisionsLoaded = false;
    m_decisionsUnreadable = false;
    setResult({});
    m_decisions->reset();
    Q_EMIT studyChanged();
    setState(State::Empty);
}

void ViewerSession::reanalyze()
{
    if (!hasStudy() || !m_service)
        return;
    cancelJobs();
    AnalysisRequest request;
    request.image = m_study.image;
    for (const Sentence& sentence : std::as_const(m_study.sentences))
        request.sentences.push_back(sentence.text.toStdString());
    m_analysisJob = m_service->submit(std::move(request));
    m_error.clear();
    setState(State::Analyzing);
}

quint64 ViewerSession::regroundSentence(int index, const QString& text)
{
    if (!m_result || index < 0 || index >= static_cast<int>(m_result->sentences.size()))
        return 0;
    // Typing fast re-grounds the same sentence again and again: only the newest text matters.
    for (qsizetype pending = m_groundings.size() - 1; pending >= 0; --pending) {
        if (m_groundings[pending].replaceIndex == index) {
            m_service->cancel(m_groundings[pending].jobId);
            m_groundings.removeAt(pending);
        }
    }
    return submitGrounding(text, index);
}

quint64 ViewerSession::groundTypedSentence(const QString& text)
{
    if (!m_result)
        return 0;
    return submitGrounding(text, -1);
}

quint64 ViewerSession::submitGrounding(const QString& text, int replaceIndex)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || !m_service || !m_study.image)
        return 0;
    GroundingRequest request;
    request.image = m_study.image;
    request.sentences.push_back(trimmed.toStdString());
    PendingGrounding pending;
    pending.jobId = m_service->submitGrounding(std::move(request));
    pending.replaceIndex = replaceIndex;
    pending.sentence.text = trimmed;
    if (replaceIndex >= 0 && replaceIndex < m_study.sentences.size()) {
        pending.sentence.begin = m_study.sentences[replaceIndex].begin;
        pending.sentence.end = m_study.sentences[replaceIndex].end;
    }
    m_groundings.append(pending);
    return pending.jobId;
}

void ViewerSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ViewerSession::setResult(SharedAnalysisResult result)
{
    m_result = std::move(result);
    m_links->setResult(m_result);
    m_decisions->setResult(m_result);
}

void ViewerSession::loadDecisions()
{
    if (m_decisionsLoaded)
        return;
    m_decisionsLoaded = true;
    QString path = decisionsPath();
    if (path.isEmpty())
        return;
    const bool inStore = QFileInfo::exists(path);
    // Earlier versions saved beside the study: such a review is read from there (and saved to the store).
    if (!inStore)
        path = ReviewDecisions::defaultPathFor(m_study.path);
    if (!QFileInfo::exists(path))
        return;
    QString error;
    if (!m_decisions->load(path, &error)) {
        m_decisionsUnreadable = inStore;
        Q_EMIT decisionsLoadFailed(error);
    }
}

void ViewerSession::onFinished(quint64 jobId, const AnalysisResult& result)
{
    if (jobId == 0 || jobId != m_analysisJob)
        return;
    m_analysisJob = 0;
    auto shared = std::make_shared<AnalysisResult>(result);
    // The model sees sentence texts only; their places in the report are the session's to restore.
    if (shared->sentences.size() == static_cast<std::size_t>(m_study.sentences.size())) {
        for (std::size_t index = 0; index < shared->sentences.size(); ++index) {
            shared->sentences[index].begin
                = static_cast<std::size_t>(m_study.sentences[static_cast<qsizetype>(index)].begin);
            shared->sentences[index].end
                = static_cast<std::size_t>(m_study.sentences[static_cast<qsizetype>(index)].end);
        }
    }
    setResult(shared);
    loadDecisions();
    setState(State::Ready);
    Q_EMIT resultChanged(m_result);
    // After the observers have the result, so that the selection's heatmap is drawn on it (one overlay build).
    selectDefault();
}

void ViewerSession::selectDefault()
{
    if (!m_result || m_selection->kind() != AnalysisSelection::Kind::Nothing)
        return;
    // Put something meaningful on the image at once: the best-aligned sentence, else the most probable finding.
    int best = -1;
    for (int k = 0; k < m_links->sentenceCount(); ++k)
        if (best < 0 || m_links->alignmentScore(k) > m_links->alignmentScore(best))
            best = k;
    if (best >= 0)
        m_selection->selectSentence(best);
    else if (!m_result->findings.empty())
        // The findings panel's top row: the highest shown (calibrated, where available) probability.
        m_selection->selectFinding(FindingRows::fromResult(*m_result).front().index);
}

void ViewerSession::onGroundingFinished(quint64 jobId, const GroundedSentences& sentences)
{
    qsizetype position = -1;
    for (qsizetype index = 0; index < m_groundings.size(); ++index) {
        if (m_groundings[index].jobId == jobId)
            position = index;
    }
    if (position < 0)
        return;
    const PendingGrounding pending = m_groundings.takeAt(position);
    if (!m_result || sentences.size() != 1)
        return;

    auto updated = std::make_shared<AnalysisResult>(*m_result);
    AnalysisResult::Sentence sentence = sentences.front();
    sentence.begin = static_cast<std::size_t>(pending.sentence.begin);
    sentence.end = static_cast<std::size_t>(pending.sentence.end);
    int index = pending.replaceIndex;
    bool reportEdited = false;
    if (index >= 0 && index < static_cast<int>(updated->sentences.size())) {
        updated->sentences[static_cast<std::size_t>(index)] = sentence;
        if (index < m_study.sentences.size()) {
            // Decisions on the old words do not carry over to the new ones.
            m_decisions->forgetSentence(m_study.sentences[index].text);
            // A report sentence is rewritten in the report; a typed one (begin == end) has no place there.
            reportEdited = m_study.sentences[index].begin != m_study.sentences[index].end;
            if (reportEdited)
                replaceInReport(index, pending.sentence.text, *updated);
            else
                m_study.sentences[index].text = pending.sentence.text;
        }
    } else {
        index = static_cast<int>(updated->sentences.size());
        updated->sentences.push_back(sentence);
        m_study.sentences.append(pending.sentence);
    }
    setResult(updated);
    if (reportEdited)
        Q_EMIT reportTextChanged();
    Q_EMIT sentenceGrounded(index);
    Q_EMIT resultChanged(m_result);
}

void ViewerSession::replaceInReport(int index, const QString& text, AnalysisResult& result)
{
    // The replaced sentence's span (as it is now: earlier edits may have moved it) becomes `text`; every report
    // sentence after it moves by the change in length, in the study and in the result alike. Typed sentences
    // (begin == end) have no place in the report and stay where they are.
    Sentence& edited = m_study.sentences[index];
    const qsizetype begin = edited.begin;
    const qsizetype end = edited.end;
    const qsizetype shift = text.size() - (end - begin);
    m_study.reportText = m_study.reportText.left(begin) + text + m_study.reportText.mid(end);
    edited.text = text;
    edited.end = begin + text.size();
    for (qsizetype k = 0; k < m_study.sentences.size(); ++k) {
        Sentence& other = m_study.sentences[k];
        if (k != index && other.begin != other.end && other.begin >= end) {
            other.begin += shift;
            other.end += shift;
        }
        if (k < static_cast<qsizetype>(result.sentences.size())) {
            result.sentences[static_cast<std::size_t>(k)].begin = static_cast<std::size_t>(other.begin);
            result.sentences[static_cast<std::size_t>(k)].end = static_cast<std::size_t>(other.end);
        }
    }
}

void ViewerSession::onFailed(quint64 jobId, const QString& message, InferenceFailure kind)
{
    if (jobId != 0 && jobId == m_analysisJob) {
        m_analysisJob = 0;
        m_error = message;
        setState(State::Failed);
        Q_EMIT analysisFailed(message, kind);
        return;
    }
    for (qsizetype index = 0; index < m_groundings.size(); ++index) {
        if (m_groundings[index].jobId == jobId) {
            m_groundings.removeAt(index);
            m_error = message;
            Q_EMIT groundingFailed(message, kind);
            return;
        }
    }
}

void ViewerSession::onCanceled(quint64 jobId)
{
    if (jobId != 0 && jobId == m_analysisJob) {
        // Canceled by someone else (a Cancel button on the service): the study stays open without a new result.
        m_analysisJob = 0;
        setState(State::Canceled);
        return;
    }
    for (qsizetype index = 0; index < m_groundings.size(); ++index) {
        if (m_groundings[index].jobId == jobId) {
            m_groundings.removeAt(index);
            return;
        }
    }
}

void ViewerSession::onProgress(quint64 jobId, InferenceStage stage, double fraction)
{
    if (jobId != 0 && jobId == m_analysisJob)
        Q_EMIT progress(stage, fraction);
}

} // namespace lrclr
