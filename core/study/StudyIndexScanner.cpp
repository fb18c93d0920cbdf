#include "core/study/StudyIndexScanner.h"

#include <algorithm>

#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

#include "core/report/PlainTextReportReader.h"
#include "core/study/DicomdirReader.h"
#include "core/study/StudyFileType.h"
#include "core/study/StudyIndexHeaderReader.h"
#include "core/study/StudyIndexRasterProbe.h"

namespace lrclr {

namespace {

void setError(QString* message, const QString& text)
{
    if (message)
        *message = text;
}

bool isCancelled(const StudyIndexScanner::CancelCheck& cancel)
{
    return cancel && cancel();
}

QString rasterFormatForSuffix(const QString& suffix)
{
    if (suffix == u"jpg" || suffix == u"jpeg")
        return QStringLiteral("jpeg");
    if (suffix == u"tif" || suffix == u"tiff")
        return QStringLiteral("tiff");
    return suffix;
}

/// Where the scan collects its files: a folder walk, a DICOMDIR's references, or one file.
struct Collected {
    QStringList files;
    QList<StudyIndexProblem> problems;
    bool cancelled = false;
};

Collected collectFolder(
    const QString& folder, const StudyIndexScanner::FolderScope& scope, const StudyIndexScanner::CancelCheck& cancel)
{
    Collected collected;
    // No FollowSymlinks: a link back up the tree must not loop; QDir::System keeps broken links visible as problems.
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System,
        scope.recursive ? QDirIterator::Subdirectories : QDirIterator::NoIteratorFlags);
    while (it.hasNext()) {
        const QString file = it.next();
        if ((collected.files.size() & 255) == 0 && isCancelled(cancel)) {
            collected.cancelled = true;
            break;
        }
        if (collected.files.size() >= std::min(scope.maximumFiles, StudyIndexScanner::maximumFileCount)) {
            collected.problems.append({ StudyIndexProblem::Kind::Ignored, folder,
                QStringLiteral("more than %1 files; the rest were not indexed")
                    .arg(std::min(scope.maximumFiles, StudyIndexScanner::maximumFileCount)) });
            break;
        }
        const QFileInfo info(file);
        if (!info.isFile()) {
            // Opening a FIFO blocks until someone writes to it; devices and sockets are no images either.
            collected.problems.append({ StudyIndexProblem::Kind::Ignored, info.absoluteFilePath(),
                QStringLiteral("not a regular file (FIFO, device, socket or broken link)") });
            continue;
        }
        collected.files.append(info.absoluteFilePath());
    }
    collected.files.sort();
    return collected;
}

/// The files of `root`: a folder walk, a DICOMDIR's references, or the file itself. nullopt and `errorMessage` set
/// when a DICOMDIR cannot be read. `dicomdirMode` says whether `root` is used as a DICOMDIR.
std::optional<Collected> collectFiles(const QFileInfo& root, const QString& path,
    const StudyIndexScanner::FolderScope& scope, const StudyIndexScanner::CancelCheck& cancel, QString* errorMessage,
    bool& dicomdirMode)
{
    // A DICOMDIR given on its own is used as one whatever its name (pydicom ships "DICOMDIR-implicit" and the like).
    dicomdirMode = root.isFile() && DicomdirReader::isDicomdirFileName(path);
    if (root.isFile() && !dicomdirMode && StudyIndexHeaderReader::hasDicomPreamble(path))
        StudyIndexHeaderReader::read(root.absoluteFilePath(), nullptr, &dicomdirMode);
    if (root.isDir())
        return collectFolder(root.absoluteFilePath(), scope, cancel);
    Collected collected;
    if (dicomdirMode) {
        QString error;
        const auto dicomdir = DicomdirReader::read(root.absoluteFilePath(), &error);
        if (!dicomdir) {
            setError(errorMessage, error);
            return std::nullopt;
        }
        collected.files = dicomdir->files;
        collected.problems = dicomdir->problems;
    } else {
        collected.files = { root.absoluteFilePath() };
    }
    return collected;
}

/// Patient, study and series of a raster image: its MIMIC-CXR study folder, or the file as a study of its own.
void describeRasterStudy(const QString& file, const QFileInfo& info, StudyIndexRecord& record)
{
    const QString folder = info.absolutePath();
    if (PlainTextReportReader::isMimicStudyFolder(folder)) {
        record.patient.patientId = QFileInfo(QFileInfo(folder).absolutePath()).fileName();
        record.study.studyId = QFileInfo(folder).fileName();
        record.study.studyInstanceUid = QStringLiteral("raster:") + folder;
        record.study.description = QStringLiteral("MIMIC-CXR study %1").arg(record.study.studyId);
    } else {
        record.study.studyId = info.completeBaseName();
        record.study.studyInstanceUid = QStringLiteral("raster:") + file;
        record.study.description = info.fileName();
    }
    record.series.seriesInstanceUid = record.study.studyInstanceUid + QStringLiteral("#raster");
    record.series.description = QStringLiteral("Raster images");
}

/// Adds the collected files one by one to an index: each becomes a record, a report candidate or a problem.
class FileIndexing {
public:
    FileIndexing(StudyIndex& index, const StudyIndexRasterProbe* rasterProbe, bool dicomdirMode)
        : m_index(index)
        , m_rasterProbe(rasterProbe)
        , m_dicomdirMode(dicomdirMode)
    {
    }

