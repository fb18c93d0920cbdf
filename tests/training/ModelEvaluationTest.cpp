// ModelEvaluation end to end: a small CLIP model imported in the test from the reference checkpoint, evaluated on
// phantoms generated in the test (PNG and DICOM), the results checked through the JSON the report writer makes.
#include <cmath>
#include <fstream>
#include <set>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "core/model/ClipImporter.h"
#include "training/EvaluationReportWriter.h"
#include "training/ModelEvaluation.h"
#include "training/SynthesisJob.h"

using namespace lrclr;

namespace {

const std::string kReference = std::string(LRCLR_SHARED_DIR) + "/reference/clip";

bool inUnitRange(const QJsonValue& value)
{
    return value.isDouble() && value.toDouble() >= 0.0 && value.toDouble() <= 1.0;
}

QJsonObject parse(const EvaluationResults& results)
{
    QJsonParseError error;
    const auto document
        = QJsonDocument::fromJson(QByteArray::fromStdString(EvaluationReportWriter::json(results)), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("results.json does not parse: %s", qPrintable(error.errorString()));
    return document.object();
}

ModelEvaluation::Options fastOptions()
{
    ModelEvaluation::Options options;
    options.split = "all";
    options.evaluator.bootstrapSamples = 50;
    options.evaluator.examples = 2;
    options.model.device = LrclrModel::Options::Device::Cpu;
    options.model.threads = 1;
    return options;
}

} // namespace

class ModelEvaluationTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void evaluatesEveryStudyEndToEnd();
    void compareShowsBothRunsSideBySide();
    void badRowsAreNamedOrSkipped();
    void selectsSplitAndLimit();
    void readsDicomStudies();

private:
    std::string importModel(const std::string& name, const std::string& findingsPath, const std::string& lrclrJson);

    QTemporaryDir m_folder;
    std::string m_model;
    std::string m_manifest;
};

std::string ModelEvaluationTest::importModel(
    const std::string& name, const std::string& findingsPath, const std::string& lrclrJson)
{
    ClipImporter::Options options;
    options.checkpointPath = kReference + "/clip_tiny_seed0.pt";
    options.mergesPath = kReference + "/bpe_simple_vocab_16e6.txt.gz";
    options.findingsPath = findingsPath;
    options.outputDirectory = m_folder.filePath(QString::fromStdString(name)).toStdString();
    options.name = name;
    options.lrclrJson = lrclrJson;
    const auto report = ClipImporter::run(options);
    if (!report.verified)
        qFatal("import of %s not verified", name.c_str());
    return options.outputDirectory;
}

void ModelEvaluationTest::initTestCase()
{
    QVERIFY(m_folder.isValid());
    QVERIFY2(QFile::exists(QString::fromStdString(kReference + "/clip_tiny_seed0.pt")),
        "the reference CLIP checkpoint is missing");
    m_model = importModel("tiny-lrclr", std::string(LRCLR_SOURCE_DIR) + "/models/findings.json", "{}");

    SynthesisJob::Options synthesis;
    synthesis.count = 10;
    synthesis.seed = 11;
    synthesis.generator.size = 160;
    synthesis.generator.normalFraction = 0.2;
    synthesis.threads = 1;
    synthesis.outputDirectory = m_folder.filePath("phantoms").toStdString();
    m_manifest = SynthesisJob(synthesis).run().manifestPath;
    QVERIFY(QFile::exists(QString::fromStdString(m_manifest)));
}

