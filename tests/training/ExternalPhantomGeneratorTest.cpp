// The external (evaluation-only) phantom style: determinism, sizes, bit depths, MONOCHROME1 share and read-back,
// findings where their boxes say, exact sentence offsets, labels that follow from the sentences, and phrasing that
// never repeats a sentence of the training style.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "imaging/ModelInputReader.h"
#include "training/DatasetManifest.h"
#include "training/ExternalPhantomGenerator.h"
#include "training/PhantomGenerator.h"
#include "training/PhantomImageWriter.h"
#include "training/SynthesisJob.h"

using namespace lrclr;

namespace {

double meanIn(const PhantomCase& phantom, const PhantomCase::Box& box)
{
    double sum = 0.0;
    int count = 0;
    const int x0 = std::max(0, static_cast<int>(box.x));
    const int y0 = std::max(0, static_cast<int>(box.y));
    const int x1 = std::min(phantom.width, static_cast<int>(box.x + box.width));
    const int y1 = std::min(phantom.height, static_cast<int>(box.y + box.height));
    for (int row = y0; row < y1; ++row)
        for (int column = x0; column < x1; ++column) {
            sum += phantom.pixels[static_cast<std::size_t>(row) * phantom.width + column];
            ++count;
        }
    return count > 0 ? sum / count : 0.0;
}

ExternalPhantomGenerator::Options only(const std::string& request)
{
    ExternalPhantomGenerator::Options options;
    options.subtleFraction = 0.0;
    options.findings = { PhantomGenerator::parseRequest(request) };
    return options;
}

ExternalPhantomGenerator::Options nothing()
{
    ExternalPhantomGenerator::Options options;
    options.normalFraction = 1.0;
    options.deviceFraction = 0.0;
    return options;
}

/// Generates indices [0, count) on two threads (the generator is thread-safe), in index order.
std::vector<PhantomCase> generateMany(const ExternalPhantomGenerator& generator, std::uint64_t seed, int count)
{
    std::vector<PhantomCase> cases(static_cast<std::size_t>(count));
    const auto half = [&](int first) {
        for (int index = first; index < count; index += 2)
            cases[static_cast<std::size_t>(index)] = generator.generate(seed, index);
    };
    auto other = std::async(std::launch::async, half, 1);
    half(0);
    other.get();
    return cases;
}

bool isDevice(const std::string& kind)
{
    return kind == "endotracheal tube" || kind == "central line" || kind == "pacemaker";
}

/// The label a finding of this kind must set in the study (value 1, or -1 when subtle).
std::string primaryLabel(const PhantomCase::Finding& finding)
{
    static const std::map<std::string, std::string> labels { { "cardiomegaly", "Cardiomegaly" },
        { "pleural effusion", "Pleural Effusion" }, { "pneumothorax", "Pneumothorax" }, { "nodule", "Lung Lesion" },
        { "mass", "Lung Lesion" }, { "consolidation", "Consolidation" }, { "edema", "Edema" },
        { "atelectasis", "Atelectasis" }, { "endotracheal tube", "Support Devices" },
        { "central line", "Support Devices" }, { "pacemaker", "Support Devices" } };
    if (finding.kind == "consolidation" && finding.subtle)
        return "Pneumonia";
    return labels.at(finding.kind);
}

std::map<std::string, int> aggregate(const PhantomCase& phantom)
{
    std::map<std::string, int> labels;
    for (const auto& sentence : phantom.sentences)
        for (const auto& [name, value] : sentence.labels) {
            auto found = labels.find(name);
            if (found == labels.end())
                labels[name] = value;
            else if (value == 1 || (value == -1 && found->second == 0))
                found->second = value;
        }
    const bool pathology = std::any_of(labels.begin(), labels.end(), [](const auto& entry) {
        return entry.first != "No Finding" && entry.first != "Support Devices" && entry.second != 0;
    });
    if (pathology)
        labels.erase("No Finding");
    else
        labels["No Finding"] = 1;
    return labels;
}

std::string photometricOf(const std::string& path)
{
    DcmFileFormat file;
    if (file.loadFile(path.c_str()).bad())
        return "unreadable";
    OFString value;
    file.getDataset()->findAndGetOFString(DCM_PhotometricInterpretation, value);
    return value.c_str();
}

} // namespace

class ExternalPhantomGeneratorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deterministicPerSeedAndIndex();
    void sizesDepthsAndPhotometric();
    void boxesLieInsideTheImage();
    void findingShowsInItsBox_data();
    void findingShowsInItsBox();
    void effusionIsBrighterThanTheMirroredSide();
    void sentenceOffsetsAndLabelsAreConsistent();
    void phrasingDiffersFromTheTrainingStyle();
    void monochrome1ReadsBackAsMonochrome2();
    void synthesisJobRecordsTheStyle();
};

void ExternalPhantomGeneratorTest::deterministicPerSeedAndIndex()
{
    const ExternalPhantomGenerator generator;
    const PhantomCase a = generator.generate(4242, 5);
    const PhantomCase b = generator.generate(4242, 5);
    QVERIFY(a.pixels == b.pixels);
    QCOMPARE(a.report, b.report);
    QCOMPARE(a.width, b.width);
    QCOMPARE(a.height, b.height);
    QCOMPARE(a.monochrome1, b.monochrome1);
    const PhantomCase other = generator.generate(4242, 6);
    QVERIFY(other.pixels != a.pixels);
    const PhantomCase otherSeed = generator.generate(4243, 5);
    QVERIFY(otherSeed.pixels != a.pixels);
}

void ExternalPhantomGeneratorTest::sizesDepthsAndPhotometric()
{
    const ExternalPhantomGenerator generator(nothing());
    int monochrome1 = 0;
    std::set<int> depths;
    std::set<int> widths;
    const std::vector<PhantomCase> cases = generateMany(generator, 99, 100);
    for (const PhantomCase& phantom : cases) {
        QVERIFY2(phantom.width >= 700 && phantom.width <= 1300, qPrintable(QString::number(phantom.width)));
        QVERIFY2(phantom.height >= 800 && phantom.height <= 1400, qPrintable(QString::number(phantom.height)));
        QVERIFY(phantom.width != phantom.height);
        QCOMPARE(phantom.pixels.size(), static_cast<std::size_t>(phantom.width) * phantom.height);
        QVERIFY(phantom.bitsStored == 10 || phantom.bitsStored == 12 || phantom.bitsStored == 14
            || phantom.bitsStored == 16);
        const int maximum = (1 << phantom.bitsStored) - 1;
        QVERIFY(*std::max_element(phantom.pixels.begin(), phantom.pixels.end()) <= maximum);
        QVERIFY(phantom.windowWidth > 0.0 && phantom.windowCenter > 0.0 && phantom.windowCenter < maximum);
        QVERIFY(phantom.pixelSpacingMm > 0.25 && phantom.pixelSpacingMm < 0.65);
        monochrome1 += phantom.monochrome1 ? 1 : 0;
        depths.insert(phantom.bitsStored);
        widths.insert(phantom.width);
    }
    QVERIFY2(monochrome1 >= 18 && monochrome1 <= 42, qPrintable(QString::number(monochrome1)));
    QCOMPARE(depths.size(), std::size_t { 4 });
    QVERIFY(widths.size() > 20);
}

void ExternalPhantomGeneratorTest::boxesLieInsideTheImage()
{
    const ExternalPhantomGenerator generator;
    int boxes = 0;
    for (int index = 0; index < 40; ++index) {
        const PhantomCase phantom = generator.generate(7, index);
        const auto inside = [&phantom](const PhantomCase::Box& box) {
            return box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0 && box.x + box.width <= phantom.width
                && box.y + box.height <= phantom.height;
        };
        for (const auto& finding : phantom.findings) {
            QVERIFY2(!finding.boxes.empty(), finding.kind.c_str());
            for (const auto& box : finding.boxes) {
                QVERIFY2(inside(box), finding.kind.c_str());
                ++boxes;
            }
        }
        for (const auto& sentence : phantom.sentences)
            for (const auto& box : sentence.boxes)
                QVERIFY2(inside(box), sentence.text.c_str());
    }
    QVERIFY(boxes > 20);
}

