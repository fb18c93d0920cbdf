// The manifest format (round trip, errors with line numbers), the CSV reader, and the readers of the MIMIC-CXR-JPG
// and CheXpert layouts on miniature fake datasets built here.
#include <filesystem>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "training/ChexpertReader.h"
#include "training/CsvReader.h"
#include "training/DatasetManifest.h"
#include "training/MimicCxrReader.h"
#include "training/Observations.h"

using namespace lrclr;

namespace {

void writeFile(const std::string& path, const std::string& text)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream output(path, std::ios::binary);
    output << text;
}

const char* const chexpertColumns = "No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,"
                                    "Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,"
                                    "Pleural Other,Fracture,Support Devices";

} // namespace

class DatasetManifestTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void badRows_data();
    void badRows();
    void csvReaderHandlesQuotes();
    void uncertaintyPolicies();
    void readsMimicCxrLayout();
    void readsChexpertCsv();
    void chexpertBadCellNamesLineAndColumn();
};

void DatasetManifestTest::roundTrip()
{
    QTemporaryDir folder;
    DatasetManifest manifest;
    ManifestEntry entry;
    entry.image = "images/a.png";
    entry.report = "reports/a.txt";
    entry.labels = { { "Cardiomegaly", 1 }, { "Edema", -1 }, { "Pneumothorax", 0 } };
    entry.split = "test";
    entry.view = "PA";
    entry.width = 100;
    entry.height = 80;
    entry.sentences = { { "The heart is enlarged.", { { 10, 20, 30.5, 40 } } }, { "No pneumothorax.", {} } };
    manifest.add(entry);
    ManifestEntry inline_;
    inline_.image = "/abs/b.dcm";
    inline_.reportText = "Line one.\nLine \"two\".";
    manifest.add(inline_);
    const std::string path = folder.filePath("m.jsonl").toStdString();
    manifest.save(path);

    const DatasetManifest loaded = DatasetManifest::load(path);
    QCOMPARE(loaded.entries().size(), std::size_t(2));
    const ManifestEntry& a = loaded.entries()[0];
    QCOMPARE(a.image, entry.image);
    QVERIFY(a.labels == entry.labels);
    QCOMPARE(a.label("Edema"), std::optional<int>(-1));
    QCOMPARE(a.label("Fracture"), std::optional<int>()); // blank
    QCOMPARE(a.split, std::string("test"));
    QCOMPARE(a.sentences.size(), std::size_t(2));
    QCOMPARE(a.sentences[0].boxes.size(), std::size_t(1));
    QCOMPARE(a.sentences[0].boxes[0].width, 30.5);
    QVERIFY(a.sentences[1].boxes.empty());
    QCOMPARE(loaded.resolve(a.image), (std::filesystem::path(folder.path().toStdString()) / "images/a.png").string());
    QCOMPARE(loaded.resolve(loaded.entries()[1].image), std::string("/abs/b.dcm"));
    QCOMPARE(loaded.reportText(loaded.entries()[1]), inline_.reportText);
    QCOMPARE(loaded.split("test").size(), std::size_t(1));
    QVERIFY_THROWS_EXCEPTION(ManifestError, loaded.reportText(a)); // reports/a.txt does not exist
}

void DatasetManifestTest::badRows_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("not-json") << "{\"image\": "
                              << "not valid JSON";
    QTest::newRow("array") << "[1, 2]"
                           << "must be a JSON object";
    QTest::newRow("no-image") << "{\"labels\": {}}"
                              << "missing \"image\"";
    QTest::newRow("label-2") << "{\"image\": \"a\", \"labels\": {\"Edema\": 2}}"
                             << "label \"Edema\" must be 1, 0, -1";
    QTest::newRow("label-text") << "{\"image\": \"a\", \"labels\": {\"Edema\": \"yes\"}}"
                                << "label \"Edema\"";
    QTest::newRow("split") << "{\"image\": \"a\", \"split\": \"holdout\"}"
                           << "\"split\" must be";
    QTest::newRow("box-3") << "{\"image\": \"a\", \"sentences\": [{\"text\": \"x\", \"boxes\": [[1, 2, 3]]}]}"
                           << "sentence 0: a box must be [x, y, width, height]";
    QTest::newRow("box-negative")
        << "{\"image\": \"a\", \"sentences\": [{\"text\": \"x\", \"boxes\": [[1, 2, -3, 4]]}]}"
        << "must not be negative";
    QTest::newRow("box-outside") << "{\"image\": \"a\", \"width\": 10, \"height\": 10, \"sentences\": [{\"text\": "
                                    "\"x\", \"boxes\": [[5, 5, 6, 1]]}]}"
                                 << "outside the 10x10 image";
    QTest::newRow("sentence-no-text") << "{\"image\": \"a\", \"sentences\": [{\"boxes\": []}]}"
                                      << "missing \"text\"";
}

