// DicomImageReader: every transfer syntax against the samples that went in, attributes, frames and character sets.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/SyntheticRadiograph.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;
using namespace lrclr::test;

namespace {

const QString pydicomFiles = QStringLiteral("/usr/lib/python3/dist-packages/pydicom/data/test_files/");
const QString charsetFiles = QStringLiteral("/usr/lib/python3/dist-packages/pydicom/data/charset_files/");

int sampleAt(const XrayImage& image, std::size_t index)
{
    switch (image.sampleFormat) {
    case SampleFormat::Unsigned8:
        return image.unsigned8()[index];
    case SampleFormat::Unsigned16:
        return image.unsigned16()[index];
    case SampleFormat::Signed16:
        return image.signed16()[index];
    case SampleFormat::Rgb8:
        return image.rgb8()[index];
    }
    return 0;
}

std::size_t sampleCount(const XrayImage& image)
{
    return image.pixelCount() * (image.isColor() ? 3 : 1);
}

} // namespace

class DicomImageReaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void transferSyntaxes_data();
    void transferSyntaxes();
    void pydicomEquivalents_data();
    void pydicomEquivalents();
    void multiFrame_data();
    void multiFrame();
    void displayAttributes();
    void imagerPixelSpacingIsRecorded();
    void syntheticRadiographRoundTrip();
    void bitsAboveHighBitAreIgnored_data();
    void bitsAboveHighBitAreIgnored();
    void wideSamples_data();
    void wideSamples();
    void bitPackedFrames_data();
    void bitPackedFrames();
    void pydicomWideAndBitPackedFilesAgree_data();
    void pydicomWideAndBitPackedFilesAgree();
    void modalityLutAndPaddingRange_data();
    void modalityLutAndPaddingRange();
    void monochrome1AndPresentationShape();
    void characterSets_data();
    void characterSets();
    void colorSecondaryCapture_data();
    void colorSecondaryCapture();

private:
    QString write(const SyntheticImage& image, TestSyntax syntax, const QString& name);
    QTemporaryDir m_directory;
};

void DicomImageReaderTest::initTestCase()
{
    QVERIFY(m_directory.isValid());
    QVERIFY2(QFile::exists(pydicomFiles + "MR_small.dcm"), "python3-pydicom's test files are missing");
}

QString DicomImageReaderTest::write(const SyntheticImage& image, TestSyntax syntax, const QString& name)
{
    const QString path = m_directory.filePath(name);
    const std::string error = writeSyntheticDicom(image, syntax, path.toStdString());
    if (!error.empty())
        qWarning("writing %s failed: %s", qPrintable(name), error.c_str());
    return error.empty() ? path : QString();
}

void DicomImageReaderTest::transferSyntaxes_data()
{
    QTest::addColumn<int>("syntax");
    QTest::addColumn<int>("bitsAllocated");
    QTest::addColumn<int>("bitsStored");
    QTest::addColumn<int>("pixelRepresentation");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<QString>("transferSyntaxUid");
    using S = TestSyntax;
    QTest::newRow("explicit-le-12bit") << int(S::ExplicitLittle) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.1";
    QTest::newRow("explicit-le-16bit") << int(S::ExplicitLittle) << 16 << 16 << 0 << 0.0 << "1.2.840.10008.1.2.1";
    QTest::newRow("explicit-le-signed") << int(S::ExplicitLittle) << 16 << 12 << 1 << 0.0 << "1.2.840.10008.1.2.1";
    QTest::newRow("explicit-le-8bit") << int(S::ExplicitLittle) << 8 << 8 << 0 << 0.0 << "1.2.840.10008.1.2.1";
    QTest::newRow("implicit-le") << int(S::ImplicitLittle) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2";
    QTest::newRow("explicit-be") << int(S::ExplicitBig) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.2";
    QTest::newRow("explicit-be-8bit") << int(S::ExplicitBig) << 8 << 8 << 0 << 0.0 << "1.2.840.10008.1.2.2";
    QTest::newRow("deflated") << int(S::Deflated) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.1.99";
    QTest::newRow("rle") << int(S::Rle) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.5";
    QTest::newRow("rle-signed") << int(S::Rle) << 16 << 12 << 1 << 0.0 << "1.2.840.10008.1.2.5";
    QTest::newRow("rle-8bit") << int(S::Rle) << 8 << 8 << 0 << 0.0 << "1.2.840.10008.1.2.5";
    QTest::newRow("jpeg-lossless") << int(S::JpegLossless) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.4.70";
    QTest::newRow("jpeg-lossless-16bit") << int(S::JpegLossless) << 16 << 16 << 0 << 0.0 << "1.2.840.10008.1.2.4.70";
    QTest::newRow("jpeg-ls") << int(S::JpegLs) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.4.80";
    QTest::newRow("jpeg-baseline") << int(S::JpegBaseline) << 8 << 8 << 0 << 6.0 << "1.2.840.10008.1.2.4.50";
    QTest::newRow("jpeg2000-lossless") << int(S::Jpeg2000Lossless) << 16 << 12 << 0 << 0.0 << "1.2.840.10008.1.2.4.90";
    QTest::newRow("jpeg2000-lossless-signed")
        << int(S::Jpeg2000Lossless) << 16 << 12 << 1 << 0.0 << "1.2.840.10008.1.2.4.90";
    QTest::newRow("jpeg2000-lossy") << int(S::Jpeg2000Lossy) << 16 << 12 << 0 << 80.0 << "1.2.840.10008.1.2.4.91";
}