void ExternalPhantomGeneratorTest::findingShowsInItsBox_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("direction"); // +1 brighter (denser) in the box, -1 darker; 2: a thin line (its peak)
    QTest::newRow("effusion-right") << "pleural effusion:right" << 1;
    QTest::newRow("effusion-left") << "pleural effusion:left" << 1;
    QTest::newRow("pneumothorax-left") << "pneumothorax:left" << -1;
    QTest::newRow("pneumothorax-right") << "pneumothorax:right" << -1;
    QTest::newRow("nodule") << "nodule:right:upper" << 1;
    QTest::newRow("mass") << "mass:left:middle" << 1;
    QTest::newRow("consolidation") << "consolidation:right:lower" << 1;
    QTest::newRow("edema") << "edema" << 1;
    QTest::newRow("atelectasis") << "atelectasis:left:lower" << 1;
    QTest::newRow("cardiomegaly") << "cardiomegaly" << 1;
    QTest::newRow("endotracheal-tube") << "endotracheal tube" << 1;
    QTest::newRow("central-line") << "central line:right" << 2;
    QTest::newRow("pacemaker") << "pacemaker:left" << 1;
}

void ExternalPhantomGeneratorTest::findingShowsInItsBox()
{
    QFETCH(QString, request);
    QFETCH(int, direction);
    const ExternalPhantomGenerator with(only(request.toStdString()));
    const ExternalPhantomGenerator without(nothing());
    for (int index = 0; index < 2; ++index) {
        const PhantomCase a = with.generate(11, index);
        const PhantomCase b = without.generate(11, index);
        QCOMPARE(a.width, b.width); // the same patient and detector with and without the finding
        QCOMPARE(a.findings.size(), std::size_t { 1 });
        QVERIFY(b.findings.empty());
        for (const auto& box : a.findings.front().boxes) {
            double difference = (meanIn(a, box) - meanIn(b, box)) * direction;
            if (direction == 2) { // the same noise in both: the largest difference is the line itself
                difference = 0.0;
                for (int y = static_cast<int>(box.y); y < static_cast<int>(box.y + box.height); ++y)
                    for (int x = static_cast<int>(box.x); x < static_cast<int>(box.x + box.width); ++x) {
                        const std::size_t p = static_cast<std::size_t>(y) * a.width + x;
                        difference = std::max(difference, static_cast<double>(a.pixels[p]) - b.pixels[p]);
                    }
                difference /= 5.0; // demand a tenth of the window at the line
            }
            // At least 2 % of the default window: visible, in the stated direction. A pneumothorax rim is a thin
            // crescent in a loose bounding box, so its mean over the box moves less (1.2 %).
            const double share = direction == -1 ? 0.012 : 0.02;
            QVERIFY2(difference > share * a.windowWidth,
                qPrintable(QStringLiteral("%1: %2 vs window %3").arg(request).arg(difference).arg(a.windowWidth)));
        }
    }
}

void ExternalPhantomGeneratorTest::effusionIsBrighterThanTheMirroredSide()
{
    // The two sides differ anyway (heart, hemidiaphragm heights): the effusion must add left-right asymmetry in its
    // direction over the same patient without it.
    const ExternalPhantomGenerator without(nothing());
    for (const char* request : { "pleural effusion:right", "pleural effusion:left" }) {
        const ExternalPhantomGenerator generator(only(request));
        for (int index = 0; index < 4; ++index) {
            const PhantomCase phantom = generator.generate(21, index);
            const PhantomCase normal = without.generate(21, index);
            const auto& finding = phantom.findings.front();
            QCOMPARE(finding.boxes.size(), std::size_t { 1 });
            const auto box = finding.boxes.front();
            // The patient's right lies on the image's left.
            QVERIFY2((finding.side == "right") == (box.x + box.width / 2 < phantom.width / 2.0), request);
            PhantomCase::Box mirrored = box;
            mirrored.x = phantom.width - box.x - box.width;
            const double asymmetry = meanIn(phantom, box) - meanIn(phantom, mirrored);
            const double baseline = meanIn(normal, box) - meanIn(normal, mirrored);
            QVERIFY2(asymmetry > baseline + 0.04 * phantom.windowWidth, request);
        }
    }
}

