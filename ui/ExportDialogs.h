#pragma once

#include <QObject>

namespace lrclr {

class MainWindow;

/// The File menu's export commands as the user meets them: a file or folder dialog, then the export, then what
/// happened in the status bar: the overlay snapshot (PNG), the analysis JSON, the DICOM results (SR + Secondary
/// Capture of the snapshot), the review decisions to a chosen file, and a de-identified copy of the study (both written
/// by ViewerSession on a worker thread). GUI thread only.
class ExportDialogs : public QObject {
    Q_OBJECT

public:
    /// `window` owns this object and outlives it.
    explicit ExportDialogs(MainWindow* window);

public Q_SLOTS:
    void exportSnapshot();
    void exportAnalysis();
    void exportReview();
    void exportDicomResults();
    void exportDeidentified();

private:
    void connectSession();

    MainWindow* m_window;
};

} // namespace lrclr
