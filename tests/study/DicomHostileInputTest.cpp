// Hostile and broken files: every one opens or is refused with a message naming the file and the problem, never
// crashes, never yields a silent partial image, and never allocates what an untrusted header claims.
#include <atomic>
#include <cstdlib>
#include <new>

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include "core/study/DicomImageReader.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;
using namespace lrclr::test;

// Largest single allocation since the last reset: proves refusals happen before any allocation sized by the header.
namespace {
std::atomic<std::size_t> largestAllocation { 0 };

void* allocate(std::size_t size)
{
    std::size_t seen = largestAllocation.load(std::memory_order_relaxed);
    while (size > seen && !largestAllocation.compare_exchange_weak(seen, size, std::memory_order_relaxed)) { }
    if (void* memory = std::malloc(size ? size : 1))
        return memory;
    throw std::bad_alloc();
}
} // namespace

void* operator new(std::size_t size)
{
    return allocate(size);
}
void* operator new[](std::size_t size)
{
    return allocate(size);
}
void operator delete(void* memory) noexcept
{
    std::free(memory);
}
void operator delete[](void* memory) noexcept
{
    std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept
{
    std::free(memory);
}
void operator delete[](void* memory, std::size_t) noexcept
{
    std::free(memory);
}

namespace {

const QString pydicomFiles = QStringLiteral("/usr/lib/python3/dist-packages/pydicom/data/test_files");
const QString charsetFiles = QStringLiteral("/usr/lib/python3/dist-packages/pydicom/data/charset_files");
constexpr std::size_t allocationCeiling = 8u << 20; // far below anything a hostile header asks for

std::vector<std::uint8_t> little16(unsigned value)
{
    return { static_cast<std::uint8_t>(value & 0xFF), static_cast<std::uint8_t>(value >> 8) };
}

std::vector<std::uint8_t> little32(std::uint32_t value)
{
    return { static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
        static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24) };
}

std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts)
{
    std::vector<std::uint8_t> bytes;
    for (const auto& part : parts)
        bytes.insert(bytes.end(), part.begin(), part.end());
    return bytes;
}

/// Tag + VR + reserved + undefined length: the opening of an undefined-length sequence.
std::vector<std::uint8_t> openSequence()
{
    return concat({ little16(0x0040), little16(0xA730), { 'S', 'Q', 0, 0 }, little32(0xFFFFFFFF) });
}
std::vector<std::uint8_t> openItem()
{
    return concat({ little16(0xFFFE), little16(0xE000), little32(0xFFFFFFFF) });
}
std::vector<std::uint8_t> closeItem()
{
    return concat({ little16(0xFFFE), little16(0xE00D), little32(0) });
}
std::vector<std::uint8_t> closeSequence()
{
    return concat({ little16(0xFFFE), little16(0xE0DD), little32(0) });
}

std::vector<std::uint8_t> nested(int depth, bool terminated = true)
{
    std::vector<std::uint8_t> bytes;
    const auto append
        = [&](const std::vector<std::uint8_t>& part) { bytes.insert(bytes.end(), part.begin(), part.end()); };
    for (int i = 0; i < depth; ++i) {
        append(openSequence());
        append(openItem());
    }
    for (int i = 0; terminated && i < depth; ++i) {
        append(closeItem());
        append(closeSequence());
    }
    return bytes;
}

std::vector<std::uint8_t> rlePixelData(const std::vector<std::uint8_t>& fragment)
{
    return concat({ little16(0x7FE0), little16(0x0010), { 'O', 'B', 0, 0 }, little32(0xFFFFFFFF), little16(0xFFFE),
        little16(0xE000), little32(0), // empty basic offset table
        little16(0xFFFE), little16(0xE000), little32(static_cast<std::uint32_t>(fragment.size())), fragment,
        closeSequence() });
}

/// An RLE fragment for one 8-bit 4x4 frame: header with `segments` and `offsets`, then a literal run of 16 bytes.
std::vector<std::uint8_t> rleFragment(std::uint32_t segments, std::vector<std::uint32_t> offsets)
{
    std::vector<std::uint8_t> header = little32(segments);
    offsets.resize(15, 0);
    for (auto offset : offsets)
        header = concat({ header, little32(offset) });
    std::vector<std::uint8_t> run = { 15 };
    for (int i = 0; i < 16; ++i)
        run.push_back(static_cast<std::uint8_t>(i * 10));
    run.push_back(0);
    return concat({ header, run });
}

} // namespace

class DicomHostileInputTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void thirdPartyFiles_data();
    void thirdPartyFiles();
    void generated_data();
    void generated();
    void deflateBomb();
    void truncatedAnywhere_data();
    void truncatedAnywhere();
    void moderateNestingStillOpens();

private:
    QTemporaryDir m_directory;
};

void DicomHostileInputTest::initTestCase()
{
    QVERIFY(m_directory.isValid());
    QVERIFY2(QFileInfo(pydicomFiles).isDir(), "python3-pydicom's test files are missing");
    QVERIFY2(QFile::exists("/usr/share/doc/dicom3tools/examples/0051.dcm"), "dicom3tools' example is missing");
    QVERIFY2(QFile::exists("/usr/share/dicomscope/reports/reportsi.dcm"), "dicomscope's reports are missing");
}

void DicomHostileInputTest::thirdPartyFiles_data()
{
    // expectation: "open", or a fragment the refusal message must contain.
    const QHash<QString, QString> expectations = {
        { "693_J2KI.dcm", "open" },
        { "CT_small.dcm", "open" },
        { "ExplVR_BigEnd.dcm", "open" },
        { "GDCMJ2K_TextGBR.dcm", "open" },
        { "J2K_pixelrep_mismatch.dcm", "open" },
        { "JPEG-lossy.dcm", "open" },
        { "JPEG2000.dcm", "open" },
        { "JPGExtended.dcm", "open" },
        { "MR_small.dcm", "open" },
        { "MR_small_RLE.dcm", "open" },
        { "MR_small_bigendian.dcm", "open" },
        { "MR_small_expb.dcm", "open" },
        { "MR_small_implicit.dcm", "open" },
        { "MR_small_jp2klossless.dcm", "open" },
        { "MR_small_jpeg_ls_lossless.dcm", "open" },
        { "MR_small_padded.dcm", "open" },
        { "SC_jpeg_no_color_transform.dcm", "open" },
        { "SC_jpeg_no_color_transform_2.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cr.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cy+n1.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cy+n2.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cy+np.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cy+s2.dcm", "open" },
        { "SC_rgb_dcmtk_+eb+cy+s4.dcm", "open" },
        { "SC_rgb_gdcm_KY.dcm", "open" },
        { "SC_rgb_jpeg_app14_dcmd.dcm", "open" },
        { "SC_rgb_jpeg_dcmd.dcm", "open" },
        { "SC_rgb_jpeg_dcmtk.dcm", "open" },
        { "SC_rgb_jpeg_gdcm.dcm", "open" },
        { "SC_rgb_jpeg_lossy_gdcm.dcm", "open" },
        { "SC_rgb_rle.dcm", "open" },
        { "SC_rgb_rle_16bit.dcm", "open" },
        { "SC_rgb_rle_16bit_2frame.dcm", "open" },
        { "SC_rgb_rle_2frame.dcm", "open" },
        { "SC_rgb_small_odd.dcm", "open" },
        { "SC_rgb_small_odd_jpeg.dcm", "open" },
        { "SC_ybr_full_422_uncompressed.dcm", "open" },
        { "image_dfl.dcm", "open" },
        { "0051.dcm", "open" },
        { "MR_truncated.dcm", "truncated" },
        { "rtplan_truncated.dcm", "truncated" },
        { "JPEG2000-embedded-sequence-delimiter.dcm", "JPEG 2000" },
        { "no_meta.dcm", "remain" },
        { "SC_rgb_rle_32bit.dcm", "open" },
        { "SC_rgb_rle_32bit_2frame.dcm", "open" },
        { "badVR.dcm", "open" },
        { "rtdose.dcm", "open" },
        { "rtdose_1frame.dcm", "open" },
        { "rtdose_expb.dcm", "open" },
        { "rtdose_expb_1frame.dcm", "open" },
        { "rtdose_rle.dcm", "open" },
        { "rtdose_rle_1frame.dcm", "open" },
        { "liver_1frame.dcm", "open" },
        { "liver_expb_1frame.dcm", "open" },
        { "rtplan.dcm", "no image" },
        { "rtstruct.dcm", "no image" },
        { "reportsi.dcm", "no image" },
        { "reportki.dcm", "no image" },
        { "test-SR.dcm", "no image" },
        { "waveform_ecg.dcm", "no image" },
        { "README.txt", "" },
        { "test1.json", "" },
        { "zipMR.gz", "" },
    };
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expectation");
    QStringList paths;
    for (const QString& folder : { pydicomFiles, charsetFiles }) {
        QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            paths << it.next();
    }
    paths << "/usr/share/doc/dicom3tools/examples/0051.dcm"
          << "/usr/share/dicomscope/reports/reportsi.dcm"
          << "/usr/share/dicomscope/reports/reportki.dcm";
    QVERIFY2(paths.size() >= 90, qPrintable(QStringLiteral("only %1 third-party files found").arg(paths.size())));
    paths.sort();
    for (const QString& path : paths) {
        const QString name = QFileInfo(path).fileName();
        QString expectation = expectations.value(name, QString());
        if (path.startsWith(charsetFiles) && name != "FileInfo.txt" && name != "chrJapMulti.dcm"
            && name != "chrJapMultiExplicitIR6.dcm" && name != "chrKoreanMulti.dcm" && !name.startsWith("chrSQ"))
            expectation = "open";
        // dicomdirtests: real images in numbered study folders; DICOMDIRs, header-only files and notes are refused.
        if (path.contains("/dicomdirtests/"))
            expectation = QRegularExpression("/dicomdirtests/[0-9]+/").match(path).hasMatch() ? "open"
                : path.contains("TINY_ALPHA") && name.startsWith("IM")                        ? "no image"
                                                                                              : "";
        QTest::newRow(qPrintable(path.mid(path.lastIndexOf("data/") + 5))) << path << expectation;
    }
}

