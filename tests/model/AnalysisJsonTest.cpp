// The analysis JSON schema: every field written, read back identically, and malformed documents refused.
#include <QtTest>

#include <algorithm>
#include <limits>

#include "core/model/AnalysisJson.h"

using lrclr::AnalysisJson;
using lrclr::AnalysisResult;

namespace {

AnalysisResult sampleResult()
{
    AnalysisResult result;
    result.model = { "chexzero-test", "ab12", "CPU (2 threads)", "letterbox 224" };
    result.geometry = { 300, 200, 224, 224.0 / 300, 0.0, 112.0 / 3, "letterbox" };
    result.seconds = 0.25;
    AnalysisResult::PatchMap map { 2, 2, { 0.1f, 0.2f, 0.3f, 0.4f } };
    result.regions.push_back({ 3, 1, 1, 0.75f, { 10.5, 20.25, 42.0, 43.0 } });
    result.regions.push_back({ 0, 0, 0, 0.5f, { 0.0, 0.0, 42.0, 7.0 } });
    AnalysisResult::Sentence sentence;
    sentence.text = "Kleiner Erguss links – \"ß\".";
    sentence.begin = 4;
    sentence.end = 31;
    sentence.globalSimilarity = 0.21f;
    sentence.localSimilarity = -0.05f;
    sentence.regionWeights = { 0.6f, 0.4f };
    sentence.similarityMap = map;
    sentence.attentionMap = AnalysisResult::PatchMap { 2, 2, { 0.0f, 0.0f, 0.4f, 0.6f } };
    result.sentences.push_back(sentence);
    AnalysisResult::Finding effusion;
    effusion.name = "Pleural Effusion";
    effusion.globalProbability = 0.7f;
    effusion.localProbability = 0.6f;
    effusion.combinedProbability = 0.65f;
    effusion.probability = 0.875f;
    effusion.calibrated = true;
    effusion.threshold = 0.375f;
    effusion.map = map;
    effusion.attentionMap = map;
    std::reverse(effusion.attentionMap.values.begin(), effusion.attentionMap.values.end());
    result.findings.push_back(effusion);
    AnalysisResult::Finding uncalibrated = effusion;
    uncalibrated.name = "Cardiomegaly";
    uncalibrated.probability = uncalibrated.combinedProbability;
    uncalibrated.calibrated = false;
    uncalibrated.threshold.reset();
    result.findings.push_back(uncalibrated);
    return result;
}

} // namespace

class AnalysisJsonTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField()
    {
        const auto original = sampleResult();
        const auto back = AnalysisJson::fromJson(AnalysisJson::toJson(original), "memory");
        QCOMPARE(back.model.name, original.model.name);
        QCOMPARE(back.model.sha256, original.model.sha256);
        QCOMPARE(back.model.preprocessing, original.model.preprocessing);
        QCOMPARE(back.geometry.offsetY, original.geometry.offsetY);
        QCOMPARE(back.geometry.scale, original.geometry.scale);
        QCOMPARE(back.geometry.mode, original.geometry.mode);
        QCOMPARE(back.seconds, original.seconds);
        QCOMPARE(back.regions.size(), std::size_t(2));
        QCOMPARE(back.regions[0].box.y, 20.25);
        QCOMPARE(back.regions[1].score, 0.5f);
        QCOMPARE(back.sentences[0].text, original.sentences[0].text);
        QCOMPARE(back.sentences[0].end, std::size_t(31));
        QCOMPARE(back.sentences[0].regionWeights, original.sentences[0].regionWeights);
        QCOMPARE(back.sentences[0].attentionMap.values, original.sentences[0].attentionMap.values);
        QCOMPARE(back.findings[0].combinedProbability, 0.65f);
        QCOMPARE(back.findings[0].probability, 0.875f);
        QVERIFY(back.findings[0].calibrated);
        QCOMPARE(back.findings[0].threshold.value_or(-1.0f), 0.375f);
        QVERIFY(back.findings[0].aboveThreshold());
        QCOMPARE(back.findings[1].probability, 0.65f);
        QVERIFY(!back.findings[1].calibrated);
        QVERIFY(!back.findings[1].threshold.has_value());
        QVERIFY(!back.findings[1].aboveThreshold());
        QCOMPARE(back.findings[0].map.values, original.findings[0].map.values);
        QCOMPARE(back.findings[0].attentionMap.values, original.findings[0].attentionMap.values);
        QVERIFY(back.findings[0].attentionMap.values != back.findings[0].map.values);
    }

    void documentFollowsTheSchema()
    {
        AnalysisJson::Attachments attachments;
        attachments.findingMaps.push_back({ "finding-01.png", "finding-01.npy" });
        attachments.sentenceAttention.push_back({ "sentence-01-attention.png", "" });
        const auto text = AnalysisJson::toJson(sampleResult(), attachments, -1);
        const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
        QCOMPARE(document.value("schema").toString(), QString("lrclr-analysis"));
        QCOMPARE(document.value("version").toInt(), 1);
        const auto finding = document.value("findings").toArray().at(0).toObject();
        QCOMPARE(finding.value("heatmap").toObject().value("npy").toString(), QString("finding-01.npy"));
        QCOMPARE(finding.value("map").toObject().value("values").toArray().size(), 4);
        QCOMPARE(finding.value("probability").toDouble(), 0.875);
        QCOMPARE(finding.value("calibrated").toBool(), true);
        QCOMPARE(finding.value("threshold").toDouble(), 0.375);
        QCOMPARE(finding.value("aboveThreshold").toBool(), true);
        QVERIFY(document.value("findings").toArray().at(1).toObject().value("threshold").isNull());
        const auto heatmaps = document.value("sentences").toArray().at(0).toObject().value("heatmaps").toObject();
        QCOMPARE(heatmaps.value("attention").toObject().value("png").toString(), QString("sentence-01-attention.png"));
        QVERIFY(!heatmaps.value("attention").toObject().contains("npy"));
        QVERIFY(heatmaps.value("similarity").toObject().isEmpty());
        QVERIFY(!text.empty() && text.find('\n') == std::string::npos);
    }

    // The model's shared overlay scale travels with the result; a file without it (or with null) has none, and an
    // inconsistent one is refused.
    void similarityScaleRoundTrips()
    {
        auto result = sampleResult();
        QVERIFY(!AnalysisJson::fromJson(AnalysisJson::toJson(result), "memory").similarityScale);
        result.similarityScale = AnalysisResult::SimilarityScale { -0.125f, 0.25f, 0.5f };
        const auto text = AnalysisJson::toJson(result, {}, -1);
        const auto back = AnalysisJson::fromJson(text, "memory");
        QVERIFY(back.similarityScale);
        QCOMPARE(*back.similarityScale, *result.similarityScale);
        auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
        document.insert("similarityScale", QJsonObject { { "low", 0.5 }, { "threshold", 0.25 }, { "high", 0.75 } });
        QVERIFY_THROWS_EXCEPTION(
            std::runtime_error, AnalysisJson::fromJson(QJsonDocument(document).toJson().toStdString(), "bad.json"));
        document.remove("similarityScale");
        QVERIFY(!AnalysisJson::fromJson(QJsonDocument(document).toJson().toStdString(), "old").similarityScale);
    }

    void imageEmbeddingRoundTrips()
    {
        auto result = sampleResult();
        result.imageEmbedding = { 0.6f, -0.8f };
        const auto back = AnalysisJson::fromJson(AnalysisJson::toJson(result, {}, -1), "memory");
        QCOMPARE(back.imageEmbedding, result.imageEmbedding);
    }

    // Found by the analysis-json fuzz target: a number beyond float range became infinity, which toJson writes as
    // null, so the document read but its own rewrite did not. It is refused when read, naming where it is; the
    // largest float is accepted and round-trips.
    void numbersBeyondFloatRangeAreRefused()
    {
        auto result = sampleResult();
        result.imageEmbedding = { std::numeric_limits<float>::max(), -0.5f };
        const auto text = AnalysisJson::toJson(result, {}, -1);
        const auto back = AnalysisJson::fromJson(text, "memory");
        QCOMPARE(back.imageEmbedding, result.imageEmbedding);
        QCOMPARE(
            AnalysisJson::fromJson(AnalysisJson::toJson(back, {}, -1), "memory").imageEmbedding, result.imageEmbedding);

        auto past = text;
        const auto at = past.find("\"imageEmbedding\":[");
        QVERIFY(at != std::string::npos);
        const auto valueStart = at + std::string("\"imageEmbedding\":[").size();
        past.replace(valueStart, past.find(',', valueStart) - valueStart, "1e39");
        try {
            AnalysisJson::fromJson(past, "analysis.json");
            QFAIL("1e39 was accepted as a float");
        } catch (const std::runtime_error& error) {
            QCOMPARE(QString::fromUtf8(error.what()),
                QStringLiteral("analysis.json.imageEmbedding[0] = 1e+39 is outside the range of a float"));
        }
    }

    // Files written before calibration existed show the raw combined score, uncalibrated.
    void olderFilesReadTheRawScore()
    {
        auto text = AnalysisJson::toJson(sampleResult(), {}, -1);
        auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
        auto findings = document.value("findings").toArray();
        auto finding = findings.at(0).toObject();
        for (const char* key : { "probability", "calibrated", "threshold", "aboveThreshold" })
            finding.remove(QString::fromLatin1(key));
        findings.replace(0, finding);
        document.insert("findings", findings);
        const auto back = AnalysisJson::fromJson(QJsonDocument(document).toJson().toStdString(), "old");
        QCOMPARE(back.findings[0].probability, 0.65f);
        QVERIFY(!back.findings[0].calibrated);
        QVERIFY(!back.findings[0].threshold.has_value());
    }

    void invalidUtf8IsReplacedNotThrown()
    {
        auto result = sampleResult();
        result.sentences[0].text = std::string("bad \xff\xfe bytes");
        const auto text = AnalysisJson::toJson(result);
        QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(text)).isObject());
    }

    void refusesMalformedDocuments_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not-json") << "{"
                                  << "not a JSON object";
        QTest::newRow("other-schema") << R"({"schema": "x", "version": 1})"
                                      << "lrclr-analysis";
        QTest::newRow("newer-version") << R"({"schema": "lrclr-analysis", "version": 2})"
                                       << "version 1";
        QTest::newRow("missing-field") << R"({"schema": "lrclr-analysis", "version": 1})"
                                       << "model";
    }

    void refusesMalformedDocuments()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            AnalysisJson::fromJson(text.toStdString(), "doc.json");
            QFAIL("accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).startsWith("doc.json: "), error.what());
            QVERIFY2(QString(error.what()).contains(message), error.what());
        }
    }

    void refusesInconsistentPatchMap()
    {
        auto text = QString::fromStdString(AnalysisJson::toJson(sampleResult(), -1));
        text.replace(R"("columns":2,"rows":2,"values":[0.1)", R"("columns":3,"rows":2,"values":[0.1)");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, AnalysisJson::fromJson(text.toStdString(), "doc.json"));
    }
};

QTEST_GUILESS_MAIN(AnalysisJsonTest)
#include "AnalysisJsonTest.moc"
