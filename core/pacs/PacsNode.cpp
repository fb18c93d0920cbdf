#include "core/pacs/PacsNode.h"

#include <utility>

namespace lrclr {

namespace {

constexpr int maximumAeTitleLength = 16;
// DCMTK keeps "host:port" in a 64-byte buffer and refuses longer peer names.
constexpr int maximumHostLength = 57;

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

QString hostProblem(const QString& host)
{
    if (host.isEmpty())
        return QStringLiteral("the host is missing");
    if (host.size() > maximumHostLength)
        return QStringLiteral("the host is longer than %1 characters").arg(maximumHostLength);
    for (const QChar character : host) {
        const bool allowed = character.isLetterOrNumber() || character == u'.' || character == u'-' || character == u'_'
            || character == u':';
        if (character.unicode() > 0x7F || !allowed)
            return QStringLiteral("the host contains '%1'").arg(character);
    }
    return {};
}

} // namespace

PacsNode::PacsNode(QString aeTitle, QString host, int port)
    : m_aeTitle(std::move(aeTitle))
    , m_host(std::move(host))
    , m_port(port)
{
}

QString PacsNode::aeTitleProblem(const QString& aeTitle)
{
    if (aeTitle.isEmpty())
        return QStringLiteral("the AE title is empty");
    if (aeTitle.size() > maximumAeTitleLength)
        return QStringLiteral("the AE title '%1' is longer than %2 characters").arg(aeTitle).arg(maximumAeTitleLength);
    if (aeTitle.trimmed().isEmpty())
        return QStringLiteral("the AE title is only spaces");
    for (const QChar character : aeTitle) {
        if (character.unicode() < 0x20 || character.unicode() > 0x7E || character == u'\\')
            return QStringLiteral("the AE title contains a character that is not allowed (control, non-ASCII or "
                                  "backslash)");
    }
    return {};
}

std::optional<PacsNode> PacsNode::parse(const QString& text, QString* error)
{
    const QString usage = QStringLiteral(" (expected AET@HOST:PORT, e.g. ORTHANC@127.0.0.1:4242)");
    const qsizetype at = text.indexOf(u'@');
    if (at < 0) {
        setError(error, QStringLiteral("'%1' has no '@' between AE title and host").arg(text) + usage);
        return std::nullopt;
    }
    const QString aeTitle = text.left(at);
    if (const QString problem = aeTitleProblem(aeTitle); !problem.isEmpty()) {
        setError(error, problem + usage);
        return std::nullopt;
    }
    const QString address = text.mid(at + 1);
    const qsizetype colon = address.lastIndexOf(u':');
    if (colon < 0) {
        setError(error, QStringLiteral("'%1' has no ':' before the port").arg(text) + usage);
        return std::nullopt;
    }
    QString host = address.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':')) {
        setError(error, QStringLiteral("an IPv6 host must be written in brackets, e.g. AET@[::1]:104"));
        return std::nullopt;
    }
    if (const QString problem = hostProblem(host); !problem.isEmpty()) {
        setError(error, problem + usage);
        return std::nullopt;
    }
    bool isNumber = false;
    const QString portText = address.mid(colon + 1);
    const int port = portText.toInt(&isNumber);
    if (!isNumber || port < 1 || port > 65535) {
        setError(error, QStringLiteral("the port '%1' is not a number from 1 to 65535").arg(portText) + usage);
        return std::nullopt;
    }
    return PacsNode(aeTitle, host, port);
}

QString PacsNode::toString() const
{
    const QString host = m_host.contains(u':') ? u'[' + m_host + u']' : m_host;
    return m_aeTitle + u'@' + host + u':' + QString::number(m_port);
}

} // namespace lrclr
