// Writing a phantom dataset: files, DICOM attributes, manifest, and independence from the number of threads.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "tests/TestFiles.h"
#include "training/DatasetManifest.h"
#include "training/PhantomGenerator.h"
#include "training/PhantomImageWriter.h"
#include "training/SynthesisJob.h"

using namespace lrclr;

namespace {

std::string dicomString(DcmDataset* data, const DcmTagKey& tag)
{
    OFString value;
    return data->findAndGetOFStringArray(tag, value).good() ? std::string(value.c_str()) : std::string("<missing>");
}

SynthesisJob::Options options(const QString& folder, SynthesisJob::Format format, int threads)
{
    SynthesisJob::Options result;
    result.count = 5;
    result.seed = 77;
    result.outputDirectory = folder.toStdString();
    result.format = format;
    result.generator.size = 160;
    result.threads = threads;
    return result;
}

} // namespace

class SynthesisJobTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesDicomDataset();
    void writesPngDataset();
    void outputIndependentOfThreads();
    void cancelStopsEarly();
    void uidsAreDeterministicAndValid();
};

void SynthesisJobTest::writesDicomDataset()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    // Progress comes from worker threads, one call at a time: record, check on this thread.
    int lastDone = 0;
    bool monotonic = true;
    const auto summary
        = SynthesisJob(options(folder.path(), SynthesisJob::Format::Dicom, 2)).run([&](int done, int total) {
              monotonic = monotonic && done == lastDone + 1 && total == 5;
              lastDone = done;
          });
    QCOMPARE(summary.generated, 5);
    QCOMPARE(lastDone, 5);
    QVERIFY(monotonic);
    const DatasetManifest manifest = DatasetManifest::load(summary.manifestPath);
    QCOMPARE(manifest.entries().size(), std::size_t(5));
    const PhantomGenerator generator(options(folder.path(), SynthesisJob::Format::Dicom, 1).generator);
    for (int index = 0; index < 5; ++index) {
        const ManifestEntry& entry = manifest.entries()[static_cast<std::size_t>(index)];
        const PhantomCase expected = generator.generate(77, index);
        QCOMPARE(entry.image, "images/" + SynthesisJob::baseName(index) + ".dcm");
        QCOMPARE(manifest.reportText(entry), expected.report);
        QVERIFY(entry.labels == expected.labels);
        QCOMPARE(entry.sentences.size(), expected.sentences.size());
        QCOMPARE(entry.width, 160);

        DcmFileFormat file;
        QVERIFY(file.loadFile(manifest.resolve(entry.image).c_str()).good());
        DcmDataset* data = file.getDataset();
        QCOMPARE(dicomString(data, DCM_SOPClassUID), std::string(UID_ComputedRadiographyImageStorage));
        QCOMPARE(dicomString(data, DCM_Modality), std::string("CR"));
        QCOMPARE(dicomString(data, DCM_PhotometricInterpretation), std::string("MONOCHROME2"));
        QCOMPARE(dicomString(data, DCM_ViewPosition), std::string("PA"));
        QCOMPARE(dicomString(data, DCM_BitsStored), std::string("12"));
        QVERIFY(dicomString(data, DCM_PatientName).find("PHANTOM") != std::string::npos);
        QVERIFY(dicomString(data, DCM_StudyDescription).find("NOT A PATIENT") != std::string::npos);
        const std::string spacing = dicomString(data, DCM_PixelSpacing);
        QCOMPARE(spacing, dicomString(data, DCM_ImagerPixelSpacing));
        QVERIFY2(std::abs(std::stod(spacing) - 430.0 / 160) < 1e-4, spacing.c_str());
        QVERIFY(std::stod(dicomString(data, DCM_WindowWidth)) > 0);
        const Uint16* pixels = nullptr;
        unsigned long count = 0;
        QVERIFY(data->findAndGetUint16Array(DCM_PixelData, pixels, &count).good());
        QCOMPARE(count, 160ul * 160ul);
        QVERIFY(std::equal(pixels, pixels + count, expected.pixels.begin()));

        // The ground truth file carries the same boxes.
        const auto truth = QJsonDocument::fromJson(QByteArray::fromStdString(test::readFile(
            folder.filePath(QString::fromStdString("ground-truth/" + SynthesisJob::baseName(index) + ".json"))
                .toStdString())));
        QCOMPARE(truth.object().value("findings").toArray().size(), static_cast<qsizetype>(expected.findings.size()));
        QCOMPARE(truth.object().value("report").toString().toStdString(), expected.report);
    }
}

