// Raster X-rays (PNG, JPEG, TIFF; 8 and 16 bit; gray, gray-as-RGB and colour) into XrayImage, their reports
// (sidecar and MIMIC-CXR layout), refusals before decoding, and the indexer using the reader as its raster probe.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageWriter>
#include <QTemporaryDir>

#include "core/study/StudyIndexScanner.h"
#include "imaging/RasterImageReader.h"

using namespace lrclr;

namespace {

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QImage gradient8(int width, int height)
{
    QImage image(width, height, QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.scanLine(y)[x] = static_cast<uchar>((x * 7 + y * 13) & 0xFF);
    }
    return image;
}

QImage gradient16(int width, int height)
{
    QImage image(width, height, QImage::Format_Grayscale16);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<quint16*>(image.scanLine(y));
        for (int x = 0; x < width; ++x)
            row[x] = static_cast<quint16>(x * 1031 + y * 4099 + 300);
    }
    return image;
}

quint32 crc32(const QByteArray& bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : bytes) {
        crc ^= static_cast<quint8>(byte);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 value)
{
    QByteArray bytes(4, '\0');
    for (int i = 0; i < 4; ++i)
        bytes[i] = static_cast<char>((value >> (24 - 8 * i)) & 0xFF);
    return bytes;
}

QByteArray chunk(const QByteArray& type, const QByteArray& data)
{
    const QByteArray body = type + data;
    return bigEndian32(static_cast<quint32>(data.size())) + body + bigEndian32(crc32(body));
}

/// A well-formed PNG (valid CRCs) claiming width x height 8-bit gray, whose image data is empty.
QByteArray forgedPngHeader(quint32 width, quint32 height)
{
    return QByteArray("\x89PNG\r\n\x1a\n", 8)
        + chunk("IHDR", bigEndian32(width) + bigEndian32(height) + QByteArray("\x08\x00\x00\x00\x00", 5))
        + chunk("IDAT", {}) + chunk("IEND", {});
}

} // namespace

class RasterImageReaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsLosslessGray_data();
    void readsLosslessGray();
    void readsJpeg();
    void grayRgbBecomesGray();
    void colourStaysColour();
    void refusesBadFiles_data();
    void refusesBadFiles();
    void findsReports();
    void probesWithoutDecoding();
    void indexerUsesProbeOnMimicLayout();

private:
    QTemporaryDir m_dir;
};

void RasterImageReaderTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QImageWriter::supportedImageFormats().contains("tiff"),
        "Qt's TIFF plugin (qt6-image-formats-plugins) must be installed");
}

void RasterImageReaderTest::readsLosslessGray_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("sixteenBit");
    QTest::newRow("png-8") << "png" << false;
    QTest::newRow("png-16") << "png" << true;
    QTest::newRow("tiff-8") << "tiff" << false;
    QTest::newRow("tiff-16") << "tiff" << true;
}

void RasterImageReaderTest::readsLosslessGray()
{
    QFETCH(QString, format);
    QFETCH(bool, sixteenBit);
    const QImage source = sixteenBit ? gradient16(37, 23) : gradient8(37, 23);
    const QString path
        = m_dir.filePath(QStringLiteral("%1-%2.%3").arg(QTest::currentDataTag()).arg(sixteenBit).arg(format));
    QVERIFY(source.save(path, format.toLatin1().constData()));

    QString error;
    const auto image = RasterImageReader::read(path, &error);
    QVERIFY2(image, qPrintable(error));
    QCOMPARE(image->rows, 23);
    QCOMPARE(image->columns, 37);
    QVERIFY(image->isValid());
    QCOMPARE(image->photometric, PhotometricInterpretation::Monochrome2);
    QCOMPARE(image->sourcePath, QFileInfo(path).absoluteFilePath().toStdString());
    if (sixteenBit) {
        QCOMPARE(image->sampleFormat, SampleFormat::Unsigned16);
        const auto samples = image->unsigned16();
        for (int y = 0; y < 23; ++y) {
            for (int x = 0; x < 37; ++x)
                QCOMPARE(
                    samples[static_cast<std::size_t>(y) * 37 + x], static_cast<quint16>(x * 1031 + y * 4099 + 300));
        }
    } else {
        QCOMPARE(image->sampleFormat, SampleFormat::Unsigned8);
        const auto samples = image->unsigned8();
        for (int y = 0; y < 23; ++y) {
            for (int x = 0; x < 37; ++x)
                QCOMPARE(samples[static_cast<std::size_t>(y) * 37 + x], static_cast<uchar>((x * 7 + y * 13) & 0xFF));
        }
    }
}