void DicomImageReaderTest::transferSyntaxes()
{
    QFETCH(int, syntax);
    QFETCH(int, bitsAllocated);
    QFETCH(int, bitsStored);
    QFETCH(int, pixelRepresentation);
    QFETCH(double, tolerance);
    QFETCH(QString, transferSyntaxUid);
    SyntheticImage source;
    source.rows = 48;
    source.columns = 40;
    source.bitsAllocated = bitsAllocated;
    source.bitsStored = bitsStored;
    source.pixelRepresentation = pixelRepresentation;
    source.samples = patternSamples(source);
    const QString path = write(source, static_cast<TestSyntax>(syntax), QString(QTest::currentDataTag()) + ".dcm");
    QVERIFY(!path.isEmpty());

    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QVERIFY(reader.errorString().empty());
    QVERIFY(image.isValid());
    QCOMPARE(image.rows, 48);
    QCOMPARE(image.columns, 40);
    QCOMPARE(QString::fromStdString(image.transferSyntaxUid), transferSyntaxUid);
    QCOMPARE(image.bitsStored, bitsStored);
    const SampleFormat expectedFormat = pixelRepresentation ? SampleFormat::Signed16
        : bitsAllocated == 8                                ? SampleFormat::Unsigned8
                                                            : SampleFormat::Unsigned16;
    QCOMPARE(image.sampleFormat, expectedFormat);
    double worst = 0.0;
    double sumSquares = 0.0;
    for (std::size_t i = 0; i < source.samples.size(); ++i) {
        const double difference = std::abs(sampleAt(image, i) - source.samples[i]);
        worst = std::max(worst, difference);
        sumSquares += difference * difference;
    }
    if (tolerance == 0.0) {
        QCOMPARE(worst, 0.0);
    } else {
        // Lossy: close to the original (RMS error small against the range) but decoded, not garbage.
        const double rms = std::sqrt(sumSquares / source.samples.size());
        QVERIFY2(rms < tolerance, qPrintable(QStringLiteral("RMS error %1").arg(rms)));
    }
}

void DicomImageReaderTest::pydicomEquivalents_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("implicit") << "MR_small_implicit.dcm";
    QTest::newRow("big-endian") << "MR_small_bigendian.dcm";
    QTest::newRow("expb") << "MR_small_expb.dcm";
    QTest::newRow("rle") << "MR_small_RLE.dcm";
    QTest::newRow("jpeg-ls-lossless") << "MR_small_jpeg_ls_lossless.dcm";
    QTest::newRow("jpeg2000-lossless") << "MR_small_jp2klossless.dcm";
    QTest::newRow("padded") << "MR_small_padded.dcm";
}

void DicomImageReaderTest::pydicomEquivalents()
{
    // pydicom ships MR_small in several encodings of the same pixels: all must decode to MR_small.dcm exactly.
    QFETCH(QString, file);
    DicomImageReader reader;
    XrayImage reference;
    XrayImage image;
    QVERIFY2(reader.read((pydicomFiles + "MR_small.dcm").toStdString(), reference), reader.errorString().c_str());
    QVERIFY2(reader.read((pydicomFiles + file).toStdString(), image), reader.errorString().c_str());
    QCOMPARE(image.rows, reference.rows);
    QCOMPARE(image.columns, reference.columns);
    QCOMPARE(image.sampleFormat, reference.sampleFormat);
    for (std::size_t i = 0; i < sampleCount(reference); ++i)
        QCOMPARE(sampleAt(image, i), sampleAt(reference, i));
    QCOMPARE(image.identity.patientName, std::string("CompressedSamples^MR1"));
}

