// DisplayPipeline: every step checked against the DICOM PS3.3 formulas written out independently here.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <QTest>

#include "core/study/DisplayPipeline.h"

using namespace lrclr;

namespace {

/// PS3.3 C.11.2.1.2.1 (LINEAR), with output range 0..255, quantised by floor like the pipeline documents.
int expectedLinear(double x, double c, double w)
{
    double y;
    if (x <= c - 0.5 - (w - 1) / 2)
        y = 0;
    else if (x > c - 0.5 + (w - 1) / 2)
        y = 255;
    else
        y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
    return static_cast<int>(std::floor(y));
}

int expectedLinearExact(double x, double c, double w)
{
    double y;
    if (x <= c - w / 2)
        y = 0;
    else if (x > c + w / 2)
        y = 255;
    else
        y = ((x - c) / w + 0.5) * 255;
    return static_cast<int>(std::floor(y));
}

int expectedSigmoid(double x, double c, double w)
{
    return static_cast<int>(std::floor(255.0 / (1 + std::exp(-4 * (x - c) / w))));
}

XrayImage ramp16(int count, int first = 0)
{
    std::vector<std::uint16_t> samples(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        samples[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(first + i);
    return XrayImage::fromUnsigned16(1, count, std::move(samples), 12);
}

} // namespace

class DisplayPipelineTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void voiFunctions_data();
    void voiFunctions();
    void rescaleBeforeWindow();
    void signedSamples();
    void monochrome1AndPresentationShape_data();
    void monochrome1AndPresentationShape();
    void userInversionToggles();
    void voiLutSequence();
    void defaultWindowIgnoresPadding();
    void defaultPrefersFirstPreset();
    void modalityLutReplacesRescale();
    void paddingRangeIsBlackAndLeftOutOfWindows_data();
    void paddingRangeIsBlackAndLeftOutOfWindows();
    void percentileWindow();
    void storedValueAt();
    void colorIsPassedThroughAndModelGetsLuminance();
    void modelInputAppliesDefaultWindowAndInversion();
    void renderIntoReusesBuffer();
    void dragMatchesFreshPipelines();
    void copiesShareThePixels();
    void bandsMatchOneThread_data();
    void bandsMatchOneThread();
};

void DisplayPipelineTest::voiFunctions_data()
{
    QTest::addColumn<int>("function");
    QTest::addColumn<double>("center");
    QTest::addColumn<double>("width");
    QTest::newRow("linear-narrow") << int(VoiLutFunction::Linear) << 2000.0 << 400.0;
    QTest::newRow("linear-wide") << int(VoiLutFunction::Linear) << 2048.0 << 4096.0;
    QTest::newRow("linear-width-2") << int(VoiLutFunction::Linear) << 1000.5 << 2.0;
    QTest::newRow("linear-exact") << int(VoiLutFunction::LinearExact) << 1500.0 << 333.0;
    QTest::newRow("linear-exact-fraction") << int(VoiLutFunction::LinearExact) << 1500.25 << 0.5;
    QTest::newRow("sigmoid") << int(VoiLutFunction::Sigmoid) << 2100.0 << 800.0;
}

void DisplayPipelineTest::voiFunctions()
{
    QFETCH(int, function);
    QFETCH(double, center);
    QFETCH(double, width);
    DisplayPipeline pipeline(ramp16(4096));
    VoiSettings voi;
    voi.center = center;
    voi.width = width;
    voi.function = static_cast<VoiLutFunction>(function);
    pipeline.setVoi(voi);
    const DisplayFrame frame = pipeline.render();
    QVERIFY(frame.isValid());
    QCOMPARE(frame.channels, 1);
    for (int x = 0; x < 4096; ++x) {
        int expected = 0;
        switch (voi.function) {
        case VoiLutFunction::Linear:
            expected = expectedLinear(x, center, width);
            break;
        case VoiLutFunction::LinearExact:
            expected = expectedLinearExact(x, center, width);
            break;
        case VoiLutFunction::Sigmoid:
            expected = expectedSigmoid(x, center, width);
            break;
        }
        QVERIFY2(frame.bytes[static_cast<std::size_t>(x)] == expected,
            qPrintable(QStringLiteral("stored %1: got %2, expected %3")
                           .arg(x)
                           .arg(frame.bytes[static_cast<std::size_t>(x)])
                           .arg(expected)));
    }
}

void DisplayPipelineTest::rescaleBeforeWindow()
{
    XrayImage image = ramp16(200, 1000);
    image.rescaleSlope = 2.0;
    image.rescaleIntercept = -1024.0;
    DisplayPipeline pipeline(image);
    pipeline.setWindow(1100.0, 200.0);
    const DisplayFrame frame = pipeline.render();
    for (int i = 0; i < 200; ++i) {
        const double modality = (1000 + i) * 2.0 - 1024.0;
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(i)]), expectedLinear(modality, 1100.0, 200.0));
    }
    QCOMPARE(pipeline.modalityValueAt(5, 0), (1005 * 2.0) - 1024.0);
}

