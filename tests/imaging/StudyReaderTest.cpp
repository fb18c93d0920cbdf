// StudyReader and StudyFileType: the file type is decided once, by content first, so a file opens in the viewer
// (StudyReader::read) and in `lrclr analyze`/train/evaluate (ModelInputReader::read) alike, or in neither.
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <stdexcept>

#include "core/study/StudyFileType.h"
#include "imaging/ModelInputReader.h"
#include "imaging/StudyReader.h"
#include "tests/TestFiles.h"
#include "tests/study/TestDicomFiles.h"

namespace lrclr {

using test::patternSamples;
using test::SyntheticImage;
using test::TestSyntax;
using test::writeSyntheticDicom;

namespace {

/// Whether the viewer's reader and the model-input reader agree on `path`: both read it (with `columns`), or both
/// refuse it with a message.
void checkBothReaders(const QString& path, bool readable, int columns)
{
    QString error;
    const auto study = StudyReader::read(path, QString(), &error);
    QCOMPARE(study.has_value(), readable);
    bool modelRead = false;
    try {
        const GrayscaleImage input = ModelInputReader::read(path.toStdString());
        modelRead = true;
        QCOMPARE(input.width, columns);
    } catch (const std::runtime_error& failure) {
        QVERIFY2(std::string(failure.what()).size() > 10, failure.what());
    }
    QCOMPARE(modelRead, readable);
    if (readable)
        QCOMPARE(study->image.columns, columns);
    else
        QVERIFY2(error.contains(QFileInfo(path).fileName()), qPrintable(error));
}

} // namespace

class StudyReaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        SyntheticImage image;
        image.rows = 40;
        image.columns = 30;
        image.samples = patternSamples(image);
        m_dicom = m_folder.filePath(QStringLiteral("part10.dcm"));
        const std::string error = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, m_dicom.toStdString());
        QVERIFY2(error.empty(), error.c_str());
    }

    void part10DicomIsDicomWhateverItsName()
    {
        const QString unnamed = m_folder.filePath(QStringLiteral("image-without-suffix"));
        QVERIFY(QFile::copy(m_dicom, unnamed));
        QCOMPARE(StudyFileType::of(m_dicom), StudyFileType::Kind::Dicom);
        QCOMPARE(StudyFileType::of(unnamed), StudyFileType::Kind::Dicom);
        checkBothReaders(unnamed, true, 30);
    }

    void preamblelessDicomOpensEverywhere()
    {
        // The same data set without the 128-byte preamble and "DICM", and without a DICOM name.
        const QByteArray bytes = test::readAll(m_dicom);
        QVERIFY(bytes.size() > 200 && bytes.mid(128, 4) == "DICM");
        const QString path = m_folder.filePath(QStringLiteral("IM0001"));
        QVERIFY(test::writeAll(path, bytes.mid(132)));
        QVERIFY(!StudyFileType::hasDicomPreamble(path));
        QCOMPARE(StudyFileType::of(path), StudyFileType::Kind::Dicom);
        checkBothReaders(path, true, 30);
    }

    void contentWinsOverTheName()
    {
        // A PNG saved under a DICOM name is a raster image to every reader.
        QImage image(24, 16, QImage::Format_Grayscale8);
        image.fill(100);
        const QString path = m_folder.filePath(QStringLiteral("misnamed.dcm"));
        QVERIFY(image.save(path, "PNG"));
        QCOMPARE(StudyFileType::of(path), StudyFileType::Kind::Raster);
        checkBothReaders(path, true, 24);
    }

    void unknownFilesOpenNowhere()
    {
        const QString text = m_folder.filePath(QStringLiteral("notes.bin"));
        QVERIFY(test::writeAll(text, QByteArray("just some notes, not an image at all\n")));
        QCOMPARE(StudyFileType::of(text), StudyFileType::Kind::Unknown);
        checkBothReaders(text, false, 0);
        const QString missing = m_folder.filePath(QStringLiteral("absent.dcm"));
        QCOMPARE(StudyFileType::of(missing), StudyFileType::Kind::Unknown);
        checkBothReaders(missing, false, 0);
    }

    void namesDecideOnlyWhenTheContentSaysNothing()
    {
        QVERIFY(StudyFileType::hasDicomName(QStringLiteral("a/B.DCM")));
        QVERIFY(StudyFileType::hasDicomName(QStringLiteral("x.ima")));
        QVERIFY(!StudyFileType::hasDicomName(QStringLiteral("x.png")));
        QVERIFY(StudyFileType::hasRasterName(QStringLiteral("x.TIFF")));
        QVERIFY(!StudyFileType::hasRasterName(QStringLiteral("x.txt")));
        // A truncated file named .dcm is DICOM by name, and the DICOM reader says what is wrong with it.
        const QString truncated = m_folder.filePath(QStringLiteral("truncated.dcm"));
        QVERIFY(test::writeAll(truncated, QByteArray(20, '\0')));
        QCOMPARE(StudyFileType::of(truncated), StudyFileType::Kind::Dicom);
        checkBothReaders(truncated, false, 0);
    }

private:
    QTemporaryDir m_folder;
    QString m_dicom;
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::StudyReaderTest)
#include "StudyReaderTest.moc"