void DatasetManifestTest::badRows()
{
    QFETCH(QString, line);
    QFETCH(QString, message);
    QTemporaryDir folder;
    const std::string path = folder.filePath("bad.jsonl").toStdString();
    // Two good lines and a blank one first: the error must name line 4.
    writeFile(path, "{\"image\": \"ok1.png\"}\n\r\n{\"image\": \"ok2.png\"}\r\n" + line.toStdString() + "\n");
    try {
        DatasetManifest::load(path);
        QFAIL("a bad row was accepted");
    } catch (const ManifestError& error) {
        const QString text = QString::fromUtf8(error.what());
        QVERIFY2(text.startsWith(QString::fromStdString(path + ":4: ")), qPrintable(text));
        QVERIFY2(text.contains(message), qPrintable(text));
    }
    QVERIFY_THROWS_EXCEPTION(ManifestError, DatasetManifest::load(folder.filePath("missing.jsonl").toStdString()));
}

void DatasetManifestTest::csvReaderHandlesQuotes()
{
    QTemporaryDir folder;
    const std::string path = folder.filePath("a.csv").toStdString();
    writeFile(path,
        "\xEF\xBB\xBF"
        "a,b,c\r\n1,\"two, with comma\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",,x\n");
    CsvReader csv(path);
    std::vector<std::string> row;
    QVERIFY(csv.next(row));
    QCOMPARE(row, (std::vector<std::string> { "a", "b", "c" }));
    QVERIFY(csv.next(row));
    QCOMPARE(row, (std::vector<std::string> { "1", "two, with comma", "say \"hi\"" }));
    QCOMPARE(csv.lineNumber(), 2);
    QVERIFY(csv.next(row));
    QCOMPARE(row, (std::vector<std::string> { "multi\nline", "", "x" }));
    QCOMPARE(csv.lineNumber(), 4);
    QVERIFY(!csv.next(row));

    writeFile(path, "a,b\n\"open,1\n");
    CsvReader broken(path);
    broken.next(row);
    QVERIFY_THROWS_EXCEPTION(ManifestError, broken.next(row));
}

void DatasetManifestTest::uncertaintyPolicies()
{
    using Policy = Observations::UncertaintyPolicy;
    QCOMPARE(Observations::target(-1, Policy::Ignore), std::optional<int>());
    QCOMPARE(Observations::target(-1, Policy::Ones), std::optional<int>(1));
    QCOMPARE(Observations::target(-1, Policy::Zeros), std::optional<int>(0));
    QCOMPARE(Observations::target(1, Policy::Zeros), std::optional<int>(1));
    QCOMPARE(Observations::target(0, Policy::Ones), std::optional<int>(0));
    QCOMPARE(Observations::target(std::nullopt, Policy::Zeros), std::optional<int>()); // blank is not negative
    QCOMPARE(Observations::parsePolicy("U-Ones"), std::optional<Policy>(Policy::Ones));
    QCOMPARE(Observations::parsePolicy("zeros"), std::optional<Policy>(Policy::Zeros));
    QCOMPARE(Observations::parsePolicy("maybe"), std::optional<Policy>());
    QCOMPARE(Observations::names().size(), std::size_t(14));
}

void DatasetManifestTest::readsMimicCxrLayout()
{
    QTemporaryDir folder;
    const std::string root = folder.path().toStdString();
    // Subject 10000032 with two studies; subject 11000011 with one. Study 50414267 has a frontal and a lateral view.
    writeFile(root + "/files/p10/p10000032/s50414267/02aa804e.jpg", "jpg");
    writeFile(root + "/files/p10/p10000032/s50414267/174413ec.jpg", "jpg");
    writeFile(root + "/files/p10/p10000032/s53189527/2a2277a9.jpg", "jpg");
    writeFile(root + "/files/p11/p11000011/s51234567/aaaa0001.jpg", "jpg");
    writeFile(root + "/files/p10/p10000032/s50414267.txt", "FINDINGS: No acute process.\n");
    writeFile(root + "/files/p11/p11000011/s51234567.txt", "IMPRESSION: Small left effusion.\n");
    // No report for s53189527.
    writeFile(root + "/mimic-cxr-2.0.0-chexpert.csv",
        std::string("subject_id,study_id,Atelectasis,Cardiomegaly,Consolidation,Edema,"
                    "Enlarged Cardiomediastinum,Fracture,Lung Lesion,Lung Opacity,No Finding,Pleural Effusion,"
                    "Pleural Other,Pneumonia,Pneumothorax,Support Devices\n")
            + "10000032,50414267,,,,,,,,,1.0,,,,,\n" + "10000032,53189527,-1.0,1.0,,,,,,,,0.0,,,,\n"
            + "11000011,51234567,,,,,,,,,,1.0,,,0.0,\n");
    writeFile(root + "/mimic-cxr-2.0.0-metadata.csv",
        "dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns\n"
        "02aa804e,10000032,50414267,CHEST (PA AND LAT),PA,3056,2544\n"
        "174413ec,10000032,50414267,CHEST (PA AND LAT),LATERAL,3056,2544\n"
        "2a2277a9,10000032,53189527,CHEST (PORTABLE AP),AP,3056,2544\n"
        "aaaa0001,11000011,51234567,CHEST (PA AND LAT),PA,3056,2544\n");
    writeFile(root + "/mimic-cxr-2.0.0-split.csv",
        "dicom_id,study_id,subject_id,split\n02aa804e,50414267,10000032,train\n174413ec,50414267,10000032,train\n"
        "2a2277a9,53189527,10000032,validate\naaaa0001,51234567,11000011,test\n");

    std::vector<std::string> warnings;
    MimicCxrReader::Options options;
    options.root = root;
    const DatasetManifest manifest = MimicCxrReader::read(options, &warnings);
    QCOMPARE(manifest.entries().size(), std::size_t(3)); // the lateral is dropped
    const auto& first = manifest.entries()[0];
    QVERIFY(first.image.ends_with("p10000032/s50414267/02aa804e.jpg"));
    QVERIFY(std::filesystem::path(first.image).is_absolute());
    QCOMPARE(first.subjectId, std::string("10000032"));
    QCOMPARE(first.studyId, std::string("50414267"));
    QCOMPARE(first.view, std::string("PA"));
    QCOMPARE(first.split, std::string("train"));
    QCOMPARE(first.label("No Finding"), std::optional<int>(1));
    QCOMPARE(first.labels.size(), std::size_t(1));
    QCOMPARE(manifest.reportText(first), std::string("FINDINGS: No acute process.\n"));
    const auto& second = manifest.entries()[1];
    QCOMPARE(second.studyId, std::string("53189527"));
    QCOMPARE(second.view, std::string("AP"));
    QCOMPARE(second.split, std::string("validate"));
    QCOMPARE(second.label("Atelectasis"), std::optional<int>(-1));
    QCOMPARE(second.label("Cardiomegaly"), std::optional<int>(1));
    QCOMPARE(second.label("Pleural Effusion"), std::optional<int>(0));
    QCOMPARE(second.label("Edema"), std::optional<int>());
    QVERIFY(second.report.empty());
    const auto& third = manifest.entries()[2];
    QCOMPARE(third.split, std::string("test"));
    QCOMPARE(third.label("Pleural Effusion"), std::optional<int>(1));
    QCOMPARE(third.label("Pneumothorax"), std::optional<int>(0));
    QCOMPARE(warnings.size(), std::size_t(1)); // one image without a report
    QVERIFY2(QString::fromStdString(warnings[0]).contains("without a report"), warnings[0].c_str());

    // The manifest survives a save/load round trip with absolute paths.
    const std::string path = folder.filePath("mimic.jsonl").toStdString();
    manifest.save(path);
    const DatasetManifest loaded = DatasetManifest::load(path);
    QCOMPARE(loaded.entries().size(), std::size_t(3));
    QCOMPARE(loaded.resolve(loaded.entries()[0].image), first.image);

    // A label file without a required column names the file and the column.
    writeFile(root + "/mimic-cxr-2.0.0-chexpert.csv", "subject_id,study_id,Atelectasis\n1,2,1.0\n");
    try {
        MimicCxrReader::read(options);
        QFAIL("accepted a label file without the 14 columns");
    } catch (const ManifestError& error) {
        QVERIFY2(QString(error.what()).contains("mimic-cxr-2.0.0-chexpert.csv:1: missing column 'No Finding'"),
            error.what());
    }
}

void DatasetManifestTest::readsChexpertCsv()
{
    QTemporaryDir folder;
    const std::string root = folder.path().toStdString();
    const std::string dataset = root + "/CheXpert-v1.0-small";
    writeFile(dataset + "/valid/patient64541/study1/view1_frontal.jpg", "jpg");
    writeFile(dataset + "/valid/patient64541/study1/view2_lateral.jpg", "jpg");
    writeFile(dataset + "/valid/patient64542/study1/view1_frontal.jpg", "jpg");
    writeFile(dataset + "/valid.csv",
        std::string("Path,Sex,Age,Frontal/Lateral,AP/PA,") + chexpertColumns + "\n"
            + "CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg,Male,73,Frontal,AP,"
              "1.0,,0.0,,,,,,,,,,,\n"
            + "CheXpert-v1.0-small/valid/patient64541/study1/view2_lateral.jpg,Male,73,Lateral,,"
              "1.0,,0.0,,,,,,,,,,,\n"
            + "CheXpert-v1.0-small/valid/patient64542/study1/view1_frontal.jpg,Female,70,Frontal,PA,"
              ",,1.0,1.0,,-1.0,,,-1.0,0.0,1.0,,,1.0\n");
    ChexpertReader::Options options;
    options.csv = dataset + "/valid.csv";
    std::vector<std::string> warnings;
    const DatasetManifest manifest = ChexpertReader::read(options, &warnings);
    QCOMPARE(manifest.entries().size(), std::size_t(2));
    QVERIFY(warnings.empty());
    const auto& first = manifest.entries()[0];
    QVERIFY(std::filesystem::exists(first.image));
    QCOMPARE(first.split, std::string("validate"));
    QCOMPARE(first.view, std::string("AP"));
    QCOMPARE(first.subjectId, std::string("patient64541"));
    QCOMPARE(first.studyId, std::string("patient64541/study1"));
    QCOMPARE(first.label("No Finding"), std::optional<int>(1));
    QCOMPARE(first.label("Cardiomegaly"), std::optional<int>(0));
    QCOMPARE(first.labels.size(), std::size_t(2));
    const auto& second = manifest.entries()[1];
    QCOMPARE(second.view, std::string("PA"));
    QCOMPARE(second.label("Edema"), std::optional<int>(-1));
    QCOMPARE(second.label("Atelectasis"), std::optional<int>(-1));
    QCOMPARE(second.label("Pneumothorax"), std::optional<int>(0));
    QCOMPARE(second.label("Support Devices"), std::optional<int>(1));
    QCOMPARE(second.labels.size(), std::size_t(7));
    // Under U-Ignore the uncertain Edema does not count; under U-Ones it is positive.
    QCOMPARE(
        Observations::target(second.label("Edema"), Observations::UncertaintyPolicy::Ignore), std::optional<int>());
    QCOMPARE(Observations::target(second.label("Edema"), Observations::UncertaintyPolicy::Ones), std::optional<int>(1));

    options.frontalOnly = false;
    QCOMPARE(ChexpertReader::read(options).entries().size(), std::size_t(3));
    QCOMPARE(ChexpertReader::read(options).entries()[1].view, std::string("LATERAL"));
}

void DatasetManifestTest::chexpertBadCellNamesLineAndColumn()
{
    QTemporaryDir folder;
    const std::string csv = folder.filePath("train.csv").toStdString();
    writeFile(csv,
        std::string("Path,Sex,Age,Frontal/Lateral,AP/PA,") + chexpertColumns + "\n"
            + "a/p1/s1/v.jpg,Male,1,Frontal,PA,,,,,,,,,,,,,,\n" + "a/p1/s2/v.jpg,Male,1,Frontal,PA,,,,,,2.0,,,,,,,,\n");
    ChexpertReader::Options options;
    options.csv = csv;
    try {
        ChexpertReader::read(options);
        QFAIL("accepted a label of 2.0");
    } catch (const ManifestError& error) {
        QVERIFY2(QString(error.what()).contains("train.csv:3: column 'Edema'"), error.what());
    }
}

QTEST_GUILESS_MAIN(DatasetManifestTest)
#include "DatasetManifestTest.moc"
