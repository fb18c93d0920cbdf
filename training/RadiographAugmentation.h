#pragma once

#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"

namespace lrclr {

class DeterministicRandom;

/// Augmentation suitable for frontal chest radiographs during training. Laterality carries meaning in a chest
/// film (a "left effusion" is on the image's right), so a horizontal flip is only allowed together with swapping
/// the side words of the report and mirroring the boxes; everything else (exposure, contrast, gamma, small scale
/// and shift) keeps the anatomy's side. Stateless apart from the random source passed in; reentrant.
class RadiographAugmentation {
public:
    using Box = AnalysisResult::Box;

    struct Sample {
        GrayscaleImage image;
        std::vector<std::string> sentences;
        std::vector<std::vector<Box>> boxes; ///< per sentence, original pixels
    };

    struct Options {
        double flipProbability = 0.0; ///< with side words swapped; 0 by default (the paper does not flip)
        double contrast = 0.15; ///< multiplicative contrast jitter, +-
        double brightness = 12.0; ///< additive brightness jitter on the 0..255 scale, +-
        double gamma = 0.15; ///< gamma jitter, +-
    };

    /// Swaps "right" and "left" (whole words in any case, also in "right-sided"; "bright" and "upright" stay) and
    /// the lobe abbreviations RUL<->LUL, RLL<->LLL. The middle lobe and the lingula have no mirror image, which is
    /// one reason flipping is off by default.
    static std::string swapSides(const std::string& text);
    /// Swaps the vertical place words: upper<->lower, apex<->base, apical<->basal, superior<->inferior, and the
    /// lobe abbreviations RUL<->RLL, LUL<->LLL.
    static std::string swapLevels(const std::string& text);
    /// The sentence with its location moved (the training's location-swapped negative): sides swapped when it
    /// names a side, else levels swapped; empty when it names neither ("The lungs are clear.").
    static std::string locationSwapped(const std::string& text);

    /// Mirrors the image left-right, mirrors the boxes and swaps the side words of every sentence.
    static Sample flipped(const Sample& sample);

    /// One random augmentation of `sample` (flip per options, then intensity jitter).
    static Sample apply(const Sample& sample, const Options& options, DeterministicRandom& random);
};

} // namespace lrclr
