#include <cmath>
#include <memory>
#include <set>
#include <stdexcept>

#include <QTemporaryDir>
#include <QTest>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrscovl.h>

#include "core/dicom/DicomLibrary.h"
#include "core/model/PatchMapResampler.h"
#include "core/results/OverlaySnapshotRenderer.h"
#include "core/results/ParametricMapWriter.h"
#include "core/results/ReviewDecisionsFile.h"
#include "core/results/SecondaryCaptureWriter.h"
#include "core/results/StructuredReportWriter.h"
#include "core/study/DicomImageReader.h"
#include "tests/results/ResultValidators.h"
#include "tests/study/TestDicomFiles.h"
#include "ui/model/ReviewDecisions.h"

using namespace lrclr;

namespace {

constexpr int sourceRows = 64;
constexpr int sourceColumns = 48;

AnalysisResult::PatchMap patchMap(float phase)
{
    AnalysisResult::PatchMap map;
    map.rows = 7;
    map.columns = 7;
    for (int i = 0; i < 49; ++i)
        map.values.push_back(0.5f * std::sin(phase + 0.37f * static_cast<float>(i)));
    return map;
}

AnalysisResult::Region region(int patch, double x, double y, double width, double height, float score)
{
    AnalysisResult::Region region;
    region.patchIndex = patch;
    region.row = patch / 7;
    region.column = patch % 7;
    region.score = score;
    region.box = { x, y, width, height };
    return region;
}

// A hand-made analysis of the 48 x 64 source, centre-cropped (rows at the top and bottom lie outside the model's
// view), with three regions, two sentences (one non-ASCII) and two findings, one calibrated.
AnalysisResult handMadeResult()
{
    AnalysisResult result;
    result.model = { "lrclr-test-vit-b32", std::string(64, 'a'), "cpu", "center-crop" };
    result.geometry = { sourceColumns, sourceRows, 224, 224.0 / sourceColumns, 0.0,
        (224.0 - sourceRows * 224.0 / sourceColumns) / 2.0, "center-crop" };
    result.regions = { region(10, 6.5, 12.25, 6.875, 6.875, 0.4f), region(24, 20.625, 20.5, 6.875, 6.875, 0.3f),
        region(40, 34.375, 41.0, 6.875, 6.875, 0.1f) };
    AnalysisResult::Sentence first;
    first.text = "Small left pleural effusion.";
    first.begin = 0;
    first.end = 28;
    first.globalSimilarity = 0.21f;
    first.localSimilarity = 0.34f;
    first.regionWeights = { 0.7f, 0.25f, 0.05f };
    first.similarityMap = patchMap(0.0f);
    first.attentionMap = patchMap(1.0f);
    AnalysisResult::Sentence second;
    second.text = "Herz normal gro\xC3\x9F, keine Stauung.";
    second.begin = 29;
    second.end = 61;
    second.globalSimilarity = -0.05f;
    second.localSimilarity = 0.12f;
    second.regionWeights = { 0.1f, 0.15f, 0.75f };
    second.similarityMap = patchMap(2.0f);
    second.attentionMap = patchMap(3.0f);
    result.sentences = { first, second };
    AnalysisResult::Finding effusion;
    effusion.name = "Pleural Effusion";
    effusion.combinedProbability = 0.61f;
    effusion.probability = 0.72f;
    effusion.calibrated = true;
    effusion.threshold = 0.5f;
    effusion.map = patchMap(4.0f);
    AnalysisResult::Finding cardiomegaly;
    cardiomegaly.name = "Cardiomegaly";
    cardiomegaly.combinedProbability = 0.18f;
    cardiomegaly.probability = 0.18f;
    cardiomegaly.map = patchMap(5.0f);
    result.findings = { effusion, cardiomegaly };
    return result;
}

std::string text(DcmItem& item, const DcmTagKey& tag)
{
    OFString value;
    item.findAndGetOFStringArray(tag, value);
    return value.c_str();
}

// Everything the round trip looks for in our SR, collected by walking its content tree.
struct SrContents {
    std::vector<std::string> sentences;
    std::vector<std::vector<float>> rectangles; ///< 10 values (5 points) per SCOORD
    std::set<std::string> referencedInstances;
    std::vector<std::string> findings;
    std::vector<double> probabilities;
    std::vector<std::string> decisions;
    std::string algorithmVersion;
};

SrContents walk(DSRDocument& document)
{
    SrContents contents;
    auto& tree = document.getTree();
    if (tree.gotoRoot() == 0)
        return contents;
    do {
        const auto& item = tree.getCurrentContentItem();
        const auto& name = item.getConceptName();
        if (item.getValueType() == DSRTypes::VT_Text && name.getCodeValue() == "SENTENCETEXT")
            contents.sentences.push_back(item.getStringValue().c_str());
        if (item.getValueType() == DSRTypes::VT_Text && name.getCodeValue() == "121071")
            contents.findings.push_back(item.getStringValue().c_str());
        if (item.getValueType() == DSRTypes::VT_Text && name.getCodeValue() == "111003")
            contents.algorithmVersion = item.getStringValue().c_str();
        if (item.getValueType() == DSRTypes::VT_Num && name.getCodeValue() == "122157")
            contents.probabilities.push_back(std::stod(item.getNumericValue().getNumericValue().c_str()));
        if (item.getValueType() == DSRTypes::VT_Code && name.getCodeValue() == "REVIEW")
            contents.decisions.push_back(item.getCodeValue().getCodeValue().c_str());
        if (item.getValueType() == DSRTypes::VT_Image)
            contents.referencedInstances.insert(item.getImageReference().getSOPInstanceUID().c_str());
        if (item.getValueType() == DSRTypes::VT_SCoord) {
            std::vector<float> points;
            auto coordinates = item.getSpatialCoordinates();
            const auto& list = coordinates.getGraphicDataList();
            for (std::size_t i = 1; i <= list.getNumberOfItems(); ++i) {
                const auto& point = list.getItem(i);
                points.push_back(point.Column);
                points.push_back(point.Row);
            }
            contents.rectangles.push_back(points);
        }
    } while (tree.iterate());
    return contents;
}

} // namespace

class DicomResultsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void structuredReportPassesValidators();
    void structuredReportRoundTrip();
    void validatorsRejectABrokenReport();
    void secondaryCapturePassesValidatorAndKeepsPixels();
    void parametricMapPassesValidatorAndKeepsHeatmaps();
    void overlaySnapshotOutlinesSupportingRegions();
    void reviewDecisionsSavedByTheViewerAreRead();
    void rasterSourceIsRefused();

private:
    void verifyDciodvfy(const QString& path);
    void verifyNewSeriesInSourceStudy(DcmItem& dataset, const std::string& modality);

    QTemporaryDir m_folder;
    test::ResultValidators m_validators;
    DicomResultSource m_source;
    AnalysisResult m_result;
};

void DicomResultsTest::initTestCase()
{
    DicomLibrary::initialize();
    QVERIFY(m_folder.isValid());
    m_folder.setAutoRemove(qEnvironmentVariableIsEmpty("LRCLR_KEEP_TEST_OUTPUT")); // to look at what failed
    const auto missing = m_validators.locate();
    QVERIFY2(missing.isEmpty(), qPrintable(missing));

    test::SyntheticImage image;
    image.rows = sourceRows;
    image.columns = sourceColumns;
    image.samples = test::patternSamples(image);
    image.attributes = { { 0x0010, 0x0010, "Doe^Jane" }, { 0x0010, 0x0020, "PID-0042" }, { 0x0010, 0x0030, "19700101" },
        { 0x0010, 0x0040, "F" }, { 0x0008, 0x0020, "20240301" }, { 0x0008, 0x0030, "101500" },
        { 0x0008, 0x0050, "ACC-7" }, { 0x0008, 0x0090, "Roe^Richard" }, { 0x0020, 0x0010, "S-12" },
        { 0x0008, 0x1030, "CHEST PA" }, { 0x0028, 0x0030, "0.2\\0.2" } };
    const auto path = m_folder.filePath(QStringLiteral("source.dcm")).toStdString();
    const auto error = test::writeSyntheticDicom(image, test::TestSyntax::ExplicitLittle, path);
    QVERIFY2(error.empty(), error.c_str());
    XrayImage xray;
    DicomImageReader reader;
    QVERIFY2(reader.read(path, xray), reader.errorString().c_str());
    m_source = DicomResultSource::fromImage(xray);
    QVERIFY2(m_source.isDicom(), m_source.missingAttributes().c_str());
    QCOMPARE(m_source.identity.referringPhysicianName, std::string("Roe^Richard"));
    m_result = handMadeResult();
}

