// Indexing folders into patient -> study -> series -> instance: header-only reads, reports beside images, unreadable
// files listed with reasons, and the threaded facade's progress, cancel and superseding. All files are generated here
// with DCMTK. DICOMDIRs: StudyIndexDicomdirTest.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <memory>

#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "core/study/DicomdirReader.h"
#include "core/study/StudyIndex.h"
#include "core/study/StudyIndexHeaderReader.h"
#include "core/study/StudyIndexRasterProbe.h"
#include "core/study/StudyIndexScanner.h"
#include "core/study/StudyIndexer.h"
#include "tests/study/StudyIndexTestFiles.h"

using namespace lrclr;
using namespace lrclr::test;

namespace {

const char* const phiMarker = "ZQXPHIMARKER";

bool writeSr(const QString& path, const QString& studyUid)
{
    DSRDocument document(DSRTypes::DT_BasicTextSR);
    document.setPatientID("PID-1");
    document.setPatientName("Doe^Jane");
    document.createNewSeriesInStudy(studyUid.toLatin1().constData());
    document.setSeriesNumber("3");
    DSRDocumentTree& tree = document.getTree();
    if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
        return false;
    tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("18748-4", "LN", "Report"));
    if (tree.addChildContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121073", "DCM", "Impression"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("No acute disease.");
    DcmFileFormat file;
    return document.write(*file.getDataset()).good()
        && file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit).good();
}

const StudyIndexStudy* findStudy(const StudyIndex& index, const QString& uid)
{
    for (const StudyIndexStudy* study : index.studies()) {
        if (study->studyInstanceUid == uid)
            return study;
    }
    return nullptr;
}

qint64 bytesReadByProcess()
{
    QFile io(QStringLiteral("/proc/self/io"));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : io.readAll().split('\n')) {
        if (line.startsWith("rchar:"))
            return line.mid(6).trimmed().toLongLong();
    }
    return -1;
}

/// A raster probe that records the thread it runs on and can hold the scan at one file until released.
class ControlledProbe : public StudyIndexRasterProbe {
public:
    bool probe(const QString&, Info& info, QString*) const override
    {
        const int call = ++calls;
        thread = QThread::currentThread();
        if (call == holdAtCall) {
            reached.release();
            gate.acquire();
        }
        info.rows = 4;
        info.columns = 5;
        info.format = QStringLiteral("png");
        return true;
    }

    mutable std::atomic_int calls { 0 };
    mutable std::atomic<QThread*> thread { nullptr };
    int holdAtCall = -1;
    mutable QSemaphore reached;
    mutable QSemaphore gate;
};

} // namespace

class StudyIndexerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void buildsTreeFromFolder();
    void readsTransferSyntaxesAndFrames_data();
    void readsTransferSyntaxesAndFrames();
    void listsUnreadableFilesWithReasons();
    void readsHeadersOnly();
    void refusesDeepNestingWithoutOverflow();
    void survivesSymlinkLoop();
    void listsDuplicateInstancesOnce();
    void skipsFifosWithoutBlocking();
    void neighbourScopeStaysInTheFolder();
    void phantomLayoutReportsAreAttached();
    void quitWhileAReadIsStuckReturnsWithinASecond();
    void facadeRunsOnWorkerWithProgress();
    void cancelLandsBetweenFiles();
    void newStartSupersedesRunningScan();
    void failsForMissingPath();
    void logsNoPhi();

private:
    QTemporaryDir m_dir;
    QString m_folder;
};

void StudyIndexerTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_folder = m_dir.filePath(QStringLiteral("archive"));
    // Patient 1: study A with a PA and a lateral series (two instances in the PA series), plus a text sidecar and an
    // SR. Patient 2: study B (multi-frame), in a nested folder.
    DicomSpec pa;
    pa.path = m_folder + QStringLiteral("/p1/a/pa1.dcm");
    pa.sopUid = QStringLiteral("1.2.3.100.1");
    QVERIFY(writeDicom(pa));
    pa.path = m_folder + QStringLiteral("/p1/a/pa2.dcm");
    pa.sopUid = QStringLiteral("1.2.3.100.2");
    pa.instanceNumber = 2;
    pa.transferSyntax = EXS_LittleEndianImplicit;
    QVERIFY(writeDicom(pa));
    QVERIFY(writeBytes(m_folder + QStringLiteral("/p1/a/pa1.txt"), "FINDINGS: Clear lungs.\n"));

    DicomSpec lateral = pa;
    lateral.path = m_folder + QStringLiteral("/p1/a/lat.dcm");
    lateral.seriesUid = QStringLiteral("1.2.826.0.1.3680043.2.1125.1.2");
    lateral.seriesNumber = 2;
    lateral.sopUid = QStringLiteral("1.2.3.100.3");
    lateral.viewPosition = QStringLiteral("LL");
    lateral.rows = 10;
    lateral.columns = 12;
    lateral.transferSyntax = EXS_BigEndianExplicit;
    QVERIFY(writeDicom(lateral));
    QVERIFY(writeSr(m_folder + QStringLiteral("/p1/a/report.dcm"), pa.studyUid));

    DicomSpec other;
    other.path = m_folder + QStringLiteral("/deep/er/still/b.dcm");
    other.patientId = QStringLiteral("PID-2");
    other.patientName = QString::fromUtf8("Müller^Jürgen");
    other.studyUid = QStringLiteral("1.2.826.0.1.3680043.2.1125.2");
    other.seriesUid = QStringLiteral("1.2.826.0.1.3680043.2.1125.2.1");
    other.sopUid = QStringLiteral("1.2.3.200.1");
    other.studyDate = QStringLiteral("20200102");
    other.frames = 3;
    other.transferSyntax = EXS_DeflatedLittleEndianExplicit;
    QVERIFY(writeDicom(other));
    // Without a preamble and without a .dcm name, a file is not taken for DICOM.
    QVERIFY(writeBytes(m_folder + QStringLiteral("/notes/README"), "hello"));
    QVERIFY(writeBytes(m_folder + QStringLiteral("/notes/orphan.txt"), "Clear."));
}

void StudyIndexerTest::buildsTreeFromFolder()
{
    const auto index = StudyIndexScanner().scan(m_folder);
    QVERIFY(index);
    QCOMPARE(index->patientCount(), 2);
    QCOMPARE(index->studyCount(), 2);
    QCOMPARE(index->seriesCount(), 4); // PA, lateral, SR, patient 2
    QCOMPARE(index->instanceCount(), 5);
    QVERIFY(!index->isCancelled());

    // Sorted by patient name: "Doe^Jane" before "Müller^Jürgen".
    const StudyIndexPatient& first = index->patients()[0];
    QCOMPARE(first.patientName, QStringLiteral("Doe^Jane"));
    QCOMPARE(first.patientId, QStringLiteral("PID-1"));
    QCOMPARE(first.birthDate, QDate(1950, 1, 1));
    QCOMPARE(first.sex, QStringLiteral("F"));
    QCOMPARE(index->patients()[1].patientName, QString::fromUtf8("Müller^Jürgen")); // ISO_IR 192 decoded

    const StudyIndexStudy* study = findStudy(*index, QStringLiteral("1.2.826.0.1.3680043.2.1125.1"));
    QVERIFY(study);
    QCOMPARE(study->date, QDate(2019, 3, 14));
    QCOMPARE(study->time, QTime(10, 15, 2));
    QCOMPARE(study->accessionNumber, QStringLiteral("ACC1"));
    QCOMPARE(study->description, QStringLiteral("Chest PA"));
    QCOMPARE(study->series.size(), 3);
    const StudyIndexSeries& paSeries = study->series[0];
    QCOMPARE(paSeries.seriesNumber, 1);
    QCOMPARE(paSeries.modality, QStringLiteral("DX"));
    QCOMPARE(paSeries.instances.size(), 2);
    QCOMPARE(paSeries.instances[0].sopInstanceUid, QStringLiteral("1.2.3.100.1"));
    QCOMPARE(paSeries.instances[1].instanceNumber, 2);
    QCOMPARE(paSeries.instances[0].viewPosition, QStringLiteral("PA"));
    QCOMPARE(paSeries.instances[0].rows, 8);
    QCOMPARE(paSeries.instances[0].columns, 6);
    QCOMPARE(paSeries.instances[0].kind, StudyIndexInstance::Kind::DicomImage);
    QCOMPARE(paSeries.instances[0].filePath, QFileInfo(m_folder + QStringLiteral("/p1/a/pa1.dcm")).absoluteFilePath());
    const StudyIndexSeries& lateral = study->series[1];
    QCOMPARE(lateral.instances[0].viewPosition, QStringLiteral("LL"));
    QCOMPARE(lateral.instances[0].rows, 10);
    QCOMPARE(lateral.instances[0].columns, 12);
    QCOMPARE(study->series[2].instances[0].kind, StudyIndexInstance::Kind::DicomSr);

    // Reports: the sidecar of pa1.dcm and the SR.
    QStringList reports = study->reportPaths;
    QCOMPARE(reports.size(), 2);
    QVERIFY2(reports.contains(QFileInfo(m_folder + QStringLiteral("/p1/a/pa1.txt")).absoluteFilePath()),
        qPrintable(reports.join(u',')));
    QVERIFY(reports.contains(QFileInfo(m_folder + QStringLiteral("/p1/a/report.dcm")).absoluteFilePath()));

    // Files that are not indexed are listed, not dropped.
    const StudyIndexProblem* readme = findProblem(*index, QStringLiteral("/notes/README"));
    QVERIFY2(readme, qPrintable(describeProblems(*index)));
    QCOMPARE(readme->kind, StudyIndexProblem::Kind::Ignored);
    const StudyIndexProblem* orphan = findProblem(*index, QStringLiteral("/notes/orphan.txt"));
    QVERIFY(orphan);
    QVERIFY2(orphan->reason.contains(QStringLiteral("beside no image")), qPrintable(orphan->reason));
    QCOMPARE(index->problems().size(), 2);

    // A second scan gives the same tree (sorted, independent of directory order).
    const auto again = StudyIndexScanner().scan(m_folder);
    QCOMPARE(again->patients()[1].studies[0].series[0].instances[0].filePath,
        index->patients()[1].studies[0].series[0].instances[0].filePath);
}

