#include "core/study/StudyIndexScanner.h"

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

Collected collectFolder(const QString& folder, const StudyIndexScanner::CancelCheck& cancel)
{
    Collected collected;
    // No FollowSymlinks: a link back up the tree must not loop; QDir::System keeps broken links visible as problems.
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if ((collected.files.size() & 255) == 0 && isCancelled(cancel)) {
            collected.cancelled = true;
            break;
        }
        if (collected.files.size() >= StudyIndexScanner::maximumFileCount) {
            collected.problems.append({ StudyIndexProblem::Kind::Ignored, folder,
                QStringLiteral("more than %1 files; the rest were not indexed")
                    .arg(StudyIndexScanner::maximumFileCount) });
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

std::optional<StudyIndex> StudyIndexScanner::scan(
    const QString& path, const CancelCheck& cancel, const ProgressCallback& progress, QString* errorMessage) const
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

    Collected collected;
    // A DICOMDIR given on its own is used as one whatever its name (pydicom ships "DICOMDIR-implicit" and the like).
    bool dicomdirMode = root.isFile() && DicomdirReader::isDicomdirFileName(path);
    if (root.isFile() && !dicomdirMode && StudyIndexHeaderReader::hasDicomPreamble(path))
        StudyIndexHeaderReader::read(root.absoluteFilePath(), nullptr, &dicomdirMode);
    if (root.isDir()) {
        collected = collectFolder(root.absoluteFilePath(), cancel);
    } else if (dicomdirMode) {
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
    for (const StudyIndexProblem& problem : collected.problems)
        index.addProblem(problem);

    const int total = static_cast<int>(collected.files.size());
    if (progress)
        progress(0, total);
    QStringList textFiles;
    QSet<QString> attachedReports;
    bool cancelled = collected.cancelled;
    for (int done = 0; done < total && !cancelled; ++done) {
        if (isCancelled(cancel)) {
            cancelled = true;
            break;
        }
        const QString& file = collected.files[done];
        const QFileInfo info(file);
        const QString suffix = info.suffix().toLower();
        if (suffix == u"txt") {
            textFiles.append(file);
        } else if (isRasterFileName(file)) {
            StudyIndexRecord record;
            StudyIndexInstance& instance = record.instance;
            instance.kind = StudyIndexInstance::Kind::Raster;
            instance.filePath = file;
            instance.rasterFormat = rasterFormatForSuffix(suffix);
            bool readable = true;
            if (m_rasterProbe) {
                StudyIndexRasterProbe::Info probed;
                QString error;
                if (m_rasterProbe->probe(file, probed, &error)) {
                    instance.rows = probed.rows;
                    instance.columns = probed.columns;
                    if (!probed.format.isEmpty())
                        instance.rasterFormat = probed.format;
                } else {
                    index.addProblem({ StudyIndexProblem::Kind::Unreadable, file, error });
                    readable = false;
                }
            }
            if (readable) {
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
                const QString report = PlainTextReportReader::findReportFor(file);
                if (!report.isEmpty()) {
                    record.study.reportPaths.append(report);
                    attachedReports.insert(report);
                }
                index.insert(record);
            }
        } else if (isDicomFileName(file) || StudyIndexHeaderReader::hasDicomPreamble(file)) {
            if (!dicomdirMode && DicomdirReader::isDicomdirFileName(file)) {
                index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                    QStringLiteral("DICOMDIR: the folder's files are indexed directly") });
            } else {
                QString error;
                bool isDicomdir = false;
                auto record = StudyIndexHeaderReader::read(file, &error, &isDicomdir);
                if (!record && isDicomdir) {
                    index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                        QStringLiteral("a DICOMDIR under another name; index it on its own to use its references") });
                } else if (!record) {
                    index.addProblem({ StudyIndexProblem::Kind::Unreadable, file, error });
                } else {
                    const QString report = record->instance.kind == StudyIndexInstance::Kind::DicomSr
                        ? file
                        : PlainTextReportReader::findReportFor(file);
                    if (!report.isEmpty()) {
                        record->study.reportPaths.append(report);
                        attachedReports.insert(report);
                    }
                    index.insert(*record);
                }
            }
        } else {
            index.addProblem({ StudyIndexProblem::Kind::Ignored, file,
                QStringLiteral("not DICOM (no DICM preamble), a raster image or a report") });
        }
        if (progress)
            progress(done + 1, total);
    }
    for (const QString& text : textFiles) {
        if (!attachedReports.contains(text))
            index.addProblem({ StudyIndexProblem::Kind::Ignored, text,
                QStringLiteral("text file beside no image of the same name; not used as a report") });
    }
    index.setCancelled(cancelled);
    index.sort();
    return index;
}

} // namespace lrclr