void ModelEvaluationTest::evaluatesEveryStudyEndToEnd()
{
    ModelEvaluation evaluation(fastOptions());
    evaluation.loadManifest(m_manifest);
    const auto manifest = DatasetManifest::load(m_manifest);
    QCOMPARE(evaluation.studies().entries().size(), manifest.entries().size());

    // Every grounded sentence gets a heatmap of the image's size; the others get none.
    int groundedSentences = 0;
    int callbacks = 0;
    const auto results = evaluation.run(
        { { m_model, "LRCLR" } }, {}, [&](std::size_t model, std::size_t study, const Evaluator::StudyOutput& output) {
            ++callbacks;
            QCOMPARE(model, std::size_t(0));
            QCOMPARE(evaluation.runName(model), std::string("LRCLR"));
            const auto& entry = manifest.entries()[study];
            QCOMPARE(output.width, entry.width);
            QCOMPARE(output.height, entry.height);
            QCOMPARE(output.image.width, entry.width);
            QCOMPARE(output.sentenceHeatmaps.size(), entry.sentences.size());
            for (std::size_t s = 0; s < entry.sentences.size(); ++s) {
                const bool grounded = !entry.sentences[s].boxes.empty();
                groundedSentences += grounded ? 1 : 0;
                QCOMPARE(output.sentenceHeatmaps[s].size(),
                    grounded ? static_cast<std::size_t>(entry.width) * entry.height : std::size_t(0));
                QCOMPARE(output.sentenceGrounding[s].has_value(), grounded);
                QCOMPARE(output.attentionGrounding[s].has_value(), grounded);
            }
            QCOMPARE(output.findingScores.size(), std::size_t(14));
        });
    QCOMPARE(callbacks, static_cast<int>(manifest.entries().size()));
    QVERIFY2(groundedSentences > 0, "the phantoms should have sentences with boxes");

    const QJsonObject root = parse(results);
    QCOMPARE(root.value("schema").toString(), QString("lrclr-evaluation/1"));
    QCOMPARE(root.value("studies").toInt(), static_cast<int>(manifest.entries().size()));
    QCOMPARE(root.value("skipped_studies").toInt(), 0);
    QVERIFY(root.value("notes").toArray().first().toString().contains("phantom"));
    const QJsonArray runs = root.value("runs").toArray();
    QCOMPARE(runs.size(), 1);
    const QJsonObject run = runs[0].toObject();
    QCOMPARE(run.value("name").toString(), QString("LRCLR"));
    QVERIFY(run.value("device").toString().startsWith("CPU"));
    QVERIFY(run.value("images_per_second").toDouble() > 0.0);
    QVERIFY(inUnitRange(run.value("mean_auc")));

    // Every observation with a positive and a negative study is scored, each with the three AUCs and intervals.
    std::set<QString> expected;
    for (const auto& name : Observations::names()) {
        bool positive = false;
        bool negative = false;
        for (const auto& entry : manifest.entries()) {
            const auto label = entry.label(name);
            positive = positive || label == 1;
            negative = negative || label == 0;
        }
        if (positive && negative)
            expected.insert(QString::fromStdString(name));
    }
    std::set<QString> found;
    for (const auto& item : run.value("findings").toArray()) {
        const QJsonObject finding = item.toObject();
        found.insert(finding.value("name").toString());
        QVERIFY(finding.value("positives").toInt() > 0 && finding.value("negatives").toInt() > 0);
        for (const char* score : { "global", "local", "combined" }) {
            const QJsonObject interval = finding.value(score).toObject();
            QVERIFY2(inUnitRange(interval.value("auc")), score);
            QVERIFY(interval.value("lower").toDouble() <= interval.value("auc").toDouble() + 1e-12);
            QVERIFY(interval.value("upper").toDouble() >= interval.value("auc").toDouble() - 1e-12);
            QCOMPARE(interval.value("bootstrap_samples").toInt(), 50);
            QVERIFY(finding.value(QString("roc_") + score).toArray().size() >= 2);
        }
    }
    QVERIFY2(found == expected, "the findings scored are the observations with both classes");
    QVERIFY(!found.empty());

    for (const char* key : { "grounding", "grounding_attention" }) {
        const QJsonObject grounding = run.value(key).toObject();
        QCOMPARE(grounding.value("sentences").toInt(), groundedSentences);
        QVERIFY2(inUnitRange(grounding.value("pointing_game")), key);
        QVERIFY2(grounding.value("pointing_game_lower").toDouble() <= grounding.value("pointing_game").toDouble()
                && grounding.value("pointing_game").toDouble() <= grounding.value("pointing_game_upper").toDouble(),
            key);
        QVERIFY2(grounding.value("pointing_game_chance").toDouble() > 0.0
                && grounding.value("pointing_game_chance").toDouble() < 1.0,
            key);
        QVERIFY2(grounding.value("cnr").isDouble() && grounding.value("cnr").toDouble() >= 0.0, key);
        QVERIFY2(inUnitRange(grounding.value("miou")), key);
        const QJsonArray perThreshold = grounding.value("miou_per_threshold").toArray();
        QCOMPARE(perThreshold.size(), 5);
        for (const auto& value : perThreshold)
            QVERIFY(inUnitRange(value));
    }
    QCOMPARE(run.value("grounding").toObject().value("heatmap").toString(), QString("similarity"));

    // Retrieval over all studies: recall in [0, 1], not falling with k, and 1 when k covers every candidate.
    const QJsonObject retrieval = run.value("retrieval").toObject();
    QCOMPARE(retrieval.value("candidates").toInt(), static_cast<int>(manifest.entries().size()));
    for (const char* direction : { "image_to_report_recall", "report_to_image_recall" }) {
        const QJsonArray recall = retrieval.value(direction).toArray();
        QCOMPARE(recall.size(), 3);
        for (int k = 0; k < 3; ++k) {
            QVERIFY(inUnitRange(recall[k]));
            if (k > 0)
                QVERIFY(recall[k].toDouble() >= recall[k - 1].toDouble());
        }
        QCOMPARE(recall[2].toDouble(), 1.0); // k = 10 of 10 candidates
    }

    // Two example overlays (the option) from two studies, each over an image of the phantom's size.
    QCOMPARE(results.runs[0].examples.size(), std::size_t(2));
    QVERIFY(results.runs[0].examples[0].title != results.runs[0].examples[1].title);
    for (const auto& example : results.runs[0].examples)
        QCOMPARE(example.heatmap.size(), example.image.pixels.size());
    const QString page = QString::fromStdString(EvaluationReportWriter::html(results));
    QCOMPARE(page.count("src=\"data:image/png;base64,"), 2);
}

