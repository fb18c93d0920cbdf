// The JPEG 2000 geometry limits, checked on the codestream's SIZ segment before OpenJPEG allocates: a tile bomb is
// refused by our own check (its message, not OpenJPEG's), the standard's tile bound is accepted, a codestream whose
// size disagrees with the DICOM header is refused before decoding, and a JP2 wrapper is read the same way.
#include <cstdint>
#include <string>
#include <vector>

#include <QTest>

#include "core/study/internal/Jpeg2000Decoder.h"
#include "core/study/internal/Jpeg2000Header.h"

using lrclr::internal::Jpeg2000Decoder;
using lrclr::internal::Jpeg2000Header;

namespace {

void putBigEndian(std::vector<std::uint8_t>& bytes, std::uint32_t value, int count)
{
    for (int k = count - 1; k >= 0; --k)
        bytes.push_back(static_cast<std::uint8_t>(value >> (8 * k)));
}

/// SOC + SIZ (+ nothing else): an image of width x height 8-bit samples in tiles of tileWidth x tileHeight.
std::vector<std::uint8_t> codestreamHeader(
    std::uint32_t width, std::uint32_t height, std::uint32_t tileWidth, std::uint32_t tileHeight, int components = 1)
{
    std::vector<std::uint8_t> bytes;
    putBigEndian(bytes, 0xFF4F, 2);
    putBigEndian(bytes, 0xFF51, 2);
    putBigEndian(bytes, static_cast<std::uint32_t>(38 + 3 * components), 2);
    putBigEndian(bytes, 0, 2); // Rsiz
    for (std::uint32_t value : { width, height, 0u, 0u, tileWidth, tileHeight, 0u, 0u })
        putBigEndian(bytes, value, 4);
    putBigEndian(bytes, static_cast<std::uint32_t>(components), 2);
    for (int c = 0; c < components; ++c) {
        bytes.push_back(7); // 8 bits, unsigned
        bytes.push_back(1);
        bytes.push_back(1);
    }
    // End of codestream: OpenJPEG reads on to the first tile and fails there, if it gets that far.
    putBigEndian(bytes, 0xFFD9, 2);
    return bytes;
}

std::vector<std::uint8_t> inJp2File(const std::vector<std::uint8_t>& codestream)
{
    std::vector<std::uint8_t> file = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A };
    putBigEndian(file, 20, 4);
    putBigEndian(file, 0x66747970, 4); // 'ftyp'
    putBigEndian(file, 0x6A703220, 4); // brand 'jp2 '
    putBigEndian(file, 0, 4);
    putBigEndian(file, 0x6A703220, 4);
    putBigEndian(file, static_cast<std::uint32_t>(8 + codestream.size()), 4);
    putBigEndian(file, 0x6A703263, 4); // 'jp2c'
    file.insert(file.end(), codestream.begin(), codestream.end());
    return file;
}

} // namespace

class Jpeg2000HeaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tileBombIsRefusedByOurOwnCheck();
    void tileBombInsideJp2IsRefused();
    void standardTileBoundIsAccepted();
    void geometryDisagreeingWithDicomIsRefusedBeforeDecoding();
    void truncatedSizSegmentIsRefused();
};

void Jpeg2000HeaderTest::tileBombIsRefusedByOurOwnCheck()
{
    // 16384 x 16384 in 1 x 1 tiles: 268 million tiles, for which opj_read_header allocated ~5 GB before refusing.
    const auto bomb = codestreamHeader(16384, 16384, 1, 1);
    Jpeg2000Decoder::Frame frame;
    std::string problem;
    QVERIFY(!Jpeg2000Decoder::decode(bomb, 16384, 16384, 1, frame, problem));
    QCOMPARE(QString::fromStdString(problem),
        QStringLiteral("the JPEG 2000 codestream asks for 268435456 tiles (at most 65535)"));
    QVERIFY(frame.samples.empty());
}

void Jpeg2000HeaderTest::tileBombInsideJp2IsRefused()
{
    const auto file = inJp2File(codestreamHeader(4096, 4096, 2, 2));
    Jpeg2000Header header;
    std::string problem;
    QVERIFY(!Jpeg2000Header::read(file, true, header, problem));
    QCOMPARE(header.tiles, std::uint64_t { 2048 } * 2048);
    QVERIFY2(QString::fromStdString(problem).contains(QStringLiteral("4194304 tiles")), problem.c_str());
}

void Jpeg2000HeaderTest::standardTileBoundIsAccepted()
{
    // At the limit: 65535 tiles pass our check (OpenJPEG then fails on the missing tile data); one more is refused.
    Jpeg2000Header header;
    std::string problem;
    QVERIFY2(Jpeg2000Header::read(codestreamHeader(65535, 1, 1, 1), false, header, problem), problem.c_str());
    QCOMPARE(header.tiles, std::uint64_t { 65535 });
    QCOMPARE(header.width, 65535u);
    QCOMPARE(header.height, 1u);
    QVERIFY(!Jpeg2000Header::read(codestreamHeader(65536, 1, 1, 1), false, header, problem));
    QVERIFY2(QString::fromStdString(problem).contains(QStringLiteral("65536 tiles")), problem.c_str());

    Jpeg2000Decoder::Frame frame;
    problem.clear();
    QVERIFY(!Jpeg2000Decoder::decode(codestreamHeader(65535, 1, 1, 1), 65535, 1, 1, frame, problem));
    QVERIFY2(!QString::fromStdString(problem).contains(QStringLiteral("tiles")), problem.c_str());
}

void Jpeg2000HeaderTest::geometryDisagreeingWithDicomIsRefusedBeforeDecoding()
{
    Jpeg2000Decoder::Frame frame;
    std::string problem;
    QVERIFY(!Jpeg2000Decoder::decode(codestreamHeader(16384, 16384, 16384, 16384), 512, 512, 1, frame, problem));
    QCOMPARE(QString::fromStdString(problem),
        QStringLiteral("the JPEG 2000 codestream is 16384 x 16384 with 1 components, but the DICOM header says 512 x "
                       "512 with 1"));
}

void Jpeg2000HeaderTest::truncatedSizSegmentIsRefused()
{
    auto bytes = codestreamHeader(512, 512, 512, 512, 3);
    bytes.resize(44);
    Jpeg2000Header header;
    std::string problem;
    QVERIFY(!Jpeg2000Header::read(bytes, false, header, problem));
    QVERIFY2(QString::fromStdString(problem).contains(QStringLiteral("truncated")), problem.c_str());
    // Zero-sized tiles would divide by zero.
    QVERIFY(!Jpeg2000Header::read(codestreamHeader(512, 512, 0, 512), false, header, problem));
    QVERIFY2(QString::fromStdString(problem).contains(QStringLiteral("tile geometry")), problem.c_str());
}

QTEST_GUILESS_MAIN(Jpeg2000HeaderTest)
#include "Jpeg2000HeaderTest.moc"
