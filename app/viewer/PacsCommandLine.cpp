#include "app/viewer/PacsCommandLine.h"

#include <QCommandLineParser>

#include "ui/MainWindow.h"
#include "ui/PacsBrowser.h"
#include "ui/StudyBrowser.h"
#include "ui/model/PacsNodeSettings.h"

namespace lrclr {

PacsCommandLine::PacsCommandLine()
    : m_pacs(QStringLiteral("pacs"),
        QStringLiteral("Show the PACS node AET@HOST:PORT in the study browser (for this run; not saved)."),
        QStringLiteral("AET@HOST:PORT"))
    , m_aeTitle(
          QStringLiteral("aet"), QStringLiteral("With --pacs: our AE title (default LRCLR)."), QStringLiteral("OURS"))
    , m_patientId(QStringLiteral("patient-id"),
          QStringLiteral("With --pacs: search the node for patient ID (wildcards * and ?) and open the first study."),
          QStringLiteral("ID"))
{
}

void PacsCommandLine::addOptions(QCommandLineParser& parser) const
{
    parser.addOption(m_pacs);
    parser.addOption(m_aeTitle);
    parser.addOption(m_patientId);
}

bool PacsCommandLine::apply(const QCommandLineParser& parser, MainWindow& window, QString* error) const
{
    if (!parser.isSet(m_pacs)) {
        if (parser.isSet(m_aeTitle) || parser.isSet(m_patientId)) {
            *error = QStringLiteral("--aet and --patient-id need --pacs");
            return false;
        }
        return true;
    }
    PacsNodeEntry entry;
    const std::optional<PacsNode> node = PacsNode::parse(parser.value(m_pacs), error);
    if (!node)
        return false;
    entry.node = *node;
    if (parser.isSet(m_aeTitle))
        entry.callingAeTitle = parser.value(m_aeTitle);
    if (const QString problem = PacsNodeSettings::problem(entry); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    PacsBrowser* pacs = window.studyBrowser()->pacsBrowser();
    pacs->useNode(entry);
    window.studyBrowser()->showPacs();
    if (parser.isSet(m_patientId)) {
        PacsSearch::Form form;
        form.patientId = parser.value(m_patientId);
        pacs->setForm(form);
        pacs->searchNow(true);
    }
    return true;
}

bool PacsCommandLine::opensStudy(const QCommandLineParser& parser) const
{
    return parser.isSet(m_pacs) && parser.isSet(m_patientId);
}

} // namespace lrclr