void StudyIndexerTest::readsTransferSyntaxesAndFrames_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("transferSyntax");
    QTest::addColumn<int>("frames");
    QTest::newRow("explicit-little") << "p1/a/pa1.dcm" << QString::fromLatin1(UID_LittleEndianExplicitTransferSyntax)
                                     << 1;
    QTest::newRow("implicit-little") << "p1/a/pa2.dcm" << QString::fromLatin1(UID_LittleEndianImplicitTransferSyntax)
                                     << 1;
    QTest::newRow("explicit-big") << "p1/a/lat.dcm" << QString::fromLatin1(UID_BigEndianExplicitTransferSyntax) << 1;
    QTest::newRow("deflated-multiframe") << "deep/er/still/b.dcm"
                                         << QString::fromLatin1(UID_DeflatedExplicitVRLittleEndianTransferSyntax) << 3;
}

void StudyIndexerTest::readsTransferSyntaxesAndFrames()
{
    QFETCH(QString, file);
    QFETCH(QString, transferSyntax);
    QFETCH(int, frames);
    QString error;
    const auto record = StudyIndexHeaderReader::read(m_folder + u'/' + file, &error);
    QVERIFY2(record, qPrintable(error));
    QCOMPARE(record->instance.transferSyntaxUid, transferSyntax);
    QVERIFY(!record->instance.transferSyntaxName.isEmpty());
    QCOMPARE(record->instance.frameCount, frames);
    QCOMPARE(record->instance.sopClassUid, QString::fromLatin1(UID_DigitalXRayImageStorageForPresentation));
}