void DicomResultsTest::verifyDciodvfy(const QString& path)
{
    const auto outcome = m_validators.dciodvfy(path);
    QVERIFY2(outcome.passed, qPrintable(QStringLiteral("dciodvfy found errors in %1:\n%2").arg(path, outcome.output)));
}

void DicomResultsTest::verifyNewSeriesInSourceStudy(DcmItem& dataset, const std::string& modality)
{
    const auto& identity = m_source.identity;
    QCOMPARE(text(dataset, DCM_StudyInstanceUID), identity.studyInstanceUid);
    QCOMPARE(text(dataset, DCM_PatientID), identity.patientId);
    QCOMPARE(text(dataset, DCM_PatientName), identity.patientName);
    QCOMPARE(text(dataset, DCM_PatientBirthDate), identity.patientBirthDate);
    QCOMPARE(text(dataset, DCM_AccessionNumber), identity.accessionNumber);
    QCOMPARE(text(dataset, DCM_StudyID), identity.studyId);
    QCOMPARE(text(dataset, DCM_Modality), modality);
    const auto series = text(dataset, DCM_SeriesInstanceUID);
    QVERIFY(!series.empty());
    QVERIFY(series != identity.seriesInstanceUid);
    QVERIFY(text(dataset, DCM_SOPInstanceUID) != identity.sopInstanceUid);
}

void DicomResultsTest::structuredReportPassesValidators()
{
    const auto path = m_folder.filePath(QStringLiteral("report.dcm"));
    StructuredReportWriter::Options options;
    options.decisions = { { 0, 0, true }, { 1, 0, false } };
    const auto written = StructuredReportWriter::write(m_result, m_source, path.toStdString(), options);
    QCOMPARE(written.sopClassUid, std::string("1.2.840.10008.5.1.4.1.1.88.33"));
    verifyDciodvfy(path);
    const auto outcome = m_validators.pixelmedSr(path);
    QVERIFY2(outcome.passed, qPrintable(QStringLiteral("pixelmed DicomSRValidator:\n") + outcome.output));
}