void ExternalPhantomGeneratorTest::sentenceOffsetsAndLabelsAreConsistent()
{
    std::set<std::string> sections;
    int british = 0;
    int american = 0;
    for (const PhantomCase& phantom : generateMany(ExternalPhantomGenerator(), 31, 120)) {
        QVERIFY(!phantom.sentences.empty());
        for (const auto& sentence : phantom.sentences) {
            QVERIFY(sentence.end > sentence.begin && sentence.end <= phantom.report.size());
            QCOMPARE(phantom.report.substr(sentence.begin, sentence.end - sentence.begin), sentence.text);
            sections.insert(sentence.section);
            const bool asserts = std::any_of(sentence.labels.begin(), sentence.labels.end(),
                [](const auto& entry) { return entry.first != "No Finding" && entry.second != 0; });
            QVERIFY2(asserts == !sentence.boxes.empty(), sentence.text.c_str());
        }
        QVERIFY(phantom.labels == aggregate(phantom));
        bool pathology = false;
        for (const auto& finding : phantom.findings) {
            const std::string label = primaryLabel(finding);
            QVERIFY2(phantom.labels.count(label), finding.kind.c_str());
            QCOMPARE(phantom.labels.at(label), finding.subtle ? -1 : 1);
            pathology = pathology || !isDevice(finding.kind);
        }
        QCOMPARE(phantom.labels.count("No Finding") == 1, !pathology);
        // Nothing positive without a finding that explains it.
        for (const auto& [name, value] : phantom.labels) {
            if (value != 1 || name == "No Finding")
                continue;
            const bool explained = std::any_of(
                phantom.findings.begin(), phantom.findings.end(), [&](const PhantomCase::Finding& finding) {
                    for (const auto& sentence : phantom.sentences)
                        if (sentence.labels.count(name) && sentence.labels.at(name) == 1 && !sentence.boxes.empty()
                            && !finding.boxes.empty())
                            return true;
                    return false;
                });
            QVERIFY2(explained, name.c_str());
        }
        british += phantom.report.find("oedema") != std::string::npos ? 1 : 0;
        american += phantom.report.find(" edema") != std::string::npos ? 1 : 0;
    }
    QVERIFY(sections.count("FINDINGS") && sections.count("IMPRESSION") && sections.count("INDICATION"));
    QVERIFY(british > 0 && american > 0);
}

void ExternalPhantomGeneratorTest::phrasingDiffersFromTheTrainingStyle()
{
    // The report wording does not depend on the image size: small training phantoms keep this quick.
    PhantomGenerator::Options trainingOptions;
    trainingOptions.size = 64;
    const PhantomGenerator training(trainingOptions);
    std::set<std::string> trainingSentences;
    for (int index = 0; index < 300; ++index)
        for (const auto& sentence : training.generate(5, index).sentences)
            trainingSentences.insert(sentence.text);
    std::set<std::string> externalSentences;
    for (const auto& phantom : generateMany(ExternalPhantomGenerator(), 5, 300))
        for (const auto& sentence : phantom.sentences)
            externalSentences.insert(sentence.text);
    QVERIFY(trainingSentences.size() > 50);
    QVERIFY(externalSentences.size() > 50);
    std::string shared;
    for (const auto& sentence : externalSentences)
        if (trainingSentences.count(sentence))
            shared += "\n  " + sentence;
    QVERIFY2(shared.empty(), ("sentences of both styles:" + shared).c_str());
    // Location words that grounding can test, in both the long and the abbreviated forms.
    std::string all;
    for (const auto& sentence : externalSentences)
        all += sentence + "\n";
    for (const char* word : { "left", "right", " L ", " R ", "CP angle", "PTX" })
        QVERIFY2(all.find(word) != std::string::npos, word);
}

