#include <QDir>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "core/inference/InferenceService.h"
#include "tests/TestFiles.h"
#include "tests/inference/FakeAnalyzer.h"
#include "tests/study/TestDicomFiles.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/ReviewDecisions.h"
#include "ui/model/ViewerSession.h"

using namespace lrclr;
using lrclr::testing::FakeAnalyzer;
using lrclr::testing::FakeAnalyzerControl;

namespace {

/// A study whose report has the given sentences separated by single spaces.
ViewerSession::Study makeStudy(const QString& path, int width, float value, const QStringList& sentences)
{
    ViewerSession::Study study;
    study.path = path;
    study.title = QStringLiteral("Test study");
    study.image = lrclr::testing::makeImage(width, 64, value);
    for (const QString& text : sentences) {
        if (!study.reportText.isEmpty())
            study.reportText += QLatin1Char(' ');
        const qsizetype begin = study.reportText.size();
        study.reportText += text;
        study.sentences.append({ text, begin, study.reportText.size() });
    }
    return study;
}

/// Writes a gray PNG of `width` x `height` and, when `reportText` is given, its sidecar report (same stem, .txt).
QString writeStudyFile(
    const QTemporaryDir& directory, const QString& name, int width, int height, const QString& reportText = QString())
{
    QImage image(width, height, QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.scanLine(y)[x] = uchar((x * 3 + y) % 256);
    const QString path = directory.filePath(name + QStringLiteral(".png"));
    if (!image.save(path))
        return {};
    if (!reportText.isEmpty()) {
        QFile report(directory.filePath(name + QStringLiteral(".txt")));
        if (!report.open(QIODevice::WriteOnly) || report.write(reportText.toUtf8()) != reportText.toUtf8().size())
            return {};
    }
    return path;
}

const QStringList report { QStringLiteral("Opacity in the right lower lobe."), QStringLiteral("No effusion."),
    QStringLiteral("Heart size normal.") };

} // namespace

class ViewerSessionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_directory.isValid());
        m_control = std::make_shared<FakeAnalyzerControl>();
        m_service = std::make_unique<InferenceService>(std::make_unique<FakeAnalyzer>(m_control));
        m_session = std::make_unique<ViewerSession>(m_service.get());
        m_session->setReviewStore(ReviewStore(m_directory.filePath(QStringLiteral("reviews"))));
    }

    void cleanup()
    {
        m_session.reset();
        m_service.reset();
    }

    void openFileReadsInTheBackgroundThenAnalyzes()
    {
        const QString text = QStringLiteral("FINDINGS: Small right effusion. No pneumothorax.");
        const QString path = writeStudyFile(m_directory, QStringLiteral("chest"), 120, 80, text);
        QVERIFY(!path.isEmpty());
        QSignalSpy loading(m_session.get(), &ViewerSession::loadingChanged);
        QSignalSpy studies(m_session.get(), &ViewerSession::studyChanged);
        m_session->openFile(path);
        // The call returns before the file is read: the study arrives through the event loop.
        QVERIFY(m_session->isLoading());
        QCOMPARE(m_session->loadingPath(), path);
        QVERIFY(!m_session->hasStudy());
        QTRY_VERIFY_WITH_TIMEOUT(m_session->hasStudy(), 10000);
        QVERIFY(!m_session->isLoading());
        QCOMPARE(studies.count(), 1);
        QCOMPARE(loading.count(), 2);
        QCOMPARE(loading.at(0).at(0).toBool(), true);
        QCOMPARE(loading.at(1).at(0).toBool(), false);

        const ViewerSession::Study& study = m_session->study();
        QCOMPARE(study.path, path);
        QVERIFY(study.displayImage);
        QCOMPARE(study.displayImage->columns, 120);
        QCOMPARE(study.displayImage->rows, 80);
        // The first frame was rendered on the loading thread, with the default window, as the viewport would.
        QVERIFY(study.display);
        QVERIFY(study.display->frame.isValid());
        QCOMPARE(study.display->frame.width, 120);
        const DisplayFrame expected = DisplayPipeline(*study.displayImage).render();
        QVERIFY(study.display->frame.bytes == expected.bytes);
        QCOMPARE(study.display->pipeline.voi().center, DisplayPipeline::defaultVoi(*study.displayImage).center);
        QVERIFY(study.image);
        QCOMPARE(study.image->width, 120);
        QCOMPARE(study.reportText, text);
        QCOMPARE(study.sentences.size(), 2);
        QCOMPARE(study.sentences[1].text, QStringLiteral("No pneumothorax."));
        QCOMPARE(text.mid(study.sentences[1].begin, study.sentences[1].end - study.sentences[1].begin),
            QStringLiteral("No pneumothorax."));

        // Then it is analysed, and something is selected for the overlay at once.
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 10000);
        QVERIFY(m_session->selection()->kind() != AnalysisSelection::Kind::Nothing);
    }

    void unreadableFileKeepsTheOpenStudy()
    {
        const QString good = writeStudyFile(m_directory, QStringLiteral("good"), 64, 64, QStringLiteral("Clear."));
        QVERIFY(!good.isEmpty());
        m_session->openFile(good);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 10000);
        const auto result = m_session->result();

        const QString bad = m_directory.filePath(QStringLiteral("broken.png"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\x89PNG\r\n\x1a\n but nothing of a PNG after the signature");
        file.close();
        QSignalSpy failed(m_session.get(), &ViewerSession::loadFailed);
        QSignalSpy studies(m_session.get(), &ViewerSession::studyChanged);
        m_session->openFile(bad);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(failed.at(0).at(0).toString(), bad);
        QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("broken.png")),
            qPrintable(failed.at(0).at(1).toString()));
        QVERIFY(!m_session->isLoading());
        QCOMPARE(studies.count(), 0);
        QCOMPARE(m_session->study().path, good);
        QCOMPARE(m_session->result(), result);
        QCOMPARE(m_session->state(), ViewerSession::State::Ready);
    }

    void newerOpenSupersedesTheLoadInFlight()
    {
        const QString first = writeStudyFile(m_directory, QStringLiteral("first"), 900, 900);
        const QString second = writeStudyFile(m_directory, QStringLiteral("second"), 48, 40);
        QSignalSpy studies(m_session.get(), &ViewerSession::studyChanged);
        m_session->openFile(first);
        m_session->openFile(second);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->hasStudy(), 10000);
        QTest::qWait(300); // the first file's load has ended by now and must not replace the second
        QCOMPARE(studies.count(), 1);
        QCOMPARE(m_session->study().path, second);
        QCOMPARE(m_session->study().displayImage->columns, 48);
    }

    void canceledLoadPublishesNothing()
    {
        const QString path = writeStudyFile(m_directory, QStringLiteral("canceled"), 600, 600);
        QSignalSpy studies(m_session.get(), &ViewerSession::studyChanged);
        m_session->openFile(path);
        m_session->cancelLoad();
        QVERIFY(!m_session->isLoading());
        QTest::qWait(300);
        QCOMPARE(studies.count(), 0);
        QVERIFY(!m_session->hasStudy());
        QCOMPARE(m_session->state(), ViewerSession::State::Empty);
    }

    void analysisExportsAsJson()
    {
        const QString json = m_directory.filePath(QStringLiteral("analysis.json"));
        QString error;
        QVERIFY(!m_session->exportAnalysisJson(json, &error));
        QVERIFY(!error.isEmpty());
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 10000);
        QVERIFY2(m_session->exportAnalysisJson(json, &error), qPrintable(error));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        QVERIFY2(written.contains("Heart size normal."), written.left(200).constData());
    }

    void deidentifiedCopyLeavesNoIdentity()
    {
        QString error;
        QVERIFY(!m_session->exportDeidentified(m_directory.filePath(QStringLiteral("none")), &error));
        test::SyntheticImage image;
        image.samples = test::patternSamples(image);
        image.attributes = { { 0x0010, 0x0010, "Roe^Richard" }, { 0x0010, 0x0020, "RID-4411" } };
        const QString path = m_directory.filePath(QStringLiteral("roe.dcm"));
        QVERIFY(test::writeSyntheticDicom(image, test::TestSyntax::ExplicitLittle, path.toStdString()).empty());
        QVERIFY(lrclr::test::writeAll(m_directory.filePath(QStringLiteral("roe.txt")),
            QByteArray("Richard Roe (RID-4411): small right effusion.")));
        m_session->openFile(path);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 10000);
        QCOMPARE(m_session->study().reportPath, m_directory.filePath(QStringLiteral("roe.txt")));

        const QString folder = m_directory.filePath(QStringLiteral("deidentified"));
        QSignalSpy finished(m_session.get(), &ViewerSession::deidentifiedExportFinished);
        QVERIFY2(m_session->exportDeidentified(folder, &error), qPrintable(error));
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(1).toInt(), 3);
        QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList({ "analysis.json", "IM0001.dcm", "IM0001.txt" }));
        for (const char* name : { "IM0001.dcm", "IM0001.txt", "analysis.json" }) {
            const QByteArray bytes = lrclr::test::readAll(folder + QLatin1Char('/') + QLatin1String(name));
            QVERIFY2(!bytes.isEmpty(), name);
            QVERIFY2(!bytes.contains("Roe") && !bytes.contains("Richard") && !bytes.contains("RID-4411"), name);
        }
        QVERIFY(lrclr::test::readAll(folder + QStringLiteral("/IM0001.txt")).contains("small right effusion"));

        // A second export into the same folder is refused, and says why.
        QSignalSpy failed(m_session.get(), &ViewerSession::deidentifiedExportFailed);
        QVERIFY(m_session->exportDeidentified(folder, &error));
        QVERIFY(failed.wait(20000));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("not empty")));
    }

    void dicomResultsJoinTheSourceStudy()
    {
        test::SyntheticImage image;
        image.samples = test::patternSamples(image);
        image.attributes = { { 0x0020, 0x000D, "1.2.826.0.1.3680043.9.7777.20.1" } };
        const QString path = m_directory.filePath(QStringLiteral("results-source.dcm"));
        QVERIFY(test::writeSyntheticDicom(image, test::TestSyntax::ExplicitLittle, path.toStdString()).empty());
        QVERIFY(lrclr::test::writeAll(m_directory.filePath(QStringLiteral("results-source.txt")),
            QByteArray("Small right effusion. No pneumothorax.")));
        m_session->openFile(path);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 10000);
        m_session->decisions()->setDecision(0, 0, ReviewDecisions::Decision::Accepted);
        RgbPicture snapshot;
        snapshot.width = 4;
        snapshot.height = 3;
        snapshot.rgb.assign(4 * 3 * 3, 128);
        const QString folder = m_directory.filePath(QStringLiteral("dicom-results"));
        QSignalSpy finished(m_session.get(), &ViewerSession::dicomExportFinished);
        QString error;
        QVERIFY2(m_session->exportDicomResults(folder, snapshot, &error), qPrintable(error));
        QVERIFY(finished.wait(20000));
        const QStringList paths = finished.at(0).at(0).toStringList();
        QCOMPARE(paths.size(), 2);
        DcmFileFormat sr;
        QVERIFY(sr.loadFile(QFile::encodeName(paths[0]).constData()).good());
        OFString value;
        sr.getDataset()->findAndGetOFString(DCM_SOPClassUID, value);
        QCOMPARE(QString(value.c_str()), QStringLiteral("1.2.840.10008.5.1.4.1.1.88.33"));
        sr.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, value);
        QCOMPARE(QString(value.c_str()), QStringLiteral("1.2.826.0.1.3680043.9.7777.20.1"));
        DcmFileFormat sc;
        QVERIFY(sc.loadFile(QFile::encodeName(paths[1]).constData()).good());
        sc.getDataset()->findAndGetOFString(DCM_BurnedInAnnotation, value);
        QCOMPARE(QString(value.c_str()), QStringLiteral("YES"));
        QVERIFY(
            lrclr::test::readAll(paths[0]).contains("ACCEPTED") || lrclr::test::readAll(paths[0]).contains("Accepted"));

        // A raster study has no DICOM study to join: refused, with the reason.
        const QString raster = writeStudyFile(m_directory, QStringLiteral("raster"), 40, 30, QStringLiteral("A."));
        m_session->openFile(raster);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->study().path, raster, 10000);
        QVERIFY(!m_session->exportDicomResults(folder, snapshot, &error));
        QVERIFY2(error.contains(QStringLiteral("DICOM study")), qPrintable(error));
    }

    void openStudyAnalyzesAndLinks()
    {
        QSignalSpy states(m_session.get(), &ViewerSession::stateChanged);
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        QCOMPARE(m_session->state(), ViewerSession::State::Analyzing);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        const SharedAnalysisResult result = m_session->result();
        QVERIFY(result);
        QCOMPARE(result->sentences.size(), std::size_t(3));
        for (int index = 0; index < 3; ++index) {
            const auto& sentence = result->sentences[static_cast<std::size_t>(index)];
            QCOMPARE(QString::fromStdString(sentence.text), report[index]);
            // Spans restored from the study: the sentence is found at its place in the report text.
            QCOMPARE(m_session->study().reportText.mid(
                         static_cast<qsizetype>(sentence.begin), static_cast<qsizetype>(sentence.end - sentence.begin)),
                report[index]);
        }
        QCOMPARE(m_session->links()->result(), result);
        QCOMPARE(m_session->decisions()->result(), result);

        // Clicking a sentence puts that sentence's map on the overlay.
        m_session->selection()->selectSentence(1);
        QCOMPARE(m_session->selection()->heatmap().map.values, result->sentences[1].similarityMap.values);
        QCOMPARE(m_session->selection()->heatmap().label, report[1]);
        QCOMPARE(states.size(), 2); // Analyzing, Ready
    }

    void studyFromAParsedReport()
    {
        const Report parsed = Report::fromText(QStringLiteral("FINDINGS: Small left effusion. No pneumothorax.\n\n"
                                                              "IMPRESSION: Effusion."));
        QVERIFY(parsed.sentences().size() >= 3);
        const auto study = ViewerSession::studyFrom(
            m_directory.filePath("r.dcm"), QStringLiteral("R"), lrclr::testing::makeImage(64, 64, 1.0f), parsed);
        QCOMPARE(study.sentences.size(), parsed.sentences().size());
        for (const auto& sentence : study.sentences)
            QCOMPARE(study.reportText.mid(sentence.begin, sentence.end - sentence.begin), sentence.text);
        QCOMPARE(study.sentences.first().text, QStringLiteral("Small left effusion."));

        m_session->openStudy(study);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QCOMPARE(m_session->result()->sentences.size(), static_cast<std::size_t>(parsed.sentences().size()));
        QCOMPARE(static_cast<qsizetype>(m_session->result()->sentences[1].begin), parsed.sentences()[1].begin);
    }

    void openingAnotherStudyCancelsTheRunningJob()
    {
        m_control->stageMilliseconds = 40;
        QSignalSpy canceled(m_service.get(), &InferenceService::canceled);
        QSignalSpy started(m_service.get(), &InferenceService::started);
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 10.0f, report));
        const quint64 first = m_session->currentJob();
        QTRY_VERIFY_WITH_TIMEOUT(started.size() == 1, 5000);
        QSignalSpy results(m_session.get(), &ViewerSession::resultChanged);
        m_session->openStudy(makeStudy(m_directory.filePath("b.dcm"), 96, 20.0f, { QStringLiteral("Only one.") }));
        QVERIFY(m_session->currentJob() != first);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_service->isBusy(), 5000);
        QCOMPARE(canceled.size(), 1);
        QCOMPARE(canceled.at(0).at(0).value<quint64>(), first);
        QCOMPARE(results.size(), 1);
        QCOMPARE(m_session->result()->geometry.originalWidth, 96);
        QCOMPARE(m_session->result()->sentences.size(), std::size_t(1));
        // The first job stopped at a stage boundary instead of running its six 40 ms stages to the end.
        QVERIFY2(m_control->analyzeCount.load() == 2, "both jobs reached the analyzer once");
    }

    void regroundedSentenceReplacesItAndUpdatesTheOverlay()
    {
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        const auto before = m_session->result()->sentences[1];
        m_session->selection()->selectSentence(1);
        QSignalSpy grounded(m_session.get(), &ViewerSession::sentenceGrounded);
        QSignalSpy heatmaps(m_session->selection(), &AnalysisSelection::heatmapChanged);
        QSignalSpy reportChanged(m_session.get(), &ViewerSession::reportTextChanged);
        // A decision on the sentence about to be replaced, and one on another sentence.
        m_session->decisions()->setDecision(1, 0, ReviewDecisions::Decision::Rejected);
        m_session->decisions()->setDecision(2, 0, ReviewDecisions::Decision::Accepted);

        // Typing: two edits in a row, only the last one counts.
        const quint64 stale = m_session->regroundSentence(1, QStringLiteral("Small effusion"));
        const quint64 latest = m_session->regroundSentence(1, QStringLiteral("Small left effusion."));
        QVERIFY(stale != 0 && latest != 0 && stale != latest);
        QTRY_VERIFY_WITH_TIMEOUT(!grounded.isEmpty() && !m_service->isBusy(), 5000);
        QCOMPARE(grounded.size(), 1);
        QCOMPARE(grounded.at(0).at(0).toInt(), 1);

        const auto& after = m_session->result()->sentences[1];
        QCOMPARE(QString::fromStdString(after.text), QStringLiteral("Small left effusion."));
        QCOMPARE(after.begin, before.begin);
        // The report text itself now says it, and every span still points at its sentence.
        QCOMPARE(reportChanged.size(), 1);
        // The rejection judged the old words: gone; the other sentence's decision stays.
        QCOMPARE(m_session->decisions()->decision(1, 0), ReviewDecisions::Decision::Undecided);
        QCOMPARE(m_session->decisions()->decision(2, 0), ReviewDecisions::Decision::Accepted);
        QCOMPARE(m_session->decisions()->count(), 1);
        QCOMPARE(after.end, before.begin + std::size_t(QStringLiteral("Small left effusion.").size()));
        const ViewerSession::Study& study = m_session->study();
        QVERIFY2(study.reportText.contains(QStringLiteral("Small left effusion.")), qPrintable(study.reportText));
        QVERIFY(!study.reportText.contains(QStringLiteral("No effusion.")));
        for (qsizetype k = 0; k < study.sentences.size(); ++k) {
            const auto& span = study.sentences[k];
            QCOMPARE(study.reportText.mid(span.begin, span.end - span.begin), span.text);
            QCOMPARE(m_session->result()->sentences[std::size_t(k)].begin, std::size_t(span.begin));
            QCOMPARE(m_session->result()->sentences[std::size_t(k)].end, std::size_t(span.end));
        }
        // The fake's local similarity is the text length / 100: it was recomputed for the new text.
        QCOMPARE(after.localSimilarity, static_cast<float>(QStringLiteral("Small left effusion.").size()) / 100.0f);
        QCOMPARE(m_session->study().sentences[1].text, QStringLiteral("Small left effusion."));
        QCOMPARE(m_session->selection()->selectedIndex(), 1);
        QCOMPARE(m_session->selection()->heatmap().label, QStringLiteral("Small left effusion."));
        QVERIFY(!heatmaps.isEmpty());
        // Other sentences untouched.
        QCOMPARE(QString::fromStdString(m_session->result()->sentences[0].text), report[0]);
    }

    void typedSentenceIsAppended()
    {
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QCOMPARE(m_session->groundTypedSentence(QStringLiteral("   ")), quint64(0));
        QVERIFY(m_session->groundTypedSentence(QStringLiteral("Is there a pneumothorax?")) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->result()->sentences.size(), std::size_t(4), 5000);
        const auto& typed = m_session->result()->sentences[3];
        QCOMPARE(typed.text, std::string("Is there a pneumothorax?"));
        QCOMPARE(typed.begin, typed.end);
        QCOMPARE(m_session->links()->sentenceCount(), 4);
        // Replacing the typed sentence re-grounds it but leaves the report text alone: it has no place there.
        const QString reportBefore = m_session->study().reportText;
        QSignalSpy reportChanged(m_session.get(), &ViewerSession::reportTextChanged);
        QVERIFY(m_session->regroundSentence(3, QStringLiteral("Is there a left pneumothorax?")) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_session->result()->sentences[3].text, std::string("Is there a left pneumothorax?"), 5000);
        QCOMPARE(m_session->study().reportText, reportBefore);
        QCOMPARE(reportChanged.size(), 0);
        QCOMPARE(m_session->result()->sentences[3].begin, m_session->result()->sentences[3].end);
    }

    void regroundingWithoutResultDoesNothing()
    {
        QCOMPARE(m_session->regroundSentence(0, QStringLiteral("text")), quint64(0));
        QCOMPARE(m_session->groundTypedSentence(QStringLiteral("text")), quint64(0));
        QVERIFY(!m_service->isBusy());
    }

    void decisionsAreSavedInTheStoreAndReloaded()
    {
        const QString studyPath = m_directory.filePath("decided.dcm");
        m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        m_session->decisions()->setDecision(0, 0, ReviewDecisions::Decision::Accepted);
        m_session->decisions()->setDecision(2, 1, ReviewDecisions::Decision::Rejected);
        QString error;
        QVERIFY2(m_session->saveDecisions(&error), qPrintable(error));
        // In the store, never beside the study.
        const QString saved = m_session->decisionsPath();
        QVERIFY2(saved.startsWith(m_directory.filePath(QStringLiteral("reviews/"))), qPrintable(saved));
        QVERIFY(QFile::exists(saved));
        QVERIFY(!QFile::exists(studyPath + ".lrclr-review.json"));
        QVERIFY(!QFile::exists(saved + ".bak")); // nothing to back up on the first save
        // Saving again keeps the previous file as the backup.
        m_session->decisions()->setDecision(0, 0, ReviewDecisions::Decision::Rejected);
        QVERIFY2(m_session->saveDecisions(&error), qPrintable(error));
        QVERIFY(QFile::exists(saved + ".bak"));
        {
            ReviewDecisions previous;
            QVERIFY(previous.load(saved + ".bak", &error));
            QCOMPARE(previous.count(), 2);
        }
        m_session->decisions()->setDecision(0, 0, ReviewDecisions::Decision::Accepted);
        QVERIFY2(m_session->saveDecisions(&error), qPrintable(error));

        m_session->closeStudy();
        QCOMPARE(m_session->state(), ViewerSession::State::Empty);
        QCOMPARE(m_session->decisions()->count(), 0);
        m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QCOMPARE(m_session->decisions()->decision(0, 0), ReviewDecisions::Decision::Accepted);
        QCOMPARE(m_session->decisions()->decision(2, 1), ReviewDecisions::Decision::Rejected);
        QCOMPARE(m_session->decisions()->count(), 2);
        QCOMPARE(QString::fromStdString(m_session->decisions()->loadedModelIdentity().name), QStringLiteral("fake"));

        // Export to a chosen place writes the same decisions and leaves the store alone.
        m_session->decisions()->setDecision(1, 0, ReviewDecisions::Decision::Accepted);
        const QString exported = m_directory.filePath(QStringLiteral("exported-review.json"));
        QVERIFY2(m_session->exportDecisions(exported, &error), qPrintable(error));
        QVERIFY(m_session->decisions()->isModified());
        ReviewDecisions copy;
        QVERIFY(copy.load(exported, &error));
        QCOMPARE(copy.count(), 3);
    }

    void reviewIsKeyedByTheImagesUids()
    {
        // The same image (by its UIDs) found in another folder, or retrieved again, gets its review back; another
        // image of the same study gets its own.
        const ReviewStore store(m_directory.filePath(QStringLiteral("keyed")));
        const ReviewStore::Key here { QStringLiteral("1.2.3"), QStringLiteral("1.2.3.4"), QStringLiteral("/a/x.dcm") };
        const ReviewStore::Key moved { QStringLiteral("1.2.3"), QStringLiteral("1.2.3.4"), QStringLiteral("/b/y.dcm") };
        const ReviewStore::Key other { QStringLiteral("1.2.3"), QStringLiteral("1.2.3.5"), QStringLiteral("/a/x.dcm") };
        QCOMPARE(store.pathFor(here), store.pathFor(moved));
        QVERIFY(store.pathFor(here) != store.pathFor(other));
        QCOMPARE(QFileInfo(store.pathFor(here)).dir(), QFileInfo(store.pathFor(other)).dir()); // one study folder
        QVERIFY(!store.pathFor(here).contains(QStringLiteral("1.2.3"))); // hashed names only
        const ReviewStore::Key png { {}, {}, m_directory.filePath(QStringLiteral("chest.png")) };
        QVERIFY(store.pathFor(png).contains(QStringLiteral("/files/")));
        QVERIFY(store.pathFor({}).isEmpty());
    }

    void reviewBesideTheStudyFromEarlierVersionsIsRead()
    {
        const QString studyPath = m_directory.filePath("legacy.dcm");
        {
            m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
            QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
            m_session->decisions()->setDecision(1, 1, ReviewDecisions::Decision::Rejected);
            QString error;
            QVERIFY(m_session->exportDecisions(ReviewDecisions::defaultPathFor(studyPath), &error));
            m_session->closeStudy();
        }
        m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QCOMPARE(m_session->decisions()->decision(1, 1), ReviewDecisions::Decision::Rejected);
        QVERIFY(!QFile::exists(m_session->decisionsPath())); // read from beside the study, saved to the store later
    }

    void corruptDecisionsFileIsReportedAndSetAside()
    {
        const QString studyPath = m_directory.filePath("corrupt.dcm");
        m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
        const QString decisionsPath = m_session->decisionsPath();
        m_session->closeStudy();
        QVERIFY(QDir().mkpath(QFileInfo(decisionsPath).absolutePath()));
        {
            QFile file(decisionsPath);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{ not json");
        }
        QSignalSpy loadFailed(m_session.get(), &ViewerSession::decisionsLoadFailed);
        m_session->openStudy(makeStudy(studyPath, 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QCOMPARE(loadFailed.size(), 1);
        QVERIFY2(
            loadFailed.at(0).at(0).toString().contains(decisionsPath), qPrintable(loadFailed.at(0).at(0).toString()));
        {
            QFile file(decisionsPath);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), QByteArray("{ not json"));
        }
        // Saving after the failed load sets the unreadable file aside instead of overwriting it.
        m_session->decisions()->setDecision(0, 0, ReviewDecisions::Decision::Accepted);
        QString error;
        QVERIFY2(m_session->saveDecisions(&error), qPrintable(error));
        const QStringList aside
            = QFileInfo(decisionsPath)
                  .dir()
                  .entryList({ QFileInfo(decisionsPath).fileName() + QStringLiteral(".unreadable-*") });
        QCOMPARE(aside.size(), 1);
        QFile kept(QFileInfo(decisionsPath).dir().filePath(aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("{ not json"));
        ReviewDecisions reread;
        QVERIFY2(reread.load(decisionsPath, &error), qPrintable(error));
        QCOMPARE(reread.count(), 1);
    }

    void failedAnalysisIsReportedAndCanBeRetried()
    {
        m_control->failLoadTimes = 1;
        QSignalSpy failed(m_session.get(), &ViewerSession::analysisFailed);
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Failed, 5000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(1).value<InferenceFailure>(), InferenceFailure::ModelUnavailable);
        QVERIFY(m_session->errorMessage().contains(QStringLiteral("manifest.json")));
        QVERIFY(!m_session->result());
        m_session->reanalyze();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Ready, 5000);
        QVERIFY(m_session->result());
    }

    void externalCancelLeavesTheStudyOpen()
    {
        m_control->stageMilliseconds = 40;
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        m_service->cancelAll();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ViewerSession::State::Canceled, 5000);
        QVERIFY(m_session->hasStudy());
        QCOMPARE(m_session->currentJob(), quint64(0));
    }

    void closingTheStudyCancelsItsJob()
    {
        m_control->stageMilliseconds = 40;
        QSignalSpy canceled(m_service.get(), &InferenceService::canceled);
        m_session->openStudy(makeStudy(m_directory.filePath("a.dcm"), 64, 80.0f, report));
        const quint64 job = m_session->currentJob();
        m_session->closeStudy();
        QVERIFY(!m_session->hasStudy());
        QTRY_VERIFY_WITH_TIMEOUT(!m_service->isBusy(), 5000);
        QCOMPARE(canceled.size(), 1);
        QCOMPARE(canceled.at(0).at(0).value<quint64>(), job);
        QVERIFY(!m_session->result());
        QCOMPARE(m_session->state(), ViewerSession::State::Empty);
    }

private:
    QTemporaryDir m_directory;
    std::shared_ptr<FakeAnalyzerControl> m_control;
    std::unique_ptr<InferenceService> m_service;
    std::unique_ptr<ViewerSession> m_session;
};

QTEST_GUILESS_MAIN(ViewerSessionTest)
#include "ViewerSessionTest.moc"