void DicomImageReaderTest::multiFrame_data()
{
    QTest::addColumn<int>("syntax");
    QTest::newRow("native") << int(TestSyntax::ExplicitLittle);
    QTest::newRow("rle") << int(TestSyntax::Rle);
    QTest::newRow("jpeg-ls") << int(TestSyntax::JpegLs);
    QTest::newRow("jpeg2000") << int(TestSyntax::Jpeg2000Lossless);
}

void DicomImageReaderTest::multiFrame()
{
    QFETCH(int, syntax);
    SyntheticImage source;
    source.frames = 3;
    source.samples = patternSamples(source);
    const QString path
        = write(source, static_cast<TestSyntax>(syntax), QStringLiteral("frames-%1.dcm").arg(QTest::currentDataTag()));
    QVERIFY(!path.isEmpty());
    const std::size_t perFrame = source.samples.size() / 3;
    DicomImageReader reader;
    for (int frame : { 0, 2, 1 }) {
        XrayImage image;
        QVERIFY2(reader.read(path.toStdString(), image, frame), reader.errorString().c_str());
        QCOMPARE(image.numberOfFrames, 3);
        QCOMPARE(image.frameIndex, frame);
        for (std::size_t i = 0; i < perFrame; ++i)
            QCOMPARE(sampleAt(image, i), source.samples[perFrame * static_cast<std::size_t>(frame) + i]);
    }
    XrayImage untouched;
    QVERIFY(!reader.read(path.toStdString(), untouched, 3));
    QVERIFY2(reader.errorString().find("frame 4 was requested but the image has 3") != std::string::npos,
        reader.errorString().c_str());
    QVERIFY(!untouched.isValid());
    QVERIFY(!reader.read(path.toStdString(), untouched, -1));
}

void DicomImageReaderTest::displayAttributes()
{
    SyntheticImage source;
    source.samples = patternSamples(source);
    source.attributes = {
        { 0x0028, 0x1050, "1000\\2047.5" },
        { 0x0028, 0x1051, "500\\4096" },
        { 0x0028, 0x1055, "NARROW\\FULL" },
        { 0x0028, 0x1052, "-1024" },
        { 0x0028, 0x1053, "0.5" },
        { 0x0028, 0x1054, "US" },
        { 0x0028, 0x1056, "SIGMOID" },
        { 0x0028, 0x0030, "0.139\\0.143" },
        { 0x0018, 0x1164, "0.2\\0.2" },
        { 0x0018, 0x5101, "PA" },
        { 0x0020, 0x0062, "L" },
        { 0x0028, 0x0120, "0" },
        { 0x0010, 0x0010, "Doe^Jane<script>alert(1)</script>" },
        { 0x0010, 0x0020, "ID-42" },
        { 0x0008, 0x0050, "ACC-7" },
        { 0x0008, 0x1030, "Chest PA" },
        { 0x0008, 0x103E, "Series one" },
        { 0x0020, 0x0013, "5" },
    };
    const QString path = write(source, TestSyntax::ExplicitLittle, "attributes.dcm");
    QVERIFY(!path.isEmpty());
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QCOMPARE(image.windowPresets.size(), std::size_t(2));
    QCOMPARE(image.windowPresets[0].center, 1000.0);
    QCOMPARE(image.windowPresets[0].width, 500.0);
    QCOMPARE(image.windowPresets[0].explanation, std::string("NARROW"));
    QCOMPARE(image.windowPresets[1].center, 2047.5);
    QCOMPARE(image.windowPresets[1].explanation, std::string("FULL"));
    QCOMPARE(image.rescaleIntercept, -1024.0);
    QCOMPARE(image.rescaleSlope, 0.5);
    QCOMPARE(image.rescaleType, std::string("US"));
    QCOMPARE(image.voiLutFunction, VoiLutFunction::Sigmoid);
    QCOMPARE(image.pixelSpacingSource, PixelSpacingSource::PixelSpacing);
    QCOMPARE(*image.rowSpacingMm, 0.139);
    QCOMPARE(*image.columnSpacingMm, 0.143);
    QCOMPARE(image.viewPosition, std::string("PA"));
    QCOMPARE(image.imageLaterality, std::string("L"));
    QVERIFY(image.pixelPaddingValue.has_value());
    QCOMPARE(*image.pixelPaddingValue, 0.0);
    // Plain text, not markup: the reader returns exactly the bytes in the file.
    QCOMPARE(image.identity.patientName, std::string("Doe^Jane<script>alert(1)</script>"));
    QCOMPARE(image.identity.patientId, std::string("ID-42"));
    QCOMPARE(image.identity.accessionNumber, std::string("ACC-7"));
    QCOMPARE(image.identity.studyDescription, std::string("Chest PA"));
    QCOMPARE(image.identity.seriesDescription, std::string("Series one"));
    QCOMPARE(image.identity.instanceNumber, std::string("5"));
    QCOMPARE(image.identity.modality, std::string("CR"));
    QVERIFY(!image.identity.sopInstanceUid.empty());
    QCOMPARE(image.photometric, PhotometricInterpretation::Monochrome2);
}

