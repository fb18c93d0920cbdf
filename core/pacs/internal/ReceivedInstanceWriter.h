#pragma once

#include <cstdint>
#include <set>

#include <QString>
#include <QStringList>

class DcmFileFormat;

namespace lrclr::internal {

/// Writes the instances of one study that a peer sends us (C-GET on our association, C-MOVE to our storage SCP) to
/// <folder>/<StorageNames::instanceFileName(SOP Instance UID)> through a temporary file, so that no received string
/// names a path; instances of another study than the one asked for are refused and not written.
/// Not thread-safe: one thread writes at a time (callers that read from another thread lock around it).
class ReceivedInstanceWriter {
public:
    enum class Outcome {
        Written,
        Refused, ///< another study, or no SOP Instance UID: not written
        WriteFailed, ///< the disk refused; writeError() says why
    };

    /// `folder`: the study's folder, which must exist.
    ReceivedInstanceWriter(QString studyInstanceUid, QString folder);

    /// Writes `file` (its dataset in the transfer syntax it arrived in) unless it belongs to another study.
    Outcome write(DcmFileFormat& file);
    /// write(), answered as a C-STORE status: Success, Cannot Understand (refused) or Out of Resources (disk).
    std::uint16_t writeAndAnswer(DcmFileFormat& file);

    QStringList files() const { return QStringList(m_files.begin(), m_files.end()); }
    int fileCount() const { return static_cast<int>(m_files.size()); }
    int refusedCount() const { return m_refusedCount; }
    /// The first write error ("cannot write PATH: reason"); empty when every write worked.
    const QString& writeError() const { return m_writeError; }

private:
    QString m_studyInstanceUid;
    QString m_folder;
    std::set<QString> m_files;
    int m_refusedCount = 0;
    QString m_writeError;
};

} // namespace lrclr::internal