void StudyIndexerTest::listsUnreadableFilesWithReasons()
{
    const QString folder = m_dir.filePath(QStringLiteral("broken"));
    DicomSpec good;
    good.path = folder + QStringLiteral("/good.dcm");
    good.sopUid = QStringLiteral("1.2.3.300.1");
    QVERIFY(writeDicom(good));
    QFile source(good.path);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    // Truncated inside the header: the pre-scan refuses it; the message names the file.
    QVERIFY(writeBytes(folder + QStringLiteral("/truncated.dcm"), bytes.left(200)));
    QVERIFY(writeBytes(folder + QStringLiteral("/garbage.dcm"), QByteArray(64, '\xFF')));
    QVERIFY(writeBytes(folder + QStringLiteral("/empty.dcm"), QByteArray()));
    // An element claiming 1 GiB with 10 bytes present, after a valid preamble and meta header.
    QByteArray hostile = QByteArray(128, '\0') + "DICM";
    hostile += QByteArray("\x02\x00\x10\x00UI\x14\x00", 8) + QByteArray("1.2.840.10008.1.2.1\0", 20);
    hostile += QByteArray("\x10\x00\x20\x00UT\x00\x00\x00\x00\x00\x40", 12) + QByteArray(10, 'x');
    QVERIFY(writeBytes(folder + QStringLiteral("/hostile.dcm"), hostile));

    const auto index = StudyIndexScanner().scan(folder);
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1);
    for (const QString& name : { QStringLiteral("truncated.dcm"), QStringLiteral("garbage.dcm"),
             QStringLiteral("empty.dcm"), QStringLiteral("hostile.dcm") }) {
        const StudyIndexProblem* problem = findProblem(*index, u'/' + name);
        QVERIFY2(problem, qPrintable(name + QStringLiteral(" not listed:\n") + describeProblems(*index)));
        QCOMPARE(problem->kind, StudyIndexProblem::Kind::Unreadable);
        QVERIFY2(
            problem->reason.contains(name) && problem->reason.size() > name.size() + 10, qPrintable(problem->reason));
    }
}

void StudyIndexerTest::readsHeadersOnly()
{
    // 2048 x 2048 x 16 bit = 8 MiB of pixel data; reading the header must read a small fraction of it.
    DicomSpec big;
    big.path = m_dir.filePath(QStringLiteral("big/big.dcm"));
    big.sopUid = QStringLiteral("1.2.3.400.1");
    big.rows = 2048;
    big.columns = 2048;
    QVERIFY(writeDicom(big));
    const qint64 before = bytesReadByProcess();
    QVERIFY2(before >= 0, "/proc/self/io must be readable");
    QString error;
    const auto record = StudyIndexHeaderReader::read(big.path, &error);
    const qint64 read = bytesReadByProcess() - before;
    QVERIFY2(record, qPrintable(error));
    QCOMPARE(record->instance.rows, 2048);
    QVERIFY2(read < 1024 * 1024, qPrintable(QStringLiteral("read %1 bytes for a header").arg(read)));
}

void StudyIndexerTest::refusesDeepNestingWithoutOverflow()
{
    // 10,000 nested sequences (Debian's dcmdump overflows its stack near 6,000): refused by the pre-scan.
    QByteArray file = QByteArray(128, '\0') + "DICM";
    file += QByteArray("\x02\x00\x10\x00UI\x14\x00", 8) + QByteArray("1.2.840.10008.1.2.1\0", 20);
    const QByteArray sequence("\x08\x00\x40\x11SQ\x00\x00\xFF\xFF\xFF\xFF", 12); // (0008,1140), undefined length
    const QByteArray item("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8);
    const QByteArray itemEnd("\xFE\xFF\x0D\xE0\x00\x00\x00\x00", 8);
    const QByteArray sequenceEnd("\xFE\xFF\xDD\xE0\x00\x00\x00\x00", 8);
    constexpr int depth = 10000;
    for (int i = 0; i < depth; ++i)
        file += sequence + item;
    for (int i = 0; i < depth; ++i)
        file += itemEnd + sequenceEnd;
    const QString path = m_dir.filePath(QStringLiteral("nested/deep.dcm"));
    QVERIFY(writeBytes(path, file));
    QString error;
    QVERIFY(!StudyIndexHeaderReader::read(path, &error));
    QVERIFY2(error.startsWith(path) && error.contains(QStringLiteral("nest"), Qt::CaseInsensitive), qPrintable(error));
    const auto index = StudyIndexScanner().scan(QFileInfo(path).absolutePath());
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 0);
    QCOMPARE(index->problems().size(), 1);
}

void StudyIndexerTest::survivesSymlinkLoop()
{
    const QString folder = m_dir.filePath(QStringLiteral("loop"));
    DicomSpec spec;
    spec.path = folder + QStringLiteral("/inner/x.dcm");
    spec.sopUid = QStringLiteral("1.2.3.500.1");
    QVERIFY(writeDicom(spec));
    QVERIFY(QFile::link(folder, folder + QStringLiteral("/inner/back-to-top")));
    const auto index = StudyIndexScanner().scan(folder);
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1);
}

