#include "tests/study/IdentifiedTestStudy.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>

#include "tests/study/TestDicomFiles.h"

namespace lrclr::test {

std::string IdentifiedTestStudy::writeImage(const std::string& path)
{
    SyntheticImage image;
    image.rows = 32;
    image.columns = 24;
    image.samples = patternSamples(image);
    image.attributes = { { 0x0010, 0x0010, "Doe^Jane" }, { 0x0010, 0x0020, "PID-884422" },
        { 0x0010, 0x0030, "19610312" }, { 0x0008, 0x0020, "20240117" }, { 0x0008, 0x0050, "ACC77311" },
        { 0x0008, 0x0080, "St Elsewhere Hospital" }, { 0x0008, 0x0090, "House^Gregory" },
        { 0x0008, 0x1030, "CHEST PA for Jane Doe" }, { 0x0020, 0x4000, "Jane's follow-up" },
        { 0x0008, 0x1040, "Radiology West" }, { 0x0008, 0x0018, imageUid }, { 0x0020, 0x000D, studyUid },
        { 0x0020, 0x000E, seriesUid } };
    const std::string error = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, path);
    if (!error.empty())
        return error;
    DcmFileFormat file;
    if (file.loadFile(path.c_str()).bad())
        return "cannot reload " + path;
    DcmDataset& dataset = *file.getDataset();
    dataset.putAndInsertString(DcmTag(0x0009, 0x0010, EVR_LO), "ACME RESEARCH");
    dataset.putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "PRIVATE-SECRET-99");
    DcmItem* item = nullptr;
    dataset.findOrCreateSequenceItem(DCM_OtherPatientIDsSequence, item, 0);
    item->putAndInsertString(DCM_PatientID, "OTHER-5521");
    dataset.findOrCreateSequenceItem(DCM_RequestAttributesSequence, item, 0);
    item->putAndInsertString(DCM_RequestedProcedureID, "RP-31337");
    item->putAndInsertString(DCM_AccessionNumber, "ACC77311");
    return file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good() ? "" : "cannot save " + path;
}

const std::vector<std::string>& IdentifiedTestStudy::identifyingValues()
{
    static const std::vector<std::string> values { "Doe", "Jane", "PID-884422", "19610312", "20240117", "ACC77311",
        "Elsewhere", "Gregory", "PRIVATE-SECRET-99", "OTHER-5521", "RP-31337", "1.2.826.0.1.3680043.9.7777",
        "Radiology West" };
    return values;
}

} // namespace lrclr::test