void DisplayPipelineTest::signedSamples()
{
    std::vector<std::int16_t> samples;
    for (int v = -2048; v < 2048; v += 7)
        samples.push_back(static_cast<std::int16_t>(v));
    const int count = static_cast<int>(samples.size());
    XrayImage image = XrayImage::fromSigned16(1, count, samples, 12);
    DisplayPipeline pipeline(image);
    pipeline.setWindow(-100.0, 700.0);
    const DisplayFrame frame = pipeline.render();
    for (int i = 0; i < count; ++i)
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(i)]),
            expectedLinear(samples[static_cast<std::size_t>(i)], -100.0, 700.0));
}

void DisplayPipelineTest::monochrome1AndPresentationShape_data()
{
    QTest::addColumn<int>("photometric");
    QTest::addColumn<int>("shape");
    QTest::addColumn<bool>("inverted");
    using P = PhotometricInterpretation;
    using S = PresentationLutShape;
    QTest::newRow("mono2") << int(P::Monochrome2) << int(S::Unspecified) << false;
    QTest::newRow("mono1") << int(P::Monochrome1) << int(S::Unspecified) << true;
    // DX pairs MONOCHROME1 with INVERSE: both say the same thing, they must not cancel out.
    QTest::newRow("mono1-inverse") << int(P::Monochrome1) << int(S::Inverse) << true;
    QTest::newRow("mono2-inverse") << int(P::Monochrome2) << int(S::Inverse) << true;
    QTest::newRow("mono2-identity") << int(P::Monochrome2) << int(S::Identity) << false;
}

void DisplayPipelineTest::monochrome1AndPresentationShape()
{
    QFETCH(int, photometric);
    QFETCH(int, shape);
    QFETCH(bool, inverted);
    XrayImage image = ramp16(256);
    image.photometric = static_cast<PhotometricInterpretation>(photometric);
    image.presentationLutShape = static_cast<PresentationLutShape>(shape);
    DisplayPipeline pipeline(image);
    pipeline.setWindow(128.0, 256.0);
    QCOMPARE(pipeline.effectiveInversion(), inverted);
    const DisplayFrame frame = pipeline.render();
    for (int x = 0; x < 256; ++x) {
        const int plain = expectedLinear(x, 128.0, 256.0);
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(x)]), inverted ? 255 - plain : plain);
    }
}

void DisplayPipelineTest::userInversionToggles()
{
    XrayImage image = ramp16(16);
    image.photometric = PhotometricInterpretation::Monochrome1;
    DisplayPipeline pipeline(image);
    const std::uint8_t before = pipeline.displayValue(3);
    pipeline.setUserInverted(true);
    QVERIFY(!pipeline.effectiveInversion());
    QCOMPARE(int(pipeline.displayValue(3)), 255 - before);
}

