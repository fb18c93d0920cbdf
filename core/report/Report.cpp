#include "core/report/Report.h"

#include <algorithm>

#include "core/report/SentenceSplitter.h"

namespace lrclr {

ReportSection::Kind ReportSection::kindForName(const QString& name)
{
    const QString upper = name.toUpper();
    if (upper.contains(u"FINDING"))
        return Kind::Findings;
    if (upper.contains(u"IMPRESSION") || upper.contains(u"CONCLUSION") || upper == u"SUMMARY" || upper == u"OPINION")
        return Kind::Impression;
    if (upper.startsWith(u"INDICATION") || upper.startsWith(u"REASON") || upper.contains(u"CLINICAL INDICATION"))
        return Kind::Indication;
    if (upper.contains(u"HISTORY") || upper == u"CLINICAL INFORMATION")
        return Kind::History;
    if (upper.startsWith(u"COMPARISON"))
        return Kind::Comparison;
    if (upper.startsWith(u"TECHNIQUE"))
        return Kind::Technique;
    if (upper.startsWith(u"EXAM") || upper.startsWith(u"PROCEDURE"))
        return Kind::Examination;
    return Kind::Other;
}

QString ReportSection::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Findings:
        return QStringLiteral("findings");
    case Kind::Impression:
        return QStringLiteral("impression");
    case Kind::Indication:
        return QStringLiteral("indication");
    case Kind::History:
        return QStringLiteral("history");
    case Kind::Comparison:
        return QStringLiteral("comparison");
    case Kind::Technique:
        return QStringLiteral("technique");
    case Kind::Examination:
        return QStringLiteral("examination");
    case Kind::Other:
        break;
    }
    return QStringLiteral("other");
}

Report Report::fromText(const QString& text, Source source, const QString& sourcePath)
{
    Report report;
    report.m_text = text;
    report.m_source = source;
    report.m_sourcePath = sourcePath;
    SentenceSplitter::Result split = SentenceSplitter::split(text);
    report.m_sections = std::move(split.sections);
    report.m_sentences = std::move(split.sentences);
    return report;
}

Report Report::fromParts(const QList<ReportPart>& parts, Source source, const QString& sourcePath)
{
    Report report;
    report.m_source = source;
    report.m_sourcePath = sourcePath;
    for (const ReportPart& part : parts) {
        int partSection = -1;
        if (!part.heading.isEmpty()) {
            ReportSection section;
            section.name = part.heading;
            section.kind = ReportSection::kindForName(part.heading);
            section.headingBegin = report.m_text.size();
            report.m_text += part.heading + u':';
            section.headingEnd = report.m_text.size();
            report.m_text += u'\n';
            section.bodyBegin = section.headingEnd;
            section.bodyEnd = report.m_text.size() + part.body.size();
            partSection = static_cast<int>(report.m_sections.size());
            report.m_sections.append(section);
        }
        const qsizetype shift = report.m_text.size();
        report.m_text += part.body;
        const SentenceSplitter::Result inner = SentenceSplitter::split(part.body);
        const int firstInner = static_cast<int>(report.m_sections.size());
        for (ReportSection section : inner.sections) {
            section.headingBegin += shift;
            section.headingEnd += shift;
            section.bodyBegin += shift;
            section.bodyEnd += shift;
            report.m_sections.append(section);
        }
        if (partSection >= 0 && !inner.sections.isEmpty())
            report.m_sections[partSection].bodyEnd = report.m_sections[firstInner].headingBegin;
        for (ReportSentence sentence : inner.sentences) {
            sentence.begin += shift;
            sentence.end += shift;
            sentence.section = sentence.section < 0 ? partSection : firstInner + sentence.section;
            report.m_sentences.append(sentence);
        }
        report.m_text += QStringLiteral("\n\n");
    }
    return report;
}

QString Report::sentenceText(qsizetype index) const
{
    if (index < 0 || index >= m_sentences.size())
        return {};
    const ReportSentence& sentence = m_sentences[index];
    return m_text.mid(sentence.begin, sentence.length());
}

const ReportSection* Report::sectionOf(qsizetype sentenceIndex) const
{
    if (sentenceIndex < 0 || sentenceIndex >= m_sentences.size())
        return nullptr;
    const int section = m_sentences[sentenceIndex].section;
    return section >= 0 && section < m_sections.size() ? &m_sections[section] : nullptr;
}

QList<qsizetype> Report::sentencesIn(ReportSection::Kind kind) const
{
    QList<qsizetype> indices;
    for (qsizetype i = 0; i < m_sentences.size(); ++i) {
        const ReportSection* section = sectionOf(i);
        if (section && section->kind == kind)
            indices.append(i);
    }
    return indices;
}

qsizetype Report::sentenceAt(qsizetype offset) const
{
    // Sentences are sorted and disjoint.
    const auto it = std::upper_bound(m_sentences.begin(), m_sentences.end(), offset,
        [](qsizetype value, const ReportSentence& s) { return value < s.begin; });
    if (it == m_sentences.begin())
        return -1;
    const auto candidate = std::prev(it);
    return offset < candidate->end ? std::distance(m_sentences.begin(), candidate) : -1;
}

qsizetype Report::utf8Offset(qsizetype utf16Offset) const
{
    const qsizetype limit = std::clamp<qsizetype>(utf16Offset, 0, m_text.size());
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < limit; ++i) {
        const char16_t c = m_text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < m_text.size() && QChar::isLowSurrogate(m_text[i + 1].unicode())) {
            if (i + 1 >= limit)
                break; // inside the pair: map to its start
            bytes += 4;
            ++i;
        } else if (c < 0x80) {
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else {
            bytes += 3; // includes lone surrogates, which QString::toUtf8 replaces with the 3-byte U+FFFD
        }
    }
    return bytes;
}

qsizetype Report::utf16Offset(qsizetype utf8Offset) const
{
    qsizetype bytes = 0;
    qsizetype i = 0;
    while (i < m_text.size()) {
        const char16_t c = m_text[i].unicode();
        qsizetype width = 3;
        qsizetype units = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < m_text.size() && QChar::isLowSurrogate(m_text[i + 1].unicode())) {
            width = 4;
            units = 2;
        } else if (c < 0x80) {
            width = 1;
        } else if (c < 0x800) {
            width = 2;
        }
        if (bytes + width > utf8Offset)
            break;
        bytes += width;
        i += units;
    }
    return i;
}

} // namespace lrclr
