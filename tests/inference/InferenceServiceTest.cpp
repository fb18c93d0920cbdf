#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include "core/inference/InferenceService.h"
#include "tests/inference/FakeAnalyzer.h"

using namespace lrclr;
using lrclr::testing::FakeAnalyzer;
using lrclr::testing::FakeAnalyzerControl;
using lrclr::testing::makeImage;

namespace {

/// Records every signal of a service, to check that each job ends exactly once and how.
class JobRecorder : public QObject {
public:
    explicit JobRecorder(InferenceService* service)
    {
        connect(service, &InferenceService::finished, this, [this](quint64 id, const AnalysisResult& result) {
            finished.insert(id, result);
            terminal[id] += 1;
        });
        connect(service, &InferenceService::groundingFinished, this,
            [this](quint64 id, const GroundedSentences& sentences) {
                grounded.insert(id, sentences);
                terminal[id] += 1;
            });
        connect(service, &InferenceService::failed, this,
            [this](quint64 id, const QString& message, InferenceFailure kind) {
                failed.insert(id, { message, kind });
                terminal[id] += 1;
            });
        connect(service, &InferenceService::canceled, this, [this](quint64 id) {
            canceled.append(id);
            terminal[id] += 1;
        });
        connect(service, &InferenceService::started, this, [this](quint64 id) { started.append(id); });
        connect(service, &InferenceService::progress, this, [this](quint64 id, InferenceStage stage, double fraction) {
            progress[id].append({ stage, fraction });
        });
    }

    bool hasEnded(quint64 id) const { return terminal.value(id) > 0; }

    QMap<quint64, AnalysisResult> finished;
    QMap<quint64, GroundedSentences> grounded;
    QMap<quint64, QPair<QString, InferenceFailure>> failed;
    QList<quint64> canceled;
    QList<quint64> started;
    QMap<quint64, QList<QPair<InferenceStage, double>>> progress;
    QMap<quint64, int> terminal;
};

AnalysisRequest request(int width, int height, float value, std::vector<std::string> sentences = {})
{
    return AnalysisRequest { makeImage(width, height, value), std::move(sentences) };
}

} // namespace

class InferenceServiceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_control = std::make_shared<FakeAnalyzerControl>();
        m_service = std::make_unique<InferenceService>(std::make_unique<FakeAnalyzer>(m_control));
        m_recorder = std::make_unique<JobRecorder>(m_service.get());
    }

    void cleanup()
    {
        m_recorder.reset();
        m_service.reset();
        QCOMPARE(m_control->destroyedCount.load(), 1);
    }

    void resultsArriveWithTheirJobIds()
    {
        // Three jobs in sequence with different inputs: each result must be the one computed from its own request.
        const QList<int> widths { 40, 48, 56 };
        QList<quint64> ids;
        for (int index = 0; index < widths.size(); ++index) {
            const quint64 id = m_service->submit(request(widths[index], 32, 10.0f * (index + 1), { "sentence" }));
            QVERIFY2(id != 0, "job ids are never 0");
            QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(id), 5000);
            ids.append(id);
        }
        QCOMPARE(QSet<quint64>(ids.begin(), ids.end()).size(), 3);
        for (int index = 0; index < ids.size(); ++index) {
            QVERIFY2(m_recorder->finished.contains(ids[index]), "every job finished");
            const AnalysisResult& result = m_recorder->finished.value(ids[index]);
            QCOMPARE(result.geometry.originalWidth, widths[index]);
            QCOMPARE(result.findings.at(0).globalProbability, static_cast<float>(10.0 * (index + 1) / 255.0));
            QCOMPARE(result.sentences.at(0).text, std::string("sentence"));
        }
        QVERIFY(!m_service->isBusy());
    }

    void supersededJobResultIsDropped_data()
    {
        QTest::addColumn<bool>("honorCancel");
        // honoring: the fake stops at the next stage boundary; ignoring: it runs to the end (like one long forward
        // pass) and the service must still drop its result.
        QTest::newRow("stops-between-stages") << true;
        QTest::newRow("runs-to-completion") << false;
    }

    void supersededJobResultIsDropped()
    {
        QFETCH(bool, honorCancel);
        m_control->honorCancel = honorCancel;
        m_control->stageMilliseconds = 40;
        const quint64 first = m_service->submit(request(40, 40, 100.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->started.contains(first), 5000);
        const quint64 second = m_service->submit(request(64, 40, 200.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(second), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(first), 5000);

        QVERIFY2(!m_recorder->finished.contains(first), "the superseded job's result must be dropped");
        QVERIFY(m_recorder->canceled.contains(first));
        QCOMPARE(m_recorder->terminal.value(first), 1);
        QVERIFY(m_recorder->finished.contains(second));
        QCOMPARE(m_recorder->finished.value(second).geometry.originalWidth, 64);
        QCOMPARE(m_control->analyzeCount.load(), 2);
    }

    void queuedSupersededJobsNeverRun()
    {
        m_control->stageMilliseconds = 20;
        QList<quint64> ids;
        for (int index = 0; index < 5; ++index)
            ids.append(m_service->submit(request(32 + index, 32, 50.0f)));
        QTRY_VERIFY_WITH_TIMEOUT(!m_service->isBusy(), 5000);
        QCOMPARE(m_recorder->finished.keys(), QList<quint64> { ids.last() });
        QCOMPARE(m_recorder->canceled.size(), 4);
        // The first may have started before the others were queued; those queued behind it never reach the analyzer.
        QVERIFY2(m_control->analyzeCount.load() <= 2,
            qPrintable(QStringLiteral("analyze ran %1 times").arg(m_control->analyzeCount.load())));
    }

    void cancelEmitsCanceled()
    {
        m_control->stageMilliseconds = 50;
        QSignalSpy busy(m_service.get(), &InferenceService::busyChanged);
        const quint64 id = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->started.contains(id), 5000);
        m_service->cancel(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(id), 5000);
        QCOMPARE(m_recorder->canceled, QList<quint64> { id });
        QVERIFY(m_recorder->finished.isEmpty());
        QVERIFY(!m_service->isBusy());
        QCOMPARE(busy.size(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        // No progress of the job arrives after the cancel has been observed.
        const auto progressAtCancel = m_recorder->progress.value(id).size();
        QTest::qWait(120);
        QCOMPARE(m_recorder->progress.value(id).size(), progressAtCancel);
        QVERIFY2(m_control->analyzeCount.load() == 1, "the canceled job ran at most once");
    }

    void cancelAllEndsEveryJob()
    {
        m_control->stageMilliseconds = 20;
        const quint64 analysis = m_service->submit(request(32, 32, 1.0f, { "a" }));
        const quint64 grounding = m_service->submitGrounding(GroundingRequest { makeImage(32, 32, 1.0f), { "b" } });
        m_service->cancelAll();
        QTRY_VERIFY_WITH_TIMEOUT(!m_service->isBusy(), 5000);
        QCOMPARE(m_recorder->terminal.value(analysis), 1);
        QCOMPARE(m_recorder->terminal.value(grounding), 1);
        QVERIFY(m_recorder->canceled.contains(analysis));
        QVERIFY(m_recorder->canceled.contains(grounding));
        // The service stays usable after cancelAll.
        const quint64 next = m_service->submit(request(33, 32, 2.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->finished.contains(next), 5000);
    }

    void everyJobEndsExactlyOnce()
    {
        // A burst of analyses, groundings and cancels in a fixed pseudo-random order.
        m_control->stageMilliseconds = 2;
        QList<quint64> ids;
        quint32 state = 12345;
        for (int index = 0; index < 30; ++index) {
            state = state * 1664525u + 1013904223u;
            if (state % 3 == 0)
                ids.append(m_service->submitGrounding(GroundingRequest { makeImage(16, 16, 1.0f), { "text" } }));
            else
                ids.append(m_service->submit(request(16, 16, 1.0f, { "text" })));
            if (state % 5 == 0)
                m_service->cancel(ids.at(static_cast<qsizetype>(state % ids.size())));
            if (index % 7 == 0)
                QTest::qWait(5);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!m_service->isBusy(), 10000);
        for (const quint64 id : std::as_const(ids))
            QVERIFY2(m_recorder->terminal.value(id) == 1,
                qPrintable(QStringLiteral("job %1 ended %2 times").arg(id).arg(m_recorder->terminal.value(id))));
        // The last analysis submitted supersedes nothing after it, so it must have finished.
        QVERIFY(!m_recorder->finished.isEmpty());
    }

    void progressStagesArriveInOrder()
    {
        const quint64 id = m_service->submit(request(32, 32, 1.0f, { "x" }));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->finished.contains(id), 5000);
        const auto reports = m_recorder->progress.value(id);
        QList<InferenceStage> stages;
        for (const auto& report : reports)
            stages.append(report.first);
        QList<InferenceStage> expected { InferenceStage::LoadingModel };
        for (const InferenceStage stage : lrclr::testing::fakeAnalysisStages())
            expected.append(stage);
        expected.append(InferenceStage::Done);
        QCOMPARE(stages, expected);
        double previous = -1.0;
        for (const auto& report : reports) {
            QVERIFY2(report.second >= previous && report.second >= 0.0 && report.second <= 1.0,
                qPrintable(QStringLiteral("fraction %1 after %2").arg(report.second).arg(previous)));
            previous = report.second;
        }
        QCOMPARE(reports.last().second, 1.0);
    }

    void modelIsLoadedOnceOnTheWorkerThread()
    {
        QSignalSpy loaded(m_service.get(), &InferenceService::modelLoaded);
        QList<quint64> ids;
        for (int index = 0; index < 3; ++index) {
            ids.append(m_service->submit(request(32, 32, 1.0f, { "a" })));
            QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(ids.last()), 5000);
        }
        ids.append(m_service->submitGrounding(GroundingRequest { makeImage(32, 32, 1.0f), { "b" } }));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(ids.last()), 5000);
        QCOMPARE(m_recorder->finished.size(), 3);
        QCOMPARE(m_recorder->grounded.size(), 1);
        QCOMPARE(m_control->loadCount.load(), 1);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(QString::fromStdString(m_service->modelIdentity().name), QStringLiteral("fake"));
        const auto threads = m_control->callThreads();
        QCOMPARE(threads.size(), std::size_t(5));
        for (const auto& thread : threads) {
            QVERIFY2(thread == threads.front(), "every call runs on the same worker thread");
            QVERIFY2(thread != std::this_thread::get_id(), "no call runs on the GUI thread");
        }
    }

    void preloadLoadsBeforeTheFirstJob()
    {
        QSignalSpy loaded(m_service.get(), &InferenceService::modelLoaded);
        m_service->preload();
        QVERIFY(loaded.wait(5000));
        const quint64 id = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->finished.contains(id), 5000);
        QCOMPARE(m_control->loadCount.load(), 1);
        for (const auto& report : m_recorder->progress.value(id))
            QVERIFY2(report.first != InferenceStage::LoadingModel, "a preloaded model is not loaded again");
    }

    void failedPreloadIsReported()
    {
        m_control->failLoadTimes = 1;
        QSignalSpy loadFailed(m_service.get(), &InferenceService::modelLoadFailed);
        m_service->preload();
        QVERIFY(loadFailed.wait(5000));
        QCOMPARE(loadFailed.at(0).at(1).value<InferenceFailure>(), InferenceFailure::ModelUnavailable);
        QVERIFY(loadFailed.at(0).at(0).toString().contains(QStringLiteral("manifest.json")));
        QVERIFY(!m_service->isBusy());
    }

    void switchToCpuReloadsBeforeTheNextJob()
    {
        QSignalSpy loaded(m_service.get(), &InferenceService::modelLoaded);
        const quint64 first = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(first), 5000);
        QCOMPARE(QString::fromStdString(m_service->modelIdentity().device), QStringLiteral("cuda"));
        m_service->switchToCpu();
        const quint64 second = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(second), 5000);
        QVERIFY(m_recorder->finished.contains(second));
        QCOMPARE(m_control->loadCount.load(), 2);
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(QString::fromStdString(m_service->modelIdentity().device), QStringLiteral("cpu"));
    }

    void failuresBecomeReadableMessages_data()
    {
        QTest::addColumn<int>("failLoads");
        QTest::addColumn<bool>("outOfMemory");
        QTest::addColumn<bool>("emptyImage");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("model-missing") << 1 << false << false << int(InferenceFailure::ModelUnavailable)
                                       << QStringLiteral("manifest.json");
        QTest::newRow("cuda-out-of-memory")
            << 0 << true << false << int(InferenceFailure::OutOfMemory) << QStringLiteral("out of memory");
        QTest::newRow("empty-image") << 0 << false << true << int(InferenceFailure::InvalidInput)
                                     << QStringLiteral("empty image");
    }

    void failuresBecomeReadableMessages()
    {
        QFETCH(int, failLoads);
        QFETCH(bool, outOfMemory);
        QFETCH(bool, emptyImage);
        QFETCH(int, kind);
        QFETCH(QString, messagePart);
        m_control->failLoadTimes = failLoads;
        m_control->throwOutOfMemory = outOfMemory;
        AnalysisRequest failing = request(32, 32, 1.0f);
        if (emptyImage)
            failing.image = std::make_shared<GrayscaleImage>();
        const quint64 id = m_service->submit(failing);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(id), 5000);
        QVERIFY2(m_recorder->failed.contains(id), "the job failed");
        QCOMPARE(int(m_recorder->failed.value(id).second), kind);
        QVERIFY2(
            m_recorder->failed.value(id).first.contains(messagePart), qPrintable(m_recorder->failed.value(id).first));

        // The service recovers: the next job (after the failed load, a retried load) succeeds.
        m_control->throwOutOfMemory = false;
        const quint64 next = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(next), 5000);
        QVERIFY(m_recorder->finished.contains(next));
        QCOMPARE(m_control->loadCount.load(), failLoads + 1);
    }

    void groundingsAreIndependentButSupersededByAnalysis()
    {
        m_control->stageMilliseconds = 10;
        const auto image = makeImage(32, 32, 1.0f);
        const quint64 first = m_service->submitGrounding(GroundingRequest { image, { "left" } });
        const quint64 second = m_service->submitGrounding(GroundingRequest { image, { "right" } });
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(first) && m_recorder->hasEnded(second), 5000);
        QCOMPARE(m_recorder->grounded.value(first).at(0).text, std::string("left"));
        QCOMPARE(m_recorder->grounded.value(second).at(0).text, std::string("right"));

        m_control->stageMilliseconds = 50;
        const quint64 stale = m_service->submitGrounding(GroundingRequest { image, { "old" } });
        const quint64 analysis = m_service->submit(request(32, 32, 1.0f));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(stale) && m_recorder->hasEnded(analysis), 5000);
        QVERIFY(m_recorder->canceled.contains(stale));
        QVERIFY(m_recorder->finished.contains(analysis));
    }

    void destructorDuringRunningJobIsClean()
    {
        m_control->stageMilliseconds = 300;
        const quint64 running = m_service->submit(request(32, 32, 1.0f));
        m_service->submit(request(32, 32, 2.0f)); // queued behind it
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->started.contains(running) || m_recorder->hasEnded(running), 5000);
        QElapsedTimer timer;
        timer.start();
        m_service.reset();
        QCOMPARE(m_control->destroyedCount.load(), 1);
        QVERIFY2(m_control->destroyedOnWorkerThread.load(), "the analyzer is destroyed on the thread that loaded it");
        // The destructor waits for the running stage only (300 ms), not for the whole job (6 stages).
        QVERIFY2(timer.elapsed() < 6 * 300, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
        QVERIFY(m_recorder->finished.isEmpty());
        // Nothing queued for the dead service is delivered afterwards.
        QTest::qWait(50);
        QVERIFY(m_recorder->finished.isEmpty());
        m_control->stageMilliseconds = 0;
        // init() of the next test builds a new service; cleanup() checks the destroyed count of this one.
        m_service = std::make_unique<InferenceService>(std::make_unique<FakeAnalyzer>(m_control));
        m_control->destroyedCount = 0;
    }

    void guiEventLoopIsNeverBlocked()
    {
        // A 2-second job that burns CPU on the worker; a 10 ms timer on this thread must keep ticking.
        m_control->busyWait = true;
        m_control->stageMilliseconds = 2000 / static_cast<int>(lrclr::testing::fakeAnalysisStages().size());
        QElapsedTimer clock;
        qint64 last = 0;
        qint64 maximumGap = 0;
        int ticks = 0;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            maximumGap = std::max(maximumGap, now - last);
            last = now;
            ++ticks;
        });
        clock.start();
        ticker.start();
        const quint64 id = m_service->submit(request(256, 256, 1.0f, { "a", "b" }));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasEnded(id), 10000);
        ticker.stop();
        QVERIFY(m_recorder->finished.contains(id));
        QVERIFY2(clock.elapsed() >= 1900, "the job really ran for about 2 s");
        qInfo("event-loop latency over %lld ms: max gap %lld ms, %d ticks", clock.elapsed(), maximumGap, ticks);
        QVERIFY2(maximumGap < 100, qPrintable(QStringLiteral("max gap %1 ms").arg(maximumGap)));
        QVERIFY2(ticks > 100, qPrintable(QStringLiteral("only %1 ticks").arg(ticks)));
    }

private:
    std::shared_ptr<FakeAnalyzerControl> m_control;
    std::unique_ptr<InferenceService> m_service;
    std::unique_ptr<JobRecorder> m_recorder;
};

QTEST_GUILESS_MAIN(InferenceServiceTest)
#include "InferenceServiceTest.moc"
