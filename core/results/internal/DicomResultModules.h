#pragma once

#include <string>

#include "core/results/DicomResultTypes.h"

class DcmItem;
class DcmFileFormat;

namespace lrclr::internal {

/// The attributes every DICOM result shares, written with DCMTK: patient and study copied from the source, a new
/// series, equipment naming LRCLR, UIDs from DCMTK's dcmGenerateUniqueIdentifier (the project has no UID root of its
/// own, so DCMTK's site roots are used). Stateless; thread-safe.
namespace DicomResultModules {

/// The current date (DA) and time (TM) of the local clock, taken once so that an object's dates agree.
struct Timestamp {
    std::string date;
    std::string time;
    static Timestamp now();
};

inline constexpr const char* manufacturer = "LRCLR Viewer";
/// Specific Character Set of everything we write: our strings are UTF-8.
inline constexpr const char* characterSet = "ISO_IR 192";

std::string newSeriesUid();
std::string newInstanceUid();
std::string newUid();

/// Patient (Name, ID, Birth Date, Sex) and General Study (Study Instance UID, Date, Time, Referring Physician, ID,
/// Accession Number, Description) as in the source; Type 2 attributes are written empty when the source lacks them.
void putPatientAndStudy(DcmItem& dataset, const DicomIdentity& source);
/// General Series of a new series: Modality, a new Series Instance UID (returned), Series Number/Description/Date/
/// Time, and General Equipment (Manufacturer, Software Versions).
std::string putNewSeries(DcmItem& dataset, const std::string& modality, int seriesNumber,
    const std::string& description, const DicomSeriesOptions& options, const Timestamp& timestamp);
/// SOP Common: Specific Character Set, SOP Class/Instance UID, Instance Creation Date/Time.
void putSopCommon(
    DcmItem& dataset, const std::string& sopClassUid, const std::string& sopInstanceUid, const Timestamp& timestamp);
/// Writes `file` as explicit VR little endian Part 10; throws std::runtime_error naming the path on failure.
void save(DcmFileFormat& file, const std::string& path);
/// Throws std::runtime_error("<what>: <DCMTK's text>") unless `condition` is good.
void check(bool good, const std::string& what, const char* conditionText);

} // namespace DicomResultModules

} // namespace lrclr::internal
