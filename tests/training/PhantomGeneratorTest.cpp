// The phantom generator: determinism, anatomy, findings where their boxes say, and reports that match them.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <QTest>

#include "training/DeterministicRandom.h"
#include "training/PhantomGenerator.h"
#include "training/ReportParaphraser.h"

using namespace lrclr;

namespace {

double meanIn(const PhantomCase& phantom, double x, double y, double width, double height)
{
    double sum = 0.0;
    int count = 0;
    const int x0 = std::max(0, static_cast<int>(x));
    const int y0 = std::max(0, static_cast<int>(y));
    const int x1 = std::min(phantom.width, static_cast<int>(x + width));
    const int y1 = std::min(phantom.height, static_cast<int>(y + height));
    for (int row = y0; row < y1; ++row)
        for (int column = x0; column < x1; ++column) {
            sum += phantom.pixels[static_cast<std::size_t>(row) * phantom.width + column];
            ++count;
        }
    return count > 0 ? sum / count : 0.0;
}

PhantomGenerator::Options only(const std::string& request, int size = 384)
{
    PhantomGenerator::Options options;
    options.size = size;
    options.subtleFraction = 0.0;
    options.findings = { PhantomGenerator::parseRequest(request) };
    return options;
}

bool sameBoxes(const std::vector<PhantomCase::Box>& a, const std::vector<PhantomCase::Box>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& p, const auto& q) {
        return p.x == q.x && p.y == q.y && p.width == q.width && p.height == q.height;
    });
}

// The pixel change between a phantom and the same patient without its finding, and how much of it lies in the
// finding's boxes grown by `margin` pixels (blur and resampling spread every edge a little).
struct ChangeInBoxes {
    double inside = 0.0; // sum of |change| inside the boxes
    double total = 0.0; // sum of |change| everywhere
    double signedInside = 0.0; // net change inside the boxes (+: denser)
    double share() const { return total > 0 ? inside / total : 0.0; }
};

ChangeInBoxes changeInBoxes(
    const PhantomCase& phantom, const PhantomCase& normal, const std::vector<PhantomCase::Box>& boxes, int margin)
{
    std::vector<unsigned char> mask(phantom.pixels.size(), 0);
    for (const auto& box : boxes)
        for (int y = std::max(0, static_cast<int>(box.y) - margin);
             y < std::min(phantom.height, static_cast<int>(box.y + box.height) + margin); ++y)
            for (int x = std::max(0, static_cast<int>(box.x) - margin);
                 x < std::min(phantom.width, static_cast<int>(box.x + box.width) + margin); ++x)
                mask[static_cast<std::size_t>(y) * phantom.width + x] = 1;
    ChangeInBoxes change;
    for (std::size_t p = 0; p < phantom.pixels.size(); ++p) {
        const double difference = static_cast<double>(phantom.pixels[p]) - normal.pixels[p];
        change.total += std::abs(difference);
        if (mask[p]) {
            change.inside += std::abs(difference);
            change.signedInside += difference;
        }
    }
    return change;
}

} // namespace

class PhantomGeneratorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void randomSourceIsPortable();
    void deterministicPerSeedAndIndex();
    void anatomyHasDarkLungsAndBrightMediastinum();
    void findingShowsInItsBox_data();
    void findingShowsInItsBox();
    void reportMatchesFindings();
    void randomizedFindingStaysInItsBox_data();
    void randomizedFindingStaysInItsBox();
    void randomizedStudiesVary();
    void paraphrasesKeepMeaningWords();
    void randomStudiesCoverAllKinds();
    void badRequestsAreRejected();
};

void PhantomGeneratorTest::randomSourceIsPortable()
{
    // std::mt19937_64's 10000th output for the default seed 5489 is fixed by the C++ standard; our distributions
    // are built on the engine alone.
    DeterministicRandom standard(5489);
    std::uint64_t value = 0;
    for (int i = 0; i < 10000; ++i)
        value = standard.next();
    QCOMPARE(value, 9981545732273789042ULL);
    DeterministicRandom random(1);
    for (int i = 0; i < 1000; ++i) {
        const int k = random.integer(3, 5);
        QVERIFY(k >= 3 && k <= 5);
        const double u = random.uniform();
        QVERIFY(u >= 0.0 && u < 1.0);
    }
    // The fast normal is bounded and has mean ~0, variance ~1 (20000 draws: sd of the mean 0.007).
    double sum = 0.0;
    double squares = 0.0;
    for (int i = 0; i < 20000; ++i) {
        const double z = random.fastNormal();
        QVERIFY(std::abs(z) < 3.47);
        sum += z;
        squares += z * z;
    }
    QVERIFY(std::abs(sum / 20000) < 0.04);
    QVERIFY(std::abs(squares / 20000 - 1.0) < 0.05);
}