void DicomHostileInputTest::thirdPartyFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, expectation);
    DicomImageReader reader;
    XrayImage image;
    const bool opened = reader.read(path.toStdString(), image);
    const QString message = QString::fromStdString(reader.errorString());
    if (expectation == "open") {
        QVERIFY2(opened, qPrintable(message));
        QVERIFY(image.isValid());
        return;
    }
    QVERIFY2(!opened, "a file expected to be refused opened");
    QVERIFY(!image.isValid());
    QVERIFY2(message.startsWith(path + ": ") && message.size() > path.size() + 10, qPrintable(message));
    if (!expectation.isEmpty())
        QVERIFY2(message.contains(expectation), qPrintable(message));
}

void DicomHostileInputTest::generated_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expectedMessage");
    const auto file = [](const RawDicomBuilder& builder) {
        return QByteArray(
            reinterpret_cast<const char*>(builder.bytes().data()), static_cast<qsizetype>(builder.bytes().size()));
    };
    const std::vector<std::uint8_t> sixteenBytes(16, 0x11);
    QTest::newRow("length-claims-1GiB") << file(RawDicomBuilder().imageHeader(4, 4).element(
        0x0009, 0x1010, "OB", std::vector<std::uint8_t>(10, 0xAB), 1LL << 30))
                                        << "claims 1073741824 bytes but only 10 remain";
    QTest::newRow("pixel-data-claims-1GiB")
        << file(RawDicomBuilder().imageHeader(4, 4).element(0x7FE0, 0x0010, "OW", sixteenBytes, 1LL << 30))
        << "claims 1073741824 bytes";
    QTest::newRow("rows-columns-65535") << file(
        RawDicomBuilder().imageHeader(65535, 65535).element(0x7FE0, 0x0010, "OW", sixteenBytes))
                                        << "65535 x 65535 exceeds the supported";
    QTest::newRow("rows-columns-46341") << file(
        RawDicomBuilder().imageHeader(46341, 46341).element(0x7FE0, 0x0010, "OW", sixteenBytes))
                                        << "46341 x 46341 exceeds the supported";
    QTest::newRow("large-frame-tiny-data")
        << file(RawDicomBuilder().imageHeader(8000, 8000).element(0x7FE0, 0x0010, "OW", sixteenBytes))
        << "holds 16 bytes";
    QTest::newRow("high-bit-16-of-16") << file(
        RawDicomBuilder().imageHeader(4, 4, 16, 12, 16).element(0x7FE0, 0x0010, "OW", std::vector<std::uint8_t>(32, 0)))
                                       << "HighBit 16";
    QTest::newRow("high-bit-below-bits-stored") << file(
        RawDicomBuilder().imageHeader(4, 4, 16, 12, 8).element(0x7FE0, 0x0010, "OW", std::vector<std::uint8_t>(32, 0)))
                                                << "HighBit 8";
    QTest::newRow("bits-stored-above-allocated") << file(
        RawDicomBuilder().imageHeader(4, 4, 8, 12, 11).element(0x7FE0, 0x0010, "OB", std::vector<std::uint8_t>(16, 0)))
                                                 << "BitsStored 12";
    QTest::newRow("fewer-pixel-bytes") << file(
        RawDicomBuilder().imageHeader(100, 100).element(0x7FE0, 0x0010, "OW", std::vector<std::uint8_t>(5000, 0)))
                                       << "holds 5000 bytes, but 100 x 100";
    QTest::newRow("one-bit-fewer-bytes") << file(RawDicomBuilder()
                                                     .imageHeader(100, 100, 1, 1, 0)
                                                     .element(0x7FE0, 0x0010, "OB", std::vector<std::uint8_t>(1000, 0)))
                                         << "holds 1000 bytes";
    QTest::newRow("bits-allocated-24") << file(
        RawDicomBuilder().imageHeader(4, 4, 24, 24, 23).element(0x7FE0, 0x0010, "OB", std::vector<std::uint8_t>(48, 0)))
                                       << "BitsAllocated 24 is not supported";
    QTest::newRow("thirty-two-bit-fewer-bytes")
        << file(RawDicomBuilder()
                    .imageHeader(10, 10, 32, 32, 31)
                    .element(0x7FE0, 0x0010, "OW", std::vector<std::uint8_t>(200, 0)))
        << "holds 200 bytes";
    {
        std::vector<std::uint8_t> floats(4 * 4 * 4, 0);
        const std::uint32_t quietNan = 0x7FC00000u;
        for (int k = 0; k < 4; ++k)
            floats[20 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(quietNan >> (8 * k));
        QTest::newRow("float-pixel-data-nan")
            << file(RawDicomBuilder().imageHeader(4, 4, 32, 32, 31).element(0x7FE0, 0x0008, "OF", floats))
            << "NaN or infinite";
    }
    QTest::newRow("no-pixel-data") << file(RawDicomBuilder().imageHeader(4, 4)) << "no Pixel Data";
    QTest::newRow("zero-rows") << file(RawDicomBuilder().imageHeader(0, 4).element(0x7FE0, 0x0010, "OW", sixteenBytes))
                               << "Rows or Columns";
    QTest::newRow("nested-10000") << file(RawDicomBuilder().imageHeader(4, 4).raw(nested(10000)))
                                  << "nested deeper than 64";
    QTest::newRow("nested-10000-unterminated")
        << file(RawDicomBuilder().imageHeader(4, 4).raw(nested(10000, false))) << "nested deeper";
    QTest::newRow("item-outside-sequence")
        << file(RawDicomBuilder().imageHeader(4, 4).raw(openItem())) << "item tag outside a sequence";
    QTest::newRow("stray-bytes") << file(RawDicomBuilder().imageHeader(4, 4).raw({ 1, 2, 3 })) << "truncated";

    const std::string rle = "1.2.840.10008.1.2.5";
    const auto rleFile = [&](const std::vector<std::uint8_t>& fragment) {
        return file(RawDicomBuilder(rle).imageHeader(4, 4, 8, 8, 7).raw(rlePixelData(fragment)));
    };
    QTest::newRow("rle-zero-segments") << rleFile(rleFragment(0, {})) << "lists 0 segments, but 1 are needed";
    QTest::newRow("rle-too-many-segments") << rleFile(rleFragment(16, { 64 })) << "lists 16 segments";
    QTest::newRow("rle-first-offset-wrong") << rleFile(rleFragment(1, { 70 })) << "segment table is corrupt";
    QTest::newRow("rle-offset-past-fragment") << rleFile(rleFragment(1, { 64000 })) << "segment table is corrupt";
    QTest::newRow("rle-short-fragment") << rleFile({ 1, 0, 0, 0, 64, 0, 0, 0 }) << "shorter than its 64-byte";
    QTest::newRow("rle-empty-fragments") << file(RawDicomBuilder(rle)
                                                     .imageHeader(4, 4, 8, 8, 7)
                                                     .raw(concat({ little16(0x7FE0), little16(0x0010),
                                                         { 'O', 'B', 0, 0 }, little32(0xFFFFFFFF), closeSequence() })))
                                         << "no fragments";
}