void DisplayPipelineTest::voiLutSequence()
{
    XrayImage image = ramp16(300);
    VoiLut lut;
    lut.firstMappedValue = 50;
    lut.bitsPerEntry = 12;
    for (int i = 0; i < 100; ++i)
        lut.data.push_back(static_cast<std::uint16_t>(i * 40));
    image.voiLuts.push_back(lut);
    DisplayPipeline pipeline(image);
    QVERIFY(pipeline.voi().voiLutIndex.has_value()); // no window presets: the LUT is the default
    const DisplayFrame frame = pipeline.render();
    for (int x = 0; x < 300; ++x) {
        const int index = std::clamp(x - 50, 0, 99);
        const int expected = static_cast<int>(std::floor(index * 40 / 4095.0 * 255));
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(x)]), expected);
    }
    pipeline.setWindow(150.0, 100.0);
    QVERIFY(!pipeline.voi().voiLutIndex.has_value());
    QVERIFY(pipeline.selectVoiLut(0));
    QVERIFY(!pipeline.selectVoiLut(1));
}

void DisplayPipelineTest::defaultWindowIgnoresPadding()
{
    std::vector<std::uint16_t> samples = { 0, 0, 1000, 1500, 3000, 0 };
    XrayImage image = XrayImage::fromUnsigned16(1, 6, samples, 12);
    image.pixelPaddingValue = 0;
    const VoiSettings voi = DisplayPipeline::defaultVoi(image);
    QCOMPARE(voi.function, VoiLutFunction::Linear);
    // The window spans exactly 1000..3000: both ends map to the ends of the output range.
    DisplayPipeline pipeline(image);
    QCOMPARE(int(pipeline.displayValue(1000)), 0);
    QCOMPARE(int(pipeline.displayValue(3000)), 255);
    QVERIFY(pipeline.displayValue(1500) > 0 && pipeline.displayValue(1500) < 128);
}

void DisplayPipelineTest::defaultPrefersFirstPreset()
{
    XrayImage image = ramp16(10);
    image.windowPresets.push_back({ 400.0, 800.0, "LUNG" });
    image.windowPresets.push_back({ 40.0, 80.0, "SOFT" });
    image.voiLutFunction = VoiLutFunction::Sigmoid;
    DisplayPipeline pipeline(image);
    QCOMPARE(pipeline.voi().center, 400.0);
    QCOMPARE(pipeline.voi().width, 800.0);
    QCOMPARE(pipeline.voi().function, VoiLutFunction::Sigmoid);
    QVERIFY(pipeline.selectWindowPreset(1));
    QCOMPARE(pipeline.voi().center, 40.0);
    QVERIFY(!pipeline.selectWindowPreset(2));
    pipeline.resetVoi();
    QCOMPARE(pipeline.voi().center, 400.0);
}

void DisplayPipelineTest::modalityLutReplacesRescale()
{
    XrayImage image = ramp16(300);
    image.rescaleSlope = 2.0; // must be ignored: the Modality LUT replaces the rescale
    image.rescaleIntercept = -1000.0;
    ModalityLut lut;
    lut.firstMappedValue = 100;
    lut.bitsPerEntry = 16;
    for (int i = 0; i < 100; ++i) // not linear, so a rescale cannot imitate it
        lut.data.push_back(static_cast<std::uint16_t>(500 + i * i));
    image.modalityLut = lut;
    const auto lutValue
        = [&](int stored) { return 500 + std::clamp(stored - 100, 0, 99) * std::clamp(stored - 100, 0, 99); };
    for (const int stored : { 0, 99, 100, 150, 199, 200, 299 })
        QCOMPARE(image.modalityValue(stored), double(lutValue(stored)));

    // The default window spans the LUT's output over the stored values present: 500 .. 500 + 99^2.
    const VoiSettings voi = DisplayPipeline::defaultVoi(image);
    QCOMPARE(voi.width, 99.0 * 99.0 + 1.0);
    QCOMPARE(voi.center, (500.0 + 500.0 + 99.0 * 99.0 + 1.0) / 2.0);

    DisplayPipeline pipeline(image);
    pipeline.setWindow(3000.0, 4000.0);
    const DisplayFrame frame = pipeline.render();
    for (int x = 0; x < 300; ++x)
        QCOMPARE(int(frame.bytes[static_cast<std::size_t>(x)]), expectedLinear(lutValue(x), 3000.0, 4000.0));
    QCOMPARE(pipeline.modalityValueAt(150, 0), double(lutValue(150)));

    const GrayscaleImage model = DisplayPipeline::modelInput(image);
    for (int x = 0; x < 300; x += 7) {
        const double v = lutValue(x);
        const double expected = std::clamp(((v - (voi.center - 0.5)) / (voi.width - 1.0) + 0.5) * 255.0, 0.0, 255.0);
        QVERIFY2(std::abs(model.at(x, 0) - expected) < 1e-3,
            qPrintable(QStringLiteral("%1: %2 vs %3").arg(x).arg(model.at(x, 0)).arg(expected)));
    }
}