void PhantomGeneratorTest::deterministicPerSeedAndIndex()
{
    PhantomGenerator::Options options;
    options.size = 256;
    const PhantomGenerator generator(options);
    const PhantomCase first = generator.generate(11, 3);
    generator.generate(11, 0); // generating others in between changes nothing
    const PhantomCase again = generator.generate(11, 3);
    QVERIFY(first.pixels == again.pixels);
    QCOMPARE(first.report, again.report);
    QVERIFY(first.labels == again.labels);
    QCOMPARE(first.width, 256);
    QCOMPARE(first.pixels.size(), std::size_t(256 * 256));
    const PhantomCase otherIndex = generator.generate(11, 4);
    const PhantomCase otherSeed = generator.generate(12, 3);
    QVERIFY(first.pixels != otherIndex.pixels);
    QVERIFY(first.pixels != otherSeed.pixels);
    const auto maximum = *std::max_element(first.pixels.begin(), first.pixels.end());
    QVERIFY2(maximum <= 4095, "12 bits stored");
    QVERIFY(first.windowWidth > 500 && first.windowCenter > 0);
}

void PhantomGeneratorTest::anatomyHasDarkLungsAndBrightMediastinum()
{
    PhantomGenerator::Options options;
    options.size = 256;
    options.normalFraction = 1.0;
    const PhantomGenerator generator(options);
    for (int index = 0; index < 6; ++index) {
        const PhantomCase phantom = generator.generate(5, index);
        const double s = phantom.width;
        const double rightLung = meanIn(phantom, 0.22 * s, 0.35 * s, 0.08 * s, 0.1 * s);
        const double leftLung = meanIn(phantom, 0.70 * s, 0.35 * s, 0.08 * s, 0.1 * s);
        const double mediastinum = meanIn(phantom, 0.47 * s, 0.5 * s, 0.06 * s, 0.1 * s);
        const double abdomen = meanIn(phantom, 0.3 * s, 0.9 * s, 0.4 * s, 0.06 * s);
        const double air = meanIn(phantom, 0.0, 0.0, 0.02 * s, 0.02 * s);
        const QString values = QString("index %1: lungs %2/%3 mediastinum %4 abdomen %5 air %6")
                                   .arg(index)
                                   .arg(rightLung)
                                   .arg(leftLung)
                                   .arg(mediastinum)
                                   .arg(abdomen)
                                   .arg(air);
        QVERIFY2(rightLung + 400 < mediastinum && leftLung + 400 < mediastinum, qPrintable(values));
        QVERIFY2(rightLung + 400 < abdomen, qPrintable(values));
        QVERIFY2(air + 300 < rightLung, qPrintable(values));
        QCOMPARE(phantom.labels.at("No Finding"), 1);
    }
}

void PhantomGeneratorTest::findingShowsInItsBox_data()
{
    // The same seed and index with and without the finding give the same patient and the same noise, so their
    // difference is the finding alone: most of it must lie in the finding's boxes, with the expected sign.
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("sign"); // +1: denser (brighter), -1: more lucent (darker)
    QTest::addColumn<double>("minimumShare");
    QTest::addColumn<QString>("observation");
    QTest::newRow("cardiomegaly") << "cardiomegaly" << 1 << 0.99 << "Cardiomegaly";
    QTest::newRow("effusion-right") << "pleural effusion:right" << 1 << 0.99 << "Pleural Effusion";
    QTest::newRow("effusion-left") << "pleural effusion:left" << 1 << 0.99 << "Pleural Effusion";
    QTest::newRow("pneumothorax-left") << "pneumothorax:left" << -1 << 0.98 << "Pneumothorax";
    QTest::newRow("pneumothorax-right") << "pneumothorax:right" << -1 << 0.98 << "Pneumothorax";
    QTest::newRow("nodule-left-upper") << "nodule:left:upper" << 1 << 0.99 << "Lung Lesion";
    QTest::newRow("mass-right-lower") << "mass:right:lower" << 1 << 0.99 << "Lung Lesion";
    QTest::newRow("consolidation-right-upper") << "consolidation:right:upper" << 1 << 0.95 << "";
    QTest::newRow("consolidation-left-middle") << "consolidation:left:middle" << 1 << 0.95 << "";
    QTest::newRow("edema") << "edema" << 1 << 0.85 << "Edema";
    QTest::newRow("atelectasis-right") << "atelectasis:right:lower" << 1 << 0.99 << "Atelectasis";
    QTest::newRow("endotracheal-tube") << "endotracheal tube" << 1 << 0.99 << "Support Devices";
    QTest::newRow("central-line-right") << "central line:right" << 1 << 0.99 << "Support Devices";
    QTest::newRow("pacemaker-left") << "pacemaker:left" << 1 << 0.99 << "Support Devices";
}