void DicomHostileInputTest::generated()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expectedMessage);
    const QString path = m_directory.filePath(QString(QTest::currentDataTag()) + ".dcm");
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        QCOMPARE(out.write(bytes), bytes.size());
    }
    DicomImageReader reader;
    XrayImage image;
    largestAllocation = 0;
    const bool opened = reader.read(path.toStdString(), image);
    const std::size_t largest = largestAllocation;
    const QString message = QString::fromStdString(reader.errorString());
    QVERIFY2(!opened, "a hostile file opened");
    QVERIFY(!image.isValid());
    QVERIFY2(message.startsWith(path) && message.contains(expectedMessage), qPrintable(message));
    QVERIFY2(largest < allocationCeiling + static_cast<std::size_t>(bytes.size()),
        qPrintable(QStringLiteral("largest allocation %1 bytes").arg(largest)));
}

void DicomHostileInputTest::deflateBomb()
{
    // 100 MB of zeros deflate to about 100 KB: the inflated size is capped relative to the file, so this is refused
    // without inflating it all (and long before DCMTK would inflate it again).
    const std::vector<std::uint8_t> zeros(100u << 20, 0);
    std::vector<std::uint8_t> compressed(compressBound(static_cast<uLong>(zeros.size())));
    z_stream stream {};
    QCOMPARE(deflateInit2(&stream, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    stream.next_in = const_cast<Bytef*>(zeros.data());
    stream.avail_in = static_cast<uInt>(zeros.size());
    stream.next_out = compressed.data();
    stream.avail_out = static_cast<uInt>(compressed.size());
    QCOMPARE(deflate(&stream, Z_FINISH), Z_STREAM_END);
    compressed.resize(stream.total_out);
    deflateEnd(&stream);
    const RawDicomBuilder builder = RawDicomBuilder("1.2.840.10008.1.2.1.99").raw(compressed);
    const QString path = m_directory.filePath("deflate-bomb.dcm");
    QVERIFY(builder.save(path.toStdString()));
    DicomImageReader reader;
    XrayImage image;
    largestAllocation = 0;
    QVERIFY(!reader.read(path.toStdString(), image));
    QVERIFY2(
        QString::fromStdString(reader.errorString()).contains("inflates to more than"), reader.errorString().c_str());
    QVERIFY2(largestAllocation < (256u << 20), qPrintable(QString::number(largestAllocation)));
}

void DicomHostileInputTest::truncatedAnywhere_data()
{
    QTest::addColumn<int>("syntax");
    QTest::newRow("native") << int(TestSyntax::ExplicitLittle);
    QTest::newRow("implicit") << int(TestSyntax::ImplicitLittle);
    QTest::newRow("rle") << int(TestSyntax::Rle);
    QTest::newRow("jpeg-ls") << int(TestSyntax::JpegLs);
    QTest::newRow("jpeg2000") << int(TestSyntax::Jpeg2000Lossless);
    QTest::newRow("deflated") << int(TestSyntax::Deflated);
}

void DicomHostileInputTest::truncatedAnywhere()
{
    // Cut a valid file at many points: every cut must be refused (no partial image), and the whole file must open.
    QFETCH(int, syntax);
    SyntheticImage source;
    source.samples = patternSamples(source);
    source.attributes = { { 0x0010, 0x0010, "Cut^Test" }, { 0x0008, 0x103E, "truncation" } };
    const QString path = m_directory.filePath(QStringLiteral("whole-%1.dcm").arg(QTest::currentDataTag()));
    const std::string written = writeSyntheticDicom(source, static_cast<TestSyntax>(syntax), path.toStdString());
    QVERIFY2(written.empty(), written.c_str());
    QFile in(path);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray whole = in.readAll();
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    const QString cutPath = m_directory.filePath("cut.dcm");
    const int steps = 97;
    int refused = 0;
    for (int step = 1; step < steps; ++step) {
        const qsizetype length = whole.size() * step / steps;
        // Cuts inside a deflated stream may still inflate to a short dataset: those must be refused all the same.
        QFile out(cutPath);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(whole.left(length));
        out.close();
        XrayImage partial;
        const bool opened = reader.read(cutPath.toStdString(), partial);
        QVERIFY2(
            !opened, qPrintable(QStringLiteral("a file cut to %1 of %2 bytes opened").arg(length).arg(whole.size())));
        QVERIFY(!reader.errorString().empty());
        ++refused;
    }
    QCOMPARE(refused, steps - 1);
}

void DicomHostileInputTest::moderateNestingStillOpens()
{
    // The depth cap must not refuse real files: 40 levels (far beyond real-world SR/RT nesting) open.
    std::vector<std::uint8_t> pixels(32);
    for (std::size_t i = 0; i < pixels.size(); i += 2)
        pixels[i] = static_cast<std::uint8_t>(i);
    const RawDicomBuilder builder
        = RawDicomBuilder().imageHeader(4, 4).raw(nested(40)).element(0x7FE0, 0x0010, "OW", pixels);
    const QString path = m_directory.filePath("nested-40.dcm");
    QVERIFY(builder.save(path.toStdString()));
    DicomImageReader reader;
    XrayImage image;
    QVERIFY2(reader.read(path.toStdString(), image), reader.errorString().c_str());
    QCOMPARE(int(image.unsigned16()[3]), 6);
}

QTEST_GUILESS_MAIN(DicomHostileInputTest)
#include "DicomHostileInputTest.moc"