void DisplayPipelineTest::paddingRangeIsBlackAndLeftOutOfWindows_data()
{
    QTest::addColumn<bool>("monochrome1");
    QTest::addColumn<bool>("userInverted");
    QTest::newRow("monochrome2") << false << false;
    QTest::newRow("monochrome1") << true << false;
    QTest::newRow("monochrome2-user-inverted") << false << true;
}

void DisplayPipelineTest::paddingRangeIsBlackAndLeftOutOfWindows()
{
    QFETCH(bool, monochrome1);
    QFETCH(bool, userInverted);
    // Stored 4000..4095 is padding (value 4095, range limit 4000, given in either order); the anatomy is 200..999.
    std::vector<std::uint16_t> samples;
    for (int i = 0; i < 800; ++i)
        samples.push_back(static_cast<std::uint16_t>(200 + i));
    for (int i = 0; i < 96; ++i)
        samples.push_back(static_cast<std::uint16_t>(4000 + i));
    XrayImage image = XrayImage::fromUnsigned16(1, static_cast<int>(samples.size()), samples, 12);
    image.pixelPaddingValue = 4095;
    image.pixelPaddingRangeLimit = 4000;
    image.rescaleIntercept = -100.0;
    if (monochrome1)
        image.photometric = PhotometricInterpretation::Monochrome1;
    QVERIFY(image.isPadding(4000) && image.isPadding(4095) && image.isPadding(4050));
    QVERIFY(!image.isPadding(3999) && !image.isPadding(999));

    const VoiSettings voi = DisplayPipeline::defaultVoi(image);
    QCOMPARE(voi.width, 800.0); // modality 100 .. 899
    QCOMPARE(voi.center, 500.0);
    const VoiSettings automatic = DisplayPipeline::percentileVoi(image, 0.0, 100.0);
    QCOMPARE(automatic.width, voi.width);
    QCOMPARE(automatic.center, voi.center);

    DisplayPipeline pipeline(image);
    pipeline.setUserInverted(userInverted);
    pipeline.setWindow(3000.0, 10.0); // a window that would show the padding white when not inverted
    const DisplayFrame frame = pipeline.render();
    for (std::size_t i = 800; i < samples.size(); ++i)
        QVERIFY2(
            frame.bytes[i] == 0, qPrintable(QStringLiteral("padding pixel %1 shows %2").arg(i).arg(frame.bytes[i])));
    const bool inverted = monochrome1 != userInverted;
    QCOMPARE(int(frame.bytes[0]), inverted ? 255 : 0); // anatomy still follows the window and the inversion

    const GrayscaleImage model = DisplayPipeline::modelInput(image);
    for (int i = 800; i < static_cast<int>(samples.size()); ++i)
        QCOMPARE(model.at(i, 0), 0.0f);
    QCOMPARE(model.at(0, 0), monochrome1 ? 255.0f : 0.0f);
}

