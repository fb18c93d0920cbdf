// The .npy reader/writer against the reference arrays and hostile headers generated here.
#include <QtTest>

#include "core/model/LrclrModel.h"
#include "core/model/NpyArray.h"

using lrclr::NpyArray;

namespace {

const QString kReferenceDir = QStringLiteral(LRCLR_SHARED_DIR "/reference/clip");

std::string npyBytes(const std::string& header, std::size_t dataBytes, int version = 1)
{
    std::string bytes("\x93NUMPY", 6);
    bytes.push_back(static_cast<char>(version));
    bytes.push_back('\0');
    const auto length = header.size();
    bytes.push_back(static_cast<char>(length & 0xFF));
    bytes.push_back(static_cast<char>((length >> 8) & 0xFF));
    if (version >= 2) {
        bytes.push_back(static_cast<char>((length >> 16) & 0xFF));
        bytes.push_back(static_cast<char>((length >> 24) & 0xFF));
    }
    return bytes + header + std::string(dataBytes, '\0');
}

} // namespace

class NpyArrayTest : public QObject {
    Q_OBJECT

private:
    QJsonObject m_reference;
    QTemporaryDir m_temporary;

private Q_SLOTS:
    void initTestCase()
    {
        QFile file(kReferenceDir + "/reference.json");
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_reference = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(m_reference.contains("config"));
    }

    void referenceShapes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QList<qint64>>("shape");
        // Shapes follow from reference.json's config and its 2 images / 25 texts (README's array table).
        const auto config = m_reference.value("config").toObject();
        const qint64 embed = config.value("embed_dim").toInt();
        const qint64 grid = config.value("image_resolution").toInt() / config.value("vision_patch_size").toInt();
        const qint64 texts = m_reference.value("texts").toArray().size();
        const qint64 resolution = config.value("image_resolution").toInt();
        const qint64 heads = config.value("vision_width").toInt() / 64;
        QTest::newRow("image_input") << "image_input.npy" << QList<qint64> { 2, 3, resolution, resolution };
        QTest::newRow("image_embedding") << "image_embedding.npy" << QList<qint64> { 2, embed };
        QTest::newRow("text_embedding") << "text_embedding.npy" << QList<qint64> { texts, embed };
        QTest::newRow("logits_per_image") << "logits_per_image.npy" << QList<qint64> { 2, texts };
        QTest::newRow("visual_tokens") << "visual_tokens.npy" << QList<qint64> { 2, grid * grid + 1, embed };
        QTest::newRow("visual_attention")
            << "visual_attention.npy"
            << QList<qint64> { config.value("vision_layers").toInt(), 2, heads, grid * grid + 1, grid * grid + 1 };
    }

    void referenceShapes()
    {
        QFETCH(QString, file);
        QFETCH(QList<qint64>, shape);
        const auto array = NpyArray::read((kReferenceDir + "/" + file).toStdString());
        QCOMPARE(array.dataType(), NpyArray::DataType::Float32);
        QCOMPARE(QList<qint64>(array.shape().begin(), array.shape().end()), shape);
        const auto values = array.toFloat32();
        QCOMPARE(static_cast<qint64>(values.size()), array.elementCount());
        for (const float value : values)
            QVERIFY(std::isfinite(value));
    }

    void attentionRowsSumToOne()
    {
        // Softmax rows: an independent check that the float bytes are decoded correctly.
        const auto array = NpyArray::read((kReferenceDir + "/visual_attention.npy").toStdString());
        const auto values = array.toFloat32();
        const auto columns = static_cast<std::size_t>(array.shape().back());
        for (std::size_t row = 0; row < values.size() / columns; ++row) {
            double sum = 0;
            for (std::size_t column = 0; column < columns; ++column)
                sum += values[row * columns + column];
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QString("row %1 sums to %2").arg(row).arg(sum)));
        }
    }

    void writeReadRoundTrip_data()
    {
        QTest::addColumn<QList<qint64>>("shape");
        QTest::newRow("scalar") << QList<qint64> {};
        QTest::newRow("vector") << QList<qint64> { 5 };
        QTest::newRow("matrix") << QList<qint64> { 3, 4 };
        QTest::newRow("empty") << QList<qint64> { 0, 7 };
    }

    void writeReadRoundTrip()
    {
        QFETCH(QList<qint64>, shape);
        const std::vector<std::int64_t> dims(shape.begin(), shape.end());
        std::int64_t count = 1;
        for (const auto extent : dims)
            count *= extent;
        std::vector<float> values(static_cast<std::size_t>(count));
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = 0.5f * static_cast<float>(i) - 3.25f;
        const auto path = m_temporary.filePath("round.npy").toStdString();
        NpyArray(dims, values).write(path);
        const auto back = NpyArray::read(path);
        QCOMPARE(back.shape(), dims);
        QCOMPARE(back.toFloat32(), values);
        QCOMPARE(QFileInfo(QString::fromStdString(path)).size() % 64, qint64(4 * count % 64));
    }

    void otherDataTypes()
    {
        // float16 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal)
        auto bytes = npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }\n", 0);
        bytes += std::string("\x00\x3c\x00\xc0\xff\x7b\x01\x00", 8);
        const auto half = NpyArray::fromBytes(bytes, "half");
        QCOMPARE(half.toFloat32(), (std::vector<float> { 1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24) }));
        auto longs = npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", 0);
        longs += std::string("\x07\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff", 16);
        QCOMPARE(NpyArray::fromBytes(longs, "longs").toInt64(), (std::vector<std::int64_t> { 7, -1 }));
        auto ints = npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }\n", 0, 2);
        ints += std::string("\xfe\xff\xff\xff", 4);
        QCOMPARE(NpyArray::fromBytes(ints, "ints").toInt64(), (std::vector<std::int64_t> { -2 }));
    }

    void hostileInputIsRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        const std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
        const auto row = [](const char* name, const std::string& bytes, const char* fragment) {
            QTest::newRow(name) << QByteArray::fromStdString(bytes) << QString(fragment);
        };
        row("empty", "", "bad magic");
        row("bad-magic", "\x93NUMPZ\x01\x00\x00\x00", "bad magic");
        row("version-9", npyBytes(good, 24, 9), "version");
        row("header-longer-than-file", npyBytes(good, 24).substr(0, 30), "more than the file");
        row("data-short", npyBytes(good, 23), "data bytes");
        row("data-long", npyBytes(good, 25), "data bytes");
        row("big-endian", npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "dtype");
        row("object-dtype", npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16), "dtype");
        row("fortran", npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), "Fortran");
        row("huge-shape", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999, 99999999), }", 0),
            "impossibly large");
        row("overlong-extent",
            npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1234567890123456789,), }", 0), "too large");
        row("negative-extent", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 0),
            "non-negative");
        row("missing-key", npyBytes("{'descr': '<f4', 'shape': (2, 3), }", 24), "lacks");
        row("unknown-key", npyBytes("{'descr': '<f4', 'evil': 1, 'shape': (2, 3), }", 24), "unknown header key");
        row("unterminated", npyBytes("{'descr': '<f4", 0), "unterminated");
        row("no-closing-brace", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", 24), "ends early");
    }

    void hostileInputIsRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        try {
            NpyArray::fromBytes(bytes.toStdString(), "hostile.npy");
            QFAIL("accepted hostile input");
        } catch (const lrclr::ModelError& error) {
            const QString message = error.what();
            QVERIFY2(message.startsWith("hostile.npy"), qPrintable(message));
            QVERIFY2(message.contains(fragment, Qt::CaseInsensitive), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(NpyArrayTest)
#include "NpyArrayTest.moc"
