#include "core/pacs/internal/MultipartParser.h"

namespace lrclr::internal {

namespace {

/// RFC 2046 bchars (a space is allowed, but not as the last character).
bool isBoundaryCharacter(char character)
{
    if ((character >= '0' && character <= '9') || (character >= 'a' && character <= 'z')
        || (character >= 'A' && character <= 'Z'))
        return true;
    return QByteArrayView("'()+_,-./:=? ").contains(character);
}

/// The value of parameter `name` in a header value "type/subtype; a=b; name=value"; empty when absent.
QByteArray parameterOf(const QByteArray& headerValue, const QByteArray& name)
{
    const QList<QByteArray> pieces = headerValue.split(';');
    for (qsizetype i = 1; i < pieces.size(); ++i) {
        const QByteArray piece = pieces[i].trimmed();
        const qsizetype equals = piece.indexOf('=');
        if (equals <= 0 || piece.left(equals).trimmed().compare(name, Qt::CaseInsensitive) != 0)
            continue;
        QByteArray value = piece.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
            value = value.mid(1, value.size() - 2);
        return value;
    }
    return {};
}

/// The Content-Type of a part's header block (lines "Name: value" separated by CRLF).
QByteArray contentTypeOf(QByteArrayView headers)
{
    for (const QByteArray& line : headers.toByteArray().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare("content-type", Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

/// Skips transport padding (spaces and tabs) and the CRLF after a delimiter; the position after it, or -1.
qsizetype afterDelimiterLine(QByteArrayView body, qsizetype position)
{
    while (position < body.size() && (body[position] == ' ' || body[position] == '\t'))
        ++position;
    if (position + 1 < body.size() && body[position] == '\r' && body[position + 1] == '\n')
        return position + 2;
    return -1;
}

/// The next delimiter line ("\r\n--boundary" followed by padding and CRLF, or by "--") at or after `from`; -1 when
/// there is none. A boundary-like string followed by anything else is content (RFC 2046 5.1.1).
qsizetype nextDelimiter(QByteArrayView body, const QByteArray& delimiter, qsizetype from)
{
    for (qsizetype candidate = body.indexOf(delimiter, from); candidate >= 0;
         candidate = body.indexOf(delimiter, candidate + 1)) {
        const qsizetype after = candidate + delimiter.size();
        if (body.sliced(after).startsWith("--") || afterDelimiterLine(body, after) >= 0)
            return candidate;
    }
    return -1;
}

} // namespace

std::optional<QByteArray> MultipartParser::boundaryOf(const QByteArray& contentType, QString* error)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    if (!type.startsWith("multipart/")) {
        *error = QStringLiteral("expected a multipart response, got Content-Type '%1'")
                     .arg(QString::fromLatin1(contentType.left(200)));
        return std::nullopt;
    }
    const QByteArray boundary = parameterOf(contentType, "boundary");
    bool valid = !boundary.isEmpty() && boundary.size() <= 70 && !boundary.endsWith(' ');
    for (const char character : boundary)
        valid = valid && isBoundaryCharacter(character);
    if (!valid) {
        *error = QStringLiteral("the multipart Content-Type has no valid boundary: '%1'")
                     .arg(QString::fromLatin1(contentType.left(200)));
        return std::nullopt;
    }
    return boundary;
}

std::optional<QList<MultipartPart>> MultipartParser::parse(
    QByteArrayView body, const QByteArray& boundary, const Limits& limits, QString* error)
{
    const QByteArray firstDelimiter = "--" + boundary;
    const QByteArray delimiter = "\r\n--" + boundary;
    // The first delimiter opens the body or follows the preamble's CRLF.
    qsizetype position = body.startsWith(firstDelimiter) ? 0 : nextDelimiter(body, delimiter, 0);
    if (position < 0) {
        *error = QStringLiteral("malformed multipart body: no boundary delimiter");
        return std::nullopt;
    }
    position += position == 0 && body.startsWith(firstDelimiter) ? firstDelimiter.size() : delimiter.size();
    QList<MultipartPart> parts;
    while (true) {
        if (body.sliced(position).startsWith("--"))
            return parts; // the close delimiter; an epilogue after it is ignored
        position = afterDelimiterLine(body, position);
        if (position < 0) {
            *error = QStringLiteral("malformed multipart body: a boundary delimiter is not followed by a line end");
            return std::nullopt;
        }
        if (parts.size() >= limits.maximumParts) {
            *error = QStringLiteral("the multipart body has more than %1 parts: refused").arg(limits.maximumParts);
            return std::nullopt;
        }
        const qsizetype headerEnd = body.indexOf("\r\n\r\n", position);
        const bool noHeaders = body.sliced(position).startsWith("\r\n");
        if (!noHeaders && (headerEnd < 0 || headerEnd - position > limits.maximumHeaderBytes)) {
            *error = headerEnd < 0
                ? QStringLiteral("malformed multipart body: part %1 has no end of its headers").arg(parts.size() + 1)
                : QStringLiteral("part %1 of the multipart body has headers over %2 bytes: refused")
                      .arg(parts.size() + 1)
                      .arg(limits.maximumHeaderBytes);
            return std::nullopt;
        }
        MultipartPart part;
        part.contentType = noHeaders ? QByteArray() : contentTypeOf(body.sliced(position, headerEnd - position));
        part.offset = noHeaders ? position + 2 : headerEnd + 4;
        const qsizetype next = nextDelimiter(body, delimiter, part.offset);
        if (next < 0) {
            *error = QStringLiteral("malformed multipart body: part %1 is not closed by a boundary delimiter "
                                    "(truncated response?)")
                         .arg(parts.size() + 1);
            return std::nullopt;
        }
        part.size = next - part.offset;
        if (part.size > limits.maximumPartBytes) {
            *error = QStringLiteral("part %1 of the multipart body is larger than %2 bytes: refused")
                         .arg(parts.size() + 1)
                         .arg(limits.maximumPartBytes);
            return std::nullopt;
        }
        parts.append(part);
        position = next + delimiter.size();
    }
}

} // namespace lrclr::internal