void PhantomGeneratorTest::findingShowsInItsBox()
{
    QFETCH(QString, request);
    QFETCH(int, sign);
    QFETCH(double, minimumShare);
    QFETCH(QString, observation);
    const PhantomGenerator withFinding(only(request.toStdString()));
    PhantomGenerator::Options normalOptions;
    normalOptions.size = withFinding.options().size;
    normalOptions.normalFraction = 1.0;
    normalOptions.deviceFraction = 0.0;
    const PhantomGenerator without(normalOptions);
    for (int index = 0; index < 3; ++index) {
        const PhantomCase phantom = withFinding.generate(21, index);
        const PhantomCase normal = without.generate(21, index);
        QVERIFY(normal.findings.empty());
        QCOMPARE(phantom.findings.size(), std::size_t(1));
        const auto& finding = phantom.findings.front();
        QVERIFY2(!finding.boxes.empty(), "a drawn finding has a box");
        for (const auto& box : finding.boxes) {
            QVERIFY(box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0);
            QVERIFY(box.x + box.width <= phantom.width && box.y + box.height <= phantom.height);
            if (finding.side == "right" || finding.side == "left") {
                // The patient's right is on the image's left.
                const double centre = box.x + box.width / 2;
                QVERIFY2(finding.side == "right" ? centre < phantom.width * 0.5 : centre > phantom.width * 0.5,
                    qPrintable(QString("box centre x %1 on the wrong side").arg(centre)));
            }
        }
        // Two pixels of margin: the detector blur spreads every edge by one.
        const auto change = changeInBoxes(phantom, normal, finding.boxes, 2);
        const double totalChange = change.total;
        const double signedInside = change.signedInside;
        const double share = change.share();
        const QString message = QString("%1 index %2: %3 of the change inside the box, net %4")
                                    .arg(request)
                                    .arg(index)
                                    .arg(share)
                                    .arg(signedInside);
        QVERIFY2(totalChange > 1000.0, qPrintable(message));
        QVERIFY2(share >= minimumShare, qPrintable(message));
        QVERIFY2(signedInside * sign > 0, qPrintable(message));
        if (!observation.isEmpty()) {
            const auto label = phantom.labels.find(observation.toStdString());
            QVERIFY2(label != phantom.labels.end() && label->second == 1,
                qPrintable(observation + " should be positive in: " + QString::fromStdString(phantom.report)));
        }
    }
}

void PhantomGeneratorTest::reportMatchesFindings()
{
    PhantomGenerator::Options options;
    options.size = 128;
    const PhantomGenerator generator(options);
    std::set<std::string> headers;
    for (int index = 0; index < 60; ++index) {
        const PhantomCase phantom = generator.generate(3, index);
        QVERIFY(!phantom.sentences.empty());
        for (const auto& sentence : phantom.sentences) {
            QVERIFY(sentence.end <= phantom.report.size());
            QCOMPARE(phantom.report.substr(sentence.begin, sentence.end - sentence.begin), sentence.text);
            // A sentence with boxes asserts (or suspects) something.
            if (!sentence.boxes.empty())
                QVERIFY2(std::any_of(sentence.labels.begin(), sentence.labels.end(),
                             [](const auto& label) { return label.second != 0; }),
                    sentence.text.c_str());
            headers.insert(sentence.section);
        }
        // Every finding is mentioned by at least one sentence carrying its boxes.
        for (const auto& finding : phantom.findings) {
            const bool mentioned = std::any_of(phantom.sentences.begin(), phantom.sentences.end(),
                [&finding](const auto& sentence) { return sameBoxes(sentence.boxes, finding.boxes); });
            QVERIFY2(
                mentioned || finding.boxes.empty(), (finding.kind + " not grounded in: " + phantom.report).c_str());
        }
        const bool pathology = std::any_of(phantom.findings.begin(), phantom.findings.end(), [](const auto& finding) {
            return finding.kind != "endotracheal tube" && finding.kind != "central line" && finding.kind != "pacemaker";
        });
        QCOMPARE(phantom.labels.count("No Finding") == 1, !pathology);
    }
    QVERIFY(headers.count("FINDINGS") && headers.count("IMPRESSION") && headers.count("INDICATION"));
}