void DicomResultsTest::structuredReportRoundTrip()
{
    const auto path = m_folder.filePath(QStringLiteral("roundtrip.dcm")).toStdString();
    StructuredReportWriter::Options options;
    options.decisions = { { 0, 0, true }, { 1, 0, false } };
    const auto written = StructuredReportWriter::write(m_result, m_source, path, options);

    DcmFileFormat file;
    QVERIFY(file.loadFile(path.c_str()).good());
    verifyNewSeriesInSourceStudy(*file.getDataset(), "SR");
    QCOMPARE(text(*file.getDataset(), DCM_SeriesInstanceUID), written.seriesInstanceUid);
    DSRDocument document;
    QVERIFY(document.read(*file.getDataset()).good());
    QCOMPARE(document.getDocumentType(), DSRTypes::DT_ComprehensiveSR);
    const auto contents = walk(document);

    QCOMPARE(contents.sentences.size(), std::size_t(2));
    QCOMPARE(contents.sentences[0], m_result.sentences[0].text);
    QCOMPARE(contents.sentences[1], m_result.sentences[1].text);
    // Sentence 1 lists regions 0 and 1 (weights 0.7, 0.25); sentence 2 lists region 2 (0.75) and region 0, which the
    // reviewer rejected although its weight (0.1) is below the threshold.
    const std::vector<int> listed = { 0, 1, 2, 0 };
    QCOMPARE(contents.rectangles.size(), listed.size());
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const auto& box = m_result.regions[static_cast<std::size_t>(listed[i])].box;
        const std::vector<float> expected
            = { float(box.x), float(box.y), float(box.x + box.width), float(box.y), float(box.x + box.width),
                  float(box.y + box.height), float(box.x), float(box.y + box.height), float(box.x), float(box.y) };
        QCOMPARE(contents.rectangles[i], expected);
    }
    QCOMPARE(contents.decisions, (std::vector<std::string> { "ACCEPTED", "REJECTED" }));
    QCOMPARE(contents.findings, (std::vector<std::string> { "Pleural Effusion", "Cardiomegaly" }));
    QCOMPARE(contents.probabilities.size(), std::size_t(2));
    QVERIFY(std::abs(contents.probabilities[0] - 0.72) < 1e-5);
    QVERIFY(std::abs(contents.probabilities[1] - 0.18) < 1e-5);
    QCOMPARE(contents.algorithmVersion, "sha256:" + m_result.model.sha256);
    QCOMPARE(contents.referencedInstances, (std::set<std::string> { m_source.identity.sopInstanceUid }));
    DcmItem* evidence = nullptr;
    QVERIFY(
        file.getDataset()->findAndGetSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, evidence, 0).good());
    QCOMPARE(text(*evidence, DCM_StudyInstanceUID), m_source.identity.studyInstanceUid);
}

// The validators can fail: the same SR without its Completion Flag and with an illegal relationship (the first item
// under the root SELECTED FROM it) is refused by both.
void DicomResultsTest::validatorsRejectABrokenReport()
{
    const auto path = m_folder.filePath(QStringLiteral("broken.dcm"));
    StructuredReportWriter::write(m_result, m_source, path.toStdString());
    DcmFileFormat file;
    QVERIFY(file.loadFile(path.toStdString().c_str()).good());
    QVERIFY(file.getDataset()->findAndDeleteElement(DCM_CompletionFlag).good());
    DcmItem* firstChild = nullptr;
    QVERIFY(file.getDataset()->findAndGetSequenceItem(DCM_ContentSequence, firstChild, 0).good());
    QVERIFY(firstChild->putAndInsertString(DCM_RelationshipType, "SELECTED FROM").good());
    QVERIFY(file.saveFile(path.toStdString().c_str(), EXS_LittleEndianExplicit).good());
    const auto iod = m_validators.dciodvfy(path);
    QVERIFY2(!iod.passed, qPrintable(iod.output));
    QVERIFY(iod.errors.join(QLatin1Char('\n')).contains(QStringLiteral("CompletionFlag")));
    const auto sr = m_validators.pixelmedSr(path);
    QVERIFY2(!sr.passed, qPrintable(sr.output));
    QVERIFY(sr.errors.join(QLatin1Char('\n')).contains(QStringLiteral("illegal relationship")));
}