void DisplayPipelineTest::percentileWindow()
{
    // 1000 anatomy pixels 0..999 plus 1000 padding pixels at 2000: the padding must not shift the percentiles.
    std::vector<std::uint16_t> samples;
    for (int i = 0; i < 1000; ++i)
        samples.push_back(static_cast<std::uint16_t>(i));
    samples.insert(samples.end(), 1000, 2000);
    XrayImage image = XrayImage::fromUnsigned16(2, 1000, samples, 12);
    image.pixelPaddingValue = 2000;
    image.rescaleSlope = 2.0;
    const VoiSettings voi = DisplayPipeline::percentileVoi(image, 10.0, 90.0);
    // Rank floor(0.1 * 999) = 99 and floor(0.9 * 999) = 899, i.e. stored 99 and 899, modality 198 and 1798.
    QCOMPARE(voi.function, VoiLutFunction::Linear);
    QCOMPARE(voi.width, 1798.0 - 198.0 + 1.0);
    QCOMPARE(voi.center, (198.0 + 1798.0 + 1.0) / 2.0);
    image.pixelPaddingValue.reset();
    const VoiSettings withPadding = DisplayPipeline::percentileVoi(image, 10.0, 90.0);
    QVERIFY(withPadding.center > voi.center); // half the pixels at 2000 drag the window up
}

void DisplayPipelineTest::storedValueAt()
{
    XrayImage image = ramp16(10, 100);
    QCOMPARE(image.storedValue(3, 0), 103.0);
    QCOMPARE(image.storedValue(10, 0), 0.0);
    QCOMPARE(image.storedValue(-1, 0), 0.0);
    const XrayImage signedImage = XrayImage::fromSigned16(1, 2, { -5, 7 });
    QCOMPARE(signedImage.storedValue(0, 0), -5.0);
    const XrayImage color = XrayImage::fromRgb8(1, 1, { 10, 20, 30 });
    QVERIFY(std::abs(color.storedValue(0, 0) - (0.299 * 10 + 0.587 * 20 + 0.114 * 30)) < 1e-9);
}

void DisplayPipelineTest::colorIsPassedThroughAndModelGetsLuminance()
{
    const std::vector<std::uint8_t> rgb = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 };
    const XrayImage image = XrayImage::fromRgb8(2, 2, rgb);
    DisplayPipeline pipeline(image);
    const DisplayFrame frame = pipeline.render();
    QCOMPARE(frame.channels, 3);
    QCOMPARE(std::vector<std::uint8_t>(frame.bytes.begin(), frame.bytes.end()), rgb);
    const GrayscaleImage model = DisplayPipeline::modelInput(image);
    QVERIFY(model.isValid());
    QCOMPARE(model.at(0, 0), 0.299f * 255);
    QCOMPARE(model.at(1, 0), 0.587f * 255);
    QCOMPARE(model.at(0, 1), 0.114f * 255);
    QVERIFY(std::abs(model.at(1, 1) - (0.299f * 10 + 0.587f * 20 + 0.114f * 30)) < 1e-3f);
}

void DisplayPipelineTest::modelInputAppliesDefaultWindowAndInversion()
{
    XrayImage image = ramp16(101, 100);
    image.windowPresets.push_back({ 150.0, 101.0, "" });
    image.photometric = PhotometricInterpretation::Monochrome1;
    const GrayscaleImage model = DisplayPipeline::modelInput(image);
    QCOMPARE(model.width, 101);
    QCOMPARE(model.height, 1);
    for (int i = 0; i <= 100; ++i) {
        const double x = 100 + i;
        double y = ((x - 149.5) / 100.0 + 0.5) * 255;
        y = std::clamp(y, 0.0, 255.0);
        QVERIFY2(std::abs(model.at(i, 0) - (255.0 - y)) < 1e-3,
            qPrintable(QStringLiteral("%1: %2 vs %3").arg(i).arg(model.at(i, 0)).arg(255.0 - y)));
    }
}

