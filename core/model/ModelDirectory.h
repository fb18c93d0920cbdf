#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/model/ClipConfig.h"

namespace lrclr {

/// The manifest of a model directory (manifest.json): what the weights are, how to verify them and where they came
/// from. JSON objects owned by other parts of the model ("lrclr", "preprocessing", "notes", "evaluation") are kept
/// as JSON text so this header stays free of a JSON library. Value type.
struct ModelManifest {
    static constexpr int kFormatVersion = 1;

    struct File {
        std::string name; ///< relative to the directory
        std::string sha256; ///< lower-case hex
        std::uint64_t size = 0;
    };

    struct Provenance {
        std::string sourceCheckpoint; ///< path of the imported checkpoint as given
        std::string sourceSha256;
        std::string command; ///< the command line that made the directory
        std::string date; ///< ISO 8601 UTC
        std::string toolVersion;
    };

    /// Per-finding Platt scaling of the combined zero-shot score, fitted by `lrclr calibrate` on a labelled split:
    /// p = sigmoid(a * z + b) with z = logit(raw combined probability) = cos(img, positive) - cos(img, negative).
    /// Written as the manifest's "calibration" object only when it has findings.
    struct Calibration {
        struct Finding {
            std::string name;
            bool calibrated = true; ///< false: the split had one class only; the finding stays raw
            double a = 1.0;
            double b = 0.0;
            double threshold = std::numeric_limits<double>::quiet_NaN(); ///< on the calibrated probability
            int positives = 0;
            int negatives = 0;
            /// The calibrated probability of a raw combined probability (the raw one when not calibrated).
            double apply(double rawProbability) const;
        };
        std::string score = "combined"; ///< the score calibrated (only "combined" exists)
        std::string split; ///< the manifest split fitted on, e.g. "validate"
        std::string manifest; ///< the dataset manifest's path as given
        std::string date; ///< ISO 8601 UTC
        std::vector<Finding> findings;

        /// The entry of `name`, or nullptr.
        const Finding* find(const std::string& name) const;
        /// logit(p) with p clamped to [1e-7, 1 - 1e-7]; for a two-way softmax it is the positive-minus-negative
        /// cosine difference.
        static double logit(double probability);
    };

    /// The one colour scale of the overlays of every sentence and finding of this model, fitted by `lrclr calibrate`
    /// on the grounded sentences of a labelled split (training/OverlayScaleCalibrator): sentence-patch cosine values
    /// at or above `threshold` are drawn, from transparent at `threshold` to full colour at `high`; `low` is where
    /// the colour bar starts. Written as the manifest's "overlayScale" object only when fitted.
    struct OverlayScale {
        bool fitted = false;
        double low = 0.0; ///< cosine at the bottom of the colour bar
        double threshold = 0.0; ///< cosine at and above which the overlay is drawn
        double high = 0.0; ///< cosine at the top of the colour bar
        double youden = 0.0; ///< in-box vs out-of-box J at the threshold, on the fitting split
        int sentences = 0; ///< grounded sentences fitted on
        std::string split;
        std::string manifest;
        std::string date;
    };

    int formatVersion = kFormatVersion;
    std::string name; ///< human-readable model name
    ClipConfig clip;
    std::string lrclrJson = "{}"; ///< LRCLR layer settings (defined by LrclrModel), a JSON object
    std::string preprocessingJson = "{}"; ///< image preprocessing settings, a JSON object
    File weights; ///< torch.save-compatible state dict archive
    std::string weightsFormat = "torch-state-dict-zip";
    File merges; ///< BPE merges file in CLIP's format
    std::string findingsFile; ///< findings/prompt file name, may be empty
    Provenance provenance;
    std::string notesJson = "{}"; ///< free JSON object
    std::string evaluationJson = "{}"; ///< free JSON object (metrics of evaluations)
    Calibration calibration; ///< empty findings: no calibration
    OverlayScale overlayScale; ///< not fitted: each overlay spans its own map's range

    /// Pretty-printed manifest.json text.
    std::string toJson() const;
    /// Parses manifest text; throws lrclr::ModelError naming `source` for malformed JSON, a missing field, a newer
    /// format version, or a file name that leaves the directory.
    static ModelManifest fromJson(const std::string& text, const std::string& source);
};

/// An opened, verified model directory: manifest.json plus the files it names. Opening checks that the weights and
/// merges files exist and that their size and SHA-256 equal the manifest's. Value type; thread-safe to read.
class ModelDirectory {
public:
    static constexpr const char* kManifestName = "manifest.json";

    /// When the weights file's SHA-256 is checked.
    enum class WeightsDigest {
        CheckNow, ///< open() hashes the file
        CheckedByReader, ///< the caller reads the weights with the manifest's SHA-256 (TorchCheckpoint), one pass
    };

    /// Throws lrclr::ModelError naming the file for a missing or malformed manifest, a missing file, or a file whose
    /// size or SHA-256 does not match the manifest.
    static ModelDirectory open(const std::string& directory, WeightsDigest weightsDigest = WeightsDigest::CheckNow);

    /// Writes `manifest` as manifest.json (atomically: a temporary file renamed into place).
    static void writeManifest(const std::string& directory, const ModelManifest& manifest);

    const std::string& directory() const { return m_directory; }
    const ModelManifest& manifest() const { return m_manifest; }
    std::string weightsPath() const;
    std::string mergesPath() const;
    /// Empty when the manifest names no findings file.
    std::string findingsPath() const;

private:
    std::string m_directory;
    ModelManifest m_manifest;
};

} // namespace lrclr