void SynthesisJobTest::writesPngDataset()
{
    QTemporaryDir folder;
    const auto summary = SynthesisJob(options(folder.path(), SynthesisJob::Format::Png, 1)).run();
    const DatasetManifest manifest = DatasetManifest::load(summary.manifestPath);
    const PhantomCase expected
        = PhantomGenerator(options(folder.path(), SynthesisJob::Format::Png, 1).generator).generate(77, 2);
    const QImage image(QString::fromStdString(manifest.resolve(manifest.entries()[2].image)));
    QCOMPARE(image.format(), QImage::Format_Grayscale16);
    QCOMPARE(image.width(), 160);
    // 12 stored bits scaled to 16: v << 4 | v >> 8.
    for (int y : { 0, 80, 159 }) {
        const auto* line = reinterpret_cast<const quint16*>(image.constScanLine(y));
        for (int x : { 0, 40, 80, 120 }) {
            const unsigned stored = expected.pixels[static_cast<std::size_t>(y) * 160 + x];
            QCOMPARE(static_cast<unsigned>(line[x]), (stored << 4) | (stored >> 8));
        }
    }
    // Splits are drawn per (seed, index): only train/validate/test occur.
    for (const auto& entry : manifest.entries())
        QVERIFY(entry.split == "train" || entry.split == "validate" || entry.split == "test");
}

void SynthesisJobTest::outputIndependentOfThreads()
{
    QTemporaryDir one;
    QTemporaryDir two;
    SynthesisJob(options(one.path(), SynthesisJob::Format::Dicom, 1)).run();
    SynthesisJob(options(two.path(), SynthesisJob::Format::Dicom, 3)).run();
    for (const char* name : { "manifest.jsonl", "images/phantom-000003.dcm", "reports/phantom-000004.txt",
             "ground-truth/phantom-000001.json" }) {
        const std::string a = test::readFile(one.filePath(name).toStdString());
        QVERIFY2(!a.empty(), name);
        QVERIFY2(a == test::readFile(two.filePath(name).toStdString()), name);
    }
}

void SynthesisJobTest::cancelStopsEarly()
{
    QTemporaryDir folder;
    auto jobOptions = options(folder.path(), SynthesisJob::Format::Png, 1);
    jobOptions.count = 50;
    std::atomic<bool> cancel { false };
    const auto summary = SynthesisJob(jobOptions)
                             .run(
                                 [&cancel](int done, int) {
                                     if (done >= 2)
                                         cancel = true;
                                 },
                                 &cancel);
    QVERIFY(summary.cancelled);
    QVERIFY2(summary.generated < 50, qPrintable(QString::number(summary.generated)));
    QCOMPARE(DatasetManifest::load(summary.manifestPath).entries().size(), static_cast<std::size_t>(summary.generated));
}

void SynthesisJobTest::uidsAreDeterministicAndValid()
{
    const std::string uid = PhantomImageWriter::uid(1, 2, "study");
    QCOMPARE(uid, PhantomImageWriter::uid(1, 2, "study"));
    QVERIFY(uid != PhantomImageWriter::uid(1, 2, "series"));
    QVERIFY(uid != PhantomImageWriter::uid(1, 3, "study"));
    QVERIFY(uid.rfind("2.25.", 0) == 0);
    QVERIFY2(uid.size() <= 64, uid.c_str());
    // A 2.25 UID is a decimal integer without leading zeros.
    QVERIFY(uid[5] != '0');
    QVERIFY(uid.find_first_not_of("0123456789", 5) == std::string::npos);
}

QTEST_GUILESS_MAIN(SynthesisJobTest)
#include "SynthesisJobTest.moc"
