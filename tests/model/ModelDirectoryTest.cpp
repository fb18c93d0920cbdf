// The model directory format: save/open round trip, SHA-256 refusal of tampered files, manifest validation, and the
// CLIP importer on the reference checkpoint.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "core/model/ClipConfig.h"
#include "core/model/ClipImporter.h"
#include "core/model/LrclrModel.h"
#include "core/model/ModelDirectory.h"
#include "core/model/Sha256.h"
#include "core/model/internal/ModelStore.h"
#include "core/model/internal/TorchCheckpoint.h"

using lrclr::ClipConfig;
using lrclr::ModelDirectory;
using lrclr::ModelError;
using lrclr::ModelManifest;
using lrclr::internal::ModelStore;
using lrclr::internal::StateDict;

namespace fs = std::filesystem;

namespace {

const QString kReferenceDir = QStringLiteral(LRCLR_SHARED_DIR "/reference/clip");
const std::string kMerges = (kReferenceDir + "/bpe_simple_vocab_16e6.txt.gz").toStdString();
const std::string kCheckpoint = (kReferenceDir + "/clip_tiny_seed0.pt").toStdString();

StateDict sampleWeights()
{
    StateDict weights;
    weights.insert("visual.proj", torch::arange(12, torch::kFloat32).reshape({ 3, 4 }) / 7.0);
    weights.insert("half", torch::tensor({ 1.5f, -2.25f }).to(torch::kHalf));
    weights.insert("logit_scale", torch::tensor(2.5f));
    // A non-contiguous view is written as its own contiguous storage.
    weights.insert("transposed", torch::arange(6, torch::kFloat32).reshape({ 2, 3 }).t());
    return weights;
}

ModelManifest sampleManifest()
{
    ModelManifest manifest;
    manifest.name = "sample";
    manifest.clip.embedDimension = 4;
    manifest.clip.imageResolution = 64;
    manifest.clip.visionLayers = 1;
    manifest.clip.visionWidth = 64;
    manifest.clip.visionPatchSize = 32;
    manifest.clip.visionHeads = 1;
    manifest.clip.contextLength = 77;
    manifest.clip.vocabularySize = 49408;
    manifest.clip.textWidth = 64;
    manifest.clip.textHeads = 1;
    manifest.clip.textLayers = 1;
    manifest.lrclrJson = R"({"selection":"rollout","topK":8})";
    manifest.preprocessingJson = R"({"mean":101.48761})";
    manifest.notesJson = R"({"purpose":"test"})";
    manifest.provenance.command = "test";
    manifest.provenance.date = "2026-01-01T00:00:00Z";
    return manifest;
}

void flipByte(const std::string& path, std::uint64_t offset)
{
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(offset));
    char byte = 0;
    file.get(byte);
    file.seekp(static_cast<std::streamoff>(offset));
    file.put(static_cast<char>(byte ^ 0x01));
}

std::string readText(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
}

} // namespace

class ModelDirectoryTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_temporary;

    std::string freshDirectory(const QString& name)
    {
        const auto path = m_temporary.filePath(name).toStdString();
        fs::remove_all(path);
        return path;
    }

    void expectOpenRefused(const std::string& directory, const QString& fragment)
    {
        try {
            ModelDirectory::open(directory);
        } catch (const ModelError& error) {
            const QString message = error.what();
            QVERIFY2(message.contains(fragment), qPrintable("expected '" + fragment + "' in: " + message));
            return;
        }
        QFAIL("a bad model directory was accepted");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_temporary.isValid());
        QVERIFY2(fs::exists(kMerges), kMerges.c_str());
        QVERIFY2(fs::exists(kCheckpoint), kCheckpoint.c_str());
    }

    void saveAndOpenRoundTrip()
    {
        const auto directory = freshDirectory("round");
        const auto findings = m_temporary.filePath("my-findings.json").toStdString();
        writeText(findings, R"({"findings":["Atelectasis"]})");
        const auto original = sampleWeights();
        const auto saved = ModelStore::save(directory, original, sampleManifest(), { kMerges, findings, "weights.pt" });

        const auto opened = ModelDirectory::open(directory);
        const auto& manifest = opened.manifest();
        QCOMPARE(manifest.name, std::string("sample"));
        QCOMPARE(manifest.clip.vocabularySize, 49408);
        QCOMPARE(manifest.clip.textLayers, 1);
        QCOMPARE(manifest.weights.name, std::string("weights.pt"));
        QCOMPARE(manifest.weights.sha256, lrclr::Sha256::ofFile(directory + "/weights.pt"));
        QCOMPARE(manifest.weights.size, static_cast<std::uint64_t>(fs::file_size(directory + "/weights.pt")));
        QCOMPARE(manifest.merges.name, std::string("bpe_simple_vocab_16e6.txt.gz"));
        QCOMPARE(manifest.merges.sha256, lrclr::Sha256::ofFile(kMerges));
        QCOMPARE(manifest.findingsFile, std::string("findings.json"));
        QCOMPARE(readText(opened.findingsPath()), readText(findings));
        QCOMPARE(nlohmannFree(manifest.lrclrJson), nlohmannFree(R"({"selection":"rollout","topK":8})"));
        QVERIFY(manifest.preprocessingJson.find("101.48761") != std::string::npos);
        QVERIFY(manifest.notesJson.find("test") != std::string::npos);
        QCOMPARE(manifest.provenance.date, std::string("2026-01-01T00:00:00Z"));

        const auto loaded = ModelStore::loadWeights(opened);
        QCOMPARE(loaded.keys(), original.keys());
        for (const auto& key : original.keys()) {
            const auto a = original.tensor(key);
            const auto b = loaded.tensor(key);
            QVERIFY2(a.scalar_type() == b.scalar_type(), key.c_str());
            QVERIFY2(torch::equal(a, b), key.c_str());
        }
        QCOMPARE(saved.weightsPath(), opened.weightsPath());
    }

    // "overlayScale" (written by `lrclr calibrate`) survives a save and load; absent when not fitted; values that are
    // not ordered cosines are refused naming the field.
    void overlayScaleRoundTripsThroughTheManifest()
    {
        auto manifest = sampleManifest();
        manifest.weights = { "weights.pt", std::string(64, 'a'), 10 };
        manifest.merges = { "merges.txt", std::string(64, 'b'), 0 };
        QVERIFY(manifest.toJson().find("\"overlayScale\"") == std::string::npos);
        QVERIFY(!ModelManifest::fromJson(manifest.toJson(), "memory").overlayScale.fitted);
        manifest.overlayScale.fitted = true;
        manifest.overlayScale.low = -0.125;
        manifest.overlayScale.threshold = 0.25;
        manifest.overlayScale.high = 0.5;
        manifest.overlayScale.youden = 0.625;
        manifest.overlayScale.sentences = 321;
        manifest.overlayScale.split = "all";
        const auto text = manifest.toJson();
        const auto back = ModelManifest::fromJson(text, "memory").overlayScale;
        QVERIFY(back.fitted);
        QCOMPARE(back.low, -0.125);
        QCOMPARE(back.threshold, 0.25);
        QCOMPARE(back.high, 0.5);
        QCOMPARE(back.youden, 0.625);
        QCOMPARE(back.sentences, 321);
        QCOMPARE(back.split, std::string("all"));
        for (const auto& [from, to] : { std::pair<std::string, std::string> { "\"high\": 0.5", "\"high\": 0.2" },
                 { "\"low\": -0.125", "\"low\": -3.0" } }) {
            auto broken = text;
            const auto at = broken.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            broken.replace(at, from.size(), to);
            try {
                ModelManifest::fromJson(broken, "model/manifest.json");
                QFAIL("a broken overlayScale was accepted");
            } catch (const ModelError& error) {
                QVERIFY2(std::string(error.what()).find("overlayScale") != std::string::npos, error.what());
            }
        }
    }

    // The configuration limits (ClipConfig::checkLimits) hold before any model is built: each field at its limit is
    // accepted, one past it is refused naming the field; 10^6 layers (which allocated until memory ran out) too.
    void configurationLimitsAreEnforcedWhenTheManifestIsRead()
    {
        struct Case {
            const char* field;
            int ClipConfig::*member;
            int maximum;
        };
        const Case cases[] = {
            { "vision_layers", &ClipConfig::visionLayers, ClipConfig::maximumLayers },
            { "transformer_layers", &ClipConfig::textLayers, ClipConfig::maximumLayers },
            { "vision_heads", &ClipConfig::visionHeads, ClipConfig::maximumHeads },
            { "context_length", &ClipConfig::contextLength, ClipConfig::maximumContextLength },
            { "vocab_size", &ClipConfig::vocabularySize, ClipConfig::maximumVocabularySize },
            { "image_resolution", &ClipConfig::imageResolution, ClipConfig::maximumImageResolution },
        };
        for (const auto& limit : cases) {
            auto manifest = sampleManifest();
            manifest.weights = { "weights.pt", std::string(64, 'a'), 10 };
            manifest.merges = { "merges.txt", std::string(64, 'b'), 0 };
            if (limit.member == &ClipConfig::imageResolution)
                manifest.clip.visionPatchSize = limit.maximum / ClipConfig::maximumGridSize;
            manifest.clip.*limit.member = limit.maximum;
            const auto atLimit = ModelManifest::fromJson(manifest.toJson(), "model/manifest.json");
            QCOMPARE(atLimit.clip.*limit.member, limit.maximum);
            for (const int past : { limit.maximum + 1, std::max(1000000, limit.maximum * 2) }) {
                manifest.clip.*limit.member = past;
                try {
                    ModelManifest::fromJson(manifest.toJson(), "model/manifest.json");
                    QFAIL(qPrintable(QStringLiteral("%1 = %2 was accepted").arg(limit.field).arg(past)));
                } catch (const ModelError& error) {
                    const std::string expected = std::string("'") + limit.field + "' = " + std::to_string(past);
                    QVERIFY2(std::string(error.what()).find(expected) != std::string::npos, error.what());
                    QVERIFY2(std::string(error.what()).find("model/manifest.json") == 0, error.what());
                }
            }
        }
        // Each field within its limit, but together far too many parameters (~100 billion).
        auto manifest = sampleManifest();
        manifest.weights = { "weights.pt", std::string(64, 'a'), 10 };
        manifest.merges = { "merges.txt", std::string(64, 'b'), 0 };
        manifest.clip.visionLayers = ClipConfig::maximumLayers;
        manifest.clip.visionWidth = ClipConfig::maximumWidth;
        manifest.clip.visionHeads = ClipConfig::maximumHeads;
        try {
            ModelManifest::fromJson(manifest.toJson(), "model/manifest.json");
            QFAIL("a 100-billion-parameter configuration was accepted");
        } catch (const ModelError& error) {
            QVERIFY2(
                std::string(error.what()).find("parameters (at most 4000000000)") != std::string::npos, error.what());
        }
    }

    // "calibration" (written by `lrclr calibrate`) survives a save and load; a one-class finding stays raw.
    void calibrationRoundTripsThroughTheManifest()
    {
        auto manifest = sampleManifest();
        manifest.weights = { "weights.pt", std::string(64, 'a'), 10 };
        manifest.merges = { "merges.txt", std::string(64, 'b'), 0 };
        QVERIFY(manifest.toJson().find("\"calibration\"") == std::string::npos); // absent when empty
        manifest.calibration.split = "validate";
        manifest.calibration.manifest = "phantoms/manifest.jsonl";
        manifest.calibration.date = "2026-02-03T04:05:06Z";
        ModelManifest::Calibration::Finding cardiomegaly;
        cardiomegaly.name = "Cardiomegaly";
        cardiomegaly.a = 7.5;
        cardiomegaly.b = -1.25;
        cardiomegaly.threshold = 0.375;
        cardiomegaly.positives = 12;
        cardiomegaly.negatives = 30;
        ModelManifest::Calibration::Finding fracture;
        fracture.name = "Fracture";
        fracture.calibrated = false;
        fracture.negatives = 42;
        manifest.calibration.findings = { cardiomegaly, fracture };
        const auto text = manifest.toJson();
        const auto back = ModelManifest::fromJson(text, "memory").calibration;
        QCOMPARE(back.split, std::string("validate"));
        QCOMPARE(back.manifest, std::string("phantoms/manifest.jsonl"));
        QCOMPARE(back.date, std::string("2026-02-03T04:05:06Z"));
        QCOMPARE(back.score, std::string("combined"));
        QCOMPARE(back.findings.size(), std::size_t(2));
        const auto* heart = back.find("Cardiomegaly");
        QVERIFY(heart && heart->calibrated);
        QCOMPARE(heart->a, 7.5);
        QCOMPARE(heart->b, -1.25);
        QCOMPARE(heart->threshold, 0.375);
        QCOMPARE(heart->positives, 12);
        QCOMPARE(heart->negatives, 30);
        // p = sigmoid(7.5 * logit(0.6) - 1.25) = sigmoid(7.5 * 0.405465 - 1.25) = sigmoid(1.79099) = 0.857048
        QVERIFY2(std::abs(heart->apply(0.6) - 0.857048) < 1e-5, qPrintable(QString::number(heart->apply(0.6))));
        const auto* bone = back.find("Fracture");
        QVERIFY(bone && !bone->calibrated);
        QCOMPARE(bone->negatives, 42);
        QCOMPARE(bone->apply(0.6), 0.6);
        QVERIFY(back.find("Edema") == nullptr);
        QVERIFY(text.find("\"score\": \"combined\"") != std::string::npos);
        // A non-numeric coefficient is refused with the field's name.
        auto broken = text;
        broken.replace(broken.find("7.5"), 3, "\"x\"");
        try {
            ModelManifest::fromJson(broken, "memory");
            QFAIL("a malformed calibration was accepted");
        } catch (const ModelError& error) {
            QVERIFY2(QString(error.what()).contains("calibration.findings.Cardiomegaly.a"), error.what());
        }
    }

    void tamperedFilesAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("weights-byte-flipped") << "flip-weights"
                                              << "weights.pt: the weights file's SHA-256";
        QTest::newRow("weights-truncated") << "truncate-weights"
                                           << "weights.pt: the weights file has";
        QTest::newRow("weights-missing") << "remove-weights"
                                         << "weights.pt: the weights file named";
        QTest::newRow("merges-byte-flipped") << "flip-merges"
                                             << "bpe_simple_vocab_16e6.txt.gz: the tokenizer merges";
        QTest::newRow("findings-missing") << "remove-findings"
                                          << "findings.json: the findings file";
        QTest::newRow("manifest-missing") << "remove-manifest"
                                          << "manifest.json: missing";
        QTest::newRow("manifest-not-json") << "manifest-garbage"
                                           << "not valid JSON";
        QTest::newRow("manifest-newer-format") << "manifest-version"
                                               << "format version 99";
        QTest::newRow("manifest-path-escape") << "manifest-escape"
                                              << "not a file name inside the directory";
        QTest::newRow("manifest-missing-clip-field") << "manifest-no-width"
                                                     << "clip.vision_width";
        QTest::newRow("manifest-bad-sha") << "manifest-bad-sha"
                                          << "not a lower-case hex SHA-256";
    }

    void tamperedFilesAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, fragment);
        const auto directory = freshDirectory("tampered-" + kind);
        const auto findings = m_temporary.filePath("f.json").toStdString();
        writeText(findings, "{}");
        ModelStore::save(directory, sampleWeights(), sampleManifest(), { kMerges, findings, "weights.pt" });
        const auto weights = directory + "/weights.pt";
        const auto manifestPath = directory + "/manifest.json";
        auto manifest = readText(manifestPath);
        const auto replace = [&](const std::string& from, const std::string& to) {
            const auto position = manifest.find(from);
            QVERIFY2(position != std::string::npos, from.c_str());
            manifest.replace(position, from.size(), to);
            writeText(manifestPath, manifest);
        };
        if (kind == "flip-weights")
            flipByte(weights, fs::file_size(weights) / 2);
        else if (kind == "truncate-weights")
            fs::resize_file(weights, fs::file_size(weights) - 1);
        else if (kind == "remove-weights")
            fs::remove(weights);
        else if (kind == "flip-merges")
            flipByte(directory + "/bpe_simple_vocab_16e6.txt.gz", 1000);
        else if (kind == "remove-findings")
            fs::remove(directory + "/findings.json");
        else if (kind == "remove-manifest")
            fs::remove(manifestPath);
        else if (kind == "manifest-garbage")
            writeText(manifestPath, "{\"format\": ");
        else if (kind == "manifest-version")
            replace("\"formatVersion\": 1", "\"formatVersion\": 99");
        else if (kind == "manifest-escape")
            replace("\"file\": \"weights.pt\"", "\"file\": \"../weights.pt\"");
        else if (kind == "manifest-no-width")
            replace("\"vision_width\": 64", "\"vision_widthX\": 64");
        else if (kind == "manifest-bad-sha")
            replace("\"sha256\": \"", "\"sha256\": \"X");
        expectOpenRefused(directory, fragment);
    }

    void weightsAreTorchSaveCompatible()
    {
        // The weights file is torch.save's own format, so the reader of foreign checkpoints reads it too and the
        // archive holds exactly the records torch.save writes.
        const auto path = m_temporary.filePath("compatible.pt").toStdString();
        lrclr::internal::TorchCheckpoint::write(path, sampleWeights());
        const auto back = lrclr::internal::TorchCheckpoint::read(path);
        QCOMPARE(back.keys(), sampleWeights().keys());
        const auto bytes = readText(path);
        QVERIFY(bytes.find("archive/data.pkl") != std::string::npos);
        QVERIFY(bytes.find("archive/version") != std::string::npos);
        QVERIFY(bytes.find("collections\nOrderedDict") != std::string::npos);
    }

    void importsReferenceCheckpoint()
    {
        QFile referenceFile(kReferenceDir + "/reference.json");
        QVERIFY(referenceFile.open(QIODevice::ReadOnly));
        const auto reference = QJsonDocument::fromJson(referenceFile.readAll()).object();
        const auto config = reference.value("config").toObject();

        lrclr::ClipImporter::Options options;
        options.checkpointPath = kCheckpoint;
        options.mergesPath = kMerges;
        options.outputDirectory = freshDirectory("imported");
        options.command = "ModelDirectoryTest";
        options.toolVersion = "test";
        const auto report = lrclr::ClipImporter::run(options);
        QVERIFY(report.verified);
        QCOMPARE(report.checkpointSha256, reference.value("checkpoint_sha256").toString().toStdString());
        QCOMPARE(report.config.visionWidth, config.value("vision_width").toInt());
        QCOMPARE(report.config.textLayers, config.value("transformer_layers").toInt());
        QCOMPARE(report.tensorCount, std::size_t(62));

        const auto opened = ModelDirectory::open(options.outputDirectory);
        QCOMPARE(opened.manifest().provenance.sourceSha256, report.checkpointSha256);
        QCOMPARE(opened.manifest().provenance.sourceCheckpoint, kCheckpoint);
        QCOMPARE(opened.manifest().name, std::string("clip_tiny_seed0"));
        QCOMPARE(opened.manifest().clip.embedDimension, config.value("embed_dim").toInt());
        QVERIFY(!opened.manifest().provenance.date.empty());
        // The imported weights equal the checkpoint tensor for tensor.
        const auto source = lrclr::internal::TorchCheckpoint::read(kCheckpoint);
        const auto imported = ModelStore::loadWeights(opened);
        QCOMPARE(imported.keys(), source.keys());
        QVERIFY(torch::equal(imported.tensor("visual.conv1.weight"), source.tensor("visual.conv1.weight")));

        // Refuses a non-empty directory unless told to overwrite.
        QVERIFY_THROWS_EXCEPTION(ModelError, lrclr::ClipImporter::run(options));
        options.overwrite = true;
        QVERIFY(lrclr::ClipImporter::run(options).verified);
    }

    void importsFloat16CheckpointAndDropsJitAttributes()
    {
        // A half-precision variant of the reference checkpoint with the JIT-era `vocab_size` entry that
        // build_model() deletes: the import keeps fp16 and drops that key.
        const auto source = lrclr::internal::TorchCheckpoint::read(kCheckpoint);
        StateDict half;
        for (const auto& key : source.keys())
            half.insert(key, source.tensor(key).to(torch::kHalf));
        half.insert("vocab_size", torch::tensor(49408, torch::kLong));
        const auto path = m_temporary.filePath("clip_tiny_fp16.pt").toStdString();
        lrclr::internal::TorchCheckpoint::write(path, half);

        lrclr::ClipImporter::Options options;
        options.checkpointPath = path;
        options.mergesPath = kMerges;
        options.outputDirectory = freshDirectory("imported-fp16");
        const auto report = lrclr::ClipImporter::run(options);
        QVERIFY(report.verified);
        QCOMPARE(report.droppedKeys, std::vector<std::string> { "vocab_size" });
        QCOMPARE(report.dtypes, std::vector<std::string> { "float16" });
        QCOMPARE(report.tensorCount, source.keys().size());
        const auto imported = ModelStore::loadWeights(ModelDirectory::open(options.outputDirectory));
        QVERIFY(!imported.contains("vocab_size"));
        QCOMPARE(imported.tensor("token_embedding.weight").scalar_type(), torch::kHalf);
        QVERIFY(torch::equal(imported.tensor("visual.proj"), half.tensor("visual.proj")));
    }

    void importRefusesMismatchedMerges()
    {
        const auto merges = m_temporary.filePath("short-merges.txt").toStdString();
        writeText(merges, "#version: 0.2\na b\n");
        lrclr::ClipImporter::Options options;
        options.checkpointPath = kCheckpoint;
        options.mergesPath = merges;
        options.outputDirectory = freshDirectory("mismatched");
        try {
            lrclr::ClipImporter::run(options);
            QFAIL("a merges file too small for the vocabulary was accepted");
        } catch (const ModelError& error) {
            QVERIFY2(QString(error.what()).contains("short-merges.txt"), error.what());
        }
        QVERIFY(!fs::exists(options.outputDirectory + "/manifest.json"));
    }

private:
    static std::string nlohmannFree(std::string json)
    {
        json.erase(std::remove_if(json.begin(), json.end(), [](char c) { return c == ' ' || c == '\n'; }), json.end());
        return json;
    }
};

QTEST_GUILESS_MAIN(ModelDirectoryTest)
#include "ModelDirectoryTest.moc"
