#pragma once

#include <QList>
#include <QString>

namespace lrclr {

/// A section of a report ("FINDINGS", "IMPRESSION", ...) located in Report::text().
struct ReportSection {
    /// What a section is for, so the model and the UI can pick findings and impression without string matching.
    enum class Kind { Findings, Impression, Indication, History, Comparison, Technique, Examination, Other };

    QString name; ///< heading as written, without the colon, e.g. "FINDINGS" or "Impression"
    Kind kind = Kind::Other;
    qsizetype headingBegin = 0; ///< [headingBegin, headingEnd): the heading including its colon
    qsizetype headingEnd = 0;
    qsizetype bodyBegin = 0; ///< [bodyBegin, bodyEnd): from after the heading to the next heading or the end
    qsizetype bodyEnd = 0;

    static Kind kindForName(const QString& name);
    static QString kindName(Kind kind);
};

/// One sentence of a report as a range of Report::text(); `section` indexes Report::sections() or is -1 for text
/// before the first heading. A numbered-list marker ("1.") is not part of the sentence.
struct ReportSentence {
    qsizetype begin = 0; ///< first character, UTF-16 code units into Report::text()
    qsizetype end = 0; ///< one past the last character
    int section = -1;

    qsizetype length() const { return end - begin; }
};

/// A heading and its text, as a structured source (DICOM SR) delivers them; see Report::fromParts().
struct ReportPart {
    QString heading; ///< empty: text without a heading of its own
    QString body;
};

/// A radiology report: the original text exactly as written (or, for DICOM SR, as composed from the content tree),
/// its sections and its sentences, each a range of that text so a highlight maps back to exactly what was written.
///
/// Offsets are UTF-16 code units, i.e. QString indices: a UI holding the same QString highlights
/// text().mid(begin, end - begin) without conversion. Code that works on UTF-8 bytes (JSON for other tools, the
/// model's tokenizer input) converts with utf8Offset()/utf16Offset(). A plain value: copy it between threads freely.
class Report {
public:
    enum class Source { None, PlainText, DicomSr };

    Report() = default;
    /// Splits `text` into sections and sentences with SentenceSplitter.
    static Report fromText(const QString& text, Source source = Source::PlainText, const QString& sourcePath = {});
    /// Composes "Heading:\n" + body + "\n\n" per part; each heading becomes a section whatever its spelling, and
    /// headings written inside a body ("IMPRESSION:" in a single SR TEXT item) become sections too.
    static Report fromParts(const QList<ReportPart>& parts, Source source, const QString& sourcePath = {});

    bool isEmpty() const { return m_sentences.isEmpty(); }
    const QString& text() const { return m_text; }
    const QList<ReportSection>& sections() const { return m_sections; }
    const QList<ReportSentence>& sentences() const { return m_sentences; }
    Source source() const { return m_source; }
    /// File the report was read from; empty for pasted text.
    const QString& sourcePath() const { return m_sourcePath; }
    /// For DICOM SR: the document title (root container's concept name), e.g. "Chest X-ray Report".
    const QString& title() const { return m_title; }
    void setTitle(const QString& title) { m_title = title; }

    QString sentenceText(qsizetype index) const;
    /// The section a sentence belongs to, or nullptr for text before the first heading.
    const ReportSection* sectionOf(qsizetype sentenceIndex) const;
    /// Indices of the sentences in sections of `kind`.
    QList<qsizetype> sentencesIn(ReportSection::Kind kind) const;
    /// Index of the sentence containing UTF-16 offset `offset` (e.g. a click in a text view), or -1.
    qsizetype sentenceAt(qsizetype offset) const;

    /// UTF-8 byte offset of UTF-16 offset `utf16Offset` in text(); offsets inside a surrogate pair map to the pair's
    /// start. Out-of-range offsets clamp to [0, size].
    qsizetype utf8Offset(qsizetype utf16Offset) const;
    /// Inverse of utf8Offset(); a byte offset inside a multi-byte character maps to that character's start.
    qsizetype utf16Offset(qsizetype utf8Offset) const;

private:
    QString m_text;
    QList<ReportSection> m_sections;
    QList<ReportSentence> m_sentences;
    Source m_source = Source::None;
    QString m_sourcePath;
    QString m_title;
};

} // namespace lrclr
