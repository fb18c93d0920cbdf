#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/results/DicomResultTypes.h"

namespace lrclr {

/// Writes an analysis as a DICOM Comprehensive SR (1.2.840.10008.5.1.4.1.1.88.33) in a new series of the source
/// study, so that PACS viewers list and show it next to the image.
///
/// Why not TID 1500: its measurement groups are built for numeric measurements of tracked lesions; a report
/// sentence with free text, several weighted regions and a per-region review decision has no place in them, and
/// DCMTK 3.6.7's TID1500 classes implement the volumetric group (TID 1411) but not the planar one (TID 1410) that
/// would hold a 2D SCOORD. So the content follows a template of our own, "LRCLR alignment report", documented in
/// docs/DICOM-RESULTS.md, with standard codes (DCM, SCT, UCUM) where PS3.16 has the concept and the private scheme
/// 99LRCLR (declared in the Coding Scheme Identification Sequence) for the rest:
///
///     CONTAINER  Region-text alignment report (99LRCLR)
///       HAS OBS CONTEXT  CODE Observer Type = Device; UIDREF Device Observer UID; TEXT Device Observer Name = model
///       CONTAINS CONTAINER Algorithm identification (TID 4019 rows): TEXT Algorithm Name = model name, TEXT Algorithm
///                Version = SHA-256 of the weights, TEXT Algorithm Parameters = "device=...; preprocessing=..."
///       CONTAINS CONTAINER Image Library: IMAGE Source Image (the source's SOP Class/Instance UID)
///       CONTAINS CONTAINER Grounded report sentences
///         CONTAINS CONTAINER Grounded report sentence (one per sentence, in order)
///           CONTAINS TEXT Report sentence; NUM Global / Local alignment score ({-1:1}, cosine);
///                    NUM Sentence start / end offset ({characters}, UTF-16 code units into the report)
///           CONTAINS CONTAINER Supporting image region (per region whose weight reaches the threshold, or that the
///                    reviewer decided on; strongest first)
///             CONTAINS NUM Region attention weight; NUM Region selection score; NUM Model patch index;
///                      CODE Reviewer decision = Accepted | Rejected (only when given);
///                      SCOORD Image Region, POLYLINE closed rectangle, SELECTED FROM IMAGE source
///       CONTAINS CONTAINER Zero-shot findings
///         CONTAINS TEXT Finding = name; HAS PROPERTIES NUM Probability (calibrated when the model is), NUM
///                  Uncalibrated probability, NUM Operating threshold (when calibrated)
///
/// SCOORD points use DICOM's image-relative convention, which is the one of AnalysisResult::Box: (0,0) is the top
/// left corner of the top left pixel and (Columns, Rows) the bottom right corner of the last pixel.
/// Stateless; thread-safe (DCMTK's dictionary must be loaded: DicomLibrary::initialize()).
class StructuredReportWriter {
public:
    struct Options {
        DicomSeriesOptions series;
        /// Smallest cross-attention weight for a region to be listed under a sentence (the viewer's default link
        /// threshold); regions with a review decision are listed whatever their weight.
        double regionWeightThreshold = 0.2;
        std::vector<ReviewedRegion> decisions;
    };

    static constexpr int defaultSeriesNumber = 9901;
    static constexpr const char* sopClassUid = "1.2.840.10008.5.1.4.1.1.88.33";

    /// Writes the SR to `path`. Throws std::invalid_argument when the source is not DICOM (DicomResultSource::
    /// isDicom) or a decision names a sentence or region the result lacks, std::runtime_error naming the path
    /// when DCMTK refuses the content or the file cannot be written.
    static WrittenDicomInstance write(
        const AnalysisResult& result, const DicomResultSource& source, const std::string& path, const Options& options);
    static WrittenDicomInstance write(
        const AnalysisResult& result, const DicomResultSource& source, const std::string& path)
    {
        return write(result, source, path, Options {});
    }
};

} // namespace lrclr