void DicomImageReaderTest::syntheticRadiographRoundTrip()
{
    // The benchmark's image (lrclr bench study): what is written is what is read, and it looks like a radiograph.
    const std::string path = m_directory.filePath("synthetic-cr.dcm").toStdString();
    const std::string error = SyntheticRadiograph::writeDicom(path, 96);
    QVERIFY2(error.empty(), error.c_str());
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path, image), reader.errorString().c_str());
    const std::vector<std::uint16_t> expected = SyntheticRadiograph::pixels(96);
    QCOMPARE(image.rows, 96);
    QCOMPARE(image.bitsStored, 12);
    QVERIFY(std::equal(expected.begin(), expected.end(), image.unsigned16().begin(), image.unsigned16().end()));
    QCOMPARE(image.windowPresets.size(), std::size_t(1));
    QCOMPARE(image.windowPresets[0].center, SyntheticRadiograph::windowCenter);
    QCOMPARE(image.windowPresets[0].width, SyntheticRadiograph::windowWidth);
    // Body brighter than the lung fields, which are brighter than the air outside: a chest, not noise.
    const auto at = [&](int x, int y) { return int(expected[static_cast<std::size_t>(y * 96 + x)]); };
    QVERIFY2(at(48, 48) > at(31, 48) && at(31, 48) > at(2, 2),
        qPrintable(QStringLiteral("%1 %2 %3").arg(at(48, 48)).arg(at(31, 48)).arg(at(2, 2))));
    QVERIFY(SyntheticRadiograph::pixels(96) == expected); // deterministic
}

void DicomImageReaderTest::bitsAboveHighBitAreIgnored_data()
{
    QTest::addColumn<int>("pixelRepresentation");
    QTest::addColumn<int>("frames");
    // One frame: the samples stay in the file buffer and are cleaned there; three: each frame is copied out.
    QTest::newRow("unsigned-in-place") << 0 << 1;
    QTest::newRow("signed-in-place") << 1 << 1;
    QTest::newRow("unsigned-copied") << 0 << 3;
    QTest::newRow("signed-copied") << 1 << 3;
}

void DicomImageReaderTest::bitsAboveHighBitAreIgnored()
{
    QFETCH(int, pixelRepresentation);
    QFETCH(int, frames);
    SyntheticImage source;
    source.frames = frames;
    source.pixelRepresentation = pixelRepresentation;
    source.samples = patternSamples(source);
    // Overlay-like garbage in bits 12..15 of every other sample (BitsStored 12, HighBit 11).
    std::vector<std::int32_t> expected = source.samples;
    for (std::size_t i = 0; i < source.samples.size(); i += 2)
        source.samples[i] = (source.samples[i] & 0x0FFF) | 0xA000;
    const QString path = write(source, TestSyntax::ExplicitLittle, "garbage-bits.dcm");
    QVERIFY(!path.isEmpty());
    DicomImageReader reader;
    for (int frame = 0; frame < frames; ++frame) {
        XrayImage image;
        QVERIFY2(reader.read(path.toStdString(), image, frame), reader.errorString().c_str());
        const std::size_t perFrame = image.pixelCount();
        for (std::size_t i = 0; i < perFrame; ++i) {
            const int want = expected[static_cast<std::size_t>(frame) * perFrame + i];
            if (sampleAt(image, i) != want)
                QFAIL(qPrintable(QStringLiteral("frame %1 sample %2: %3, expected %4")
                                     .arg(frame)
                                     .arg(i)
                                     .arg(sampleAt(image, i))
                                     .arg(want)));
        }
    }
}

