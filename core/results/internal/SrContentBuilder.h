#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <dcmtk/dcmsr/dsrtypes.h>

#include "core/model/AnalysisResult.h"
#include "core/results/DicomResultTypes.h"
#include "core/results/internal/ResultCodes.h"

class DSRDocumentTree;

namespace lrclr::internal {

/// Builds the content tree of the LRCLR alignment report (see StructuredReportWriter.h) in a DCMTK SR document tree,
/// one named step per part of the template (an internal header: DCMTK types are allowed here, never in a public one).
/// Every item goes through DCMTK's Comprehensive SR relationship checks; a refused item throws std::runtime_error
/// naming it. Not thread-safe per instance.
class SrContentBuilder {
public:
    SrContentBuilder(DSRDocumentTree& tree, const AnalysisResult& result, const DicomResultSource& source);

    void addRootWithObserver(const std::string& deviceObserverUid);
    void addAlgorithmIdentification();
    void addImageLibrary();
    void addSentences(double regionWeightThreshold, const std::vector<ReviewedRegion>& decisions);
    void addFindings();

private:
    using Decisions = std::map<std::pair<int, int>, bool>;

    void addSentence(int sentence, double regionWeightThreshold, const Decisions& decisions);
    void addRegion(int sentence, int region, const Decisions& decisions);
    void addFinding(const AnalysisResult::Finding& finding);
    std::vector<int> regionsToList(int sentence, double regionWeightThreshold, const Decisions& decisions) const;

    // Cursor steps: open() adds a child and moves to it (relationship from the current item), close() goes back up;
    // the add*() helpers add a leaf child and stay on the current item.
    void open(
        DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType, const ResultCode& conceptName);
    void close();
    void openContainer(const ResultCode& conceptName);
    void addText(DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, const std::string& text);
    void addCode(DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, const ResultCode& value);
    void addNumber(DSRTypes::E_RelationshipType relationship, const ResultCode& conceptName, double value,
        const ResultCode& units);
    void addRectangle(const AnalysisResult::Box& box);
    void addSourceImage(DSRTypes::E_RelationshipType relationship, const ResultCode* conceptName);

    DSRDocumentTree& m_tree;
    const AnalysisResult& m_result;
    const DicomResultSource& m_source;
};

} // namespace lrclr::internal
