#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/AnalysisResult.h"
#include "core/model/GrayscaleImage.h"

namespace lrclr {

/// Thrown for a model directory or checkpoint that cannot be used; the message names the file and the problem.
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by LrclrModel::analyze when its stage observer asked it to stop (the job was canceled).
class AnalysisStopped : public std::exception {
public:
    const char* what() const noexcept override { return "analysis stopped by its observer"; }
};

/// A loaded LRCLR model (CLIP backbone + region selection + cross-modal interaction) ready for inference.
/// Not thread-safe: create it and call it from one worker thread (InferenceMode and device state are per thread).
class LrclrModel {
public:
    struct Options {
        enum class Device { Automatic, Cpu, Cuda };
        Device device = Device::Automatic;
        int threads = 0; ///< CPU intra-op threads; 0 = one per core
    };

    /// Loads a model directory (manifest.json + weights + merges + findings.json); verifies the manifest's sha256.
    static std::unique_ptr<LrclrModel> load(const std::string& directory, const Options& options);
    static std::unique_ptr<LrclrModel> load(const std::string& directory) { return load(directory, Options {}); }
    ~LrclrModel();

    LrclrModel(const LrclrModel&) = delete;
    LrclrModel& operator=(const LrclrModel&) = delete;

    AnalysisResult::ModelIdentity identity() const;
    /// The manifest's shared overlay scale ("overlayScale"); none when the model was not calibrated for it.
    std::optional<AnalysisResult::SimilarityScale> similarityScale() const;
    /// Names of the findings scored zero-shot (from the model's findings.json).
    std::vector<std::string> findingNames() const;

    /// Full analysis: zero-shot findings, selected regions, and grounding of each sentence.
    /// `sentences` may be empty (findings and regions only). Throws ModelError for an invalid image.
    AnalysisResult analyze(const GrayscaleImage& image, const std::vector<std::string>& sentences) const;

    /// The stages of analyze(), in the order they run.
    enum class Stage {
        Preprocessing,
        EncodingImage,
        SelectingRegions,
        EncodingText,
        GroundingSentences,
        ScoringFindings
    };
    /// Told on the calling thread as each stage starts, with the share of the analysis done before it (0..1, from
    /// the stages' measured relative cost; cached image features skip the image stages). Returning false stops the
    /// analysis before that stage: analyze() then throws AnalysisStopped. A running forward pass is not interrupted.
    using StageObserver = std::function<bool(Stage stage, double fraction)>;
    /// analyze() with stage progress and a chance to stop between stages.
    AnalysisResult analyze(
        const GrayscaleImage& image, const std::vector<std::string>& sentences, const StageObserver& observer) const;

    /// Re-grounds only `sentences` against the image of an earlier analysis (live re-grounding of edited text):
    /// reuses cached image features when `image` is the one last analysed.
    std::vector<AnalysisResult::Sentence> ground(
        const GrayscaleImage& image, const std::vector<std::string>& sentences) const;

    /// Embeddings of one image, unnormalised (as CLIP's encode_image returns them), for `lrclr encode` and tests.
    struct ImageEncoding {
        std::vector<float> embedding; ///< [E]: ln_post(CLS) @ proj
        int tokenCount = 0; ///< 1 + patches
        std::vector<float> tokens; ///< [tokenCount, E] row-major: ln_post(all tokens) @ proj, CLS first
        AnalysisResult::Geometry geometry; ///< placement of the image (empty for already preprocessed input)
    };
    /// Tokens and unnormalised embedding of one text (CLIP's encode_text).
    struct TextEncoding {
        std::string text;
        std::vector<std::int64_t> tokens; ///< context-length ids: SOT, BPE ids, EOT, zero padding
        std::vector<float> embedding; ///< [E]
    };

    int embedDimension() const;
    int inputSize() const; ///< model resolution, e.g. 224
    /// Preprocesses (per the manifest) and encodes; throws ModelError for an invalid image.
    ImageEncoding encodeImage(const GrayscaleImage& image) const;
    /// Encodes already preprocessed input: 3 * inputSize² floats, channel-major; throws ModelError on a size mismatch.
    ImageEncoding encodePreprocessed(const std::vector<float>& input) const;
    /// Encodes `count` preprocessed images stored one after another (count * 3 * inputSize² floats), in batches of
    /// `batchSize` (8: the CPU reaches about 80 % of its GEMM rate there, batch 1 about 40 %).
    std::vector<ImageEncoding> encodePreprocessedBatch(const float* input, int count, int batchSize = 8) const;
    std::vector<TextEncoding> encodeTexts(const std::vector<std::string>& texts) const;

private:
    struct Private;
    explicit LrclrModel(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace lrclr