void RasterImageReaderTest::readsJpeg()
{
    QImage source(64, 48, QImage::Format_Grayscale8);
    source.fill(120);
    const QString path = m_dir.filePath(QStringLiteral("flat.jpg"));
    QVERIFY(source.save(path, "JPEG", 95));
    QString error;
    const auto image = RasterImageReader::read(path, &error);
    QVERIFY2(image, qPrintable(error));
    QCOMPARE(image->sampleFormat, SampleFormat::Unsigned8);
    QCOMPARE(image->rows, 48);
    QCOMPARE(image->columns, 64);
    const auto [low, high] = image->storedRange();
    QVERIFY2(low >= 118 && high <= 122, qPrintable(QStringLiteral("%1..%2").arg(low).arg(high)));
}

void RasterImageReaderTest::grayRgbBecomesGray()
{
    QImage source(10, 4, QImage::Format_RGB32);
    for (int x = 0; x < 10; ++x) {
        for (int y = 0; y < 4; ++y)
            source.setPixel(x, y, qRgb(x * 20, x * 20, x * 20));
    }
    const QString path = m_dir.filePath(QStringLiteral("gray-as-rgb.png"));
    QVERIFY(source.save(path));
    const auto image = RasterImageReader::read(path);
    QVERIFY(image);
    QCOMPARE(image->sampleFormat, SampleFormat::Unsigned8);
    QCOMPARE(image->unsigned8()[3], 60);
    QCOMPARE(image->unsigned8()[9], 180);
}

void RasterImageReaderTest::colourStaysColour()
{
    QImage source(3, 2, QImage::Format_ARGB32);
    source.fill(qRgba(10, 200, 30, 255));
    source.setPixel(2, 1, qRgba(250, 5, 7, 255));
    const QString path = m_dir.filePath(QStringLiteral("colour.png"));
    QVERIFY(source.save(path));
    const auto image = RasterImageReader::read(path);
    QVERIFY(image);
    QCOMPARE(image->sampleFormat, SampleFormat::Rgb8);
    QCOMPARE(image->photometric, PhotometricInterpretation::Rgb);
    const auto rgb = image->rgb8();
    QCOMPARE(rgb.size(), std::size_t { 18 });
    QCOMPARE(int(rgb[0]), 10);
    QCOMPARE(int(rgb[1]), 200);
    QCOMPARE(int(rgb[2]), 30);
    QCOMPARE(int(rgb[15]), 250); // pixel (2, 1)
    QCOMPARE(int(rgb[16]), 5);
    QCOMPARE(int(rgb[17]), 7);
}

void RasterImageReaderTest::refusesBadFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not-an-image") << "text.png" << QByteArray("hello, not a png") << "not a readable image";
    QTest::newRow("empty") << "empty.png" << QByteArray() << "not a readable image";
    QTest::newRow("forged-100000-squared") << "huge.png" << forgedPngHeader(100000, 100000) << "exceeds";
    QTest::newRow("header-only") << "header-only.png" << forgedPngHeader(64, 64) << "cannot decode";
}

void RasterImageReaderTest::refusesBadFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(name);
    QVERIFY(writeBytes(path, bytes));
    QString error;
    QVERIFY(!RasterImageReader::read(path, &error));
    QVERIFY2(error.startsWith(path) && error.contains(reason), qPrintable(error));
    RasterImageReader probe;
    StudyIndexRasterProbe::Info info;
    if (reason != u"cannot decode") { // the probe reads the header only
        QVERIFY(!probe.probe(path, info, &error));
        QVERIFY2(error.startsWith(path), qPrintable(error));
    }
}

