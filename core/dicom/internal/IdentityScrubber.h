#pragma once

#include <string>
#include <vector>

namespace lrclr::internal {

/// Removes from free text (report sentences, SR text, descriptions) the identity a study's headers carry: the parts of
/// person names, IDs, accession numbers, institution names and dates (as DICOM writes them and as reports do:
/// 20240131, 2024-01-31, 31/01/2024, 01/31/2024, 31.01.2024). Matching ignores case; each match becomes "[removed]".
/// Not thread-safe while identities are added; scrub() is const.
class IdentityScrubber {
public:
    /// A person name as DICOM stores it ("Family^Given^Middle^Prefix^Suffix", groups split by '='): each part of two
    /// or more letters is scrubbed.
    void addPersonName(const std::string& value);
    /// An identifier or a name kept whole (patient ID, accession number, institution).
    void addIdentifier(const std::string& value);
    /// A DICOM date (YYYYMMDD); the other written forms are scrubbed too.
    void addDate(const std::string& value);

    std::string scrub(std::string text) const;
    bool empty() const { return m_terms.empty(); }

private:
    void addTerm(std::string term);

    std::vector<std::string> m_terms; ///< lower case, longest first
};

} // namespace lrclr::internal