void DicomImageReaderTest::wideSamples_data()
{
    QTest::addColumn<int>("syntax");
    QTest::addColumn<int>("pixelRepresentation");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::addColumn<bool>("floatingPoint");
    QTest::addColumn<bool>("exact");
    const int explicitLittle = int(TestSyntax::ExplicitLittle);
    QTest::newRow("unsigned-offset-exact") << explicitLittle << 0 << 100000.0 << 160000.0 << false << true;
    QTest::newRow("unsigned-16-bit-values") << explicitLittle << 0 << 10.0 << 60000.0 << false << true;
    QTest::newRow("unsigned-wide") << explicitLittle << 0 << 0.0 << 4.0e9 << false << false;
    QTest::newRow("unsigned-wide-implicit") << int(TestSyntax::ImplicitLittle) << 0 << 5.0 << 3.0e9 << false << false;
    QTest::newRow("unsigned-wide-rle") << int(TestSyntax::Rle) << 0 << 7.0 << 2.0e9 << false << false;
    QTest::newRow("signed-exact") << explicitLittle << 1 << -20000.0 << 20000.0 << false << true;
    QTest::newRow("signed-wide") << explicitLittle << 1 << -1.5e9 << 1.9e9 << false << false;
    QTest::newRow("float") << explicitLittle << 0 << -1.5 << 2.75 << true << false;
    QTest::newRow("float-implicit") << int(TestSyntax::ImplicitLittle) << 0 << -300.25 << 9000.5 << true << false;
}

void DicomImageReaderTest::wideSamples()
{
    QFETCH(int, syntax);
    QFETCH(int, pixelRepresentation);
    QFETCH(double, low);
    QFETCH(double, high);
    QFETCH(bool, floatingPoint);
    QFETCH(bool, exact);
    SyntheticImage source;
    source.bitsAllocated = 32;
    source.bitsStored = 32;
    source.pixelRepresentation = pixelRepresentation;
    if (!floatingPoint) // parametric maps with Float Pixel Data carry no rescale
        source.attributes = { { 0x0028, 0x1052, "-7" }, { 0x0028, 0x1053, "0.5" } };
    std::vector<double> values;
    std::uint32_t noise = 12345;
    for (int i = 0; i < source.rows * source.columns; ++i) {
        noise = noise * 1103515245u + 12345u;
        const double t = i == 0 ? 0.0 : i == 1 ? 1.0 : (noise >> 8) / double(1 << 24);
        double value = low + t * (high - low);
        if (!floatingPoint)
            value = std::round(value);
        values.push_back(value);
        if (floatingPoint)
            source.floatSamples.push_back(static_cast<float>(value));
        else
            source.samples.push_back(static_cast<std::int32_t>(static_cast<std::int64_t>(value)));
    }
    if (floatingPoint)
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = source.floatSamples[i];
    const QString path = write(source, static_cast<TestSyntax>(syntax), "wide.dcm");
    QVERIFY(!path.isEmpty());
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QVERIFY(image.requantizedTo16Bits);
    QCOMPARE(image.bitsAllocated, 32);
    QCOMPARE(image.bitsStored, 16);
    const double slope = floatingPoint ? 1.0 : 0.5;
    const double intercept = floatingPoint ? 0.0 : -7.0;
    const double tolerance = exact ? 0.0 : (high - low) / 65535.0 / 2.0 * 1.0001 * slope;
    double worst = 0.0;
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.columns; ++x) {
            const double expected = values[static_cast<std::size_t>(y * image.columns + x)] * slope + intercept;
            worst = std::max(worst, std::abs(image.modalityValue(image.storedValue(x, y)) - expected));
        }
    QVERIFY2(worst <= tolerance, qPrintable(QStringLiteral("worst error %1, allowed %2").arg(worst).arg(tolerance)));
}

void DicomImageReaderTest::bitPackedFrames_data()
{
    QTest::addColumn<int>("syntax");
    QTest::newRow("explicit-little") << int(TestSyntax::ExplicitLittle);
    QTest::newRow("implicit-little") << int(TestSyntax::ImplicitLittle);
    QTest::newRow("explicit-big") << int(TestSyntax::ExplicitBig);
}

