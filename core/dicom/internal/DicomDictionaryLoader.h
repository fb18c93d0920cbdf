#pragma once

namespace lrclr::internal {

/// Fills DCMTK's global data dictionary from its own dictionary files (dicom.dic, private.dic) with a parser that
/// is ~10x cheaper than DCMTK's sscanf-based one, which costs more than reading and rendering a 3000 x 3000 image.
/// The entries are exactly those DCMTK would create (DicomLibraryTest compares them one by one).
/// Does nothing when DCMDICTPATH is set (the user's dictionary is respected) or the dictionary already exists; any
/// line it does not understand makes it hand the whole job back to DCMTK's loader.
/// Call once, before anything else uses DCMTK (DicomLibrary::initialize does); not thread-safe.
class DicomDictionaryLoader {
public:
    /// True when the fast path loaded the dictionary; false when DCMTK loaded it (or it was there already).
    static bool loadGlobalDictionary();
};

} // namespace lrclr::internal
