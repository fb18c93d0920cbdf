#include "core/report/SentenceSplitter.h"

#include <algorithm>
#include <array>

namespace lrclr {

namespace {

constexpr std::array knownHeadings = {
    u"FINDINGS",
    u"FINDING",
    u"IMPRESSION",
    u"IMPRESSIONS",
    u"INDICATION",
    u"INDICATIONS",
    u"HISTORY",
    u"CLINICAL HISTORY",
    u"CLINICAL INFORMATION",
    u"CLINICAL INDICATION",
    u"REASON FOR EXAM",
    u"REASON FOR EXAMINATION",
    u"REASON FOR STUDY",
    u"COMPARISON",
    u"COMPARISONS",
    u"TECHNIQUE",
    u"EXAMINATION",
    u"EXAM",
    u"PROCEDURE",
    u"CONCLUSION",
    u"CONCLUSIONS",
    u"RECOMMENDATION",
    u"RECOMMENDATIONS",
    u"NOTIFICATION",
    u"FINAL REPORT",
    u"WET READ",
    u"ADDENDUM",
    u"SUMMARY",
    u"OPINION",
    u"REPORT",
};

constexpr std::array nonTerminalAbbreviations = {
    u"approx",
    u"dr",
    u"mr",
    u"mrs",
    u"ms",
    u"prof",
    u"vs",
    u"e.g",
    u"i.e",
    u"cf",
    u"esp",
    u"incl",
    u"ca",
    u"fig",
    u"figs",
    u"viz",
    u"al",
    u"et al",
    u"resp",
};

constexpr std::array months = {
    u"jan",
    u"feb",
    u"mar",
    u"apr",
    u"jun",
    u"jul",
    u"aug",
    u"sep",
    u"sept",
    u"oct",
    u"nov",
    u"dec",
};

bool isSpace(QChar c)
{
    return c.isSpace();
}

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == QChar(0x00A0);
}

bool isTerminator(QChar c)
{
    return c == u'.' || c == u'!' || c == u'?';
}

bool isClosing(QChar c)
{
    return c == u')' || c == u']' || c == u'"' || c == u'\'' || c == QChar(0x201D) || c == QChar(0x2019);
}

/// Length of a list marker ("1.", "12)", "(3)", "-", "*", "•") plus the blanks after it at `pos`, or 0.
qsizetype listMarkerLength(const QString& text, qsizetype pos, qsizetype end)
{
    qsizetype i = pos;
    if (i < end && (text[i] == u'-' || text[i] == u'*' || text[i] == QChar(0x2022))) {
        ++i;
    } else {
        const bool parenthesised = i < end && text[i] == u'(';
        if (parenthesised)
            ++i;
        const qsizetype digitsBegin = i;
        while (i < end && i - digitsBegin < 3 && text[i].isDigit())
            ++i;
        if (i == digitsBegin || i - digitsBegin > 2)
            return 0;
        if (i >= end)
            return 0;
        if (parenthesised) {
            if (text[i] != u')')
                return 0;
        } else if (text[i] != u'.' && text[i] != u')') {
            return 0;
        }
        ++i;
    }
    // A marker must be followed by a blank: "2.5 cm" and "-3" are not markers.
    if (i >= end || !isBlank(text[i]))
        return 0;
    while (i < end && isBlank(text[i]))
        ++i;
    return i - pos;
}

/// The word before a period at `periodIndex`: letters and inner periods ("e.g", "p.m", "approx").
QStringView wordBefore(const QString& text, qsizetype begin, qsizetype periodIndex)
{
    qsizetype i = periodIndex;
    while (i > begin && (text[i - 1].isLetter() || (text[i - 1] == u'.' && i - 1 > begin && text[i - 2].isLetter())))
        --i;
    return QStringView(text).mid(i, periodIndex - i);
}

bool contains(const auto& list, QStringView word)
{
    return std::any_of(list.begin(), list.end(),
        [word](const char16_t* entry) { return word.compare(QStringView(entry), Qt::CaseInsensitive) == 0; });
}

struct Heading {
    qsizetype begin = 0;
    qsizetype end = 0; ///< after the colon (or the heading word when there is none)
    QString name;
};

bool isUpperCaseHeadingName(QStringView name)
{
    int letters = 0;
    for (QChar c : name) {
        if (c.isLetter()) {
            if (!c.isUpper())
                return false;
            ++letters;
        } else if (!(c == u' ' || c == u'/' || c == u'&' || c == u'-' || c == u'(' || c == u')')) {
            return false;
        }
    }
    const auto words = name.split(u' ', Qt::SkipEmptyParts);
    return letters >= 3 && words.size() <= 5;
}

/// Headings starting at a line start (after blanks) or, for known upper-case names, after a sentence end.
QList<Heading> findHeadings(const QString& text)
{
    QList<Heading> headings;
    const qsizetype size = text.size();
    qsizetype lineBegin = 0;
    while (lineBegin <= size) {
        qsizetype lineEnd = text.indexOf(u'\n', lineBegin);
        if (lineEnd < 0)
            lineEnd = size;
        qsizetype i = lineBegin;
        while (i < lineEnd && isBlank(text[i]))
            ++i;
        qsizetype contentEnd = lineEnd;
        while (contentEnd > i && isBlank(text[contentEnd - 1]))
            --contentEnd;

        bool foundAtStart = false;
        if (i < lineEnd && text[i].isLetter()) {
            const qsizetype colonInLine = QStringView(text).mid(i, std::min<qsizetype>(lineEnd - i, 49)).indexOf(u':');
            const qsizetype colon = colonInLine < 0 ? -1 : i + colonInLine;
            if (colon > i) {
                QStringView name = QStringView(text).mid(i, colon - i).trimmed();
                // "2:30" or "Dr. ___:" are no headings; only words made of letters qualify.
                if (isUpperCaseHeadingName(name) || SentenceSplitter::isKnownHeading(name)) {
                    headings.append({ i, colon + 1, name.toString() });
                    foundAtStart = true;
                }
            }
            if (!foundAtStart) {
                QStringView line = QStringView(text).mid(i, contentEnd - i);
                if (SentenceSplitter::isKnownHeading(line) && isUpperCaseHeadingName(line)) {
                    headings.append({ i, contentEnd, line.toString() });
                    foundAtStart = true;
                }
            }
        }

        // Inline: "... unchanged. IMPRESSION: No acute process." Only known upper-case names, to keep
        // "... seen on the PA view: ..." a sentence.
        qsizetype searchFrom = foundAtStart ? headings.last().end : i;
        while (searchFrom < lineEnd) {
            const qsizetype colonInLine = QStringView(text).mid(searchFrom, lineEnd - searchFrom).indexOf(u':');
            if (colonInLine < 0)
                break;
            const qsizetype colon = searchFrom + colonInLine;
            for (const char16_t* entry : knownHeadings) {
                const QStringView name(entry);
                const qsizetype start = colon - name.size();
                if (start <= searchFrom || QStringView(text).mid(start, name.size()) != name)
                    continue;
                if (text[start - 1] != u' ' && text[start - 1] != u'\t')
                    continue;
                qsizetype before = start - 1;
                while (before > lineBegin && isBlank(text[before]))
                    --before;
                if (!isTerminator(text[before]) && !isClosing(text[before]))
                    continue;
                headings.append({ start, colon + 1, name.toString() });
                break;
            }
            searchFrom = colon + 1;
        }
        lineBegin = lineEnd + 1;
    }
    std::sort(headings.begin(), headings.end(), [](const Heading& a, const Heading& b) { return a.begin < b.begin; });
    return headings;
}

bool hasLetterOrDigit(const QString& text, qsizetype begin, qsizetype end)
{
    for (qsizetype i = begin; i < end; ++i) {
        if (text[i].isLetterOrNumber())
            return true;
    }
    return false;
}

/// True when the line after the newline at `newline` is blank or starts a list item: the sentence ends here.
bool newlineEndsSentence(const QString& text, qsizetype newline, qsizetype end)
{
    qsizetype i = newline + 1;
    while (i < end && isBlank(text[i]))
        ++i;
    if (i >= end || text[i] == u'\n')
        return true;
    return listMarkerLength(text, i, end) > 0;
}

/// Decides whether the terminator run ending just before `after` (white space follows) ends a sentence.
bool periodEndsSentence(
    const QString& text, qsizetype sentenceBegin, qsizetype terminator, qsizetype after, qsizetype end)
{
    qsizetype next = after;
    while (next < end && isSpace(text[next]))
        ++next;
    if (next >= end)
        return true;
    const QChar nextChar = text[next];
    if (nextChar.isLower() || nextChar == u',' || nextChar == u';')
        return false;
    if (text[terminator] != u'.')
        return true;
    const QStringView word = wordBefore(text, sentenceBegin, terminator);
    if (SentenceSplitter::isNonTerminalAbbreviation(word))
        return false;
    if (nextChar.isDigit() && contains(months, word))
        return false;
    return true;
}

void splitRegion(const QString& text, qsizetype begin, qsizetype end, int section, QList<ReportSentence>& sentences)
{
    qsizetype pos = begin;
    while (pos < end) {
        while (pos < end && isSpace(text[pos]))
            ++pos;
        if (pos >= end)
            break;
        pos += listMarkerLength(text, pos, end);
        const qsizetype start = pos;
        qsizetype sentenceEnd = end;
        qsizetype resume = end;
        for (qsizetype i = start; i < end; ++i) {
            const QChar c = text[i];
            if (c == u'\n' && newlineEndsSentence(text, i, end)) {
                sentenceEnd = i;
                resume = i + 1;
                break;
            }
            if (!isTerminator(c) || i == start)
                continue;
            qsizetype after = i + 1;
            while (after < end && (isTerminator(text[after]) || isClosing(text[after])))
                ++after;
            if (after < end && !isSpace(text[after])) {
                i = after - 1; // "2.5", "e.g", "p.m": no white space after the period
                continue;
            }
            if (periodEndsSentence(text, start, i, after, end)) {
                sentenceEnd = after;
                resume = after;
                break;
            }
            i = after - 1;
        }
        qsizetype trimmedEnd = sentenceEnd;
        while (trimmedEnd > start && isSpace(text[trimmedEnd - 1]))
            --trimmedEnd;
        if (hasLetterOrDigit(text, start, trimmedEnd))
            sentences.append({ start, trimmedEnd, section });
        pos = std::max(resume, start + 1);
    }
}

} // namespace

bool SentenceSplitter::isNonTerminalAbbreviation(QStringView word)
{
    return contains(nonTerminalAbbreviations, word);
}

bool SentenceSplitter::isKnownHeading(QStringView name)
{
    return contains(knownHeadings, name.trimmed());
}

SentenceSplitter::Result SentenceSplitter::split(const QString& text)
{
    Result result;
    const QList<Heading> headings = findHeadings(text);
    const qsizetype firstHeading = headings.isEmpty() ? text.size() : headings.first().begin;
    splitRegion(text, 0, firstHeading, -1, result.sentences);
    for (qsizetype h = 0; h < headings.size(); ++h) {
        const Heading& heading = headings[h];
        ReportSection section;
        section.name = heading.name;
        section.kind = ReportSection::kindForName(heading.name);
        section.headingBegin = heading.begin;
        section.headingEnd = heading.end;
        section.bodyBegin = heading.end;
        section.bodyEnd = h + 1 < headings.size() ? headings[h + 1].begin : text.size();
        result.sections.append(section);
        splitRegion(text, section.bodyBegin, section.bodyEnd, static_cast<int>(h), result.sentences);
    }
    return result;
}

} // namespace lrclr