    void add(const QString& file)
    {
        const QFileInfo info(file);
        const QString suffix = info.suffix().toLower();
        if (suffix == u"txt") {
            m_textFiles.append(file);
        } else if (StudyIndexScanner::isRasterFileName(file)) {
            addRaster(file, info, suffix);
        } else if (StudyIndexScanner::isDicomFileName(file) || StudyIndexHeaderReader::hasDicomPreamble(file)) {
            addDicom(file);
        } else {
            m_index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                QStringLiteral("not DICOM (no DICM preamble), a raster image or a report") });
        }
    }

    /// Text files that no image took as its report are listed as problems.
    void reportUnusedTextFiles()
    {
        for (const QString& text : m_textFiles) {
            if (!m_attachedReports.contains(text))
                m_index.addProblem({ StudyIndexProblem::Kind::Ignored, text,
                    QStringLiteral("text file beside no image of the same name; not used as a report") });
        }
    }

private:
    void attachReport(StudyIndexRecord& record, const QString& report)
    {
        if (report.isEmpty())
            return;
        record.study.reportPaths.append(report);
        m_attachedReports.insert(report);
    }

    void addRaster(const QString& file, const QFileInfo& info, const QString& suffix)
    {
        StudyIndexRecord record;
        StudyIndexInstance& instance = record.instance;
        instance.kind = StudyIndexInstance::Kind::Raster;
        instance.filePath = file;
        instance.rasterFormat = rasterFormatForSuffix(suffix);
        if (m_rasterProbe) {
            StudyIndexRasterProbe::Info probed;
            QString error;
            if (!m_rasterProbe->probe(file, probed, &error)) {
                m_index.addProblem({ StudyIndexProblem::Kind::Unreadable, file, error });
                return;
            }
            instance.rows = probed.rows;
            instance.columns = probed.columns;
            if (!probed.format.isEmpty())
                instance.rasterFormat = probed.format;
        }
        describeRasterStudy(file, info, record);
        attachReport(record, PlainTextReportReader::findReportFor(file));
        m_index.insert(record);
    }

    void addDicom(const QString& file)
    {
        if (!m_dicomdirMode && DicomdirReader::isDicomdirFileName(file)) {
            m_index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                QStringLiteral("DICOMDIR: the folder's files are indexed directly") });
            return;
        }
        QString error;
        bool isDicomdir = false;
        auto record = StudyIndexHeaderReader::read(file, &error, &isDicomdir);
        if (!record && isDicomdir) {
            m_index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                QStringLiteral("a DICOMDIR under another name; index it on its own to use its references") });
        } else if (!record) {
            m_index.addProblem({ StudyIndexProblem::Kind::Unreadable, file, error });
        } else {
            attachReport(*record,
                record->instance.kind == StudyIndexInstance::Kind::DicomSr
                    ? file
                    : PlainTextReportReader::findReportFor(file));
            m_index.insert(*record);
        }
    }

    StudyIndex& m_index;
    const StudyIndexRasterProbe* m_rasterProbe;
    bool m_dicomdirMode;
    QStringList m_textFiles;
    QSet<QString> m_attachedReports;
};

} // namespace

StudyIndexScanner::StudyIndexScanner(std::shared_ptr<const StudyIndexRasterProbe> rasterProbe)
    : m_rasterProbe(std::move(rasterProbe))
{
}

bool StudyIndexScanner::isRasterFileName(const QString& path)
{
    return StudyFileType::hasRasterName(path);
}

bool StudyIndexScanner::isDicomFileName(const QString& path)
{
    return StudyFileType::hasDicomName(path);
}

std::optional<StudyIndex> StudyIndexScanner::scan(const QString& path, const FolderScope& scope,
    const CancelCheck& cancel, const ProgressCallback& progress, QString* errorMessage) const
{
    const QFileInfo root(path);
    if (!root.exists()) {
        setError(errorMessage, QStringLiteral("%1: no such file or folder").arg(path));
        return std::nullopt;
    }
    if (!root.isDir() && !root.isFile()) {
        setError(errorMessage, QStringLiteral("%1: not a regular file or folder").arg(path));
        return std::nullopt;
    }
    StudyIndex index;
    index.setRootPath(root.absoluteFilePath());
    bool dicomdirMode = false;
    const auto collected = collectFiles(root, path, scope, cancel, errorMessage, dicomdirMode);
    if (!collected)
        return std::nullopt;
    for (const StudyIndexProblem& problem : collected->problems)
        index.addProblem(problem);

    const int total = static_cast<int>(collected->files.size());
    if (progress)
        progress(0, total);
    FileIndexing indexing(index, m_rasterProbe.get(), dicomdirMode);
    bool cancelled = collected->cancelled;
    for (int done = 0; done < total && !cancelled; ++done) {
        if (isCancelled(cancel)) {
            cancelled = true;
            break;
        }
        indexing.add(collected->files[done]);
        if (progress)
            progress(done + 1, total);
    }
    indexing.reportUnusedTextFiles();
    index.setCancelled(cancelled);
    index.sort();
    return index;
}

} // namespace lrclr