void DisplayPipelineTest::renderIntoReusesBuffer()
{
    DisplayPipeline pipeline(ramp16(64));
    DisplayFrame frame;
    pipeline.renderInto(frame);
    const std::uint8_t* data = frame.bytes.data();
    pipeline.setWindow(10.0, 5.0);
    pipeline.renderInto(frame);
    QCOMPARE(frame.bytes.data(), data);
    QCOMPARE(int(frame.bytes[20]), 255);
    // Non-finite windows (a division by zero in a UI) are ignored rather than turned into undefined conversions.
    pipeline.setWindow(std::nan(""), 5.0);
    pipeline.setWindow(10.0, std::numeric_limits<double>::infinity());
    QCOMPARE(pipeline.voi().center, 10.0);
    QCOMPARE(pipeline.voi().width, 5.0);
}

void DisplayPipelineTest::dragMatchesFreshPipelines()
{
    // After the first render only the table entries of occurring values are rebuilt: every drag step must still
    // equal what a new pipeline shows, and values no pixel has must still read out right.
    XrayImage image = ramp16(3000, 500); // 500..3499: entries up to 4095 are kept up to date
    image.pixelPaddingValue = 600;
    DisplayPipeline dragged(image);
    DisplayFrame frame;
    dragged.renderInto(frame);
    for (int step = 0; step < 6; ++step) {
        const double center = 900.0 + 400.0 * step;
        const double width = 300.0 + 500.0 * step;
        dragged.setUserInverted(step % 2 == 1);
        dragged.setWindow(center, width);
        dragged.renderInto(frame);
        DisplayPipeline fresh(image);
        fresh.setUserInverted(step % 2 == 1);
        fresh.setWindow(center, width);
        const DisplayFrame expected = fresh.render();
        QVERIFY2(std::equal(frame.bytes.begin(), frame.bytes.end(), expected.bytes.begin(), expected.bytes.end()),
            qPrintable(QStringLiteral("step %1 differs").arg(step)));
        for (const int value : { 0, 600, 3499, 4095, 4096, 40000, 65535 })
            QCOMPARE(int(dragged.displayValue(value)), int(fresh.displayValue(value)));
    }
}

void DisplayPipelineTest::copiesShareThePixels()
{
    const XrayImage image = ramp16(1000);
    const XrayImage copy = image;
    QCOMPARE(copy.pixels.get(), image.pixels.get());
    QCOMPARE(image.storedRange(), std::make_pair(0, 999));
    QVERIFY(image.unsigned8().empty());
    QCOMPARE(image.unsigned16().size(), std::size_t(1000));
    XrayImage broken = image;
    broken.rows = 2;
    QVERIFY(!broken.isValid());
    DisplayPipeline pipeline(broken);
    QVERIFY(!pipeline.render().isValid());
}

void DisplayPipelineTest::bandsMatchOneThread_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("bands");
    for (const char* format : { "unsigned16", "signed16", "unsigned8", "rgb8" })
        for (const int bands : { 0, 2, 3, 7, 8 })
            QTest::newRow(qPrintable(QStringLiteral("%1, %2 bands").arg(QLatin1String(format)).arg(bands)))
                << QString::fromLatin1(format) << bands;
}

