#pragma once

#include <QCommandLineOption>
#include <QString>

class QCommandLineParser;

namespace lrclr {

class MainWindow;

/// The viewer's PACS options: `--pacs AET@HOST:PORT [--aet OURS] [--patient-id ID]`. The node is added to the study
/// browser's PACS source for this run (not saved) and shown; with --patient-id it is searched at start and the first
/// study found is opened. GUI thread only.
class PacsCommandLine {
public:
    PacsCommandLine();

    void addOptions(QCommandLineParser& parser) const;
    /// Applies the options to `window`; false with a message in `error` when they are invalid (nothing is applied).
    bool apply(const QCommandLineParser& parser, MainWindow& window, QString* error) const;
    /// Whether the options open a study (a search by patient ID whose first study is retrieved and opened).
    bool opensStudy(const QCommandLineParser& parser) const;

private:
    QCommandLineOption m_pacs;
    QCommandLineOption m_aeTitle;
    QCommandLineOption m_patientId;
};

} // namespace lrclr
