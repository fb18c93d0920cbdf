#include "core/results/ParametricMapWriter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgframeanatomy.h>
#include <dcmtk/dcmfg/fgparametricmapframetype.h>
#include <dcmtk/dcmfg/fgpixeltransform.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgrealworldvaluemapping.h>
#include <dcmtk/dcmiod/iodcontentitemmacro.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmiod/modfloatingpointimagepixel.h>
#include <dcmtk/dcmpmap/dpmparametricmapiod.h>

#include "core/dicom/DicomLibrary.h"
#include "core/model/PatchMapResampler.h"
#include "core/results/internal/DicomResultModules.h"
#include "core/results/internal/ResultCodes.h"

namespace lrclr {

namespace {

namespace Modules = internal::DicomResultModules;
namespace Codes = internal::ResultCodes;

void require(const OFCondition& condition, const std::string& what)
{
    Modules::check(condition.good(), "Parametric Map: cannot set " + what, condition.text());
}

std::vector<float> onSourceGrid(
    const AnalysisResult::PatchMap& map, const AnalysisResult& result, const DicomResultSource& source)
{
    auto samples = PatchMapResampler::toPixels(map, result.geometry, source.columns, source.rows);
    std::replace_if(
        samples.begin(), samples.end(), [](float value) { return std::isnan(value); }, 0.0f);
    return samples;
}

// DCMTK 3.6.7 checks Frame Comments / Frame Label as if they were ASCII whatever the character set, so text with
// other characters is left out of the frame (the SR holds it).
bool isPlainAscii(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

std::string decimal(double value)
{
    std::ostringstream text;
    text.precision(10);
    text << value;
    return text.str();
}

// Patient, study and Frame of Reference through DCMTK's own import, from a dataset holding the source's values.
void importSource(DPMParametricMapIOD& map, const DicomIdentity& identity)
{
    DcmItem source;
    source.putAndInsertString(DCM_SpecificCharacterSet, Modules::characterSet);
    Modules::putPatientAndStudy(source, identity);
    source.putAndInsertString(DCM_FrameOfReferenceUID,
        (identity.frameOfReferenceUid.empty() ? Modules::newUid() : identity.frameOfReferenceUid).c_str());
    source.putAndInsertString(DCM_PositionReferenceIndicator, "");
    require(map.importHierarchy(source, OFTrue, OFTrue, OFTrue, OFFalse), "the patient and study of the source");
}

void addGeometry(DPMParametricMapIOD& map, const DicomResultSource& source)
{
    FGPixelMeasures measures;
    const double rowSpacing = source.rowSpacingMm.value_or(1.0);
    const double columnSpacing = source.columnSpacingMm.value_or(rowSpacing);
    require(measures.setPixelSpacing((decimal(rowSpacing) + "\\" + decimal(columnSpacing)).c_str()), "Pixel Spacing");
    require(measures.setSliceThickness("1"), "Slice Thickness");
    require(map.addForAllFrames(measures), "Pixel Measures");
    std::unique_ptr<FGPlaneOrientationPatient> orientation(
        FGPlaneOrientationPatient::createMinimal("1", "0", "0", "0", "1", "0"));
    require(map.addForAllFrames(*orientation), "Plane Orientation");
    std::unique_ptr<FGPlanePosPatient> position(FGPlanePosPatient::createMinimal("0", "0", "0"));
    require(map.addForAllFrames(*position), "Plane Position");
    FGFrameAnatomy anatomy;
    require(anatomy.setLaterality(FGFrameAnatomy::LATERALITY_UNPAIRED), "Frame Laterality");
    require(
        anatomy.getAnatomy().getAnatomicRegion().set(Codes::thorax.value, Codes::thorax.scheme, Codes::thorax.meaning),
        "Anatomic Region");
    require(map.addForAllFrames(anatomy), "Frame Anatomy");
}

// Derivation Image (every frame derives from the source image) and the Common Instance Reference that lists it.
void addSourceReference(DPMParametricMapIOD& map, const DicomIdentity& identity)
{
    DcmDataset reference;
    reference.putAndInsertString(DCM_SOPClassUID, identity.sopClassUid.c_str());
    reference.putAndInsertString(DCM_SOPInstanceUID, identity.sopInstanceUid.c_str());
    reference.putAndInsertString(DCM_StudyInstanceUID, identity.studyInstanceUid.c_str());
    reference.putAndInsertString(DCM_SeriesInstanceUID, identity.seriesInstanceUid.c_str());
    reference.putAndInsertString(DCM_PatientID, identity.patientId.c_str());
    FGDerivationImage derivation;
    DerivationImageItem* item = nullptr;
    require(derivation.addDerivationImageItem(CodeSequenceMacro(Codes::derivationCode.value,
                                                  Codes::derivationCode.scheme, Codes::derivationCode.meaning),
                "LRCLR sentence and finding similarity maps", item),
        "Derivation Image");
    SourceImageItem* source = nullptr;
    require(item->addSourceImageItem(&reference,
                CodeSequenceMacro(Codes::sourceImagePurpose.value, Codes::sourceImagePurpose.scheme,
                    Codes::sourceImagePurpose.meaning),
                source),
        "the source image");
    require(map.addForAllFrames(derivation), "Derivation Image");
    IODReferences references;
    references.add(new IODImageReference(identity.patientId.c_str(), identity.studyInstanceUid.c_str(),
        identity.seriesInstanceUid.c_str(), identity.sopInstanceUid.c_str(), identity.sopClassUid.c_str()));
    if (map.getIODCommonInstanceReferenceModule().addReferences(references) != 1)
        throw std::runtime_error("Parametric Map: cannot list the source image in the Common Instance Reference");
}

void addValueMapping(DPMParametricMapIOD& map, float low, float high)
{
    FGPixelValueTransformation identity;
    identity.setFGType(FGPixelValueTransformation::E_PixelValTrans_Identity);
    require(map.addForAllFrames(identity), "Identity Pixel Value Transformation");
    FGParametricMapFrameType frameType;
    require(frameType.setFrameType("DERIVED\\PRIMARY\\STATIC\\NONE"), "Frame Type");
    require(map.addForAllFrames(frameType), "Parametric Map Frame Type");

    FGRealWorldValueMapping mapping;
    auto* item = new FGRealWorldValueMapping::RWVMItem();
    mapping.getRealWorldValueMapping().push_back(item);
    require(item->setRealWorldValueSlope(1.0), "Real World Value Slope");
    require(item->setRealWorldValueIntercept(0.0), "Real World Value Intercept");
    require(item->setDoubleFloatRealWorldValueFirstValueMapped(low), "the first value mapped");
    require(item->setDoubleFloatRealWorldValueLastValueMapped(high), "the last value mapped");
    require(item->getMeasurementUnitsCode().set(Codes::noUnits.value, Codes::noUnits.scheme, Codes::noUnits.meaning),
        "Measurement Units");
    require(item->setLUTExplanation(Codes::similarityQuantity.meaning), "LUT Explanation");
    require(item->setLUTLabel("SIMILARITY"), "LUT Label");
    auto* quantity = new ContentItemMacro;
    item->getEntireQuantityDefinitionSequence().push_back(quantity);
    quantity->getEntireConceptNameCodeSequence().push_back(
        new CodeSequenceMacro(Codes::quantity.value, Codes::quantity.scheme, Codes::quantity.meaning));
    quantity->getEntireConceptCodeSequence().push_back(new CodeSequenceMacro(
        Codes::similarityQuantity.value, Codes::similarityQuantity.scheme, Codes::similarityQuantity.meaning));
    require(quantity->setValueType(ContentItemMacro::VT_CODE), "the quantity's value type");
    require(map.addForAllFrames(mapping), "Real World Value Mapping");
}

void addFrames(DPMParametricMapIOD& map, std::vector<ParametricMapWriter::Frame>& frames)
{
    auto framesVariant = map.getFrames();
    auto* floatFrames = OFget<DPMParametricMapIOD::Frames<Float32>>(&framesVariant);
    if (!floatFrames)
        throw std::runtime_error("Parametric Map: DCMTK did not create float frames");
    for (std::size_t i = 0; i < frames.size(); ++i) {
        FGFrameContent content;
        require(content.setDimensionIndexValues(static_cast<Uint32>(i + 1), 0), "Dimension Index Values");
        const auto label
            = isPlainAscii(frames[i].label) ? frames[i].label.substr(0, 64) : "frame " + std::to_string(i + 1);
        require(content.setFrameLabel(label.c_str(), OFFalse), "Frame Label");
        if (!frames[i].comment.empty() && isPlainAscii(frames[i].comment))
            require(content.setFrameComments(frames[i].comment.c_str(), OFFalse), "Frame Comments");
        OFVector<FGBase*> perFrame;
        perFrame.push_back(&content);
        require(floatFrames->addFrame(frames[i].samples.data(), frames[i].samples.size(), perFrame), "a frame");
        frames[i].samples = {};
    }
}

DPMParametricMapIOD createMap(const DicomResultSource& source, const DicomSeriesOptions& options)
{
    const int seriesNumber = options.seriesNumber > 0 ? options.seriesNumber : ParametricMapWriter::defaultSeriesNumber;
    const IODEnhGeneralEquipmentModule::EquipmentInfo equipment(
        Modules::manufacturer, "LRCLR", "0", options.softwareVersion.c_str());
    const ContentIdentificationMacro content("1", "LRCLR_HEATMAPS", "Sentence and finding similarity heatmaps", "");
    auto created = DPMParametricMapIOD::create<IODFloatingPointImagePixelModule>(
        source.identity.modality.empty() ? "OT" : source.identity.modality.c_str(),
        std::to_string(seriesNumber).c_str(), "1", static_cast<Uint16>(source.rows),
        static_cast<Uint16>(source.columns), equipment, content, "STATIC", "NONE", DPMTypes::CQ_RESEARCH);
    if (auto* error = OFget<OFCondition>(&created))
        throw std::runtime_error(std::string("Parametric Map: DCMTK cannot create it: ") + error->text());
    return *OFget<DPMParametricMapIOD>(&created);
}

} // namespace

std::vector<ParametricMapWriter::Frame> ParametricMapWriter::frames(
    const AnalysisResult& result, const DicomResultSource& source)
{
    std::vector<Frame> frames;
    for (std::size_t i = 0; i < result.sentences.size(); ++i) {
        const auto& sentence = result.sentences[i];
        frames.push_back({ "sentence " + std::to_string(i + 1), sentence.text,
            onSourceGrid(sentence.similarityMap, result, source) });
    }
    for (const auto& finding : result.findings)
        frames.push_back({ "finding " + finding.name, finding.name, onSourceGrid(finding.map, result, source) });
    return frames;
}

WrittenDicomInstance ParametricMapWriter::write(const AnalysisResult& result, const DicomResultSource& source,
    const std::string& path, const DicomSeriesOptions& options)
{
    if (!source.isDicom())
        throw std::invalid_argument(
            "the Parametric Map needs a DICOM source image; missing: " + source.missingAttributes());
    if (result.geometry.originalWidth != source.columns || result.geometry.originalHeight != source.rows)
        throw std::invalid_argument("the analysis was made on a " + std::to_string(result.geometry.originalWidth) + "x"
            + std::to_string(result.geometry.originalHeight) + " image, the source is " + std::to_string(source.columns)
            + "x" + std::to_string(source.rows));
    const auto count = result.sentences.size() + result.findings.size();
    if (count == 0)
        throw std::invalid_argument("the analysis has no sentence or finding maps");
    if (4ull * count * static_cast<unsigned long long>(source.rows) * source.columns > maximumBytes)
        throw std::invalid_argument("the heatmaps exceed DICOM's 4 GiB pixel data limit");
    DicomLibrary::initialize();
    auto frameList = frames(result, source);
    float low = std::numeric_limits<float>::max();
    float high = std::numeric_limits<float>::lowest();
    for (const auto& frame : frameList) {
        const auto [minimum, maximum] = std::minmax_element(frame.samples.begin(), frame.samples.end());
        low = std::min(low, *minimum);
        high = std::max(high, *maximum);
    }

    const auto timestamp = Modules::Timestamp::now();
    auto map = createMap(source, options);
    importSource(map, source.identity);
    const auto seriesUid = Modules::newSeriesUid();
    const auto instanceUid = Modules::newInstanceUid();
    require(map.getSeries().setSeriesInstanceUID(seriesUid.c_str()), "Series Instance UID");
    require(
        map.getSeries().setSeriesDescription(
            (options.seriesDescription.empty() ? std::string("LRCLR heatmaps") : options.seriesDescription).c_str()),
        "Series Description");
    require(map.getSeries().setSeriesDate(timestamp.date.c_str()), "Series Date");
    require(map.getSeries().setSeriesTime(timestamp.time.c_str()), "Series Time");
    require(map.getGeneralImage().setContentDate(timestamp.date.c_str()), "Content Date");
    require(map.getGeneralImage().setContentTime(timestamp.time.c_str()), "Content Time");
    require(map.getSOPCommon().setSOPInstanceUID(instanceUid.c_str()), "SOP Instance UID");
    require(map.setRecognizableVisualFeatures(DPMTypes::RVF_NO), "Recognizable Visual Features");

    require(map.getIODMultiframeDimensionModule().addDimensionIndex(
                DCM_FrameLabel, Modules::newUid().c_str(), DCM_FrameContentSequence, "Frame label"),
        "the frame dimension");
    addGeometry(map, source);
    addSourceReference(map, source.identity);
    addValueMapping(map, low, high);
    addFrames(map, frameList);
    const auto saved = map.saveFile(path.c_str());
    Modules::check(saved.good(), path + ": cannot write the Parametric Map", saved.text());
    return { path, sopClassUid, instanceUid, seriesUid };
}

} // namespace lrclr