void DicomImageReaderTest::bitPackedFrames()
{
    QFETCH(int, syntax);
    SyntheticImage source;
    source.rows = 5; // 15 pixels per frame: frames 2 and 3 start in the middle of a byte
    source.columns = 3;
    source.frames = 3;
    source.bitsAllocated = 1;
    source.bitsStored = 1;
    for (int i = 0; i < 45; ++i)
        source.samples.push_back((i * 7 + i / 5) % 3 == 0 ? 1 : 0);
    const QString path = write(source, static_cast<TestSyntax>(syntax), "bits.dcm");
    QVERIFY(!path.isEmpty());
    DicomImageReader reader;
    for (int frame = 0; frame < 3; ++frame) {
        XrayImage image;
        QVERIFY2(reader.read(path.toStdString(), image, frame), reader.errorString().c_str());
        QCOMPARE(image.sampleFormat, SampleFormat::Unsigned8);
        QCOMPARE(image.bitsAllocated, 1);
        for (std::size_t i = 0; i < 15; ++i)
            QCOMPARE(int(image.unsigned8()[i]), source.samples[static_cast<std::size_t>(frame) * 15 + i]);
        // Default window: 0 black, 1 white.
        const DisplayFrame display = DisplayPipeline(image).render();
        for (std::size_t i = 0; i < 15; ++i)
            QCOMPARE(int(display.bytes[i]), image.unsigned8()[i] ? 255 : 0);
    }
}

void DicomImageReaderTest::pydicomWideAndBitPackedFilesAgree_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("other");
    QTest::newRow("rtdose-big-endian") << "rtdose_1frame.dcm"
                                       << "rtdose_expb_1frame.dcm";
    QTest::newRow("rtdose-rle") << "rtdose_1frame.dcm"
                                << "rtdose_rle_1frame.dcm";
    QTest::newRow("rtdose-multiframe") << "rtdose_1frame.dcm"
                                       << "rtdose.dcm";
    QTest::newRow("rtdose-multiframe-rle") << "rtdose_1frame.dcm"
                                           << "rtdose_rle.dcm";
    QTest::newRow("liver-big-endian") << "liver_1frame.dcm"
                                      << "liver_expb_1frame.dcm";
}

void DicomImageReaderTest::pydicomWideAndBitPackedFilesAgree()
{
    QFETCH(QString, reference);
    QFETCH(QString, other);
    // The reference file's raw little endian Pixel Data, read here by DCMTK without our reader.
    DcmFileFormat file;
    QVERIFY(file.loadFile((pydicomFiles + reference).toStdString().c_str()).good());
    Uint8* raw = nullptr;
    DcmElement* element = nullptr;
    QVERIFY(file.getDataset()->findAndGetElement(DCM_PixelData, element).good() && element);
    QVERIFY(element->getUint8Array(raw).good() && raw);
    Uint16 bits = 0;
    QVERIFY(file.getDataset()->findAndGetUint16(DCM_BitsAllocated, bits).good());

    DicomImageReader reader;
    XrayImage first;
    XrayImage second;
    QVERIFY2(reader.read((pydicomFiles + reference).toStdString(), first), reader.errorString().c_str());
    QVERIFY2(reader.read((pydicomFiles + other).toStdString(), second), reader.errorString().c_str());
    QCOMPARE(second.rows, first.rows);
    QCOMPARE(second.columns, first.columns);
    double low = std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::lowest();
    std::vector<double> expected;
    for (std::size_t i = 0; i < first.pixelCount(); ++i) {
        double value = 0.0;
        if (bits == 32) {
            std::uint32_t word = 0;
            std::memcpy(&word, raw + 4 * i, 4);
            value = word;
        } else {
            value = (raw[i / 8] >> (i % 8)) & 1;
        }
        expected.push_back(value);
        low = std::min(low, value);
        high = std::max(high, value);
    }
    QVERIFY2(high > low, "the reference image is flat: the comparison would prove nothing");
    const double tolerance = (high - low) / 65535.0 / 2.0 * 1.0001;
    for (int y = 0; y < first.rows; ++y)
        for (int x = 0; x < first.columns; ++x) {
            const double want = expected[static_cast<std::size_t>(y * first.columns + x)];
            const double a = first.modalityValue(first.storedValue(x, y));
            const double b = second.modalityValue(second.storedValue(x, y));
            QVERIFY2(std::abs(a - want) <= tolerance && std::abs(b - want) <= tolerance,
                qPrintable(QStringLiteral("(%1, %2): %3 and %4, expected %5").arg(x).arg(y).arg(a).arg(b).arg(want)));
        }
}