void ModelEvaluationTest::compareShowsBothRunsSideBySide()
{
    // The second model scores fewer findings and attends every patch: different numbers, findings aligned by name.
    const std::string findings = m_folder.filePath("three-findings.json").toStdString();
    std::ofstream(findings) << R"({"findings": ["Cardiomegaly", "Pleural Effusion", "Pneumothorax"],
        "templates": [{"positive": "{}", "negative": "no {}"}, {"positive": "signs of {}", "negative": "no signs of {}"}]})";
    const std::string other = importModel("tiny-clip", findings, R"({"interaction": {"keys": "all-patches"}})");
    auto options = fastOptions();
    options.limit = 6;
    ModelEvaluation evaluation(options);
    evaluation.loadManifest(m_manifest);
    int progressCalls = 0;
    const auto results = evaluation.run(
        { { m_model, "" }, { other, "" }, { m_model, "" } }, [&](const ModelEvaluation::Progress& progress) {
            ++progressCalls;
            QCOMPARE(progress.done, progressCalls);
            QCOMPARE(progress.total, 6);
        });
    QCOMPARE(progressCalls, 6);
    QCOMPARE(results.runs.size(), std::size_t(3));
    QCOMPARE(results.runs[0].name, std::string("tiny-lrclr"));
    QCOMPARE(results.runs[1].name, std::string("tiny-clip"));
    QCOMPARE(results.runs[2].name, std::string("tiny-lrclr (2)")); // names stay distinct
    // The same model on the same studies gives the same numbers; the other model scores only its findings.
    QCOMPARE(results.runs[0].meanAuc, results.runs[2].meanAuc);
    QCOMPARE(results.runs[0].grounding.pointingGame, results.runs[2].grounding.pointingGame);
    for (const auto& finding : results.runs[1].findings)
        QVERIFY2(finding.name == "Cardiomegaly" || finding.name == "Pleural Effusion" || finding.name == "Pneumothorax",
            finding.name.c_str());
    QCOMPARE(results.runs[1].grounding.sentences, results.runs[0].grounding.sentences);

    // Each run against the first: the same model differs by exactly 0.
    QCOMPARE(results.comparisons.size(), std::size_t(2));
    QCOMPARE(results.comparisons[0].candidate, std::string("tiny-clip"));
    const auto& same = results.comparisons[1];
    QCOMPARE(same.baseline, std::string("tiny-lrclr"));
    QCOMPARE(same.candidate, std::string("tiny-lrclr (2)"));
    QCOMPARE(same.sentences, results.runs[0].grounding.sentences);
    QCOMPARE(same.pointingGameDifference.estimate, 0.0);
    QCOMPARE(same.pointingGameDifference.upper, 0.0);
    if (same.findings > 0)
        QCOMPARE(same.meanAucDifference.estimate, 0.0);

    const QJsonObject root = parse(results);
    QCOMPARE(root.value("runs").toArray().size(), 3);
    QCOMPARE(root.value("comparisons").toArray().size(), 2);
    QCOMPARE(root.value("runs").toArray()[1].toObject().value("name").toString(), QString("tiny-clip"));
    const QString page = QString::fromStdString(EvaluationReportWriter::html(results));
    QVERIFY(page.contains("<th>tiny-lrclr</th><th>tiny-clip</th><th>tiny-lrclr (2)</th>"));
    QVERIFY(page.contains("<tr><td>Pointing game (attention map)</td>"));
    // A finding only the first model scores shows dashes in the second model's columns.
    if (results.runs[0].findings.size() > results.runs[1].findings.size())
        QVERIFY(page.contains("<td>–</td><td>–</td><td>–</td>"));
}

