#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/results/DicomResultTypes.h"

namespace lrclr {

/// Writes the analysis heatmaps as a DICOM Parametric Map (1.2.840.10008.5.1.4.1.1.30, DCMTK's dcmpmap) in a new
/// series of the source study: 32-bit float frames on the source pixel grid (Rows x Columns of the source), one per
/// sentence (its sentence-patch similarity map) then one per zero-shot finding (its prompt-patch similarity map),
/// each upsampled by PatchMapResampler::toPixels, the one patch-map -> pixel mapping the viewer and evaluator use.
///
/// A shared Derivation Image functional group and the Common Instance Reference module name the source image.
/// Choices where the standard and projection radiography disagree:
/// - Float pixel data may not hold NaN here, so samples outside the model's field of view (cropped away by a centre
///   crop; NaN from toPixels) are written as 0, which a reader cannot tell from a similarity of 0; the SR's region
///   boxes and the model's preprocessing (algorithm parameters) say where the field of view is.
/// - The IOD demands a Frame of Reference and patient-space plane position/orientation, which projection X-rays do
///   not have: the source's Frame of Reference UID is used when it has one, else a new one; the plane is nominal
///   (position 0\0\0, orientation 1\0\0\0\1\0) and means only "the source image's plane".
/// - Pixel Measures take the source's pixel spacing, or 1\1 mm when it has none (then the spacing is not a length).
/// Frames are labelled ("sentence 1", "finding Cardiomegaly") with the sentence text / finding name as Frame
/// Comments when it is plain ASCII (DCMTK 3.6.7 refuses other characters there; the SR has every text); one Frame
/// Label dimension orders them. Stateless; thread-safe.
class ParametricMapWriter {
public:
    static constexpr int defaultSeriesNumber = 9903;
    static constexpr const char* sopClassUid = "1.2.840.10008.5.1.4.1.1.30";

    /// The largest pixel data written (DICOM's 32-bit length): frames x rows x columns x 4 bytes.
    static constexpr unsigned long long maximumBytes = 0xFFFFFFF0ull;

    /// Throws std::invalid_argument for a non-DICOM source, a result whose geometry is not the source's grid, no
    /// maps at all, or more pixel data than maximumBytes; std::runtime_error naming the path when DCMTK refuses the
    /// object or the file cannot be written.
    static WrittenDicomInstance write(const AnalysisResult& result, const DicomResultSource& source,
        const std::string& path, const DicomSeriesOptions& options = {});

    /// The frames write() stores, in order, as (label, comment, samples on the source grid with NaN replaced by 0).
    struct Frame {
        std::string label;
        std::string comment;
        std::vector<float> samples;
    };
    static std::vector<Frame> frames(const AnalysisResult& result, const DicomResultSource& source);
};

} // namespace lrclr