void DicomImageReaderTest::modalityLutAndPaddingRange_data()
{
    QTest::addColumn<int>("syntax");
    QTest::newRow("explicit-little") << int(TestSyntax::ExplicitLittle);
    QTest::newRow("implicit-little") << int(TestSyntax::ImplicitLittle);
    QTest::newRow("explicit-big") << int(TestSyntax::ExplicitBig);
    QTest::newRow("jpeg-ls") << int(TestSyntax::JpegLs);
}

void DicomImageReaderTest::modalityLutAndPaddingRange()
{
    QFETCH(int, syntax);
    SyntheticImage source;
    source.samples = patternSamples(source);
    // The first row is padding: stored 0..20 (value 20, range limit 0).
    for (int x = 0; x < source.columns; ++x)
        source.samples[static_cast<std::size_t>(x)] = x % 21;
    TestLut lut;
    lut.firstMapped = 16;
    lut.bits = 16;
    lut.type = "OD";
    for (int i = 0; i < 4096; ++i)
        lut.data.push_back(static_cast<std::uint16_t>(60000 - (i * i) / 300));
    source.modalityLut = lut;
    source.attributes = { { 0x0028, 0x0120, "20" }, { 0x0028, 0x0121, "0" }, { 0x0028, 0x1053, "3" } };
    const QString path = write(source, static_cast<TestSyntax>(syntax), "modality-lut.dcm");
    QVERIFY(!path.isEmpty());
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QVERIFY(image.modalityLut.has_value());
    QCOMPARE(image.modalityLut->firstMappedValue, 16);
    QCOMPARE(image.modalityLut->type, std::string("OD"));
    QCOMPARE(image.modalityLut->data.size(), lut.data.size());
    QCOMPARE(*image.pixelPaddingValue, 20.0);
    QCOMPARE(*image.pixelPaddingRangeLimit, 0.0);
    const DisplayPipeline pipeline(image);
    for (std::size_t i = 0; i < image.pixelCount(); i += 13) {
        const int stored = sampleAt(image, i);
        QCOMPARE(stored, source.samples[i]);
        const int index = std::clamp(stored - 16, 0, 4095);
        const int x = static_cast<int>(i % static_cast<std::size_t>(image.columns));
        const int y = static_cast<int>(i / static_cast<std::size_t>(image.columns));
        QCOMPARE(pipeline.modalityValueAt(x, y), double(lut.data[static_cast<std::size_t>(index)]));
        QCOMPARE(image.isPadding(stored), stored <= 20);
    }
    // Padding shows black with the image's own (default) settings.
    const DisplayFrame frame = pipeline.render();
    for (int x = 0; x < image.columns; ++x)
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(x)]), 0);
}

void DicomImageReaderTest::imagerPixelSpacingIsRecorded()
{
    SyntheticImage source;
    source.samples = patternSamples(source);
    source.attributes = { { 0x0018, 0x1164, "0.15\\0.16" }, { 0x0018, 0x5101, "AP" } };
    const QString path = write(source, TestSyntax::ExplicitLittle, "imager-spacing.dcm");
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QCOMPARE(image.pixelSpacingSource, PixelSpacingSource::ImagerPixelSpacing);
    QCOMPARE(*image.rowSpacingMm, 0.15);
    QCOMPARE(*image.columnSpacingMm, 0.16);
    QCOMPARE(image.viewPosition, std::string("AP"));
}

void DicomImageReaderTest::monochrome1AndPresentationShape()
{
    SyntheticImage source;
    source.photometric = "MONOCHROME1";
    source.samples = patternSamples(source);
    source.attributes = { { 0x2050, 0x0020, "INVERSE" } };
    const QString path = write(source, TestSyntax::JpegLs, "mono1.dcm");
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QCOMPARE(image.photometric, PhotometricInterpretation::Monochrome1);
    QCOMPARE(image.presentationLutShape, PresentationLutShape::Inverse);
    DisplayPipeline pipeline(image);
    QVERIFY(pipeline.effectiveInversion());
    // Smallest stored value shows white after inversion.
    QCOMPARE(int(pipeline.displayValue(image.storedRange().first)), 255);
}