void ModelEvaluationTest::badRowsAreNamedOrSkipped()
{
    // Two good rows, a row whose image is missing, a row that is not JSON.
    const auto source = DatasetManifest::load(m_manifest);
    const QString path = m_folder.filePath("phantoms/bad.jsonl");
    {
        std::ofstream output(path.toStdString());
        output << DatasetManifest::formatLine(source.entries()[0]) << '\n';
        auto missing = source.entries()[1];
        missing.image = "images/missing.png";
        output << DatasetManifest::formatLine(missing) << '\n';
        output << "{\"image\": \n";
        output << DatasetManifest::formatLine(source.entries()[2]) << '\n';
    }
    ModelEvaluation strict(fastOptions());
    try {
        strict.loadManifest(path.toStdString());
        QFAIL("a row that is not JSON must fail the manifest");
    } catch (const ManifestError& error) {
        QVERIFY2(QString(error.what()).contains("bad.jsonl:3"), error.what());
    }

    auto options = fastOptions();
    options.skipBad = true;
    ModelEvaluation tolerant(options);
    tolerant.loadManifest(path.toStdString());
    QCOMPARE(tolerant.studies().entries().size(), std::size_t(3));
    const auto results = tolerant.run({ { m_model, "" } });
    QCOMPARE(results.studies, 2);
    QCOMPARE(results.skipped.size(), std::size_t(2));
    QVERIFY2(QString::fromStdString(results.skipped[0]).contains("bad.jsonl:3"), results.skipped[0].c_str());
    QVERIFY2(QString::fromStdString(results.skipped[1]).contains("entry 2")
            && QString::fromStdString(results.skipped[1]).contains("images/missing.png"),
        results.skipped[1].c_str());
    QCOMPARE(parse(results).value("skipped_studies").toInt(), 2);
    QCOMPARE(results.runs[0].retrieval.candidates, 2);

    // Without --skip-bad, the unreadable image stops the evaluation with a message naming its row.
    const QString onlyMissing = m_folder.filePath("phantoms/missing.jsonl");
    {
        std::ofstream output(onlyMissing.toStdString());
        output << DatasetManifest::formatLine(source.entries()[0]) << '\n';
        auto missing = source.entries()[1];
        missing.image = "images/missing.png";
        output << DatasetManifest::formatLine(missing) << '\n';
    }
    ModelEvaluation failing(fastOptions());
    failing.loadManifest(onlyMissing.toStdString());
    try {
        failing.run({ { m_model, "" } });
        QFAIL("a missing image must fail the evaluation");
    } catch (const std::runtime_error& error) {
        QVERIFY2(
            QString(error.what()).contains("entry 2") && QString(error.what()).contains("missing.png"), error.what());
    }
}

void ModelEvaluationTest::selectsSplitAndLimit()
{
    const auto manifest = DatasetManifest::load(m_manifest);
    for (const char* split : { "train", "validate", "test" }) {
        auto options = fastOptions();
        options.split = split;
        ModelEvaluation evaluation(options);
        const auto expected = manifest.split(split).size();
        if (expected == 0) {
            QVERIFY_THROWS_EXCEPTION(ManifestError, evaluation.loadManifest(m_manifest));
            continue;
        }
        evaluation.loadManifest(m_manifest);
        QCOMPARE(evaluation.studies().entries().size(), expected);
        for (const auto& entry : evaluation.studies().entries())
            QCOMPARE(entry.split, std::string(split));
    }
    auto options = fastOptions();
    options.limit = 3;
    ModelEvaluation limited(options);
    limited.loadManifest(m_manifest);
    QCOMPARE(limited.studies().entries().size(), std::size_t(3));
    QCOMPARE(limited.studies().entries()[2].image, manifest.entries()[2].image);
}

void ModelEvaluationTest::readsDicomStudies()
{
    // DICOM CR phantoms go through core/study's reader and display pipeline, as in the viewer.
    SynthesisJob::Options synthesis;
    synthesis.count = 3;
    synthesis.seed = 4;
    synthesis.format = SynthesisJob::Format::Dicom;
    synthesis.generator.size = 128;
    synthesis.generator.normalFraction = 0.0;
    synthesis.threads = 1;
    synthesis.outputDirectory = m_folder.filePath("dicom").toStdString();
    const auto manifestPath = SynthesisJob(synthesis).run().manifestPath;
    ModelEvaluation evaluation(fastOptions());
    evaluation.loadManifest(manifestPath);
    int images = 0;
    const auto results
        = evaluation.run({ { m_model, "" } }, {}, [&](std::size_t, std::size_t, const Evaluator::StudyOutput& output) {
              QCOMPARE(output.image.width, 128);
              QCOMPARE(output.image.pixels.size(), std::size_t(128 * 128));
              ++images;
          });
    QCOMPARE(images, 3);
    QCOMPARE(results.studies, 3);
    QVERIFY(results.skipped.empty());
    QVERIFY(results.runs[0].grounding.sentences > 0);
    QCOMPARE(ModelEvaluation::readImage(m_folder.filePath("dicom/images/phantom-000000.dcm").toStdString()).width, 128);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, ModelEvaluation::readImage(manifestPath));
}

QTEST_GUILESS_MAIN(ModelEvaluationTest)
#include "ModelEvaluationTest.moc"
