// Reading torch.save(state_dict) archives: the reference CLIP checkpoint, and hostile files generated here.
#include <QtTest>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>

#include <sys/resource.h>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include "core/model/CheckpointReader.h"
#include "core/model/ClipConfig.h"
#include "core/model/LrclrModel.h"
#include "core/model/Sha256.h"
#include "core/model/internal/TorchCheckpoint.h"
#include "core/model/internal/WeightsUnpickler.h"
#include "tests/TestFiles.h"
#include "tests/model/TestPickles.h"

using lrclr::CheckpointReader;
using lrclr::ClipConfig;
using lrclr::ModelError;
using lrclr::internal::StateDict;
using lrclr::internal::TorchCheckpoint;
using lrclr::internal::WeightsUnpickler;

namespace {

const QString kReferenceDir = QStringLiteral(LRCLR_SHARED_DIR "/reference/clip");

QJsonObject referenceJson()
{
    QFile file(kReferenceDir + "/reference.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

using lrclr::test::pickleInt;
using lrclr::test::pickleString;
using lrclr::test::pickleTuple;
using lrclr::test::stateDictPickle;
using lrclr::test::tensorPickle;
using lrclr::test::TensorSpec;

/// Writes a zip archive the way torch.save does (PyTorchStreamWriter: stored, aligned records).
void writeArchive(const std::string& path, const std::string& pickle, const std::map<std::string, std::string>& records)
{
    caffe2::serialize::PyTorchStreamWriter writer(path);
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [name, bytes] : records)
        writer.writeRecord(name, bytes.data(), bytes.size());
    writer.writeEndOfFile();
}

std::string floats(const std::vector<float>& values)
{
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

} // namespace

class CheckpointReaderTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_temporary;
    std::string m_referencePath;
    QJsonObject m_reference;

    std::string temporaryPath(const QString& name) const { return m_temporary.filePath(name).toStdString(); }

    /// Runs `read` and checks it throws a ModelError naming the file and containing `fragment`.
    void expectRefused(const std::string& path, const QString& fragment)
    {
        try {
            TorchCheckpoint::read(path);
        } catch (const ModelError& error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable("no file name in: " + message));
            QVERIFY2(message.contains(fragment, Qt::CaseInsensitive),
                qPrintable("expected '" + fragment + "' in: " + message));
            return;
        } catch (const std::exception& error) {
            QFAIL(qPrintable(QStringLiteral("wrong exception type: ") + error.what()));
        }
        QFAIL(qPrintable("accepted a hostile file: " + QString::fromStdString(path)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_temporary.isValid());
        m_referencePath = (kReferenceDir + "/clip_tiny_seed0.pt").toStdString();
        QVERIFY2(QFileInfo::exists(QString::fromStdString(m_referencePath)), m_referencePath.c_str());
        m_reference = referenceJson();
        QVERIFY2(m_reference.contains("config"), "reference.json is missing or has no config");
    }

    void referenceCheckpointSha256MatchesReference()
    {
        const auto contents = CheckpointReader::inspect(m_referencePath);
        QCOMPARE(QString::fromStdString(contents.sha256), m_reference.value("checkpoint_sha256").toString());
        QCOMPARE(
            contents.fileSize, static_cast<std::uint64_t>(QFileInfo(kReferenceDir + "/clip_tiny_seed0.pt").size()));
    }

    void referenceCheckpointHasClipKeysAndShapes()
    {
        const auto contents = CheckpointReader::inspect(m_referencePath);
        const auto config = m_reference.value("config").toObject();
        const auto shapes = contents.shapes();
        const auto shapeOf = [&](const std::string& key) {
            const auto found = shapes.find(key);
            return found == shapes.end() ? std::vector<std::int64_t> {} : found->second;
        };
        const std::int64_t width = config.value("vision_width").toInt();
        const std::int64_t patch = config.value("vision_patch_size").toInt();
        const std::int64_t grid = config.value("image_resolution").toInt() / patch;
        const std::int64_t textWidth = config.value("transformer_width").toInt();
        const std::int64_t embed = config.value("embed_dim").toInt();
        QCOMPARE(shapeOf("visual.conv1.weight"), (std::vector<std::int64_t> { width, 3, patch, patch }));
        QCOMPARE(shapeOf("visual.positional_embedding"), (std::vector<std::int64_t> { grid * grid + 1, width }));
        QCOMPARE(shapeOf("visual.proj"), (std::vector<std::int64_t> { width, embed }));
        QCOMPARE(shapeOf("token_embedding.weight"),
            (std::vector<std::int64_t> { config.value("vocab_size").toInt(), textWidth }));
        QCOMPARE(shapeOf("positional_embedding"),
            (std::vector<std::int64_t> { config.value("context_length").toInt(), textWidth }));
        QCOMPARE(shapeOf("text_projection"), (std::vector<std::int64_t> { textWidth, embed }));
        QCOMPARE(shapeOf("logit_scale"), std::vector<std::int64_t> {});
        QCOMPARE(shapeOf("transformer.resblocks.0.attn.in_proj_weight"),
            (std::vector<std::int64_t> { 3 * textWidth, textWidth }));
        for (const auto& tensor : contents.tensors)
            QVERIFY2(tensor.dtype == "float32", (tensor.name + " is " + tensor.dtype).c_str());
        // OpenAI CLIP: 12 tensors per block, 6 text/shared top-level tensors, 8 visual ones (conv1, class_embedding,
        // ...).
        const int visionLayers = config.value("vision_layers").toInt();
        const int textLayers = config.value("transformer_layers").toInt();
        QCOMPARE(static_cast<int>(contents.tensors.size()), 12 * (visionLayers + textLayers) + 6 + 8);
    }

    void referenceCheckpointValuesAreCliplInitialisation()
    {
        // Values CLIP's initialisation fixes regardless of the random seed prove the bytes land in the right tensors:
        // logit_scale = ln(1/0.07); LayerNorm weights 1 and biases 0.
        const auto stateDict = TorchCheckpoint::read(m_referencePath);
        QCOMPARE(stateDict.keys().front(), std::string("positional_embedding"));
        const double logitScale = stateDict.tensor("logit_scale").item<double>();
        QVERIFY2(std::abs(logitScale - std::log(1.0 / 0.07)) < 1e-6, std::to_string(logitScale).c_str());
        const auto ones = stateDict.tensor("ln_final.weight");
        QCOMPARE(ones.numel(),
            static_cast<std::int64_t>(m_reference.value("config").toObject().value("transformer_width").toInt()));
        QVERIFY(torch::equal(ones, torch::ones_like(ones)));
        const auto zeros = stateDict.tensor("visual.ln_post.bias");
        QVERIFY(torch::equal(zeros, torch::zeros_like(zeros)));
        // A random tensor must not be all equal (would reveal reading the wrong bytes, e.g. zeros).
        const auto random = stateDict.tensor("visual.conv1.weight");
        QVERIFY(random.std().item<double>() > 0.0);
    }

    void configMatchesReference()
    {
        const auto config = ClipConfig::fromShapes(CheckpointReader::inspect(m_referencePath).shapes());
        const auto expected = m_reference.value("config").toObject();
        QCOMPARE(config.embedDimension, expected.value("embed_dim").toInt());
        QCOMPARE(config.imageResolution, expected.value("image_resolution").toInt());
        QCOMPARE(config.visionLayers, expected.value("vision_layers").toInt());
        QCOMPARE(config.visionWidth, expected.value("vision_width").toInt());
        QCOMPARE(config.visionPatchSize, expected.value("vision_patch_size").toInt());
        QCOMPARE(config.visionHeads, expected.value("vision_width").toInt() / 64);
        QCOMPARE(config.contextLength, expected.value("context_length").toInt());
        QCOMPARE(config.vocabularySize, expected.value("vocab_size").toInt());
        QCOMPARE(config.textWidth, expected.value("transformer_width").toInt());
        QCOMPARE(config.textHeads, expected.value("transformer_heads").toInt());
        QCOMPARE(config.textLayers, expected.value("transformer_layers").toInt());
        QCOMPARE(config.gridSize(),
            expected.value("image_resolution").toInt() / expected.value("vision_patch_size").toInt());
    }

    void configRejectsIncompleteStateDict()
    {
        auto shapes = CheckpointReader::inspect(m_referencePath).shapes();
        shapes.erase("ln_final.weight");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ClipConfig::fromShapes(shapes));
        shapes = CheckpointReader::inspect(m_referencePath).shapes();
        shapes["visual.positional_embedding"] = { 48, 128 }; // 47 patches: not a square grid
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ClipConfig::fromShapes(shapes));
    }

    void generatedFloat16PlainDictLoads()
    {
        // A plain dict (not OrderedDict) of fp16 and fp32 tensors, one a strided view with an offset.
        const auto path = temporaryPath("generated.pt");
        const std::string half = std::string("\x00\x3c\x00\x40\x00\x42", 6); // 1.0, 2.0, 3.0 in IEEE half
        TensorSpec a { "a.half", "HalfStorage", "0", 3, 0, { 3 }, { 1 } };
        TensorSpec b { "b.view", "FloatStorage", "1", 6, 1, { 2, 2 }, { 1, 2 } };
        writeArchive(path, stateDictPickle({ a, b }, false),
            { { "data/0", half }, { "data/1", floats({ 0, 1, 2, 3, 4, 5 }) }, { "version", "3\n" } });
        const auto stateDict = TorchCheckpoint::read(path);
        QCOMPARE(stateDict.keys(), (std::vector<std::string> { "a.half", "b.view" }));
        const auto halfTensor = stateDict.tensor("a.half");
        QCOMPARE(halfTensor.scalar_type(), at::kHalf);
        QVERIFY(torch::equal(halfTensor.to(at::kFloat), torch::tensor({ 1.0f, 2.0f, 3.0f })));
        // storage [0..5], offset 1, stride (1, 2): [[1, 3], [2, 4]]
        QVERIFY(torch::equal(stateDict.tensor("b.view"), torch::tensor({ 1.0f, 3.0f, 2.0f, 4.0f }).reshape({ 2, 2 })));
        // The torch-free view reports the same names, dtypes and shapes.
        const auto contents = CheckpointReader::inspect(path);
        QCOMPARE(contents.tensors.size(), std::size_t(2));
        QCOMPARE(contents.tensors[0].dtype, std::string("float16"));
        QCOMPARE(contents.tensors[1].dtype, std::string("float32"));
        QCOMPARE(contents.tensors[1].shape, (std::vector<std::int64_t> { 2, 2 }));
        QCOMPARE(contents.parameterCount(), std::int64_t(7));
    }

    void hostileFilesAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("missing-file") << "missing"
                                      << "no such checkpoint";
        QTest::newRow("empty-file") << "empty"
                                    << "empty or truncated";
        QTest::newRow("not-a-zip") << "text"
                                   << "not a zip";
        QTest::newRow("legacy-pickle-format") << "legacy"
                                              << "legacy";
        QTest::newRow("truncated-half") << "truncated"
                                        << "missing";
        QTest::newRow("truncated-tail") << "truncated-tail"
                                        << "missing";
        QTest::newRow("flipped-storage-byte") << "flip-storage"
                                              << "crc";
        QTest::newRow("flipped-pickle-byte") << "flip-pickle"
                                             << "crc";
        QTest::newRow("forbidden-os-system") << "os-system"
                                             << "os.system";
        QTest::newRow("forbidden-builtins-eval") << "eval"
                                                 << "builtins.eval";
        QTest::newRow("forbidden-stack-global") << "stack-global"
                                                << "subprocess.Popen";
        QTest::newRow("huge-storage-claim") << "huge-storage"
                                            << "impossible size";
        QTest::newRow("storage-size-mismatch") << "size-mismatch"
                                               << "should hold";
        QTest::newRow("storage-offset-out-of-range") << "bad-offset"
                                                     << "reaches element";
        QTest::newRow("stride-out-of-range") << "bad-stride"
                                             << "reaches element";
        QTest::newRow("shape-overflow") << "overflow"
                                        << "overflows";
        QTest::newRow("negative-offset") << "negative-offset"
                                         << "negative storage offset";
        QTest::newRow("missing-storage-record") << "missing-record"
                                                << "has no record";
        QTest::newRow("unused-storage-record") << "unused-record"
                                               << "not used";
        QTest::newRow("unexpected-record") << "torchscript"
                                           << "unexpected record";
        QTest::newRow("not-a-dict") << "list-root"
                                    << "not a state dict";
        QTest::newRow("non-tensor-value") << "int-value"
                                          << "not a tensor";
        QTest::newRow("deep-nesting") << "deep"
                                      << "nest";
        QTest::newRow("truncated-pickle") << "pickle-no-stop"
                                          << "truncated";
        QTest::newRow("unknown-opcode") << "opcode"
                                        << "not allowed";
        QTest::newRow("big-endian") << "big-endian"
                                    << "endian";
        // These five had their inputs written below but no row, so they never ran (found by docs/LIMITS.md's audit).
        QTest::newRow("compressed-record") << "compressed"
                                           << "is compressed";
        QTest::newRow("record-size-claim") << "size-claim"
                                           << "that the file does not hold";
        QTest::newRow("duplicate-key") << "duplicate-key"
                                       << "appears twice";
        QTest::newRow("too-many-values") << "many-values"
                                         << "more than 2000000 values";
        QTest::newRow("self-referencing-dict") << "cycle"
                                               << "contains itself";
    }

    void hostileFilesAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, fragment);
        const auto path = temporaryPath("hostile-" + kind + ".pt");
        const TensorSpec good { "weight" };
        const std::map<std::string, std::string> goodData = { { "data/0", floats({ 1, 2, 3, 4 }) } };
        const auto withPickle = [&](const std::string& pickle) { writeArchive(path, pickle, goodData); };

        if (kind == "missing") {
            QFile::remove(QString::fromStdString(path));
        } else if (kind == "empty") {
            writeFile(path, "");
        } else if (kind == "text") {
            writeFile(path, "this is not a checkpoint\n");
        } else if (kind == "legacy") {
            writeFile(path, stateDictPickle({ good }));
        } else if (kind == "truncated" || kind == "truncated-tail") {
            const auto bytes = lrclr::test::readFile(m_referencePath);
            writeFile(path, bytes.substr(0, kind == "truncated" ? bytes.size() / 2 : bytes.size() - 10));
        } else if (kind == "flip-storage" || kind == "flip-pickle") {
            writeArchive(path, stateDictPickle({ good }), goodData);
            auto bytes = lrclr::test::readFile(path);
            const auto target = kind == "flip-storage" ? floats({ 1, 2, 3, 4 }) : std::string("_rebuild_tensor_v2");
            const auto position = bytes.find(target);
            QVERIFY(position != std::string::npos);
            bytes[position + 2] = static_cast<char>(bytes[position + 2] ^ 0x10);
            writeFile(path, bytes);
        } else if (kind == "os-system") {
            withPickle("\x80\x02"
                       "cos\nsystem\n"
                + pickleTuple({ pickleString("echo pwned") }) + "R.");
        } else if (kind == "eval") {
            withPickle("\x80\x02"
                       "cbuiltins\neval\n"
                + pickleTuple({ pickleString("1+1") }) + "R.");
        } else if (kind == "stack-global") {
            withPickle("\x80\x04" + pickleString("subprocess") + pickleString("Popen") + "\x93"
                + pickleTuple({ pickleString("true") }) + "R.");
        } else if (kind == "huge-storage") {
            auto spec = good;
            spec.storageElements = std::int64_t(1) << 62;
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "size-mismatch") {
            auto spec = good;
            spec.storageElements = 1000000000; // 4 GB claimed, 16 bytes stored
            spec.sizes = { 1000000000 };
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "bad-offset") {
            auto spec = good;
            spec.offset = 2; // 2 + 4 elements > 4
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "bad-stride") {
            auto spec = good;
            spec.sizes = { 2, 2 };
            spec.strides = { 4, 1 };
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "overflow") {
            auto spec = good;
            spec.sizes = { std::int64_t(1) << 40, std::int64_t(1) << 40 };
            spec.strides = { std::int64_t(1) << 40, 1 };
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "negative-offset") {
            auto spec = good;
            spec.offset = -1;
            withPickle(stateDictPickle({ spec }));
        } else if (kind == "missing-record") {
            writeArchive(path, stateDictPickle({ good }), { { "data/1", floats({ 1, 2, 3, 4 }) } });
        } else if (kind == "unused-record") {
            writeArchive(
                path, stateDictPickle({ good }), { { "data/0", floats({ 1, 2, 3, 4 }) }, { "data/7", "xxxx" } });
        } else if (kind == "torchscript") {
            writeArchive(
                path, stateDictPickle({ good }), { { "data/0", floats({ 1, 2, 3, 4 }) }, { "code/m.py", "x" } });
        } else if (kind == "list-root") {
            withPickle("\x80\x02].");
        } else if (kind == "int-value") {
            withPickle("\x80\x02}" + pickleString("x") + pickleInt(3) + "s.");
        } else if (kind == "deep") {
            withPickle("\x80\x02" + std::string(100000, ']') + std::string(99999, 'a') + ".");
        } else if (kind == "pickle-no-stop") {
            const auto pickle = stateDictPickle({ good });
            withPickle(pickle.substr(0, pickle.size() - 1));
        } else if (kind == "opcode") {
            withPickle("\x80\x02"
                       "I1\n.");
        } else if (kind == "big-endian") {
            writeArchive(
                path, stateDictPickle({ good }), { { "data/0", floats({ 1, 2, 3, 4 }) }, { "byteorder", "big" } });
        } else if (kind == "compressed" || kind == "size-claim") {
            // Patch the central directory entry of data.pkl: method 8 (deflate), or a 3 GB uncompressed size.
            writeArchive(path, stateDictPickle({ good }), goodData);
            auto bytes = lrclr::test::readFile(path);
            const auto entry = bytes.find(std::string("PK\x01\x02", 4));
            QVERIFY(entry != std::string::npos);
            if (kind == "compressed") {
                bytes[entry + 10] = 8;
            } else {
                for (int offset : { 20, 24 }) // compressed and uncompressed size
                    bytes.replace(entry + offset, 4, std::string("\x00\x00\x00\xb0", 4));
            }
            writeFile(path, bytes);
        } else if (kind == "duplicate-key") {
            withPickle(stateDictPickle({ good, good }));
        } else if (kind == "many-values") {
            // Three lists of 900,000 empty tuples each: every tuple is a value the interpreter must hold.
            std::string pickle = "\x80\x02";
            for (int list = 0; list < 3; ++list) {
                pickle += "]";
                for (int i = 0; i < 900000; ++i)
                    pickle += ")a";
            }
            withPickle(pickle + ".");
        } else if (kind == "cycle") {
            withPickle(std::string("\x80\x02}q\x00", 5) + pickleString("self") + std::string("h\x00s.", 4));
        } else {
            QFAIL("unknown test row");
        }
        expectRefused(path, fragment);
    }

    void aVerifiedDigestReplacesTheRecordChecksAndTensorsViewTheFileCopyOnWrite()
    {
        const auto path = temporaryPath("digest.pt");
        TensorSpec a { "a", "FloatStorage", "0", 4, 0, { 2, 2 }, { 2, 1 } };
        writeArchive(path, stateDictPickle({ a }), { { "data/0", floats({ 1, 2, 3, 4 }) } });
        const auto original = lrclr::test::readFile(path);
        const auto digest = lrclr::Sha256::ofBytes(original.data(), original.size());
        {
            auto stateDict = TorchCheckpoint::read(path, digest);
            QVERIFY(torch::equal(stateDict.tensor("a"), torch::tensor({ 1.0f, 2.0f, 3.0f, 4.0f }).reshape({ 2, 2 })));
            // Writing through a loaded tensor (as training from a loaded model does) never reaches the file.
            stateDict.tensor("a").mul_(10);
            const float scaled = stateDict.tensor("a")[1][1].item().toFloat();
            QCOMPARE(scaled, 40.0f);
        }
        QVERIFY(lrclr::test::readFile(path) == original);

        // A digest that does not match is refused before any tensor is made, naming both digests.
        const std::string wrong(64, '0');
        try {
            TorchCheckpoint::read(path, wrong);
            QFAIL("a wrong SHA-256 was accepted");
        } catch (const ModelError& error) {
            QVERIFY2(QString(error.what()).contains("SHA-256") && QString(error.what()).contains(wrong.c_str()),
                error.what());
        }
        // A flipped storage byte: refused by the digest the manifest holds, as by the CRC-32 without one.
        auto flipped = original;
        const auto at = flipped.find(floats({ 1, 2, 3, 4 }));
        QVERIFY(at != std::string::npos);
        flipped[at + 1] = static_cast<char>(flipped[at + 1] ^ 0x10);
        writeFile(path, flipped);
        QVERIFY_THROWS_EXCEPTION(ModelError, TorchCheckpoint::read(path, digest));
        QVERIFY_THROWS_EXCEPTION(ModelError, TorchCheckpoint::read(path));
    }

    // A full disk while a checkpoint is written (simulated by a file-size limit: writes past it fail with EFBIG, as
    // ENOSPC would) gives an error naming the file, leaves neither a truncated checkpoint nor the temporary behind,
    // and does not abort the process (PyTorchStreamWriter's destructor used to throw a second time).
    void aFullDiskWhileWritingIsReportedAndLeavesNoFile()
    {
        const auto path = temporaryPath("full-disk.pt");
        StateDict stateDict;
        stateDict.insert("big", torch::ones({ 256, 1024 })); // 1 MiB of float32
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit previous {};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &previous), 0);
        rlimit limited = previous;
        limited.rlim_cur = 64 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        QString message;
        try {
            TorchCheckpoint::write(path, stateDict);
        } catch (const ModelError& error) {
            message = QString::fromUtf8(error.what());
        }
        setrlimit(RLIMIT_FSIZE, &previous);
        std::signal(SIGXFSZ, SIG_DFL);
        QVERIFY2(message.startsWith(QString::fromStdString(path)) && message.contains(QStringLiteral("disk full")),
            qPrintable(message));
        QVERIFY(!std::filesystem::exists(path));
        QVERIFY(!std::filesystem::exists(path + ".partial"));
        // With room again, the same call writes a checkpoint that reads back.
        TorchCheckpoint::write(path, stateDict);
        QVERIFY(torch::equal(TorchCheckpoint::read(path).tensor("big"), torch::ones({ 256, 1024 })));
    }

    void everySingleByteCorruptionIsRefusedOrHarmless()
    {
        // Flip one bit at every offset of a small archive (and cut it short): each result is either
        // refused with a ModelError or reads back exactly the original tensors. No corruption may yield different
        // weights silently, crash, or throw anything else.
        const auto path = temporaryPath("sweep.pt");
        TensorSpec a { "a", "FloatStorage", "0", 4, 0, { 2, 2 }, { 2, 1 } };
        TensorSpec b { "b", "HalfStorage", "1", 2, 0, { 2 }, { 1 } };
        writeArchive(path, stateDictPickle({ a, b }),
            { { "data/0", floats({ 1, 2, 3, 4 }) }, { "data/1", std::string("\x00\x3c\x00\xc0", 4) } });
        const auto original = lrclr::test::readFile(path);
        const auto expectedA = torch::tensor({ 1.0f, 2.0f, 3.0f, 4.0f }).reshape({ 2, 2 });
        const auto expectedB = torch::tensor({ 1.0f, -2.0f });
        int refused = 0;
        int harmless = 0;
        const auto check = [&](const std::string& bytes, const QString& what) {
            writeFile(path, bytes);
            try {
                const auto stateDict = TorchCheckpoint::read(path);
                QVERIFY2(stateDict.keys() == (std::vector<std::string> { "a", "b" }), qPrintable(what));
                QVERIFY2(torch::equal(stateDict.tensor("a"), expectedA), qPrintable(what));
                QVERIFY2(torch::equal(stateDict.tensor("b").to(torch::kFloat), expectedB), qPrintable(what));
                ++harmless;
            } catch (const ModelError&) {
                ++refused;
            }
        };
        for (std::size_t offset = 0; offset < original.size(); ++offset) {
            auto bytes = original;
            bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
            check(bytes, QString("bit flip at %1").arg(offset));
        }
        // Every third length, and every length within the end-of-directory records at the tail.
        for (std::size_t length = 0; length < original.size(); ++length) {
            if (length % 3 == 0 || length + 100 > original.size())
                check(original.substr(0, length), QString("cut at %1").arg(length));
        }
        // Most bytes are covered by a CRC or a structural check; the rest is padding the reader never uses.
        QVERIFY2(refused > static_cast<int>(original.size()) / 2, qPrintable(QString("only %1 refused").arg(refused)));
        qInfo("%zu-byte archive: %d corruptions refused, %d harmless (alignment padding, unused header fields)",
            original.size(), refused, harmless);
    }

    void randomlyCorruptedPicklesNeverCrash()
    {
        // Byte-level fuzzing of the interpreter: every mutation of a valid pickle either parses into tensors that lie
        // inside their storages or is refused with a ModelError; nothing else may happen.
        const auto valid
            = stateDictPickle({ TensorSpec { "a" }, TensorSpec { "b", "HalfStorage", "1", 8, 2, { 2, 3 }, { 3, 1 } } });
        std::mt19937 random(12345);
        int refused = 0;
        int accepted = 0;
        for (int trial = 0; trial < 3000; ++trial) {
            auto bytes = valid;
            const int mutations = 1 + static_cast<int>(random() % 4);
            for (int m = 0; m < mutations; ++m) {
                const auto position = random() % bytes.size();
                switch (random() % 3) {
                case 0:
                    bytes[position] = static_cast<char>(random() & 0xFF);
                    break;
                case 1:
                    bytes.erase(position, 1 + random() % 8);
                    break;
                default:
                    bytes.insert(position, 1, static_cast<char>(random() & 0xFF));
                    break;
                }
            }
            try {
                const auto result = WeightsUnpickler::parse(bytes, "fuzz");
                for (const auto& tensor : result.tensors)
                    QVERIFY(tensor.storageIndex < result.storages.size());
                ++accepted;
            } catch (const ModelError&) {
                ++refused;
            }
        }
        QVERIFY2(refused > 2000, qPrintable(QString("only %1 of 3000 mutations refused").arg(refused)));
        QCOMPARE(refused + accepted, 3000);
    }
};

QTEST_GUILESS_MAIN(CheckpointReaderTest)
#include "CheckpointReaderTest.moc"
