#pragma once

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"
#include "core/results/DicomResultTypes.h"

namespace lrclr {

/// Draws a command-line overlay snapshot for the Secondary Capture: the model's gray input at the original
/// resolution with each sentence's supporting region boxes outlined in that sentence's colour (sentence 1 first in
/// the palette; a box shared by several sentences shows the colour of the last), and a legend strip along the top
/// edge with one colour swatch per sentence in order. No text is drawn (core has no fonts): the SR gives the
/// sentence for each colour in the same order. The viewer's own snapshot, with text, replaces it when exported
/// from there. Plain C++; stateless; thread-safe.
class OverlaySnapshotRenderer {
public:
    /// The palette, RGB, one entry per sentence (repeating after the last).
    static constexpr int paletteSize = 6;
    static const unsigned char* paletteColour(int sentence);

    /// Throws std::invalid_argument for an invalid image. Regions listed are those whose weight reaches
    /// `regionWeightThreshold` (as in the SR).
    static RgbPicture render(const GrayscaleImage& image, const AnalysisResult& result, double regionWeightThreshold);
};

} // namespace lrclr
