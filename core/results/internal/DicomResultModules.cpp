#include "core/results/internal/DicomResultModules.h"

#include <stdexcept>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrda.h>
#include <dcmtk/dcmdata/dcvrtm.h>

namespace lrclr::internal::DicomResultModules {

namespace {

void put(DcmItem& dataset, const DcmTagKey& tag, const std::string& value)
{
    const auto condition = dataset.putAndInsertString(tag, value.c_str());
    check(condition.good(), "cannot write " + std::string(DcmTag(tag).getTagName()), condition.text());
}

} // namespace

Timestamp Timestamp::now()
{
    OFString date;
    OFString time;
    DcmDate::getCurrentDate(date);
    DcmTime::getCurrentTime(time, OFTrue /*seconds*/, OFFalse /*fraction*/);
    return { date.c_str(), time.c_str() };
}

std::string newSeriesUid()
{
    char uid[100];
    return dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT);
}

std::string newInstanceUid()
{
    char uid[100];
    return dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
}

std::string newUid()
{
    char uid[100];
    return dcmGenerateUniqueIdentifier(uid);
}

void putPatientAndStudy(DcmItem& dataset, const DicomIdentity& source)
{
    put(dataset, DCM_PatientName, source.patientName);
    put(dataset, DCM_PatientID, source.patientId);
    put(dataset, DCM_PatientBirthDate, source.patientBirthDate);
    put(dataset, DCM_PatientSex, source.patientSex);
    put(dataset, DCM_StudyInstanceUID, source.studyInstanceUid);
    put(dataset, DCM_StudyDate, source.studyDate);
    put(dataset, DCM_StudyTime, source.studyTime);
    put(dataset, DCM_ReferringPhysicianName, source.referringPhysicianName);
    put(dataset, DCM_StudyID, source.studyId);
    put(dataset, DCM_AccessionNumber, source.accessionNumber);
    if (!source.studyDescription.empty())
        put(dataset, DCM_StudyDescription, source.studyDescription);
}

std::string putNewSeries(DcmItem& dataset, const std::string& modality, int seriesNumber,
    const std::string& description, const DicomSeriesOptions& options, const Timestamp& timestamp)
{
    const auto seriesUid = newSeriesUid();
    put(dataset, DCM_Modality, modality);
    put(dataset, DCM_SeriesInstanceUID, seriesUid);
    put(dataset, DCM_SeriesNumber, std::to_string(seriesNumber));
    put(dataset, DCM_SeriesDescription, description);
    put(dataset, DCM_SeriesDate, timestamp.date);
    put(dataset, DCM_SeriesTime, timestamp.time);
    put(dataset, DCM_Manufacturer, manufacturer);
    put(dataset, DCM_SoftwareVersions, options.softwareVersion);
    return seriesUid;
}

void putSopCommon(
    DcmItem& dataset, const std::string& sopClassUid, const std::string& sopInstanceUid, const Timestamp& timestamp)
{
    put(dataset, DCM_SpecificCharacterSet, characterSet);
    put(dataset, DCM_SOPClassUID, sopClassUid);
    put(dataset, DCM_SOPInstanceUID, sopInstanceUid);
    put(dataset, DCM_InstanceCreationDate, timestamp.date);
    put(dataset, DCM_InstanceCreationTime, timestamp.time);
}

void save(DcmFileFormat& file, const std::string& path)
{
    const auto condition = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
    check(condition.good(), path + ": cannot write", condition.text());
}

void check(bool good, const std::string& what, const char* conditionText)
{
    if (!good)
        throw std::runtime_error(what + ": " + conditionText);
}

} // namespace lrclr::internal::DicomResultModules
