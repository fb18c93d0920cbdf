#pragma once

#include <optional>

#include <QList>
#include <QWidget>

#include "ui/model/PacsNodeSettings.h"
#include "ui/model/PacsSearch.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;
class QTreeView;

namespace lrclr {

class PacsStudyOpener;
class ViewerSession;

/// The study browser's PACS source: the node (from the settings, or the command line), the search form, the studies
/// found (one row each) and the retrieve of the one activated, with progress and cancel. The logic lives in the
/// UI-model objects it shows: PacsSearch (query on a worker thread), PacsStudyRows, PacsStudyOpener (C-GET into the
/// cache, then ViewerSession::openFile). GUI thread only.
class PacsBrowser : public QWidget {
    Q_OBJECT

public:
    explicit PacsBrowser(QWidget* parent = nullptr);
    ~PacsBrowser() override;

    /// Opens retrieved studies in `session` (not owned).
    void setSession(ViewerSession* session);
    /// Adds `entry` for this run (not saved with the settings' nodes) and selects it: `--pacs` on the command line.
    void useNode(const PacsNodeEntry& entry);
    /// The selected node; std::nullopt when none is configured.
    std::optional<PacsNodeEntry> currentNode() const;
    QList<PacsNodeEntry> savedNodes() const { return m_saved; }

    PacsSearch::Form form() const;
    void setForm(const PacsSearch::Form& form);
    /// Searches like the Search button; with `openFirst` the first study found is then opened.
    void searchNow(bool openFirst = false);
    /// Opens the study of results row `row`.
    void openRow(int row);

    PacsSearch* search() const { return m_search; }
    PacsStudyOpener* opener() const { return m_opener; }
    QTreeView* resultsView() const { return m_results; }
    /// The line under the results: what the search or the retrieve says.
    QLabel* messageLabel() const { return m_message; }

public Q_SLOTS:
    void addNode();
    void editNode();
    void removeNode();

private:
    QWidget* createNodeRow();
    QWidget* createForm();
    void connectModels();
    void fillNodes(int select);
    void saveNodes() const;
    void showMessage(const QString& text);
    void setBusy(bool busy, const QString& text);

    PacsSearch* m_search = nullptr;
    PacsStudyOpener* m_opener = nullptr;
    QList<PacsNodeEntry> m_saved;
    std::optional<PacsNodeEntry> m_commandLineNode;
    QComboBox* m_nodes = nullptr;
    QToolButton* m_editNode = nullptr;
    QToolButton* m_removeNode = nullptr;
    QLineEdit* m_patientId = nullptr;
    QLineEdit* m_patientName = nullptr;
    QLineEdit* m_studyDates = nullptr;
    QLineEdit* m_accession = nullptr;
    QComboBox* m_modality = nullptr;
    QPushButton* m_searchButton = nullptr;
    QTreeView* m_results = nullptr;
    QLabel* m_message = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    bool m_openFirst = false;
};

} // namespace lrclr
