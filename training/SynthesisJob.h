#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "training/ManifestEntry.h"
#include "training/PhantomCase.h"
#include "training/PhantomGenerator.h"

namespace lrclr {

/// Generates a phantom dataset into a folder, in parallel over images:
///   images/phantom-NNNNNN.dcm|png, reports/phantom-NNNNNN.txt, ground-truth/phantom-NNNNNN.json, manifest.jsonl.
/// Each image depends only on (seed, index), so the output does not depend on the number of threads. The split
/// (train/validate/test, 80/10/10) is a function of (seed, index) too. run() blocks; progress is reported from
/// worker threads (serialised, never concurrently) and cancel is checked between images.
class SynthesisJob {
public:
    enum class Format { Png, Dicom };
    /// Training: PhantomGenerator (the style models are trained on). External: ExternalPhantomGenerator, a
    /// different drawing and phrasing for measuring generalisation; its studies are all split "test".
    enum class Style { Training, External };

    struct Options {
        int count = 16;
        std::uint64_t seed = 1;
        std::string outputDirectory;
        Format format = Format::Png;
        Style style = Style::Training;
        /// The generator's options; for the external style its normal, subtle and device fractions and the
        /// requested findings are used (the size is the external style's own).
        PhantomGenerator::Options generator;
        int threads = 0; ///< 0 = one per core
        bool writeFiles = true; ///< false: generate only (benchmarking the generator)
    };

    struct Summary {
        int generated = 0;
        bool cancelled = false;
        double seconds = 0.0;
        std::string manifestPath;
    };

    /// (done, total); called from worker threads, one call at a time.
    using Progress = std::function<void(int, int)>;

    explicit SynthesisJob(Options options);

    /// Throws std::runtime_error naming the file on I/O errors.
    Summary run(const Progress& progress = {}, const std::atomic<bool>* cancel = nullptr) const;

    static std::string baseName(int index);
    static std::string splitFor(std::uint64_t seed, int index);
    /// "training" or "external"; parseStyle throws std::invalid_argument for anything else.
    static std::string styleName(Style style);
    static Style parseStyle(const std::string& name);
    /// The ground-truth JSON document of one phantom (style, findings, boxes, sentences with offsets, labels,
    /// geometry, photometric interpretation).
    static std::string groundTruthJson(const PhantomCase& phantom, Style style = Style::Training);
    /// The manifest row of one phantom, with paths relative to the output folder. External-style rows are split
    /// "test" (evaluation only) and their subject ids start with "EXTERNAL-".
    static ManifestEntry manifestEntry(const PhantomCase& phantom, Format format, Style style = Style::Training);

private:
    Options m_options;
};

} // namespace lrclr
