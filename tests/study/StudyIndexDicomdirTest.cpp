// Indexing through a DICOMDIR: its references are listed and indexed (also under another name, and from media
// written on a case-insensitive system), and references that try to leave the media folder are refused. The media
// are written here with DCMTK's DicomDirInterface, as dcmmkdir writes them.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcddirif.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "core/study/DicomdirReader.h"
#include "core/study/StudyIndex.h"
#include "core/study/StudyIndexScanner.h"
#include "tests/study/StudyIndexTestFiles.h"

using namespace lrclr;
using namespace lrclr::test;

namespace {

/// Media folder with IMAGES/IM1 and IMAGES/IM2 and a DICOMDIR written by DCMTK's DicomDirInterface (what dcmmkdir
/// uses), plus OUTSIDE/IM9 beside the media folder: a valid DICOM file that must never be indexed through it.
bool writeMedia(const QString& root)
{
    const QString media = root + QStringLiteral("/media");
    for (int i = 1; i <= 2; ++i) {
        DicomSpec spec;
        spec.path = media + QStringLiteral("/IMAGES/IM%1").arg(i);
        spec.sopUid = QStringLiteral("1.2.3.600.%1").arg(i);
        spec.instanceNumber = i;
        if (!writeDicom(spec))
            return false;
    }
    DicomSpec outside;
    outside.path = root + QStringLiteral("/OUTSIDE/IM9");
    outside.sopUid = QStringLiteral("1.2.3.666.9");
    outside.patientId = QStringLiteral("SECRET");
    if (!writeDicom(outside))
        return false;
    const QString previous = QDir::currentPath();
    QDir::setCurrent(media); // DicomDirInterface wants file IDs relative to the current folder
    DicomDirInterface dicomdir;
    dicomdir.enableInventMode(OFTrue);
    bool ok = dicomdir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, "DICOMDIR", "TEST").good()
        && dicomdir.addDicomFile("IMAGES/IM1").good() && dicomdir.addDicomFile("IMAGES/IM2").good()
        && dicomdir.writeDicomDir().good();
    QDir::setCurrent(previous);
    return ok;
}

/// Rewrites the Referenced File ID of the second image record.
bool editSecondReference(const QString& dicomdirPath, const QString& fileId)
{
    DcmFileFormat file;
    if (file.loadFile(QFile::encodeName(dicomdirPath).constData()).bad())
        return false;
    DcmSequenceOfItems* records = nullptr;
    if (file.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad())
        return false;
    int seen = 0;
    for (unsigned long i = 0; i < records->card(); ++i) {
        DcmItem* record = records->getItem(i);
        OFString id;
        if (record->findAndGetOFStringArray(DCM_ReferencedFileID, id).good() && ++seen == 2)
            return record->putAndInsertString(DCM_ReferencedFileID, fileId.toLatin1().constData()).good()
                && file.saveFile(QFile::encodeName(dicomdirPath).constData(), EXS_LittleEndianExplicit).good();
    }
    return false;
}

} // namespace

class StudyIndexDicomdirTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void indexesDicomdir();
    void dicomdirCannotEscapeMediaFolder_data();
    void dicomdirCannotEscapeMediaFolder();
    void rejectsUnreadableDicomdir();

private:
    QTemporaryDir m_dir;
};

void StudyIndexDicomdirTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void StudyIndexDicomdirTest::indexesDicomdir()
{
    const QString root = m_dir.filePath(QStringLiteral("dicomdir-ok"));
    QVERIFY(writeMedia(root));
    const QString dicomdir = root + QStringLiteral("/media/DICOMDIR");
    QString error;
    const auto listed = DicomdirReader::read(dicomdir, &error);
    QVERIFY2(listed, qPrintable(error));
    QCOMPARE(listed->files.size(), 2);
    QVERIFY(listed->problems.isEmpty());

    // In a folder scan the DICOMDIR is listed as ignored (its files are found by the walk), also under another name.
    QVERIFY(QFile::copy(dicomdir, root + QStringLiteral("/media/DIRCOPY.dcm")));
    const auto folderIndex = StudyIndexScanner().scan(root + QStringLiteral("/media"));
    QVERIFY(folderIndex);
    QCOMPARE(folderIndex->instanceCount(), 2);
    QCOMPARE(folderIndex->problems().size(), 2);
    for (const StudyIndexProblem& problem : folderIndex->problems())
        QVERIFY2(
            problem.kind == StudyIndexProblem::Kind::Ignored && problem.reason.contains(QStringLiteral("DICOMDIR")),
            qPrintable(problem.filePath + QStringLiteral(": ") + problem.reason));
    // Given on its own, a DICOMDIR under another name is still used as one.
    const auto copyIndex = StudyIndexScanner().scan(root + QStringLiteral("/media/DIRCOPY.dcm"));
    QVERIFY(copyIndex);
    QCOMPARE(copyIndex->instanceCount(), 2);
    QVERIFY(QFile::remove(root + QStringLiteral("/media/DIRCOPY.dcm")));

    // Media written on a case-insensitive system: the folder is lower-case on disk, upper-case in the DICOMDIR.
    QVERIFY(QDir(root + QStringLiteral("/media")).rename(QStringLiteral("IMAGES"), QStringLiteral("images")));
    const auto index = StudyIndexScanner().scan(dicomdir);
    QVERIFY2(index, qPrintable(describeProblems(*index)));
    QCOMPARE(index->instanceCount(), 2);
    QCOMPARE(index->patients()[0].studies[0].series[0].instances[1].sopInstanceUid, QStringLiteral("1.2.3.600.2"));
    QVERIFY(index->patients()[0].studies[0].series[0].instances[0].filePath.contains(QStringLiteral("/images/")));
}

void StudyIndexDicomdirTest::dicomdirCannotEscapeMediaFolder_data()
{
    QTest::addColumn<QString>("fileId");
    QTest::addColumn<QString>("reason");
    QTest::newRow("dot-dot") << QStringLiteral("..\\OUTSIDE\\IM9") << QStringLiteral("leaves the media folder");
    QTest::newRow("dot-dot-inside") << QStringLiteral("IMAGES\\..\\..\\OUTSIDE\\IM9")
                                    << QStringLiteral("leaves the media folder");
    QTest::newRow("absolute") << QStringLiteral("ABSOLUTE") << QStringLiteral("absolute");
    QTest::newRow("leading-backslash") << QStringLiteral("\\OUTSIDE\\IM9") << QStringLiteral("absolute");
    QTest::newRow("slash-inside") << QStringLiteral("IMAGES\\../../OUTSIDE/IM9") << QStringLiteral("malformed");
    QTest::newRow("symlink-out") << QStringLiteral("LINK") << QStringLiteral("resolves outside");
    QTest::newRow("missing") << QStringLiteral("IMAGES\\IM7") << QStringLiteral("missing");
}

void StudyIndexDicomdirTest::dicomdirCannotEscapeMediaFolder()
{
    QFETCH(QString, fileId);
    QFETCH(QString, reason);
    const QString root
        = m_dir.filePath(QStringLiteral("dicomdir-%1").arg(QString::fromLatin1(QTest::currentDataTag())));
    QVERIFY(writeMedia(root));
    const QString outside = QFileInfo(root + QStringLiteral("/OUTSIDE/IM9")).absoluteFilePath();
    QString id = fileId;
    if (id == u"ABSOLUTE")
        id = outside;
    if (id == u"LINK") {
        QVERIFY(QFile::link(outside, root + QStringLiteral("/media/LINK")));
    }
    const QString dicomdir = root + QStringLiteral("/media/DICOMDIR");
    QVERIFY(editSecondReference(dicomdir, id));

    const auto index = StudyIndexScanner().scan(dicomdir);
    QVERIFY(index);
    QCOMPARE(index->instanceCount(), 1); // IM1 only
    for (const StudyIndexStudy* study : index->studies()) {
        for (const StudyIndexSeries& series : study->series) {
            for (const StudyIndexInstance& instance : series.instances)
                QVERIFY2(instance.sopInstanceUid != u"1.2.3.666.9", "a file outside the media folder was indexed");
        }
    }
    QCOMPARE(index->problems().size(), 1);
    const StudyIndexProblem& problem = index->problems()[0];
    QCOMPARE(problem.kind, StudyIndexProblem::Kind::Refused);
    QVERIFY2(problem.reason.contains(reason), qPrintable(problem.reason));
}

void StudyIndexDicomdirTest::rejectsUnreadableDicomdir()
{
    const QString path = m_dir.filePath(QStringLiteral("bad-dicomdir/DICOMDIR"));
    QVERIFY(writeBytes(path, QByteArray(500, 'z')));
    QString error;
    QVERIFY(!StudyIndexScanner().scan(path, {}, {}, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
}

QTEST_GUILESS_MAIN(StudyIndexDicomdirTest)
#include "StudyIndexDicomdirTest.moc"
