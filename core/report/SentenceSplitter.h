#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include "core/report/Report.h"

namespace lrclr {

/// Splits radiology report text into sections and sentences, as ranges of the original text (UTF-16 offsets).
///
/// Rules, tuned on MIMIC-CXR-style reports:
/// - Headings: "FINDINGS:" (any upper-case heading of up to five words followed by a colon) at a line start, a known
///   heading in any case ("Impression:"), a known heading alone on its line ("FINAL REPORT"), or a known upper-case
///   heading inline after a sentence ("... stable. IMPRESSION: ..."). A heading ends the sentence before it.
/// - A sentence ends at '.', '!' or '?' followed by white space and then anything but a lower-case letter, a comma
///   or a semicolon; at a blank line; before a numbered or bulleted list item on a new line; and at a heading.
/// - Not an end: decimals ("2.5 cm"), abbreviations that never end a sentence ("approx.", "Dr.", "e.g.", "i.e.",
///   "vs.", "cf."), a month before a day ("Jan. 5"), times ("3 p.m. today"). Units are not abbreviations: radiology
///   writes "2 cm" without a period, so "measures 2 cm. No effusion." is two sentences.
/// - List markers ("1.", "2)", "(3)", "-", "*", "•") at a sentence start are not part of the sentence.
/// - Lines wrapped inside a sentence stay one sentence; "___" de-identification blanks are ordinary words.
/// - A "sentence" without any letter or digit (a lone "___", a stray "-") is dropped.
/// Stateless and thread-safe.
class SentenceSplitter {
public:
    struct Result {
        QList<ReportSection> sections;
        QList<ReportSentence> sentences;
    };

    static Result split(const QString& text);

    /// True for abbreviations whose period never ends a sentence ("approx", "Dr", "e.g"), given without the final
    /// period; case-insensitive.
    static bool isNonTerminalAbbreviation(QStringView word);
    /// True for a heading name the splitter knows in any letter case ("Findings", "REASON FOR EXAM").
    static bool isKnownHeading(QStringView name);
};

} // namespace lrclr
