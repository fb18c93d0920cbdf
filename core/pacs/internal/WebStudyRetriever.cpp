#include "core/pacs/internal/WebStudyRetriever.h"

#include <cstdint>
#include <span>

#include <QDir>
#include <QFile>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "core/dicom/internal/DicomPreScanner.h"
#include "core/pacs/internal/StorageNames.h"

namespace lrclr::internal {

namespace {

constexpr int maximumSequenceDepth = 64;
constexpr std::size_t maximumInflatedBytes = std::size_t { 256 } << 20;
// Large values stay on disk while DCMTK reads the UIDs.
constexpr Uint32 maximumReadLength = 4096;

const QByteArray originalSyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
const QByteArray defaultSyntax = "multipart/related; type=\"application/dicom\"";

/// Writes the parts of a WADO-RS answer into the study's folder, counting what it refuses and why.
class PartWriter {
public:
    PartWriter(QString studyInstanceUid, QString folder)
        : m_studyInstanceUid(std::move(studyInstanceUid))
        , m_folder(std::move(folder))
    {
    }

    /// Writes one part; false only on a disk error (then `error` says what failed).
    bool write(const MultipartPart& part, QByteArrayView body, QString* error)
    {
        const int number = ++m_partNumber;
        if (!HttpExchange::isMediaType(part.contentType, "application/dicom"))
            return refuse(number,
                QStringLiteral("its type is '%1', not application/dicom")
                    .arg(QString::fromLatin1(part.contentType.left(80))));
        const QByteArrayView content = body.sliced(part.offset, part.size);
        const std::span<const std::uint8_t> bytes(
            reinterpret_cast<const std::uint8_t*>(content.data()), static_cast<std::size_t>(content.size()));
        const auto scan = DicomPreScanner::scan(bytes, maximumSequenceDepth, maximumInflatedBytes);
        if (!scan.accepted)
            return refuse(number, QString::fromStdString(scan.problem));
        if (scan.transferSyntaxUid.empty())
            return refuse(number, QStringLiteral("not a DICOM Part 10 file (no meta header)"));
        const QString partialPath = m_folder + QStringLiteral("/incoming.part");
        QFile partial(partialPath);
        if (!partial.open(QIODevice::WriteOnly) || partial.write(content.data(), content.size()) != content.size()
            || !partial.flush()) {
            *error = QStringLiteral("cannot write %1: %2").arg(partialPath, partial.errorString());
            partial.remove();
            return false;
        }
        partial.close();
        return place(number, partialPath, error);
    }

    QStringList files() const { return m_files; }
    int refusedCount() const { return m_refusedCount; }
    const QString& firstRefusal() const { return m_firstRefusal; }

private:
    bool refuse(int number, const QString& reason)
    {
        ++m_refusedCount;
        if (m_firstRefusal.isEmpty())
            m_firstRefusal = QStringLiteral("part %1 refused: %2").arg(number).arg(reason);
        return true;
    }

    /// Reads the UIDs of the written part and gives it its name, or removes it.
    bool place(int number, const QString& partialPath, QString* error)
    {
        DcmFileFormat file;
        const QByteArray encoded = QFile::encodeName(partialPath);
        const OFCondition status
            = file.loadFile(OFFilename(encoded.constData()), EXS_Unknown, EGL_noChange, maximumReadLength);
        OFString studyUid;
        OFString instanceUid;
        file.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, studyUid);
        file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, instanceUid);
        file.clear(); // closes the file before it is renamed or removed
        if (status.bad() || QString::fromLatin1(studyUid.c_str()) != m_studyInstanceUid || instanceUid.empty()) {
            QFile::remove(partialPath);
            return refuse(number,
                status.bad() ? QStringLiteral("not readable as DICOM: %1").arg(QString::fromLatin1(status.text()))
                             : QStringLiteral("it is not an instance of the study asked for"));
        }
        const QString path = m_folder + u'/' + StorageNames::instanceFileName(QString::fromLatin1(instanceUid.c_str()));
        if ((QFile::exists(path) && !QFile::remove(path)) || !QFile::rename(partialPath, path)) {
            QFile::remove(partialPath);
            *error = QStringLiteral("cannot write %1: cannot replace the file").arg(path);
            return false;
        }
        if (!m_files.contains(path))
            m_files.append(path);
        return true;
    }

    QString m_studyInstanceUid;
    QString m_folder;
    QStringList m_files;
    int m_partNumber = 0;
    int m_refusedCount = 0;
    QString m_firstRefusal;
};

/// GET of the study, first in the stored syntax, then (for a server that refuses transfer-syntax=*) in the default.
std::optional<HttpResponse> fetchStudy(
    const DicomWebSettings& settings, const HttpRequest& original, HttpRequest* used, QString* error)
{
    *used = original;
    auto response = HttpExchange::run(original, settings.http, error);
    if (response && (response->status == 406 || response->status == 400)) {
        used->headers = { { "Accept", defaultSyntax } };
        response = HttpExchange::run(*used, settings.http, error);
    }
    return response;
}

} // namespace

std::optional<PacsRetrieveResult> WebStudyRetriever::retrieve(const DicomWebSettings& settings,
    const QString& studyInstanceUid, const QString& folder, const PacsProgress& progress, QString* error)
{
    HttpRequest request;
    request.url = settings.url(QStringLiteral("studies/") + studyInstanceUid);
    request.headers = { { "Accept", originalSyntax } };
    HttpRequest used;
    const auto response = fetchStudy(settings, request, &used, error);
    if (!response)
        return std::nullopt;
    if (response->status == 204 || response->status == 404) {
        *error = QStringLiteral("%1 has no study %2 (HTTP %3)")
                     .arg(settings.baseUrl.toDisplayString(), studyInstanceUid)
                     .arg(response->status);
        return std::nullopt;
    }
    if (QString problem = HttpExchange::statusProblem(used, *response); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    const auto boundary = MultipartParser::boundaryOf(response->contentType, error);
    if (!boundary)
        return std::nullopt;
    const auto parts = MultipartParser::parse(response->body, *boundary, settings.parts, error);
    if (!parts)
        return std::nullopt;
    // Only a well-formed answer touches the disk.
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("cannot create the folder %1").arg(folder);
        return std::nullopt;
    }
    PartWriter writer(studyInstanceUid, QDir(folder).absolutePath());
    for (const MultipartPart& part : *parts) {
        if (settings.http.cancelled && settings.http.cancelled->load()) {
            *error = QStringLiteral("WADO-RS retrieve cancelled after %1 instance(s)").arg(writer.files().size());
            return std::nullopt;
        }
        if (!writer.write(part, response->body, error))
            return std::nullopt;
        if (progress)
            progress(static_cast<int>(writer.files().size()), static_cast<int>(parts->size()));
    }
    if (writer.files().isEmpty()) {
        *error = QStringLiteral("%1 sent no usable instance of study %2%3")
                     .arg(settings.baseUrl.toDisplayString(), studyInstanceUid,
                         writer.firstRefusal().isEmpty() ? QString() : QStringLiteral(": ") + writer.firstRefusal());
        return std::nullopt;
    }
    PacsRetrieveResult result;
    result.folder = QDir(folder).absolutePath();
    result.files = writer.files();
    result.files.sort();
    result.refusedCount = writer.refusedCount();
    return result;
}

} // namespace lrclr::internal