void PhantomGeneratorTest::randomizedFindingStaysInItsBox_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("sign");
    QTest::newRow("cardiomegaly") << "cardiomegaly" << 1;
    QTest::newRow("effusion-left") << "pleural effusion:left" << 1;
    QTest::newRow("pneumothorax-right") << "pneumothorax:right" << -1;
    QTest::newRow("nodule-left-upper") << "nodule:left:upper" << 1;
    QTest::newRow("mass-right-lower") << "mass:right:lower" << 1;
}

// Domain randomisation moves, scales, rotates, blurs and re-quantises the image: the finding's boxes must move with
// it. The same (seed, index) with and without the finding gets the same randomisation, so their difference is the
// finding alone, and nearly all of it must lie in the moved boxes.
void PhantomGeneratorTest::randomizedFindingStaysInItsBox()
{
    QFETCH(QString, request);
    QFETCH(int, sign);
    auto withOptions = only(request.toStdString(), 256);
    withOptions.domainRandomization = true;
    PhantomGenerator::Options normalOptions;
    normalOptions.size = 256;
    normalOptions.normalFraction = 1.0;
    normalOptions.deviceFraction = 0.0;
    normalOptions.domainRandomization = true;
    const PhantomGenerator withFinding(withOptions);
    const PhantomGenerator without(normalOptions);
    for (int index = 0; index < 4; ++index) {
        const PhantomCase phantom = withFinding.generate(33, index);
        const PhantomCase normal = without.generate(33, index);
        QCOMPARE(phantom.width, normal.width);
        QCOMPARE(phantom.height, normal.height);
        const auto& finding = phantom.findings.front();
        QVERIFY2(!finding.boxes.empty(), "a drawn finding keeps a box");
        for (const auto& box : finding.boxes)
            QVERIFY(
                box.x >= 0 && box.y >= 0 && box.x + box.width <= phantom.width && box.y + box.height <= phantom.height);
        const auto change = changeInBoxes(phantom, normal, finding.boxes, 5);
        const double totalChange = change.total;
        const double signedInside = change.signedInside;
        const double share = change.share();
        const QString message
            = QString("%1 index %2: %3 of the change inside the box").arg(request).arg(index).arg(share);
        QVERIFY2(totalChange > 100.0, qPrintable(message));
        QVERIFY2(share >= 0.9, qPrintable(message));
        QVERIFY2(signedInside * sign > 0, qPrintable(message));
    }
}

