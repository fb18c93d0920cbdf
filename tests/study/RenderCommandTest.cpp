// `lrclr render` end to end: runs the built executable on generated files and checks the pixels it wrote.
#include <cmath>

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/study/TestDicomFiles.h"

using namespace lrclr::test;

namespace {

struct Run {
    int exitCode = -1;
    QString standardError;
    QByteArray standardOutput;
};

Run render(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(LRCLR_CLI_PATH), QStringList { "render" } + arguments);
    Run run;
    if (!process.waitForFinished(120000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.standardError = QString::fromUtf8(process.readAllStandardError());
    run.standardOutput = process.readAllStandardOutput();
    return run;
}

int expectedLinear(double x, double c, double w)
{
    if (x <= c - 0.5 - (w - 1) / 2)
        return 0;
    if (x > c - 0.5 + (w - 1) / 2)
        return 255;
    return static_cast<int>(std::floor(((x - (c - 0.5)) / (w - 1) + 0.5) * 255));
}

} // namespace

class RenderCommandTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void windowAndFrame_data();
    void windowAndFrame();
    void refusals_data();
    void refusals();

private:
    QTemporaryDir m_directory;
    QString m_multiFrame;
    SyntheticImage m_source;
};

void RenderCommandTest::initTestCase()
{
    QVERIFY(m_directory.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(LRCLR_CLI_PATH)), LRCLR_CLI_PATH);
    m_source.rows = 32;
    m_source.columns = 24;
    m_source.frames = 2;
    m_source.samples = patternSamples(m_source);
    m_source.attributes = { { 0x0028, 0x1050, "1500" }, { 0x0028, 0x1051, "1000" } };
    m_multiFrame = m_directory.filePath("two-frames.dcm");
    QCOMPARE(QString::fromStdString(writeSyntheticDicom(m_source, TestSyntax::JpegLs, m_multiFrame.toStdString())),
        QString());
}

void RenderCommandTest::windowAndFrame_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("output");
    QTest::addColumn<int>("frame");
    QTest::addColumn<double>("center");
    QTest::addColumn<double>("width");
    QTest::newRow("default-window-png") << QStringList {} << "default.png" << 1 << 1500.0 << 1000.0;
    QTest::newRow("second-frame") << QStringList { "--frame", "2", "--window=1000,4000" } << "frame2.pgm" << 2 << 1000.0
                                  << 4000.0;
}

void RenderCommandTest::windowAndFrame()
{
    QFETCH(QStringList, options);
    QFETCH(QString, output);
    QFETCH(int, frame);
    QFETCH(double, center);
    QFETCH(double, width);
    const QString out = m_directory.filePath(output);
    const Run run = render(QStringList { m_multiFrame, "--out", out } + options);
    QVERIFY2(run.exitCode == 0, qPrintable(run.standardError));
    QVERIFY(run.standardOutput.isEmpty());
    QImage image(out);
    QVERIFY2(!image.isNull(), qPrintable(out));
    QCOMPARE(image.width(), m_source.columns);
    QCOMPARE(image.height(), m_source.rows);
    image = image.convertToFormat(QImage::Format_Grayscale8);
    const std::size_t perFrame = static_cast<std::size_t>(m_source.rows) * m_source.columns;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const int stored = m_source.samples[perFrame * static_cast<std::size_t>(frame - 1)
                + static_cast<std::size_t>(y) * m_source.columns + x];
            QCOMPARE(int(image.constScanLine(y)[x]), expectedLinear(stored, center, width));
        }
}

void RenderCommandTest::refusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad-window") << QStringList { "x.dcm", "--out", "y.png", "--window", "10" } << 2 << "CENTER,WIDTH";
    QTest::newRow("frame-out-of-range") << QStringList { "@multi", "--out", "@dir/z.png", "--frame", "3" } << 1
                                        << "frame 3 was requested but the image has 2";
}

// Each row starts the CLI, which loads LibTorch (about half a second of CPU): keep the rows few.
void RenderCommandTest::refusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    for (QString& argument : arguments)
        argument.replace("@multi", m_multiFrame).replace("@dir", m_directory.path());
    const Run run = render(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.standardError.contains(message), qPrintable(run.standardError));
}

QTEST_GUILESS_MAIN(RenderCommandTest)
#include "RenderCommandTest.moc"