void ExternalPhantomGeneratorTest::monochrome1ReadsBackAsMonochrome2()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    const ExternalPhantomGenerator generator(only("pleural effusion:left"));
    for (const int index : { 0, 1, 2 }) {
        PhantomCase phantom = generator.generate(61, index);
        const std::string plain = folder.filePath(QStringLiteral("m2-%1.dcm").arg(index)).toStdString();
        const std::string inverted = folder.filePath(QStringLiteral("m1-%1.dcm").arg(index)).toStdString();
        phantom.monochrome1 = false;
        PhantomImageWriter::writeDicom(phantom, plain);
        phantom.monochrome1 = true;
        PhantomImageWriter::writeDicom(phantom, inverted);
        QCOMPARE(photometricOf(plain), std::string("MONOCHROME2"));
        QCOMPARE(photometricOf(inverted), std::string("MONOCHROME1"));

        const GrayscaleImage a = ModelInputReader::read(plain);
        const GrayscaleImage b = ModelInputReader::read(inverted);
        QCOMPARE(a.width, phantom.width);
        QCOMPARE(b.width, a.width);
        QCOMPARE(b.height, a.height);
        const auto [low, high] = std::minmax_element(a.pixels.begin(), a.pixels.end());
        const double range = *high - *low;
        QVERIFY(range > 0.0);
        double worst = 0.0;
        for (std::size_t i = 0; i < a.pixels.size(); ++i)
            worst = std::max(worst, static_cast<double>(std::abs(a.pixels[i] - b.pixels[i])));
        // Within rounding of the VOI (one part in a few hundred of the output range).
        QVERIFY2(worst <= 0.005 * range, qPrintable(QStringLiteral("worst %1 of %2").arg(worst).arg(range)));
        // The right way round: the effusion (dense) is brighter than the mirrored side in the model input too.
        const auto& box = phantom.findings.front().boxes.front();
        double inside = 0.0;
        double mirrored = 0.0;
        for (int y = static_cast<int>(box.y); y < static_cast<int>(box.y + box.height); ++y)
            for (int x = static_cast<int>(box.x); x < static_cast<int>(box.x + box.width); ++x) {
                inside += b.at(x, y);
                mirrored += b.at(phantom.width - 1 - x, y);
            }
        QVERIFY(inside > mirrored);
    }
}

void ExternalPhantomGeneratorTest::synthesisJobRecordsTheStyle()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    SynthesisJob::Options options;
    options.count = 3;
    options.seed = 4242;
    options.outputDirectory = folder.path().toStdString();
    options.format = SynthesisJob::Format::Dicom;
    options.style = SynthesisJob::Style::External;
    options.threads = 2;
    const auto summary = SynthesisJob(options).run();
    QCOMPARE(summary.generated, 3);
    const DatasetManifest manifest = DatasetManifest::load(summary.manifestPath);
    QCOMPARE(manifest.entries().size(), std::size_t { 3 });
    const ExternalPhantomGenerator generator;
    for (const auto& entry : manifest.entries()) {
        QCOMPARE(entry.split, std::string("test"));
        QVERIFY(entry.subjectId.rfind("EXTERNAL-", 0) == 0);
        QVERIFY(entry.width != entry.height);
    }
    QCOMPARE(manifest.entries().front().width, generator.generate(4242, 0).width);
    std::ifstream truth(folder.filePath(QStringLiteral("ground-truth/phantom-000000.json")).toStdString());
    std::stringstream text;
    text << truth.rdbuf();
    QVERIFY(text.str().find("\"style\": \"external\"") != std::string::npos);
    QCOMPARE(SynthesisJob::parseStyle("training"), SynthesisJob::Style::Training);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SynthesisJob::parseStyle("externall"));
}

QTEST_GUILESS_MAIN(ExternalPhantomGeneratorTest)
#include "ExternalPhantomGeneratorTest.moc"
