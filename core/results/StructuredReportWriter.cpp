#include "core/results/StructuredReportWriter.h"

#include <stdexcept>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "core/dicom/DicomLibrary.h"
#include "core/results/internal/DicomResultModules.h"
#include "core/results/internal/ResultCodes.h"
#include "core/results/internal/SrContentBuilder.h"

namespace lrclr {

namespace {

using internal::DicomResultModules::check;

void copyPatientAndStudy(DSRDocument& document, const DicomIdentity& source)
{
    check(document.createNewSeriesInStudy(source.studyInstanceUid.c_str()).good(), "SR",
        "the source's Study Instance UID is not valid");
    const auto set = [](const OFCondition& condition, const char* what) {
        check(condition.good(), std::string("SR: cannot set ") + what, condition.text());
    };
    set(document.setPatientName(source.patientName.c_str()), "Patient's Name");
    set(document.setPatientID(source.patientId.c_str()), "Patient ID");
    set(document.setPatientBirthDate(source.patientBirthDate.c_str()), "Patient's Birth Date");
    set(document.setPatientSex(source.patientSex.c_str()), "Patient's Sex");
    set(document.setStudyDate(source.studyDate.c_str()), "Study Date");
    set(document.setStudyTime(source.studyTime.c_str()), "Study Time");
    set(document.setReferringPhysicianName(source.referringPhysicianName.c_str()), "Referring Physician's Name");
    set(document.setStudyID(source.studyId.c_str()), "Study ID");
    set(document.setAccessionNumber(source.accessionNumber.c_str()), "Accession Number");
    set(document.setStudyDescription(source.studyDescription.c_str()), "Study Description");
}

void describeSeries(DSRDocument& document, const StructuredReportWriter::Options& options)
{
    const auto& series = options.series;
    const int number = series.seriesNumber > 0 ? series.seriesNumber : StructuredReportWriter::defaultSeriesNumber;
    document.setSeriesNumber(std::to_string(number).c_str());
    document.setSeriesDescription(
        (series.seriesDescription.empty() ? std::string("LRCLR region-text alignment") : series.seriesDescription)
            .c_str());
    document.setInstanceNumber("1");
    document.setManufacturer(internal::DicomResultModules::manufacturer);
    document.setSoftwareVersions(series.softwareVersion.c_str());
}

void declarePrivateCodes(DSRDocument& document)
{
    auto& schemes = document.getCodingSchemeIdentification();
    check(schemes.addItem(internal::ResultCodes::privateScheme).good(), "SR", "cannot declare the private codes");
    schemes.setCodingSchemeName(internal::ResultCodes::privateSchemeName);
    schemes.setCodingSchemeResponsibleOrganization(internal::DicomResultModules::manufacturer);
}

} // namespace

WrittenDicomInstance StructuredReportWriter::write(
    const AnalysisResult& result, const DicomResultSource& source, const std::string& path, const Options& options)
{
    if (!source.isDicom())
        throw std::invalid_argument("the DICOM SR needs a DICOM source image; missing: " + source.missingAttributes());
    DicomLibrary::initialize();
    DSRDocument document(DSRTypes::DT_ComprehensiveSR);
    check(document.setSpecificCharacterSetType(DSRTypes::CS_UTF8).good(), "SR", "cannot set UTF-8");
    copyPatientAndStudy(document, source.identity);
    describeSeries(document, options);
    declarePrivateCodes(document);
    const auto& identity = source.identity;
    check(document.getCurrentRequestedProcedureEvidence()
              .addItem(identity.studyInstanceUid.c_str(), identity.seriesInstanceUid.c_str(),
                  identity.sopClassUid.c_str(), identity.sopInstanceUid.c_str())
              .good(),
        "SR", "cannot list the source image as evidence");

    internal::SrContentBuilder builder(document.getTree(), result, source);
    builder.addRootWithObserver(internal::DicomResultModules::newUid());
    builder.addAlgorithmIdentification();
    builder.addImageLibrary();
    builder.addSentences(options.regionWeightThreshold, options.decisions);
    builder.addFindings();

    DcmFileFormat file;
    const auto written = document.write(*file.getDataset());
    check(written.good(), path + ": DCMTK refused the SR", written.text());
    internal::DicomResultModules::save(file, path);

    OFString seriesUid;
    OFString instanceUid;
    document.getSeriesInstanceUID(seriesUid);
    document.getSOPInstanceUID(instanceUid);
    return { path, sopClassUid, instanceUid.c_str(), seriesUid.c_str() };
}

} // namespace lrclr