void DicomResultsTest::secondaryCapturePassesValidatorAndKeepsPixels()
{
    RgbPicture picture;
    picture.width = 37;
    picture.height = 21;
    for (int i = 0; i < picture.width * picture.height * 3; ++i)
        picture.rgb.push_back(static_cast<std::uint8_t>(i * 7));
    const auto path = m_folder.filePath(QStringLiteral("overlay.dcm"));
    SecondaryCaptureWriter::write(picture, m_source, path.toStdString());
    verifyDciodvfy(path);

    DcmFileFormat file;
    QVERIFY(file.loadFile(path.toStdString().c_str()).good());
    auto& dataset = *file.getDataset();
    verifyNewSeriesInSourceStudy(dataset, "OT");
    QCOMPARE(text(dataset, DCM_BurnedInAnnotation), std::string("YES"));
    QCOMPARE(text(dataset, DCM_PhotometricInterpretation), std::string("RGB"));
    Uint16 rows = 0;
    Uint16 columns = 0;
    dataset.findAndGetUint16(DCM_Rows, rows);
    dataset.findAndGetUint16(DCM_Columns, columns);
    QCOMPARE(int(rows), picture.height);
    QCOMPARE(int(columns), picture.width);
    const Uint8* pixels = nullptr;
    unsigned long count = 0;
    QVERIFY(dataset.findAndGetUint8Array(DCM_PixelData, pixels, &count).good());
    QVERIFY(count >= picture.rgb.size());
    QVERIFY(std::equal(picture.rgb.begin(), picture.rgb.end(), pixels));
    DcmItem* sourceItem = nullptr;
    QVERIFY(dataset.findAndGetSequenceItem(DCM_SourceImageSequence, sourceItem, 0).good());
    QCOMPARE(text(*sourceItem, DCM_ReferencedSOPInstanceUID), m_source.identity.sopInstanceUid);
}

void DicomResultsTest::parametricMapPassesValidatorAndKeepsHeatmaps()
{
    const auto path = m_folder.filePath(QStringLiteral("heatmaps.dcm"));
    ParametricMapWriter::write(m_result, m_source, path.toStdString());
    verifyDciodvfy(path);

    DcmFileFormat file;
    QVERIFY(file.loadFile(path.toStdString().c_str()).good());
    auto& dataset = *file.getDataset();
    verifyNewSeriesInSourceStudy(dataset, "CR");
    QCOMPARE(text(dataset, DCM_SOPClassUID), std::string(ParametricMapWriter::sopClassUid));
    QCOMPARE(text(dataset, DCM_NumberOfFrames), std::string("4"));
    Uint16 rows = 0;
    Uint16 columns = 0;
    dataset.findAndGetUint16(DCM_Rows, rows);
    dataset.findAndGetUint16(DCM_Columns, columns);
    QCOMPARE(int(rows), sourceRows);
    QCOMPARE(int(columns), sourceColumns);
    const Float32* samples = nullptr;
    unsigned long count = 0;
    QVERIFY(dataset.findAndGetFloat32Array(DCM_FloatPixelData, samples, &count).good());
    const std::size_t frame = std::size_t(sourceRows) * sourceColumns;
    QCOMPARE(count, 4 * frame);
    const std::vector<const AnalysisResult::PatchMap*> maps = { &m_result.sentences[0].similarityMap,
        &m_result.sentences[1].similarityMap, &m_result.findings[0].map, &m_result.findings[1].map };
    int outsideView = 0;
    for (std::size_t f = 0; f < maps.size(); ++f) {
        const auto expected = PatchMapResampler::toPixels(*maps[f], m_result.geometry, sourceColumns, sourceRows);
        for (std::size_t i = 0; i < frame; ++i) {
            const float stored = samples[f * frame + i];
            QVERIFY(!std::isnan(stored));
            if (std::isnan(expected[i])) {
                QCOMPARE(stored, 0.0f);
                ++outsideView;
            } else {
                QCOMPARE(stored, expected[i]);
            }
        }
    }
    QVERIFY(outsideView > 0); // the centre crop leaves rows outside the model's view
    DcmItem* shared = nullptr;
    DcmItem* derivation = nullptr;
    DcmItem* sourceImage = nullptr;
    QVERIFY(dataset.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good());
    QVERIFY(shared->findAndGetSequenceItem(DCM_DerivationImageSequence, derivation, 0).good());
    QVERIFY(derivation->findAndGetSequenceItem(DCM_SourceImageSequence, sourceImage, 0).good());
    QCOMPARE(text(*sourceImage, DCM_ReferencedSOPInstanceUID), m_source.identity.sopInstanceUid);
}

