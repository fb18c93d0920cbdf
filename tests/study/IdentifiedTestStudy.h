#pragma once

#include <string>
#include <vector>

namespace lrclr::test {

/// A synthetic CR image that carries identity in every attribute class PS3.15 Annex E names: person names, IDs,
/// dates, UIDs, free text, a private group and sequences (Other Patient IDs, Request Attributes). For the
/// de-identification tests.
struct IdentifiedTestStudy {
    static constexpr const char* imageUid = "1.2.826.0.1.3680043.9.7777.1.1";
    static constexpr const char* studyUid = "1.2.826.0.1.3680043.9.7777.2.1";
    static constexpr const char* seriesUid = "1.2.826.0.1.3680043.9.7777.3.1";

    /// Writes the image (explicit VR little endian); an error text, empty on success.
    static std::string writeImage(const std::string& path);
    /// Every identifying value the image carries (none may survive de-identification), as bytes to search for.
    static const std::vector<std::string>& identifyingValues();
};

} // namespace lrclr::test
