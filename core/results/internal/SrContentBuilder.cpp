#include "core/results/internal/SrContentBuilder.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <dcmtk/dcmsr/dsrdoctr.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>
#include <dcmtk/dcmsr/dsrscovl.h>

namespace lrclr::internal {

namespace {

DSRCodedEntryValue coded(const ResultCode& code)
{
    return DSRCodedEntryValue(code.value, code.scheme, code.meaning);
}

// A Decimal String (at most 16 characters) for a NUM item.
std::string decimal(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

void require(const OFCondition& condition, const std::string& what)
{
    if (condition.bad())
        throw std::runtime_error("SR content: cannot add " + what + ": " + condition.text());
}

} // namespace

SrContentBuilder::SrContentBuilder(DSRDocumentTree& tree, const AnalysisResult& result, const DicomResultSource& source)
    : m_tree(tree)
    , m_result(result)
    , m_source(source)
{
}

void SrContentBuilder::addRootWithObserver(const std::string& deviceObserverUid)
{
    if (m_tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
        throw std::runtime_error("SR content: cannot add the root container");
    require(m_tree.getCurrentContentItem().setConceptName(coded(ResultCodes::alignmentReport)), "the document title");
    addCode(DSRTypes::RT_hasObsContext, ResultCodes::observerType, ResultCodes::device);
    open(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, ResultCodes::deviceObserverUid);
    require(m_tree.getCurrentContentItem().setStringValue(deviceObserverUid), "the Device Observer UID");
    close();
    addText(DSRTypes::RT_hasObsContext, ResultCodes::deviceObserverName,
        m_result.model.name.empty() ? std::string("LRCLR") : m_result.model.name);
}

void SrContentBuilder::addAlgorithmIdentification()
{
    const auto& model = m_result.model;
    openContainer(ResultCodes::algorithmIdentification);
    addText(DSRTypes::RT_contains, ResultCodes::algorithmName, model.name.empty() ? std::string("LRCLR") : model.name);
    addText(DSRTypes::RT_contains, ResultCodes::algorithmVersion,
        model.sha256.empty() ? std::string("unknown") : "sha256:" + model.sha256);
    std::string parameters = "device=" + (model.device.empty() ? std::string("unknown") : model.device);
    if (!model.preprocessing.empty())
        parameters += "; preprocessing=" + model.preprocessing;
    addText(DSRTypes::RT_contains, ResultCodes::algorithmParameters, parameters);
    close();
}

void SrContentBuilder::addImageLibrary()
{
    openContainer(ResultCodes::imageLibrary);
    addSourceImage(DSRTypes::RT_contains, &ResultCodes::sourceImage);
    close();
}

void SrContentBuilder::addSentences(double regionWeightThreshold, const std::vector<ReviewedRegion>& decisions)
{
    Decisions byPair;
    for (const auto& decision : decisions) {
        if (decision.sentence < 0 || decision.sentence >= static_cast<int>(m_result.sentences.size())
            || decision.region < 0 || decision.region >= static_cast<int>(m_result.regions.size()))
            throw std::invalid_argument("a review decision names sentence " + std::to_string(decision.sentence)
                + " / region " + std::to_string(decision.region) + ", which the analysis does not have");
        byPair[{ decision.sentence, decision.region }] = decision.accepted;
    }
    openContainer(ResultCodes::groundedSentences);
    for (int sentence = 0; sentence < static_cast<int>(m_result.sentences.size()); ++sentence)
        addSentence(sentence, regionWeightThreshold, byPair);
    close();
}

void SrContentBuilder::addSentence(int sentence, double regionWeightThreshold, const Decisions& decisions)
{
    const auto& item = m_result.sentences[static_cast<std::size_t>(sentence)];
    openContainer(ResultCodes::groundedSentence);
    addText(DSRTypes::RT_contains, ResultCodes::sentenceText, item.text);
    addNumber(DSRTypes::RT_contains, ResultCodes::globalAlignment, item.globalSimilarity, ResultCodes::cosineUnits);
    addNumber(DSRTypes::RT_contains, ResultCodes::localAlignment, item.localSimilarity, ResultCodes::cosineUnits);
    if (item.end > item.begin) {
        addNumber(DSRTypes::RT_contains, ResultCodes::sentenceBegin, static_cast<double>(item.begin),
            ResultCodes::characters);
        addNumber(
            DSRTypes::RT_contains, ResultCodes::sentenceEnd, static_cast<double>(item.end), ResultCodes::characters);
    }
    for (const int region : regionsToList(sentence, regionWeightThreshold, decisions))
        addRegion(sentence, region, decisions);
    close();
}

std::vector<int> SrContentBuilder::regionsToList(
    int sentence, double regionWeightThreshold, const Decisions& decisions) const
{
    const auto& weights = m_result.sentences[static_cast<std::size_t>(sentence)].regionWeights;
    const auto weight = [&](int region) {
        return region < static_cast<int>(weights.size()) ? weights[static_cast<std::size_t>(region)] : 0.0f;
    };
    std::vector<int> listed;
    for (int region = 0; region < static_cast<int>(m_result.regions.size()); ++region) {
        if (weight(region) >= regionWeightThreshold || decisions.count({ sentence, region }))
            listed.push_back(region);
    }
    std::stable_sort(listed.begin(), listed.end(), [&](int a, int b) { return weight(a) > weight(b); });
    return listed;
}

void SrContentBuilder::addRegion(int sentence, int region, const Decisions& decisions)
{
    const auto& item = m_result.regions[static_cast<std::size_t>(region)];
    const auto& weights = m_result.sentences[static_cast<std::size_t>(sentence)].regionWeights;
    const double weight = region < static_cast<int>(weights.size()) ? weights[static_cast<std::size_t>(region)] : 0.0;
    openContainer(ResultCodes::supportingRegion);
    addNumber(DSRTypes::RT_contains, ResultCodes::regionWeight, weight, ResultCodes::noUnits);
    addNumber(DSRTypes::RT_contains, ResultCodes::regionScore, item.score, ResultCodes::noUnits);
    addNumber(DSRTypes::RT_contains, ResultCodes::patchIndex, item.patchIndex, ResultCodes::index);
    const auto decision = decisions.find({ sentence, region });
    if (decision != decisions.end()) {
        addCode(DSRTypes::RT_contains, ResultCodes::reviewDecision,
            decision->second ? ResultCodes::accepted : ResultCodes::rejected);
    }
    addRectangle(item.box);
    close();
}

void SrContentBuilder::addFindings()
{
    if (m_result.findings.empty())
        return;
    openContainer(ResultCodes::zeroShotFindings);
    for (const auto& finding : m_result.findings)
        addFinding(finding);
    close();
}

void SrContentBuilder::addFinding(const AnalysisResult::Finding& finding)
{
    open(DSRTypes::RT_contains, DSRTypes::VT_Text, ResultCodes::finding);
    require(m_tree.getCurrentContentItem().setStringValue(finding.name), "the finding " + finding.name);
    addNumber(DSRTypes::RT_hasProperties, ResultCodes::probability, finding.probability, ResultCodes::noUnits);
    addNumber(DSRTypes::RT_hasProperties, ResultCodes::uncalibratedProbability, finding.combinedProbability,
        ResultCodes::noUnits);
    if (finding.threshold)
        addNumber(
            DSRTypes::RT_hasProperties, ResultCodes::operatingThreshold, *finding.threshold, ResultCodes::noUnits);
    close();
}

void SrContentBuilder::open(
    DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType, const ResultCode& conceptName)
{
    require(m_tree.addChildContentItem(relationship, valueType, coded(conceptName)), conceptName.meaning);
}

void SrContentBuilder::close()
{
    if (m_tree.goUp() == 0)
        throw std::runtime_error("SR content: the tree cursor left the document");
}

void SrContentBuilder::openContainer(const ResultCode& conceptName)
{
    open(DSRTypes::RT_contains, DSRTypes::VT_Container, conceptName);
}

void SrContentBuilder::addText(
    DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, const std::string& text)
{
    open(relationship, DSRTypes::VT_Text, conceptName);
    require(m_tree.getCurrentContentItem().setStringValue(text.empty() ? std::string(" ") : text), conceptName.meaning);
    close();
}

void SrContentBuilder::addCode(
    DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, const ResultCode& value)
{
    open(relationship, DSRTypes::VT_Code, conceptName);
    require(m_tree.getCurrentContentItem().setCodeValue(coded(value)), conceptName.meaning);
    close();
}

void SrContentBuilder::addNumber(
    DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, double value, const ResultCode& units)
{
    open(relationship, DSRTypes::VT_Num, conceptName);
    require(m_tree.getCurrentContentItem().setNumericValue(DSRNumericMeasurementValue(decimal(value), coded(units))),
        conceptName.meaning);
    close();
}

void SrContentBuilder::addRectangle(const AnalysisResult::Box& box)
{
    open(DSRTypes::RT_contains, DSRTypes::VT_SCoord, ResultCodes::imageRegion);
    DSRSpatialCoordinatesValue rectangle(DSRTypes::GT_Polyline);
    auto& points = rectangle.getGraphicDataList();
    const auto left = static_cast<Float32>(box.x);
    const auto top = static_cast<Float32>(box.y);
    const auto right = static_cast<Float32>(box.x + box.width);
    const auto bottom = static_cast<Float32>(box.y + box.height);
    points.addItem(left, top);
    points.addItem(right, top);
    points.addItem(right, bottom);
    points.addItem(left, bottom);
    points.addItem(left, top);
    require(m_tree.getCurrentContentItem().setSpatialCoordinates(rectangle), "a region rectangle");
    addSourceImage(DSRTypes::RT_selectedFrom, nullptr);
    close();
}

void SrContentBuilder::addSourceImage(DSRTypes::E_RelationshipType relationship, const ResultCode* conceptName)
{
    if (conceptName) {
        open(relationship, DSRTypes::VT_Image, *conceptName);
    } else if (m_tree.addContentItem(relationship, DSRTypes::VT_Image, DSRTypes::AM_belowCurrent) == 0) {
        throw std::runtime_error("SR content: cannot add the source image reference");
    }
    const DSRImageReferenceValue image(m_source.identity.sopClassUid, m_source.identity.sopInstanceUid);
    require(m_tree.getCurrentContentItem().setImageReference(image), "the source image reference");
    close();
}

} // namespace lrclr::internal