// Region 0 supports sentence 1 (weight 0.7): its box edge takes sentence 1's colour; region 2 supports only
// sentence 2; the inside of a box and the rest of the image stay gray.
void DicomResultsTest::overlaySnapshotOutlinesSupportingRegions()
{
    GrayscaleImage gray;
    gray.width = sourceColumns;
    gray.height = sourceRows;
    gray.pixels.assign(std::size_t(sourceColumns) * sourceRows, 100.0f);
    const auto picture = OverlaySnapshotRenderer::render(gray, m_result, 0.2);
    QCOMPARE(picture.width, sourceColumns);
    QCOMPARE(picture.height, sourceRows);
    const auto pixel = [&](int x, int y) {
        const auto* p = &picture.rgb[(std::size_t(y) * picture.width + x) * 3];
        return std::vector<int> { p[0], p[1], p[2] };
    };
    const auto colour = [](int sentence) {
        const auto* c = OverlaySnapshotRenderer::paletteColour(sentence);
        return std::vector<int> { c[0], c[1], c[2] };
    };
    const auto& first = m_result.regions[0].box; // x 6.5, y 12.25: the outline starts at pixel (6, 12)
    QCOMPARE(pixel(int(first.x), int(first.y) + 3), colour(0));
    QCOMPARE(pixel(int(first.x) + 3, int(first.y) + 3), (std::vector<int> { 100, 100, 100 }));
    const auto& third = m_result.regions[2].box;
    QCOMPARE(pixel(int(third.x) + 2, int(third.y)), colour(1));
    QCOMPARE(pixel(45, 60), (std::vector<int> { 100, 100, 100 }));
}

// The viewer's own file (ui/model/ReviewDecisions) reads back as the SR writer's decisions, matched by sentence
// text and patch index; a decision on a sentence this analysis lacks is left out.
void DicomResultsTest::reviewDecisionsSavedByTheViewerAreRead()
{
    ReviewDecisions viewer;
    auto other = std::make_shared<AnalysisResult>(m_result);
    other->sentences.push_back(other->sentences[0]);
    other->sentences.back().text = "Not in this analysis.";
    viewer.setResult(other);
    viewer.setDecision(0, 0, ReviewDecisions::Decision::Accepted);
    viewer.setDecision(1, 2, ReviewDecisions::Decision::Rejected);
    viewer.setDecision(2, 1, ReviewDecisions::Decision::Accepted);
    const auto path = m_folder.filePath(QStringLiteral("source.dcm.lrclr-review.json"));
    QString error;
    QVERIFY2(viewer.save(path, &error), qPrintable(error));
    const auto decisions = ReviewDecisionsFile::read(path.toStdString(), m_result);
    QCOMPARE(decisions.size(), std::size_t(2));
    QCOMPARE(decisions[0].sentence, 0);
    QCOMPARE(decisions[0].region, 0);
    QVERIFY(decisions[0].accepted);
    QCOMPARE(decisions[1].sentence, 1);
    QCOMPARE(decisions[1].region, 2);
    QVERIFY(!decisions[1].accepted);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
        ReviewDecisionsFile::read(m_folder.filePath(QStringLiteral("source.dcm")).toStdString(), m_result));
}

void DicomResultsTest::rasterSourceIsRefused()
{
    DicomResultSource raster
        = DicomResultSource::fromImage(XrayImage::fromUnsigned8(4, 4, std::vector<std::uint8_t>(16)));
    QVERIFY(!raster.isDicom());
    const auto path = m_folder.filePath(QStringLiteral("refused.dcm")).toStdString();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, StructuredReportWriter::write(m_result, raster, path));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ParametricMapWriter::write(m_result, raster, path));
    QVERIFY(!QFileInfo::exists(QString::fromStdString(path)));
}

QTEST_GUILESS_MAIN(DicomResultsTest)
#include "DicomResultsTest.moc"
