#pragma once

#include <QDialog>

#include "ui/model/PacsNodeSettings.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace lrclr {

class PacsConnectionCheck;

/// Adds or edits one PACS node: its AE title, host and port, and our AE title; "Test (C-ECHO)" checks it on a worker
/// thread (PacsConnectionCheck) while the dialog stays responsive. OK is refused, with the reason shown, for an entry
/// that cannot be used. GUI thread only.
class PacsNodeDialog : public QDialog {
    Q_OBJECT

public:
    explicit PacsNodeDialog(const PacsNodeEntry& entry, QWidget* parent = nullptr);

    /// The entry as the fields say now.
    PacsNodeEntry entry() const;
    PacsConnectionCheck* connectionCheck() const { return m_check; }
    QPushButton* testButton() const { return m_test; }
    /// The answer of the last test, or why the entry cannot be used.
    QLabel* resultLabel() const { return m_result; }

public Q_SLOTS:
    void accept() override;
    void testConnection();

private:
    QLineEdit* m_aeTitle = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_callingAeTitle = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_result = nullptr;
    PacsConnectionCheck* m_check = nullptr;
};

} // namespace lrclr