void StudyIndexerTest::skipsFifosWithoutBlocking()
{
    // Opening a FIFO for reading blocks until a writer appears: the scan must not even try.
    const QString folder = m_dir.filePath(QStringLiteral("fifo"));
    QVERIFY(QDir().mkpath(folder));
    const QString fifo = folder + QStringLiteral("/pipe.dcm");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const auto index = StudyIndexScanner().scan(folder);
    QVERIFY(index);
    QCOMPARE(index->problems().size(), 1);
    QCOMPARE(index->problems()[0].filePath, QFileInfo(fifo).absoluteFilePath());
    QVERIFY2(index->problems()[0].reason.contains(QStringLiteral("not a regular file")),
        qPrintable(index->problems()[0].reason));
    QString error;
    QVERIFY(!StudyIndexScanner().scan(fifo, {}, {}, &error));
    QVERIFY2(error.contains(fifo), qPrintable(error));
    QVERIFY(!StudyIndexHeaderReader::read(fifo, &error));
    QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
    QVERIFY(!DicomdirReader::read(fifo, &error));
}

void StudyIndexerTest::neighbourScopeStaysInTheFolder()
{
    // Opening /tmp/x.png must not index all of /tmp: the neighbours are this folder's files only, and a bounded
    // number of them.
    const QString folder = m_dir.filePath(QStringLiteral("neighbours"));
    for (int i = 0; i < 4; ++i)
        QVERIFY(writeBytes(folder + QStringLiteral("/img%1.png").arg(i), "png"));
    QVERIFY(writeBytes(folder + QStringLiteral("/deeper/nested.png"), "png"));
    auto probe = std::make_shared<ControlledProbe>();
    const StudyIndexScanner scanner(probe);
    const auto all = scanner.scan(folder);
    QVERIFY(all);
    QCOMPARE(all->instanceCount(), 5);
    const auto neighbours = scanner.scan(folder, StudyIndexScanner::FolderScope::neighbours(), {}, {}, nullptr);
    QVERIFY(neighbours);
    QCOMPARE(neighbours->instanceCount(), 4);
    const auto bounded = scanner.scan(folder, { false, 2 }, {}, {}, nullptr);
    QVERIFY(bounded);
    QCOMPARE(bounded->instanceCount(), 2);
    QVERIFY(std::any_of(bounded->problems().begin(), bounded->problems().end(),
        [](const StudyIndexProblem& problem) { return problem.reason.contains(QStringLiteral("more than 2 files")); }));
}

void StudyIndexerTest::phantomLayoutReportsAreAttached()
{
    // images/<stem>.png beside reports/<stem>.txt (what lrclr synth writes): the report belongs to the image's study
    // and is not listed as a file that was not indexed.
    const QString folder = m_dir.filePath(QStringLiteral("phantom-layout"));
    QVERIFY(writeBytes(folder + QStringLiteral("/images/case1.png"), "png"));
    QVERIFY(writeBytes(folder + QStringLiteral("/reports/case1.txt"), "FINDINGS: Clear lungs."));
    const auto index = StudyIndexScanner(std::make_shared<ControlledProbe>()).scan(folder);
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1);
    QVERIFY2(index->problems().isEmpty(),
        qPrintable(index->problems().isEmpty() ? QString() : index->problems().first().reason));
    const auto& study = index->patients().first().studies.first();
    QCOMPARE(
        study.reportPaths, QStringList { QFileInfo(folder + QStringLiteral("/reports/case1.txt")).absoluteFilePath() });
}

