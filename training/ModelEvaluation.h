#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/model/GrayscaleImage.h"
#include "core/model/LrclrModel.h"
#include "training/DatasetManifest.h"
#include "training/EvaluationResults.h"
#include "training/Evaluator.h"

namespace lrclr {

/// Runs one or more LRCLR models over the studies of a dataset manifest and evaluates them (`lrclr evaluate`,
/// several models for an ablation side by side). Each image is read once, the way the viewer reads it (DICOM
/// through core/study, PNG/JPEG/TIFF through RasterImageReader, both turned into the model input by
/// DisplayPipeline::modelInput), and analysed by every model with the manifest's sentences that have ground-truth
/// boxes. Each sentence's similarity map (sentence · patch tokens: the overlay the viewer shows by default) and
/// attention map are mapped to original pixels with PatchMapResampler::toPixels and scored against the boxes at once,
/// so memory does not grow with the image size times the study count: only the heatmaps kept for the report's example
/// overlays stay. Retrieval compares every image's global embedding with every report's (the manifest sentences
/// joined, or the report file). Evaluator turns the outputs into metrics.
/// Not thread-safe; run() blocks (call it from a worker thread in a GUI) and can be cancelled between studies.
class ModelEvaluation {
public:
    struct Options {
        std::string split = "test"; ///< studies of this split; "all" takes every study
        int limit = 0; ///< at most this many studies, in manifest order (0: no limit)
        /// Leave out studies whose manifest row, image or report cannot be read (listed in the results) instead of
        /// failing on the first.
        bool skipBad = false;
        bool attentionGrounding = true; ///< also score the cross-attention maps (cheap)
        /// Only the zero-shot findings (`lrclr calibrate`): no sentence is grounded, no report read or embedded, no
        /// retrieval.
        bool findingsOnly = false;
        /// Embed every image and report for image-report retrieval (off: sentences are still grounded, no
        /// retrieval and no report file read; `lrclr calibrate` fitting the overlay scale).
        bool retrieval = true;
        /// Retrieval is skipped (with a note) above this many studies: its n x n similarity matrix of doubles would
        /// take more than 128 MiB.
        int maximumRetrievalStudies = 4096;
        LrclrModel::Options model;
        Evaluator::Options evaluator;
    };

    /// A model to evaluate; an empty name takes the model's own (from its manifest).
    struct Model {
        std::string directory;
        std::string name;
    };

    struct Progress {
        int done = 0; ///< studies finished (by every model)
        int total = 0;
        double imagesPerSecond = 0.0;
        double secondsLeft = 0.0;
    };
    using ProgressCallback = std::function<void(const Progress&)>;
    /// Called for each study and model with the full output (every grounded sentence's similarity heatmap in
    /// original pixels) before it is reduced to metrics; `study` indexes the selected studies.
    using StudyCallback = std::function<void(std::size_t model, std::size_t study, const Evaluator::StudyOutput&)>;

    explicit ModelEvaluation(Options options);

    /// Reads the manifest and selects the studies of the split (and limit). Throws ManifestError naming the file
    /// and row, or when no study is left; with skipBad, bad rows are only counted.
    void loadManifest(const std::string& path);
    /// Uses an in-memory manifest (its base directory resolves the paths); `name` is what the report shows.
    void setManifest(const DatasetManifest& manifest, const std::string& name);

    /// The studies run() evaluates.
    const DatasetManifest& studies() const { return m_studies; }
    /// The name of run `model` of the last run() (known once its models are loaded, so also inside callbacks).
    const std::string& runName(std::size_t model) const { return m_runNames.at(model); }

    /// Evaluates each model on the selected studies. Throws std::runtime_error naming the study (manifest row and
    /// image) that cannot be read unless skipBad, and ModelError for a model that cannot be loaded. A cancelled run
    /// returns the results of the studies finished so far.
    EvaluationResults run(const std::vector<Model>& models, const ProgressCallback& progress = {},
        const StudyCallback& studyCallback = {}, const std::atomic<bool>* cancel = nullptr);

    /// An image as the model sees it in the viewer; throws std::runtime_error naming the file.
    static GrayscaleImage readImage(const std::string& path);

private:
    struct LoadedModel;
    struct StudyInput;
    struct StudyPass;

    void selectStudies(const DatasetManifest& manifest);
    std::vector<LoadedModel> loadModels(const std::vector<Model>& models);
    StudyInput readStudy(std::size_t index) const;
    std::vector<std::size_t> groundedSentences(const ManifestEntry& entry, std::vector<std::string>& texts) const;
    StudyPass analyzeStudies(std::vector<LoadedModel>& loaded, const ProgressCallback& progress,
        const StudyCallback& studyCallback, const std::atomic<bool>* cancel);
    void keepExampleOnly(LoadedModel& item, Evaluator::StudyOutput& output, const std::vector<std::size_t>& grounded,
        const GrayscaleImage& image) const;
    EvaluationResults collectResults(std::vector<LoadedModel>& loaded, const StudyPass& pass) const;
    void addNotes(EvaluationResults& results, const StudyPass& pass, int studies) const;
    bool evaluatesRetrieval(const StudyPass& pass, int studies) const;

    Options m_options;
    std::string m_manifestName;
    DatasetManifest m_studies;
    std::vector<std::size_t> m_rows; ///< manifest row (1-based entry number) of each selected study
    std::vector<std::string> m_skipped;
    std::vector<std::string> m_runNames;
};

} // namespace lrclr
