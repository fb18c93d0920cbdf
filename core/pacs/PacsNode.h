#pragma once

#include <optional>

#include <QString>

namespace lrclr {

/// One DICOM application entity on the network: the AE title it answers to, its host and its port. A plain value;
/// thread-safe to copy and read.
class PacsNode {
public:
    PacsNode() = default;
    PacsNode(QString aeTitle, QString host, int port);

    /// Parses "AET@HOST:PORT" (e.g. "ORTHANC@pacs.example.org:4242"; an IPv6 host in brackets: "AET@[::1]:104").
    /// std::nullopt with a message in `error` when a part is missing or invalid.
    static std::optional<PacsNode> parse(const QString& text, QString* error = nullptr);
    /// Why `aeTitle` cannot be used as an AE title (1 to 16 characters, printable ASCII, no backslash, not only
    /// spaces); empty when it can.
    static QString aeTitleProblem(const QString& aeTitle);

    const QString& aeTitle() const { return m_aeTitle; }
    const QString& host() const { return m_host; }
    int port() const { return m_port; }
    /// "AET@HOST:PORT", the form parse() reads.
    QString toString() const;

private:
    QString m_aeTitle;
    QString m_host;
    int m_port = 0;
};

} // namespace lrclr