void StudyIndexerTest::quitWhileAReadIsStuckReturnsWithinASecond()
{
    // A folder holding a FIFO (skipped) and an image whose read never returns, like a special file under /proc or a
    // hung network mount: destroying the indexer (what quitting the viewer does) must not wait for that read.
    const QString folder = m_dir.filePath(QStringLiteral("stuck"));
    QVERIFY(QDir().mkpath(folder));
    QCOMPARE(::mkfifo(QFile::encodeName(folder + QStringLiteral("/pipe.png")).constData(), 0600), 0);
    QVERIFY(writeBytes(folder + QStringLiteral("/stuck.png"), "never read to the end"));
    auto probe = std::make_shared<ControlledProbe>();
    probe->holdAtCall = 1;
    QElapsedTimer timer;
    {
        auto indexer = std::make_unique<StudyIndexer>(probe);
        indexer->start(folder);
        QVERIFY(probe->reached.tryAcquire(1, 10000)); // the worker is now inside the read
        timer.start();
        indexer.reset();
    }
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("destroying the indexer took %1 ms").arg(elapsed)));
    // Let the read return: the abandoned worker finishes its cancelled scan, its thread ends and deletes it (the
    // worker's reference to the probe goes with it).
    probe->gate.release();
    QTRY_VERIFY_WITH_TIMEOUT(probe.use_count() == 1, 5000);
    QCOMPARE(probe->calls.load(), 1);
}

void StudyIndexerTest::listsDuplicateInstancesOnce()
{
    const QString folder = m_dir.filePath(QStringLiteral("duplicates"));
    DicomSpec spec;
    spec.path = folder + QStringLiteral("/a/one.dcm");
    spec.sopUid = QStringLiteral("1.2.3.800.1");
    QVERIFY(writeDicom(spec));
    QVERIFY(QFile::copy(spec.path, folder + QStringLiteral("/b/copy.dcm"))
        || (QDir().mkpath(folder + QStringLiteral("/b"))
            && QFile::copy(spec.path, folder + QStringLiteral("/b/copy.dcm"))));
    const auto index = StudyIndexScanner().scan(folder);
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1);
    QCOMPARE(index->problems().size(), 1);
    QVERIFY(index->problems()[0].filePath.endsWith(QStringLiteral("/b/copy.dcm")));
    QVERIFY2(
        index->problems()[0].reason.contains(QStringLiteral("/a/one.dcm")), qPrintable(index->problems()[0].reason));
}

void StudyIndexerTest::facadeRunsOnWorkerWithProgress()
{
    const QString folder = m_dir.filePath(QStringLiteral("raster-progress"));
    for (int i = 0; i < 5; ++i)
        QVERIFY(writeBytes(folder + QStringLiteral("/img%1.png").arg(i), "not decoded by the fake probe"));
    auto probe = std::make_shared<ControlledProbe>();
    StudyIndexer indexer(probe);
    QSignalSpy progress(&indexer, &StudyIndexer::progress);
    QSignalSpy finished(&indexer, &StudyIndexer::finished);
    QSignalSpy failed(&indexer, &StudyIndexer::failed);
    indexer.start(folder);
    QVERIFY(indexer.isRunning());
    QVERIFY(finished.wait(10000));
    QVERIFY(!indexer.isRunning());
    QCOMPARE(failed.size(), 0);
    QVERIFY(probe->thread.load() != nullptr && probe->thread.load() != QThread::currentThread());
    // Throttled to ~30 Hz, but always the start and the end, in order.
    QVERIFY(progress.size() >= 2 && progress.size() <= 6);
    QCOMPARE(progress.first()[0].toInt(), 0);
    QCOMPARE(progress.last()[0].toInt(), 5);
    for (int i = 0; i < progress.size(); ++i) {
        QCOMPARE(progress[i][1].toInt(), 5);
        if (i > 0)
            QVERIFY(progress[i][0].toInt() > progress[i - 1][0].toInt());
    }
    const auto index = finished[0][0].value<StudyIndex>();
    QCOMPARE(index.instanceCount(), 5);
    QCOMPARE(index.studyCount(), 5); // raster files outside a MIMIC layout are one study each
    QCOMPARE(index.patients()[0].studies[0].series[0].instances[0].rows, 4);
    QCOMPARE(index.patients()[0].studies[0].series[0].instances[0].kind, StudyIndexInstance::Kind::Raster);
}

