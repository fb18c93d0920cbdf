#pragma once

namespace lrclr::internal {

/// One coded concept (Code Value, Coding Scheme Designator, Code Meaning).
struct ResultCode {
    const char* value;
    const char* scheme;
    const char* meaning;
};

/// The codes of the LRCLR alignment report template (docs/DICOM-RESULTS.md). Standard codes (DCM, SCT, UCUM) where
/// PS3.16 has the concept; the rest in the private scheme "99LRCLR", which every SR we write declares in its Coding
/// Scheme Identification Sequence.
namespace ResultCodes {

inline constexpr const char* privateScheme = "99LRCLR";
inline constexpr const char* privateSchemeName = "LRCLR Viewer region-text alignment codes";

// Document structure (private).
inline constexpr ResultCode alignmentReport { "ALIGNREPORT", privateScheme, "Region-text alignment report" };
inline constexpr ResultCode groundedSentences { "SENTENCES", privateScheme, "Grounded report sentences" };
inline constexpr ResultCode groundedSentence { "SENTENCE", privateScheme, "Grounded report sentence" };
inline constexpr ResultCode sentenceText { "SENTENCETEXT", privateScheme, "Report sentence" };
inline constexpr ResultCode globalAlignment { "GLOBALALIGN", privateScheme, "Global alignment score" };
inline constexpr ResultCode localAlignment { "LOCALALIGN", privateScheme, "Local alignment score" };
inline constexpr ResultCode sentenceBegin { "SENTENCEBEGIN", privateScheme, "Sentence start offset" };
inline constexpr ResultCode sentenceEnd { "SENTENCEEND", privateScheme, "Sentence end offset" };
inline constexpr ResultCode supportingRegion { "REGION", privateScheme, "Supporting image region" };
inline constexpr ResultCode regionWeight { "REGIONWEIGHT", privateScheme, "Region attention weight" };
inline constexpr ResultCode regionScore { "REGIONSCORE", privateScheme, "Region selection score" };
inline constexpr ResultCode patchIndex { "PATCHINDEX", privateScheme, "Model patch index" };
inline constexpr ResultCode reviewDecision { "REVIEW", privateScheme, "Reviewer decision" };
inline constexpr ResultCode accepted { "ACCEPTED", privateScheme, "Accepted" };
inline constexpr ResultCode rejected { "REJECTED", privateScheme, "Rejected" };
inline constexpr ResultCode zeroShotFindings { "ZEROSHOT", privateScheme, "Zero-shot findings" };
inline constexpr ResultCode uncalibratedProbability { "RAWPROB", privateScheme, "Uncalibrated probability" };
inline constexpr ResultCode operatingThreshold { "THRESHOLD", privateScheme, "Operating threshold" };
inline constexpr ResultCode algorithmIdentification { "ALGORITHM", privateScheme, "Algorithm identification" };
inline constexpr ResultCode similarityQuantity { "SIMILARITY", privateScheme, "Sentence-patch cosine similarity" };

// Standard concepts.
inline constexpr ResultCode finding { "121071", "DCM", "Finding" };
inline constexpr ResultCode probability { "122157", "DCM", "Probability" };
inline constexpr ResultCode imageRegion { "111030", "DCM", "Image Region" };
inline constexpr ResultCode imageLibrary { "111028", "DCM", "Image Library" };
inline constexpr ResultCode sourceImage { "121324", "DCM", "Source Image" };
inline constexpr ResultCode observerType { "121005", "DCM", "Observer Type" };
inline constexpr ResultCode device { "121007", "DCM", "Device" };
inline constexpr ResultCode deviceObserverUid { "121012", "DCM", "Device Observer UID" };
inline constexpr ResultCode deviceObserverName { "121013", "DCM", "Device Observer Name" };
inline constexpr ResultCode algorithmName { "111001", "DCM", "Algorithm Name" };
inline constexpr ResultCode algorithmVersion { "111003", "DCM", "Algorithm Version" };
inline constexpr ResultCode algorithmParameters { "111002", "DCM", "Algorithm Parameters" };
inline constexpr ResultCode quantity { "246205007", "SCT", "Quantity" };
inline constexpr ResultCode derivationCode { "SIMILARITYMAP", privateScheme, "Sentence-patch similarity mapping" };
inline constexpr ResultCode sourceImagePurpose { "121322", "DCM", "Source image for image processing operation" };
inline constexpr ResultCode thorax { "51185008", "SCT", "Thorax" };

// Units (UCUM).
inline constexpr ResultCode noUnits { "1", "UCUM", "no units" };
inline constexpr ResultCode cosineUnits { "{-1:1}", "UCUM", "{-1:1}" };
inline constexpr ResultCode characters { "{characters}", "UCUM", "characters" };
inline constexpr ResultCode index { "{index}", "UCUM", "index" };

} // namespace ResultCodes

} // namespace lrclr::internal
