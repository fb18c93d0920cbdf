// The map a reader sees is the map the metrics score: for the same phantom study and the same sentence, the heatmap
// the viewer's viewport resamples onto the image (MainWindow -> ViewerSession -> InferenceService -> LrclrAnalyzer ->
// ImageViewport) equals the heatmap ModelEvaluation scores with the pointing game and mIoU, pixel for pixel.
// Both run the bundled demo model on the CPU.
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "core/inference/InferenceService.h"
#include "core/inference/LrclrAnalyzer.h"
#include "tests/TestFiles.h"
#include "training/DatasetManifest.h"
#include "training/ModelEvaluation.h"
#include "training/SynthesisJob.h"
#include "ui/ImageViewport.h"
#include "ui/MainWindow.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

class ViewerMatchesEvaluationTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        test::isolateSettings(m_folder);
        QVERIFY2(QFileInfo::exists(m_model + QStringLiteral("/manifest.json")), qPrintable(m_model));
    }

    void viewportShowsTheMapTheEvaluatorScores()
    {
        SynthesisJob::Options synthesis;
        synthesis.count = 2;
        synthesis.seed = 29;
        synthesis.format = SynthesisJob::Format::Dicom;
        synthesis.generator.size = 256;
        synthesis.generator.normalFraction = 0.0;
        synthesis.threads = 1;
        synthesis.outputDirectory = m_folder.filePath(QStringLiteral("phantoms")).toStdString();
        const std::string manifestPath = SynthesisJob(synthesis).run().manifestPath;

        // What the evaluator scores: each grounded sentence's similarity map in original pixels.
        ModelEvaluation::Options options;
        options.split = "all";
        options.limit = 1;
        options.evaluator.bootstrapSamples = 10;
        options.model.device = LrclrModel::Options::Device::Cpu;
        options.model.threads = 1;
        ModelEvaluation evaluation(options);
        evaluation.loadManifest(manifestPath);
        Evaluator::StudyOutput scored;
        evaluation.run({ { m_model.toStdString(), "" } }, {},
            [&scored](std::size_t, std::size_t study, const Evaluator::StudyOutput& output) {
                if (study == 0)
                    scored = output;
            });
        const ManifestEntry& entry = evaluation.studies().entries().front();
        const DatasetManifest& studies = evaluation.studies();
        std::size_t grounded = entry.sentences.size();
        for (std::size_t s = 0; s < entry.sentences.size() && grounded == entry.sentences.size(); ++s)
            if (!scored.sentenceHeatmaps[s].empty())
                grounded = s;
        QVERIFY2(grounded < entry.sentences.size(), "the phantom has no sentence with a ground-truth box");
        const std::vector<float>& evaluatorMap = scored.sentenceHeatmaps[grounded];

        // What the viewer paints for the same study and sentence.
        LrclrModel::Options modelOptions;
        modelOptions.device = LrclrModel::Options::Device::Cpu;
        modelOptions.threads = 1;
        InferenceService service(std::make_unique<LrclrAnalyzer>(m_model.toStdString(), modelOptions));
        MainWindow window(&service);
        const QString image = QString::fromStdString(studies.resolve(entry.image));
        QString report = entry.report.empty() ? QString() : QString::fromStdString(studies.resolve(entry.report));
        if (report.isEmpty()) {
            report = m_folder.filePath(QStringLiteral("report.txt"));
            QFile file(report);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray::fromStdString(studies.reportText(entry)));
        }
        window.openImageFile(image, report);
        ViewerSession* session = window.session();
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), ViewerSession::State::Ready, 60000);
        int viewerIndex = -1;
        for (std::size_t k = 0; k < session->result()->sentences.size(); ++k)
            if (session->result()->sentences[k].text == entry.sentences[grounded].text)
                viewerIndex = static_cast<int>(k);
        QVERIFY2(viewerIndex >= 0, entry.sentences[grounded].text.c_str());
        session->selection()->selectSentence(viewerIndex);
        const ScalarImage& field = window.viewport()->heatmapField();
        QVERIFY(field.isValid());
        QCOMPARE(field.width, scored.width);
        QCOMPARE(field.height, scored.height);
        QCOMPARE(field.values.size(), evaluatorMap.size());
        double largest = 0.0;
        for (std::size_t p = 0; p < evaluatorMap.size(); ++p) {
            QCOMPARE(std::isnan(field.values[p]), std::isnan(evaluatorMap[p]));
            if (!std::isnan(evaluatorMap[p]))
                largest = std::max(largest, std::abs(double(field.values[p]) - evaluatorMap[p]));
        }
        qInfo("sentence \"%s\": %zu pixels, largest difference %.3g", entry.sentences[grounded].text.c_str(),
            evaluatorMap.size(), largest);
        QVERIFY2(largest <= 1e-6, qPrintable(QString::number(largest)));
    }

private:
    QTemporaryDir m_folder;
    QString m_model = QStringLiteral(LRCLR_SOURCE_DIR "/models/demo");
};

} // namespace lrclr

QTEST_MAIN(lrclr::ViewerMatchesEvaluationTest)
#include "ViewerMatchesEvaluationTest.moc"
