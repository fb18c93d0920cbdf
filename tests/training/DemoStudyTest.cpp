// The bundled demo study (resources/demo) is what its README's command produces: regenerate it and compare.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "tests/TestFiles.h"

namespace {

// Splits a shell command line on spaces, honouring double quotes (enough for the README's command).
QStringList splitCommand(const QString& line)
{
    QStringList words;
    QString word;
    bool quoted = false;
    bool any = false;
    for (const QChar c : line) {
        if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if (c == ' ' && !quoted) {
            if (any || !word.isEmpty())
                words << word;
            word.clear();
            any = false;
        } else {
            word += c;
        }
    }
    if (any || !word.isEmpty())
        words << word;
    return words;
}

std::vector<Uint16> pixelData(const std::string& path)
{
    DcmFileFormat file;
    if (file.loadFile(path.c_str()).bad())
        return {};
    const Uint16* pixels = nullptr;
    unsigned long count = 0;
    if (file.getDataset()->findAndGetUint16Array(DCM_PixelData, pixels, &count).bad())
        return {};
    return std::vector<Uint16>(pixels, pixels + count);
}

} // namespace

class DemoStudyTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void regeneratesByteIdentical();
};

void DemoStudyTest::regeneratesByteIdentical()
{
    const std::string demo = std::string(LRCLR_SOURCE_DIR) + "/resources/demo";
    QVERIFY2(QFile::exists(LRCLR_CLI), "the lrclr executable is missing: " LRCLR_CLI);
    const QString readme = QString::fromStdString(lrclr::test::readFile(demo + "/README.md"));
    static const QRegularExpression commandLine(
        "^lrclr synth (.*) --out resources/demo$", QRegularExpression::MultilineOption);
    const auto match = commandLine.match(readme);
    QVERIFY2(match.hasMatch(), "resources/demo/README.md has no 'lrclr synth ... --out resources/demo' line");

    QTemporaryDir folder;
    QStringList arguments { "synth" };
    arguments << splitCommand(match.captured(1)) << "--out" << folder.path() << "--quiet";
    QProcess process;
    process.start(LRCLR_CLI, arguments);
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    const std::string regenerated = folder.path().toStdString();
    const auto committedPixels = pixelData(demo + "/images/phantom-000000.dcm");
    QCOMPARE(committedPixels.size(), std::size_t(512 * 512));
    QVERIFY2(committedPixels == pixelData(regenerated + "/images/phantom-000000.dcm"),
        "pixel data differs from resources/demo: the generator changed (regenerate as the README says)");
    for (const char* name : { "reports/phantom-000000.txt", "ground-truth/phantom-000000.json", "manifest.jsonl" }) {
        const std::string committed = lrclr::test::readFile(demo + "/" + name);
        QVERIFY2(!committed.empty(), name);
        QVERIFY2(committed == lrclr::test::readFile(regenerated + "/" + name), name);
    }
    // Small enough for the repository.
    std::uintmax_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(demo))
        if (entry.is_regular_file())
            total += entry.file_size();
    QVERIFY2(total < 1024 * 1024, qPrintable(QString("resources/demo holds %1 bytes").arg(total)));
}

QTEST_GUILESS_MAIN(DemoStudyTest)
#include "DemoStudyTest.moc"