void DisplayPipelineTest::bandsMatchOneThread()
{
    // Rows split over threads must not change a byte: an odd size (bands end mid-way through no row pattern), random
    // samples over the whole stored range, MONOCHROME1 with a padding range, and a VOI LUT, then a window.
    QFETCH(QString, format);
    QFETCH(int, bands);
    constexpr int rows = 777;
    constexpr int columns = 1001;
    constexpr std::size_t count = std::size_t { rows } * columns;
    std::mt19937 random(20261126);
    XrayImage image;
    if (format == QLatin1String("unsigned16")) {
        std::vector<std::uint16_t> samples(count);
        for (auto& sample : samples)
            sample = static_cast<std::uint16_t>(random() % 4096);
        image = XrayImage::fromUnsigned16(rows, columns, std::move(samples), 12);
    } else if (format == QLatin1String("signed16")) {
        std::vector<std::int16_t> samples(count);
        for (auto& sample : samples)
            sample = static_cast<std::int16_t>(static_cast<int>(random() % 4096) - 2048);
        image = XrayImage::fromSigned16(rows, columns, std::move(samples), 12);
    } else if (format == QLatin1String("unsigned8")) {
        std::vector<std::uint8_t> samples(count);
        for (auto& sample : samples)
            sample = static_cast<std::uint8_t>(random() % 256);
        image = XrayImage::fromUnsigned8(rows, columns, std::move(samples));
    } else {
        std::vector<std::uint8_t> samples(3 * count);
        for (auto& sample : samples)
            sample = static_cast<std::uint8_t>(random() % 256);
        image = XrayImage::fromRgb8(rows, columns, std::move(samples));
    }
    if (!image.isColor()) {
        image.photometric = PhotometricInterpretation::Monochrome1;
        image.pixelPaddingValue = 5;
        image.pixelPaddingRangeLimit = 20;
        VoiLut lut;
        lut.firstMappedValue = 100;
        lut.bitsPerEntry = 12;
        for (int k = 0; k < 1500; ++k)
            lut.data.push_back(static_cast<std::uint16_t>((k * k / 1500) % 4096));
        image.voiLuts.push_back(lut);
    }
    QVERIFY(image.isValid());

    DisplayPipeline one(image);
    one.setRenderBands(1);
    DisplayPipeline banded(image);
    banded.setRenderBands(static_cast<std::size_t>(bands));
    QVERIFY(banded.renderBands() >= 1);
    DisplayFrame expected, frame;
    const auto sample = [&](std::size_t index) -> int {
        switch (image.sampleFormat) {
        case SampleFormat::Unsigned16:
            return image.unsigned16()[index];
        case SampleFormat::Signed16:
            return image.signed16()[index];
        case SampleFormat::Unsigned8:
            return image.unsigned8()[index];
        case SampleFormat::Rgb8:
            return image.rgb8()[index];
        }
        return 0;
    };
    for (int step = 0; step < 3; ++step) {
        if (step == 0 && !image.isColor()) {
            QVERIFY(one.selectVoiLut(0));
            QVERIFY(banded.selectVoiLut(0));
        } else {
            one.setWindow(100.0 + 40.0 * step, 300.0 + 200.0 * step);
            banded.setWindow(100.0 + 40.0 * step, 300.0 + 200.0 * step);
        }
        one.renderInto(expected);
        banded.renderInto(frame);
        QVERIFY(frame.isValid());
        QCOMPARE(frame.bytes.size(), count * static_cast<std::size_t>(frame.channels));
        const auto mismatch = std::mismatch(frame.bytes.begin(), frame.bytes.end(), expected.bytes.begin());
        QVERIFY2(mismatch.first == frame.bytes.end(),
            qPrintable(QStringLiteral("step %1: byte %2 is %3 with bands, %4 on one thread")
                           .arg(step)
                           .arg(mismatch.first - frame.bytes.begin())
                           .arg(mismatch.first == frame.bytes.end() ? 0 : int(*mismatch.first))
                           .arg(mismatch.first == frame.bytes.end() ? 0 : int(*mismatch.second))));
        // Each byte is its own sample's display value: a band writing at the wrong offset would show here.
        for (std::size_t index = 0; index < frame.bytes.size(); index += 997)
            QCOMPARE(int(frame.bytes[index]), int(one.displayValue(sample(index))));
        const std::size_t last = frame.bytes.size() - 1;
        QCOMPARE(int(frame.bytes[last]), int(one.displayValue(sample(last))));
    }
    if (!image.isColor()) {
        // Padding is black under MONOCHROME1 in every band, and the image's inversion is in effect.
        QCOMPARE(int(banded.displayValue(12)), 0);
        QVERIFY(banded.effectiveInversion());
    }
}

QTEST_GUILESS_MAIN(DisplayPipelineTest)
#include "DisplayPipelineTest.moc"
