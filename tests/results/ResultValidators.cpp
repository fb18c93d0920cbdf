#include "tests/results/ResultValidators.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace lrclr::test {

QString ResultValidators::locate()
{
    QStringList missing;
    m_dciodvfy = QStandardPaths::findExecutable(QStringLiteral("dciodvfy"));
    if (m_dciodvfy.isEmpty())
        missing << QStringLiteral("dciodvfy (Debian package dicom3tools)");
    m_java = QStandardPaths::findExecutable(QStringLiteral("java"));
    if (m_java.isEmpty())
        missing << QStringLiteral("java (a Java runtime, pulled in by pixelmed-apps)");
    m_pixelmedJar = QStringLiteral("/usr/share/java/pixelmed.jar");
    if (!QFileInfo::exists(m_pixelmedJar))
        missing << QStringLiteral("/usr/share/java/pixelmed.jar (Debian package pixelmed-apps)");
    if (missing.isEmpty())
        return {};
    return QStringLiteral("validators missing: ") + missing.join(QStringLiteral(", "))
        + QStringLiteral("; run scripts/install-deps.sh");
}

ResultValidators::Outcome ResultValidators::run(const QString& program, const QStringList& arguments) const
{
    Outcome outcome;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(30000)) {
        outcome.output = program + QStringLiteral(": cannot start");
        return outcome;
    }
    process.waitForFinished(240000);
    outcome.output = QString::fromUtf8(process.readAll());
    return outcome;
}

ResultValidators::Outcome ResultValidators::dciodvfy(const QString& path) const
{
    auto outcome = run(m_dciodvfy, { path });
    for (const auto& line : outcome.output.split(QLatin1Char('\n'))) {
        if (line.startsWith(QStringLiteral("Error")))
            outcome.errors << line;
    }
    outcome.passed = !outcome.output.isEmpty() && outcome.errors.isEmpty();
    return outcome;
}

ResultValidators::Outcome ResultValidators::pixelmedSr(const QString& path) const
{
    auto outcome = run(m_java,
        { QStringLiteral("-Djdk.xml.xpathExprOpLimit=0"), QStringLiteral("-Djdk.xml.xpathExprGrpLimit=0"),
            QStringLiteral("-Djdk.xml.xpathTotalOpLimit=0"), QStringLiteral("-cp"), m_pixelmedJar,
            QStringLiteral("com.pixelmed.validate.DicomSRValidator"), path });
    // It prints "Found <IOD> IOD", "IOD validation complete" and "Warning: ..." lines (e.g. "Content Item not in
    // template" for the items of a template it does not know, as ours); anything else is a finding ("Error - ...",
    // "Parent content item ... has illegal relationship ...", exceptions), so anything else fails.
    bool found = false;
    bool complete = false;
    for (const auto& line : outcome.output.split(QLatin1Char('\n'))) {
        const auto trimmed = line.trimmed();
        if (trimmed == QStringLiteral("Found ComprehensiveSR IOD"))
            found = true;
        else if (trimmed == QStringLiteral("IOD validation complete"))
            complete = true;
        else if (!trimmed.isEmpty() && !trimmed.startsWith(QStringLiteral("Warning")))
            outcome.errors << line;
    }
    outcome.passed = found && complete && outcome.errors.isEmpty();
    return outcome;
}

} // namespace lrclr::test
