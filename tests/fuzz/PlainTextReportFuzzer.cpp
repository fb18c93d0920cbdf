// Fuzz target: plain-text reports. The bytes are read as a sidecar file (PlainTextReportReader::read: size and NUL
// checks, UTF-8 with BOM or the Latin-1 fallback) and as pasted text; SentenceSplitter then splits them. Every
// section and sentence must be a range of the text, and the UTF-8/UTF-16 offset maps must stay inside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <QByteArray>
#include <QString>

#include "core/report/PlainTextReportReader.h"
#include "core/report/SentenceSplitter.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace lrclr;

namespace {

void check(const Report& report)
{
    const qsizetype length = report.text().size();
    const qsizetype sectionCount = report.sections().size();
    for (const ReportSection& section : report.sections()) {
        fuzz::require(0 <= section.headingBegin && section.headingBegin <= section.headingEnd);
        fuzz::require(section.headingEnd <= length);
        fuzz::require(0 <= section.bodyBegin && section.bodyBegin <= section.bodyEnd && section.bodyEnd <= length);
    }
    for (qsizetype i = 0; i < report.sentences().size(); ++i) {
        const ReportSentence& sentence = report.sentences()[i];
        fuzz::require(0 <= sentence.begin && sentence.begin < sentence.end && sentence.end <= length);
        fuzz::require(-1 <= sentence.section && sentence.section < sectionCount);
        fuzz::require(report.sentenceAt(sentence.begin) == i);
        report.sentenceText(i);
        report.sectionOf(i);
    }
    const qsizetype utf8Length = report.text().toUtf8().size();
    for (qsizetype offset : { qsizetype { -1 }, qsizetype { 0 }, length / 2, length, length + 1 }) {
        const qsizetype bytes = report.utf8Offset(offset);
        fuzz::require(0 <= bytes && bytes <= utf8Length);
        const qsizetype back = report.utf16Offset(bytes);
        fuzz::require(0 <= back && back <= length);
    }
    report.sentencesIn(ReportSection::Kind::Findings);
    report.sentencesIn(ReportSection::Kind::Impression);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString&) {
        if (type == QtFatalMsg)
            std::abort();
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::temporaryFolder().write("report.txt", data, size);
    QString error;
    if (const auto report = PlainTextReportReader::read(QString::fromStdString(path), &error))
        check(*report);
    else
        fuzz::require(!error.isEmpty());

    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const Report pasted = PlainTextReportReader::fromPastedText(text);
    fuzz::require(pasted.text() == text);
    check(pasted);
    const SentenceSplitter::Result split = SentenceSplitter::split(text);
    fuzz::require(split.sentences.size() == pasted.sentences().size());
    return 0;
}