void PhantomGeneratorTest::randomizedStudiesVary()
{
    PhantomGenerator::Options options;
    options.size = 192;
    options.domainRandomization = true;
    const PhantomGenerator generator(options);
    std::set<std::pair<int, int>> sizes;
    std::set<int> depths;
    int monochrome1 = 0;
    int nonSquare = 0;
    std::set<std::string> sentences;
    for (int index = 0; index < 60; ++index) {
        const PhantomCase phantom = generator.generate(8, index);
        sizes.insert({ phantom.width, phantom.height });
        depths.insert(phantom.bitsStored);
        monochrome1 += phantom.monochrome1 ? 1 : 0;
        nonSquare += phantom.width != phantom.height ? 1 : 0;
        QCOMPARE(phantom.pixels.size(), static_cast<std::size_t>(phantom.width) * phantom.height);
        const auto maximum = static_cast<std::uint16_t>((1 << phantom.bitsStored) - 1);
        QVERIFY(*std::max_element(phantom.pixels.begin(), phantom.pixels.end()) <= maximum);
        QVERIFY(phantom.windowWidth > 0);
        for (const auto& sentence : phantom.sentences) {
            QCOMPARE(phantom.report.substr(sentence.begin, sentence.end - sentence.begin), sentence.text);
            for (const auto& box : sentence.boxes)
                QVERIFY(box.x >= 0 && box.y >= 0 && box.x + box.width <= phantom.width + 1e-6
                    && box.y + box.height <= phantom.height + 1e-6);
            sentences.insert(sentence.text);
        }
        if (index == 0) {
            const PhantomCase again = generator.generate(8, index);
            QVERIFY(again.pixels == phantom.pixels);
            QCOMPARE(again.report, phantom.report);
        }
    }
    QVERIFY(sizes.size() > 50);
    QVERIFY(nonSquare > 50);
    QVERIFY(depths.size() >= 3);
    QVERIFY2(monochrome1 >= 5 && monochrome1 <= 28, qPrintable(QString::number(monochrome1)));

    // The paraphrased reports use a wider vocabulary than the reference templates on the same studies.
    options.domainRandomization = false;
    const PhantomGenerator reference(options);
    std::set<std::string> referenceSentences;
    for (int index = 0; index < 60; ++index)
        for (const auto& sentence : reference.generate(8, index).sentences)
            referenceSentences.insert(sentence.text);
    QVERIFY2(sentences.size() > referenceSentences.size() * 13 / 10,
        qPrintable(QString("%1 vs %2").arg(sentences.size()).arg(referenceSentences.size())));
}

void PhantomGeneratorTest::paraphrasesKeepMeaningWords()
{
    std::set<std::string> forms;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        DeterministicRandom random(seed);
        const auto effusion = ReportParaphraser::paraphrase("There is a small left pleural effusion.", random);
        QVERIFY2(effusion.find("left") != std::string::npos, effusion.c_str()); // the side stays
        QVERIFY(effusion.find("small") != std::string::npos);
        QCOMPARE(effusion.back(), '.');
        forms.insert(effusion);
        const auto negated = ReportParaphraser::paraphrase("No pneumothorax.", random);
        QVERIFY2(negated.find("neumothorax") != std::string::npos || negated.find("PTX") != std::string::npos,
            negated.c_str());
        forms.insert(negated);
        const auto lobe = ReportParaphraser::paraphrase("Focal consolidation in the right upper lobe.", random);
        QVERIFY2(lobe.find("right") != std::string::npos || lobe.find("RUL") != std::string::npos, lobe.c_str());
        QVERIFY2(lobe.find("upper") != std::string::npos || lobe.find("RUL") != std::string::npos, lobe.c_str());
    }
    QVERIFY2(forms.size() >= 12, qPrintable(QString::number(forms.size())));
}

void PhantomGeneratorTest::randomStudiesCoverAllKinds()
{
    PhantomGenerator::Options options;
    options.size = 128;
    const PhantomGenerator generator(options);
    std::set<std::string> kinds;
    int normal = 0;
    int uncertain = 0;
    for (int index = 0; index < 150; ++index) {
        const PhantomCase phantom = generator.generate(9, index);
        for (const auto& finding : phantom.findings)
            kinds.insert(finding.kind);
        normal += phantom.labels.count("No Finding") ? 1 : 0;
        for (const auto& label : phantom.labels)
            uncertain += label.second == -1 ? 1 : 0;
    }
    for (const auto& kind : PhantomGenerator::findingKinds())
        QVERIFY2(kinds.count(kind), ("never drawn: " + kind).c_str());
    QVERIFY2(normal > 20 && normal < 80, qPrintable(QString("%1 normal studies of 150").arg(normal)));
    QVERIFY2(uncertain > 0, "some labels are uncertain");
}

void PhantomGeneratorTest::badRequestsAreRejected()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PhantomGenerator::parseRequest("tumour"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PhantomGenerator::parseRequest("nodule:middle"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PhantomGenerator::parseRequest("nodule:left:apex"));
    const auto request = PhantomGenerator::parseRequest("nodule:left:upper");
    QCOMPARE(request.kind, std::string("nodule"));
    QCOMPARE(request.side, std::string("left"));
    QCOMPARE(request.zone, std::string("upper"));
    PhantomGenerator::Options options;
    options.size = 8;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PhantomGenerator { options });
}

QTEST_GUILESS_MAIN(PhantomGeneratorTest)
#include "PhantomGeneratorTest.moc"
