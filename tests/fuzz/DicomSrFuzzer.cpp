// Fuzz target: a DICOM Structured Report read as a report (DicomSrReportReader: the pre-scan, DCMTK's dcmsr, the
// content-tree walk, then Report::fromParts and the sentence splitter). Bad files give std::nullopt; nothing throws.
#include <cstddef>
#include <cstdint>

#include "core/report/DicomSrReportReader.h"
#include "tests/fuzz/DicomFuzzSupport.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::initializeDicom();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("input.dcm", data, size);
    QString error;
    const auto report = DicomSrReportReader::read(QString::fromStdString(path), &error);
    if (!report) {
        fuzz::require(!error.isEmpty());
        return 0;
    }
    const qsizetype length = report->text().size();
    for (qsizetype i = 0; i < report->sentences().size(); ++i) {
        const ReportSentence& sentence = report->sentences()[i];
        fuzz::require(0 <= sentence.begin && sentence.begin <= sentence.end && sentence.end <= length);
        report->sentenceText(i);
        report->sectionOf(i);
    }
    return 0;
}
