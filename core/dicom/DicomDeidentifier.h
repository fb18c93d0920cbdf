#pragma once

#include <memory>
#include <string>
#include <vector>

namespace lrclr {

/// De-identifies DICOM files per PS3.15 Annex E, Basic Application Level Confidentiality Profile, with the action of
/// every attribute taken from the standard's Table E.1-1 (generated: core/dicom/internal/ConfidentialityProfileTable,
/// PS3.15 2024b): names, IDs and dates removed or emptied, UIDs remapped (the same UID maps to the same new UID under
/// the same key, so an image and the SR/SEG/SC that reference it stay linked), private groups removed, sequences
/// processed item by item, and Patient Identity Removed (0012,0062) = YES with the De-identification Method and its
/// Code Sequence (113100, plus 113104 Clean Structured Content, 113105 Clean Descriptors and 113106 Retain
/// Longitudinal Temporal Information Full Dates when those options are on). Free text that is kept (SR text values,
/// cleaned descriptions, report files through scrubText()) is scrubbed of the names, IDs and dates found in the
/// headers of every file collected. Pixel data are not examined: burnedInAnnotation() says when a file declares text
/// burned into its pixels. Not thread-safe (one deidentifier per set of files, used from one thread).
class DicomDeidentifier {
public:
    struct Options {
        /// Dates and times kept (Retain Longitudinal Temporal Information Full Dates Option); else removed/emptied.
        bool retainLongitudinalFullDates = false;
        /// SR content kept with its text scrubbed (Clean Structured Content Option); else Content Sequence -> dummy.
        bool cleanStructuredContent = true;
        /// Descriptions (Study Description, Series Description, ...) kept, scrubbed (Clean Descriptors Option).
        bool cleanDescriptors = false;
        /// Key of the UID remapping: the same key maps a UID to the same new UID. Empty: a random key per deidentifier.
        std::string uidKey;
        /// Patient's Name and Patient ID to write (a pseudonym); empty keeps the profile's empty values.
        std::string patientName;
        std::string patientId;
    };

    DicomDeidentifier();
    explicit DicomDeidentifier(Options options);
    ~DicomDeidentifier();
    DicomDeidentifier(const DicomDeidentifier&) = delete;
    DicomDeidentifier& operator=(const DicomDeidentifier&) = delete;

    /// Adds the identity in the headers of `path` (person names, IDs, institution, dates) to what is scrubbed from
    /// free text; call it for every file of a set before de-identifying any. False with `error` set when `path` is
    /// not readable as DICOM.
    bool collectIdentity(const std::string& path, std::string* error);

    /// Writes the de-identified `input` to `output` (same transfer syntax; the meta header rebuilt). Collects `input`'s
    /// own identity first. False with `error` set when `input` cannot be read or `output` written; `output` is then
    /// not left behind.
    bool deidentifyFile(const std::string& input, const std::string& output, std::string* error);

    /// `text` with every collected name, ID and date replaced by "[removed]".
    std::string scrubText(const std::string& text) const;
    /// The new UID for `uid` under this deidentifier's key.
    std::string remapUid(const std::string& uid) const;
    /// Whether the last file de-identified declared Burned In Annotation (0028,0301) YES: its pixels may show identity.
    bool burnedInAnnotation() const;

    /// The edition of PS3.15 whose Table E.1-1 is applied, e.g. "2024b".
    static std::string profileEdition();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lrclr