void StudyIndexerTest::cancelLandsBetweenFiles()
{
    const QString folder = m_dir.filePath(QStringLiteral("raster-cancel"));
    for (int i = 0; i < 10; ++i)
        QVERIFY(writeBytes(folder + QStringLiteral("/img%1.png").arg(i), "x"));
    auto probe = std::make_shared<ControlledProbe>();
    probe->holdAtCall = 3;
    StudyIndexer indexer(probe);
    QSignalSpy finished(&indexer, &StudyIndexer::finished);
    indexer.start(folder);
    QVERIFY(probe->reached.tryAcquire(1, 10000)); // the worker is inside file 3
    indexer.cancel();
    probe->gate.release();
    QVERIFY(finished.wait(10000));
    const auto index = finished[0][0].value<StudyIndex>();
    QVERIFY(index.isCancelled());
    QCOMPARE(index.instanceCount(), 3); // file 3 completes; cancel lands before file 4
    QCOMPARE(probe->calls.load(), 3);
}

void StudyIndexerTest::newStartSupersedesRunningScan()
{
    const QString first = m_dir.filePath(QStringLiteral("raster-first"));
    const QString second = m_dir.filePath(QStringLiteral("raster-second"));
    for (int i = 0; i < 6; ++i)
        QVERIFY(writeBytes(first + QStringLiteral("/a%1.png").arg(i), "x"));
    QVERIFY(writeBytes(second + QStringLiteral("/b.png"), "x"));
    auto probe = std::make_shared<ControlledProbe>();
    probe->holdAtCall = 1;
    StudyIndexer indexer(probe);
    QSignalSpy finished(&indexer, &StudyIndexer::finished);
    indexer.start(first);
    QVERIFY(probe->reached.tryAcquire(1, 10000));
    indexer.start(second);
    probe->gate.release();
    QVERIFY(finished.wait(10000));
    QTest::qWait(50); // a stale result would arrive right after
    QCOMPARE(finished.size(), 1);
    const auto index = finished[0][0].value<StudyIndex>();
    QCOMPARE(index.rootPath(), QFileInfo(second).absoluteFilePath());
    QCOMPARE(index.instanceCount(), 1);
}

void StudyIndexerTest::failsForMissingPath()
{
    StudyIndexer indexer;
    QSignalSpy failed(&indexer, &StudyIndexer::failed);
    const QString missing = m_dir.filePath(QStringLiteral("does-not-exist"));
    indexer.start(missing);
    QVERIFY(failed.wait(10000));
    QVERIFY2(failed[0][0].toString().contains(missing), qPrintable(failed[0][0].toString()));
}

namespace {
QStringList capturedMessages;
void captureMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    capturedMessages.append(message);
}
} // namespace

void StudyIndexerTest::logsNoPhi()
{
    // B1's PHI test covers every entry point at DCMTK's most verbose level; this checks the indexer's own output:
    // Qt messages and anything written to stderr while indexing files whose names and IDs carry a marker.
    const QString folder = m_dir.filePath(QStringLiteral("phi"));
    DicomSpec spec;
    spec.path = folder + QStringLiteral("/a.dcm");
    spec.sopUid = QStringLiteral("1.2.3.700.1");
    spec.patientName = QString::fromLatin1(phiMarker) + QStringLiteral("^Name");
    spec.patientId = QString::fromLatin1(phiMarker);
    spec.accession = QString::fromLatin1(phiMarker);
    QVERIFY(writeDicom(spec));
    QVERIFY(writeBytes(folder + QStringLiteral("/broken.dcm"), QByteArray(300, '\x01')));

    const QString errorLog = m_dir.filePath(QStringLiteral("stderr.log"));
    fflush(stderr);
    const int savedStderr = dup(2);
    FILE* redirected = freopen(QFile::encodeName(errorLog).constData(), "w", stderr);
    QVERIFY(redirected);
    capturedMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    const auto index = StudyIndexScanner().scan(folder);
    qInstallMessageHandler(previous);
    fflush(stderr);
    dup2(savedStderr, 2);
    close(savedStderr);

    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1);
    QCOMPARE(index->patients()[0].patientId, QString::fromLatin1(phiMarker)); // it was read ...
    QFile log(errorLog);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray written = log.readAll();
    QVERIFY2(!written.contains(phiMarker), written.constData()); // ... and never logged
    QVERIFY2(!capturedMessages.join(u'\n').contains(QLatin1String(phiMarker)), "PHI in a Qt log message");
    for (const StudyIndexProblem& problem : index->problems())
        QVERIFY(!problem.reason.contains(QLatin1String(phiMarker)));
}

QTEST_GUILESS_MAIN(StudyIndexerTest)
#include "StudyIndexerTest.moc"