void RasterImageReaderTest::findsReports()
{
    const QString withSidecar = m_dir.filePath(QStringLiteral("study1/cxr.png"));
    QVERIFY(QDir().mkpath(QFileInfo(withSidecar).absolutePath()));
    QVERIFY(gradient8(8, 8).save(withSidecar));
    QVERIFY(writeBytes(m_dir.filePath(QStringLiteral("study1/cxr.txt")), "FINDINGS: Clear.\nIMPRESSION: Normal."));
    QString error;
    auto study = RasterImageReader::readStudy(withSidecar, &error);
    QVERIFY2(study, qPrintable(error));
    QVERIFY(study->report);
    QCOMPARE(study->report->sentences().size(), 2);
    QCOMPARE(study->report->sentenceText(1), QStringLiteral("Normal."));

    const QString mimic = m_dir.filePath(QStringLiteral("files/p10/p10000032/s50414267/view1.jpg"));
    QVERIFY(QDir().mkpath(QFileInfo(mimic).absolutePath()));
    QVERIFY(gradient8(8, 8).save(mimic, "JPEG"));
    QVERIFY(writeBytes(m_dir.filePath(QStringLiteral("files/p10/p10000032/s50414267.txt")),
        "                                 FINAL REPORT\n IMPRESSION: No acute process.\n"));
    study = RasterImageReader::readStudy(mimic, &error);
    QVERIFY(study && study->report);
    QCOMPARE(study->report->sentenceText(0), QStringLiteral("No acute process."));

    const QString alone = m_dir.filePath(QStringLiteral("alone/x.png"));
    QVERIFY(QDir().mkpath(QFileInfo(alone).absolutePath()));
    QVERIFY(gradient8(8, 8).save(alone));
    study = RasterImageReader::readStudy(alone, &error);
    QVERIFY(study);
    QVERIFY(!study->report);
    QVERIFY(study->reportError.isEmpty());

    // A broken report does not fail the image; the problem is reported.
    QVERIFY(writeBytes(m_dir.filePath(QStringLiteral("alone/x.txt")), QByteArray("a\0b", 3)));
    study = RasterImageReader::readStudy(alone, &error);
    QVERIFY(study);
    QVERIFY(!study->report);
    QVERIFY2(study->reportError.contains(QStringLiteral("x.txt")), qPrintable(study->reportError));
}

void RasterImageReaderTest::probesWithoutDecoding()
{
    // A header-only PNG has a size but no pixels: the probe answers from the header alone.
    const QString path = m_dir.filePath(QStringLiteral("probe-header-only.png"));
    QVERIFY(writeBytes(path, forgedPngHeader(640, 480)));
    RasterImageReader probe;
    StudyIndexRasterProbe::Info info;
    QString error;
    QVERIFY2(probe.probe(path, info, &error), qPrintable(error));
    QCOMPARE(info.columns, 640);
    QCOMPARE(info.rows, 480);
    QCOMPARE(info.format, QStringLiteral("png"));
}

void RasterImageReaderTest::indexerUsesProbeOnMimicLayout()
{
    const QString root = m_dir.filePath(QStringLiteral("mimic"));
    const QString study = root + QStringLiteral("/files/p12/p12345678/s55555555");
    QVERIFY(QDir().mkpath(study));
    QVERIFY(gradient8(30, 20).save(study + QStringLiteral("/frontal.jpg"), "JPEG"));
    QVERIFY(gradient8(25, 20).save(study + QStringLiteral("/lateral.jpg"), "JPEG"));
    QVERIFY(writeBytes(root + QStringLiteral("/files/p12/p12345678/s55555555.txt"), "IMPRESSION: Normal."));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/other")));
    QVERIFY(gradient16(5, 6).save(root + QStringLiteral("/other/single.tif"), "TIFF"));
    QVERIFY(writeBytes(root + QStringLiteral("/other/broken.png"), "nope"));

    const StudyIndexScanner scanner(std::make_shared<RasterImageReader>());
    const auto index = scanner.scan(root);
    QVERIFY(index);
    QCOMPARE(index->patientCount(), 2); // p12345678 and the unnamed owner of single.tif
    QCOMPARE(index->studyCount(), 2);
    QCOMPARE(index->instanceCount(), 3);
    const StudyIndexStudy* mimicStudy = nullptr;
    for (const StudyIndexPatient& patient : index->patients()) {
        if (patient.patientId == u"p12345678")
            mimicStudy = &patient.studies[0];
    }
    QVERIFY(mimicStudy);
    QCOMPARE(mimicStudy->studyId, QStringLiteral("s55555555"));
    QCOMPARE(mimicStudy->series.size(), 1);
    QCOMPARE(mimicStudy->series[0].instances.size(), 2);
    const StudyIndexInstance& frontal = mimicStudy->series[0].instances[0];
    QVERIFY(frontal.filePath.endsWith(u"/frontal.jpg"));
    QCOMPARE(frontal.columns, 30);
    QCOMPARE(frontal.rows, 20);
    QCOMPARE(frontal.rasterFormat, QStringLiteral("jpeg"));
    QCOMPARE(mimicStudy->reportPaths,
        QStringList { QFileInfo(root + QStringLiteral("/files/p12/p12345678/s55555555.txt")).absoluteFilePath() });
    QCOMPARE(index->problems().size(), 1);
    QVERIFY(index->problems()[0].filePath.endsWith(u"/broken.png"));
    QCOMPARE(index->problems()[0].kind, StudyIndexProblem::Kind::Unreadable);
}

QTEST_GUILESS_MAIN(RasterImageReaderTest)
#include "RasterImageReaderTest.moc"
