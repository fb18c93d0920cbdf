#include "ui/PacsNodeDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/model/PacsConnectionCheck.h"

namespace lrclr {

namespace {

constexpr int aeTitleLength = 16;
constexpr int defaultDicomPort = 104;

} // namespace

PacsNodeDialog::PacsNodeDialog(const PacsNodeEntry& entry, QWidget* parent)
    : QDialog(parent)
    , m_aeTitle(new QLineEdit(entry.node.aeTitle(), this))
    , m_host(new QLineEdit(entry.node.host(), this))
    , m_port(new QSpinBox(this))
    , m_callingAeTitle(new QLineEdit(entry.callingAeTitle, this))
    , m_test(new QPushButton(tr("Test (C-ECHO)"), this))
    , m_result(new QLabel(this))
    , m_check(new PacsConnectionCheck(this))
{
    setWindowTitle(tr("PACS node"));
    m_aeTitle->setMaxLength(aeTitleLength);
    m_aeTitle->setPlaceholderText(QStringLiteral("ORTHANC"));
    m_host->setPlaceholderText(QStringLiteral("pacs.example.org"));
    m_port->setRange(1, 65535);
    m_port->setValue(entry.node.port() > 0 ? entry.node.port() : defaultDicomPort);
    m_callingAeTitle->setMaxLength(aeTitleLength);
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);

    auto* form = new QFormLayout;
    form->addRow(tr("AE title"), m_aeTitle);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("Our AE title"), m_callingAeTitle);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_result);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &PacsNodeDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PacsNodeDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &PacsNodeDialog::testConnection);
    connect(m_check, &PacsConnectionCheck::finished, this, [this](bool answered, const QString& message) {
        m_test->setEnabled(true);
        m_result->setText(answered ? tr("\u2714 %1").arg(message) : tr("\u2718 %1").arg(message));
    });
}

PacsNodeEntry PacsNodeDialog::entry() const
{
    PacsNodeEntry entry;
    entry.node = PacsNode(m_aeTitle->text(), m_host->text().trimmed(), m_port->value());
    entry.callingAeTitle = m_callingAeTitle->text();
    return entry;
}

void PacsNodeDialog::testConnection()
{
    m_test->setEnabled(false);
    m_result->setText(tr("Calling %1\u2026").arg(entry().node.toString()));
    m_check->check(entry());
}

void PacsNodeDialog::accept()
{
    if (const QString problem = PacsNodeSettings::problem(entry()); !problem.isEmpty()) {
        m_result->setText(problem);
        return;
    }
    QDialog::accept();
}

} // namespace lrclr