void DicomImageReaderTest::characterSets_data()
{
    // Expected names as published with pydicom's charset test files (its test suite's expectations).
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("patientName");
    QTest::newRow("arabic") << "chrArab.dcm" << QStringLiteral("قباني^لنزار");
    QTest::newRow("french") << "chrFren.dcm" << QStringLiteral("Buc^Jérôme");
    QTest::newRow("french-multi") << "chrFrenMulti.dcm" << QStringLiteral("Buc^Jérôme");
    QTest::newRow("german") << "chrGerm.dcm" << QStringLiteral("Äneas^Rüdiger");
    QTest::newRow("greek") << "chrGreek.dcm" << QStringLiteral("Διονυσιος");
    QTest::newRow("hebrew") << "chrHbrw.dcm" << QStringLiteral("שרון^דבורה");
    QTest::newRow("russian") << "chrRuss.dcm" << QStringLiteral("Люкceмбypг");
    QTest::newRow("korean") << "chrI2.dcm" << QStringLiteral("Hong^Gildong=洪^吉洞=홍^길동");
    QTest::newRow("chinese-gb18030") << "chrX1.dcm" << QStringLiteral("Wang^XiaoDong=王^小東=");
    QTest::newRow("chinese-gbk") << "chrX2.dcm" << QStringLiteral("Wang^XiaoDong=王^小东=");
    QTest::newRow("japanese-jis") << "chrH31.dcm" << QStringLiteral("Yamada^Tarou=山田^太郎=やまだ^たろう");
    QTest::newRow("japanese-katakana") << "chrH32.dcm" << QStringLiteral("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう");
}

void DicomImageReaderTest::characterSets()
{
    QFETCH(QString, file);
    QFETCH(QString, patientName);
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read((charsetFiles + file).toStdString(), image), reader.errorString().c_str());
    QCOMPARE(QString::fromStdString(image.identity.patientName), patientName);
}

void DicomImageReaderTest::colorSecondaryCapture_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("rle") << "SC_rgb_rle.dcm";
    QTest::newRow("rle-16bit") << "SC_rgb_rle_16bit.dcm";
    QTest::newRow("jpeg-ybr") << "SC_rgb_dcmtk_+eb+cy+np.dcm";
    QTest::newRow("jpeg-rgb") << "SC_rgb_dcmtk_+eb+cr.dcm";
    QTest::newRow("jpeg2000") << "SC_rgb_gdcm_KY.dcm";
    QTest::newRow("big-endian") << "ExplVR_BigEnd.dcm";
}

void DicomImageReaderTest::colorSecondaryCapture()
{
    // pydicom's SC_rgb* files are 100x100 with ten horizontal bands; its own tests check column 50 of rows 5, 15,
    // ..., 95 against these colours. Lossy files are compared with a tolerance.
    QFETCH(QString, file);
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read((pydicomFiles + file).toStdString(), image), reader.errorString().c_str());
    QCOMPARE(image.sampleFormat, SampleFormat::Rgb8);
    QCOMPARE(image.photometric, PhotometricInterpretation::Rgb);
    const DisplayFrame frame = DisplayPipeline(image).render();
    QCOMPARE(frame.channels, 3);
    if (image.rows != 100)
        return; // ExplVR_BigEnd is a photo: decoding without error and in colour is what is checked
    const int bands[10][3] = { { 255, 0, 0 }, { 255, 128, 128 }, { 0, 255, 0 }, { 128, 255, 128 }, { 0, 0, 255 },
        { 128, 128, 255 }, { 0, 0, 0 }, { 64, 64, 64 }, { 192, 192, 192 }, { 255, 255, 255 } };
    // Baseline JPEG is lossy and decoders differ in their colour conversion rounding.
    const int tolerance = QString::fromStdString(image.transferSyntaxUid).endsWith(".4.50") ? 8 : 1;
    for (int band = 0; band < 10; ++band) {
        const std::size_t at = (static_cast<std::size_t>(band * 10 + 5) * 100 + 50) * 3;
        for (std::size_t c = 0; c < 3; ++c) {
            const int got = frame.bytes[at + c];
            QVERIFY2(std::abs(got - bands[band][c]) <= tolerance,
                qPrintable(QStringLiteral("band %1 channel %2: %3").arg(band).arg(c).arg(got)));
        }
    }
    const GrayscaleImage gray = DisplayPipeline::modelInput(image);
    QVERIFY(gray.isValid());
    QVERIFY(std::abs(gray.at(50, 5) - 0.299f * 255) < 4.0f);
}

QTEST_GUILESS_MAIN(DicomImageReaderTest)
#include "DicomImageReaderTest.moc"
