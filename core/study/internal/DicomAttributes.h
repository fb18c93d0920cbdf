#pragma once

#include <optional>
#include <string>

class DcmItem;
class DcmTagKey;

namespace lrclr::internal {

/// Reads single attribute values from a DCMTK item the way the image reader needs them: missing or unreadable values
/// become a fallback or nullopt instead of an error, and text comes without DICOM's trailing padding.
/// Stateless; thread-safe (on separate items).
class DicomAttributes {
public:
    /// The value (all of its backslash-separated parts), without trailing spaces and NULs; empty when absent.
    static std::string text(DcmItem& item, const DcmTagKey& tag);
    /// Value `position` as a finite number, or nullopt.
    static std::optional<double> number(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0);
    /// An unsigned short (US) value, or `fallback` when absent.
    static int unsignedShort(DcmItem& item, const DcmTagKey& tag, int fallback);
    /// A US-or-SS value (descriptors, padding) read with the signedness its VR or the pixel representation gives.
    static std::optional<int> unsignedOrSignedShort(
        DcmItem& item, const DcmTagKey& tag, unsigned long position, bool signedByDefault);
    /// DCMTK leaves strings in the source encoding when a character set cannot be converted; this makes them valid
    /// UTF-8 (reading invalid bytes as Latin-1) so no consumer ever sees broken text.
    static std::string validUtf8(const std::string& text);
};

} // namespace lrclr::internal
