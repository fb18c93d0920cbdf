#include "ui/ExportDialogs.h"

#include <QDir>
#include <QFileDialog>
#include <QImage>

#include <cstring>

#include "ui/ImageViewport.h"
#include "ui/MainWindow.h"
#include "ui/ViewerStatusBar.h"
#include "ui/model/ViewerSession.h"

namespace lrclr {

ExportDialogs::ExportDialogs(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    connectSession();
}

void ExportDialogs::connectSession()
{
    ViewerSession* session = m_window->session();
    connect(session, &ViewerSession::deidentifiedExportFinished, this,
        [this](const QString& folder, int written, const QStringList& warnings) {
            QString message
                = tr("De-identified copy (%1 files) written to %2").arg(written).arg(QDir::toNativeSeparators(folder));
            if (!warnings.isEmpty())
                message += tr("; check: %1").arg(warnings.join(QStringLiteral("; ")));
            m_window->viewerStatusBar()->showMessage(message, 15000);
        });
    connect(session, &ViewerSession::dicomExportFinished, this, [this](const QStringList& paths) {
        m_window->viewerStatusBar()->showMessage(
            tr("DICOM results written: %1").arg(paths.join(QStringLiteral(", "))), 15000);
    });
    connect(session, &ViewerSession::dicomExportFailed, this, [this](const QString& message) {
        m_window->viewerStatusBar()->showMessage(tr("DICOM export failed: %1").arg(message), 15000);
    });
    connect(session, &ViewerSession::deidentifiedExportFailed, this, [this](const QString& message) {
        m_window->viewerStatusBar()->showMessage(tr("De-identified export failed: %1").arg(message), 15000);
    });
}

void ExportDialogs::exportSnapshot()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export snapshot"), QStringLiteral("overlay.png"), tr("PNG images (*.png)"));
    QString error;
    if (!path.isEmpty() && !m_window->exportSnapshot(path, &error))
        m_window->viewerStatusBar()->showMessage(error);
}

void ExportDialogs::exportAnalysis()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export analysis"), QStringLiteral("analysis.json"), tr("JSON (*.json)"));
    QString error;
    if (!path.isEmpty() && !m_window->exportAnalysisJson(path, &error))
        m_window->viewerStatusBar()->showMessage(error);
}

void ExportDialogs::exportReview()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export review decisions"), QStringLiteral("review.json"), tr("JSON (*.json)"));
    QString error;
    if (path.isEmpty())
        return;
    if (m_window->session()->exportDecisions(path, &error))
        m_window->viewerStatusBar()->showMessage(
            tr("Review decisions exported to %1").arg(QDir::toNativeSeparators(path)));
    else
        m_window->viewerStatusBar()->showMessage(error);
}

void ExportDialogs::exportDicomResults()
{
    const QString folder
        = QFileDialog::getExistingDirectory(m_window, tr("DICOM results (SR + Secondary Capture) into"));
    if (folder.isEmpty())
        return;
    // The snapshot as exported to PNG: the overlay with its legend, burned in (the SC says so).
    const QImage shot = m_window->viewport()->renderSnapshot(2048).convertToFormat(QImage::Format_RGB888);
    RgbPicture picture;
    picture.width = shot.width();
    picture.height = shot.height();
    picture.rgb.resize(static_cast<std::size_t>(shot.width()) * shot.height() * 3);
    for (int y = 0; y < shot.height(); ++y)
        std::memcpy(picture.rgb.data() + static_cast<std::size_t>(y) * shot.width() * 3, shot.constScanLine(y),
            static_cast<std::size_t>(shot.width()) * 3);
    QString error;
    if (m_window->session()->exportDicomResults(folder, std::move(picture), &error))
        m_window->viewerStatusBar()->showMessage(
            tr("Writing DICOM results to %1...").arg(QDir::toNativeSeparators(folder)));
    else
        m_window->viewerStatusBar()->showMessage(error);
}

void ExportDialogs::exportDeidentified()
{
    const QString folder
        = QFileDialog::getExistingDirectory(m_window, tr("De-identified copy into (new or empty folder)"));
    QString error;
    if (folder.isEmpty())
        return;
    if (m_window->session()->exportDeidentified(folder, &error))
        m_window->viewerStatusBar()->showMessage(
            tr("Writing a de-identified copy to %1...").arg(QDir::toNativeSeparators(folder)));
    else
        m_window->viewerStatusBar()->showMessage(error);
}

} // namespace lrclr
