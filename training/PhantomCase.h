#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"

namespace lrclr {

/// One synthetic frontal (PA) chest radiograph with everything known about it: stored pixel values, the findings
/// placed in it with their boxes, the report written for it, and the labels that report implies. A plain value:
/// safe to copy and move between threads. Boxes are in original image pixels (x right, y down).
struct PhantomCase {
    using Box = AnalysisResult::Box;

    /// A finding drawn into the image.
    struct Finding {
        std::string kind; ///< "cardiomegaly", "pleural effusion", "pneumothorax", "nodule", "mass", ...
        std::string side; ///< "right", "left", "bilateral" or "" (patient's side; right is on the image's left)
        std::string location; ///< lobe/zone in words, e.g. "right lower lobe", "left upper zone", "apical"
        std::string size; ///< in words, e.g. "small", "moderate", "1.4 cm"
        bool subtle = false; ///< drawn faintly and reported with hedging (uncertain label)
        std::vector<Box> boxes;
    };

    /// One sentence of the report, with the boxes of the findings it asserts as present (none for negated or
    /// technique sentences).
    struct Sentence {
        std::string text;
        std::string section; ///< "EXAMINATION", "INDICATION", "COMPARISON", "FINDINGS" or "IMPRESSION"
        std::size_t begin = 0; ///< character offsets in `report`
        std::size_t end = 0;
        std::vector<Box> boxes;
        std::map<std::string, int> labels; ///< CheXpert observation -> 1, 0 or -1 asserted by this sentence
    };

    std::uint64_t seed = 0; ///< the run's seed
    int index = 0; ///< the image's index in the run
    int width = 0;
    int height = 0;
    double pixelSpacingMm = 0.0; ///< square pixels, at the detector (no magnification correction)
    int bitsStored = 12;
    std::vector<std::uint16_t> pixels; ///< width * height stored values, row-major, MONOCHROME2 (bright = dense)
    /// Written as MONOCHROME1 (stored values inverted: bright = air) by PhantomImageWriter; `pixels` stay
    /// MONOCHROME2 here, so every consumer of the value sees one convention.
    bool monochrome1 = false;
    double windowCenter = 0.0;
    double windowWidth = 0.0;

    std::string sex; ///< "F" or "M"
    int age = 0;
    std::vector<Finding> findings;
    std::string report;
    std::vector<Sentence> sentences;
    std::map<std::string, int> labels; ///< the study's CheXpert labels (absent = not mentioned)
};

} // namespace lrclr
