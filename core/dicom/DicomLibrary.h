#pragma once

#include <string>

namespace lrclr {

/// Process-wide set-up of DCMTK: decoder registration (JPEG, JPEG-LS, RLE) and a logger that never prints PHI.
/// Thread-safe: initialize() may be called from any thread, any number of times; it runs once.
class DicomLibrary {
public:
    static void initialize();

    /// How much DCMTK may log. Even the most verbose setting stops at INFO: DCMTK's DEBUG and TRACE messages quote
    /// element values (patient names, IDs), so they are never enabled, whatever the root logger is set to.
    enum class LogVerbosity { Errors, Warnings, Information };
    /// Thread-safe; initialize() sets Errors.
    static void setLogVerbosity(LogVerbosity verbosity);
    /// DCMTK version, e.g. "3.6.7".
    static std::string version();
    /// Writes a small dataset to memory and parses it back; true when DCMTK round-trips it (start-up smoke test).
    static bool selfTest();
};

} // namespace lrclr
