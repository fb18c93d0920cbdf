// The study browser's PACS source offscreen, against a real Orthanc that the test starts in its own network
// namespace: the browser shows the PACS source beside the folders, the search form and, after a search typed and
// clicked as a user would, the studies found; the node dialog's "Test (C-ECHO)" answers; saved nodes are listed.
#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include "core/pacs/PacsClient.h"
#include "tests/TestFiles.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/ui/PacsViewerTestData.h"
#include "ui/PacsBrowser.h"
#include "ui/PacsNodeDialog.h"
#include "ui/StudyBrowser.h"
#include "ui/model/PacsConnectionCheck.h"
#include "ui/model/PacsStudyRows.h"

namespace lrclr {

class PacsBrowserTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void browserShowsThePacsSourceTheFormAndTheResults();
    void nodeDialogTestsTheConnection();
    void savedNodesAreListed();

private:
    QTemporaryDir m_folder;
    test::OrthancServer m_orthanc;
    QList<test::ViewerPacsStudy> m_studies;
};

void PacsBrowserTest::initTestCase()
{
    if (const QString problem = test::OrthancServer::namespaceProblem(); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    QVERIFY(m_folder.isValid());
    test::isolateSettings(m_folder);
    QCoreApplication::setOrganizationName(QStringLiteral("LRCLR tests"));
    QCoreApplication::setApplicationName(QStringLiteral("PacsBrowserTest"));
    QString error;
    QVERIFY2(m_orthanc.start(&error), qPrintable(error));
    const QString sources = m_folder.filePath(QStringLiteral("sources"));
    QVERIFY(QDir().mkpath(sources));
    m_studies = test::viewerPacsStudies();
    error = test::writeViewerPacsStudies(sources, m_studies);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    PacsClient client(m_orthanc.node());
    client.setTimeouts({ 5, 20 });
    error = test::storeViewerPacsStudies(client, m_studies);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void PacsBrowserTest::cleanupTestCase()
{
    m_orthanc.stop();
}

void PacsBrowserTest::browserShowsThePacsSourceTheFormAndTheResults()
{
    StudyBrowser browser;
    browser.resize(520, 760);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));

    QTabWidget* sources = browser.sources();
    QCOMPARE(sources->count(), 2);
    QCOMPARE(sources->tabText(0), QStringLiteral("Folders"));
    QCOMPARE(sources->tabText(1), QStringLiteral("PACS"));
    QCOMPARE(sources->currentWidget(), browser.tree()->parentWidget()); // the folders' worklist and its filter
    browser.showPacs();
    PacsBrowser* pacs = browser.pacsBrowser();
    QCOMPARE(sources->currentWidget(), static_cast<QWidget*>(pacs));
    QVERIFY(pacs->isVisible());

    // No node yet: the browser says what to do and Search waits for one.
    auto* searchButton = pacs->findChild<QPushButton*>(QStringLiteral("pacsSearch"));
    QVERIFY(searchButton);
    QVERIFY(!searchButton->isEnabled());
    QCOMPARE(pacs->messageLabel()->text(), QStringLiteral("Add a PACS node to search it"));

    pacs->useNode({ m_orthanc.node(), QStringLiteral("LRCLR") });
    auto* nodes = pacs->findChild<QComboBox*>(QStringLiteral("pacsNode"));
    QVERIFY(nodes);
    QCOMPARE(nodes->count(), 1);
    QVERIFY2(nodes->currentText().startsWith(m_orthanc.node().toString()), qPrintable(nodes->currentText()));
    QVERIFY(searchButton->isEnabled());

    for (const char* name : { "pacsPatientId", "pacsPatientName", "pacsStudyDates", "pacsAccession" }) {
        auto* field = pacs->findChild<QLineEdit*>(QLatin1String(name));
        QVERIFY2(field && field->isVisible(), name);
    }
    auto* modality = pacs->findChild<QComboBox*>(QStringLiteral("pacsModality"));
    QVERIFY(modality && modality->isVisible());

    // Typed and clicked: patients named DOE*, any date in 2024, CR.
    QTest::keyClicks(pacs->findChild<QLineEdit*>(QStringLiteral("pacsPatientName")), QStringLiteral("DOE*"));
    QTest::keyClicks(
        pacs->findChild<QLineEdit*>(QStringLiteral("pacsStudyDates")), QStringLiteral("20240101-20241231"));
    modality->setCurrentText(QStringLiteral("CR"));
    QTest::mouseClick(searchButton, Qt::LeftButton);
    QVERIFY2(
        pacs->messageLabel()->text().startsWith(QStringLiteral("Searching")), qPrintable(pacs->messageLabel()->text()));
    QTreeView* results = pacs->resultsView();
    QTRY_COMPARE_WITH_TIMEOUT(pacs->search()->state(), PacsSearch::State::Done, 30000);
    QCOMPARE(results->model()->rowCount(), 1);
    QCOMPARE(results->model()->columnCount(), 5);
    const auto cell = [results](int column) { return results->model()->index(0, column).data().toString(); };
    QCOMPARE(cell(PacsStudyRows::PatientColumn), QStringLiteral("DOE, JANE  [VIEW-A1]"));
    QCOMPARE(cell(PacsStudyRows::DateColumn), QStringLiteral("2024-01-15"));
    QCOMPARE(cell(PacsStudyRows::DescriptionColumn), QStringLiteral("Chest PA and lateral"));
    QCOMPARE(cell(PacsStudyRows::ModalityColumn), QStringLiteral("CR"));
    QCOMPARE(cell(PacsStudyRows::InstancesColumn), QStringLiteral("2"));
    QCOMPARE(results->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Patient"));
    QVERIFY(results->isVisible());
    QVERIFY(!results->visualRect(results->model()->index(0, 0)).isEmpty());
    QCOMPARE(pacs->messageLabel()->text(), QStringLiteral("1 study"));

    // A search for nobody empties the list and says so.
    auto* patientId = pacs->findChild<QLineEdit*>(QStringLiteral("pacsPatientId"));
    QTest::keyClicks(patientId, QStringLiteral("NO-SUCH-PATIENT"));
    QTest::keyClick(patientId, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(pacs->messageLabel()->text(), QStringLiteral("No study matches"), 30000);
    QCOMPARE(results->model()->rowCount(), 0);

    // A node that is not there: the browser says so under the results.
    const int port = test::OrthancServer::freePort();
    pacs->useNode({ PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), port), QStringLiteral("LRCLR") });
    pacs->search()->setTimeouts({ 3, 3 });
    QTest::mouseClick(searchButton, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(pacs->search()->state(), PacsSearch::State::Failed, 30000);
    const QString expected = QStringLiteral("Search failed: cannot connect to NOBODY@127.0.0.1:%1").arg(port);
    QVERIFY2(pacs->messageLabel()->text().startsWith(expected), qPrintable(pacs->messageLabel()->text()));
    QVERIFY(pacs->messageLabel()->isVisible());
    QCOMPARE(results->model()->rowCount(), 0);
}

void PacsBrowserTest::nodeDialogTestsTheConnection()
{
    PacsNodeDialog dialog({ m_orthanc.node(), QStringLiteral("LRCLR") });
    dialog.show();
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    QVERIFY(!dialog.testButton()->isEnabled()); // the echo runs on a worker; the dialog stays live
    QTRY_VERIFY_WITH_TIMEOUT(dialog.testButton()->isEnabled(), 30000);
    QVERIFY2(dialog.resultLabel()->text().contains(QStringLiteral("answered the C-ECHO")),
        qPrintable(dialog.resultLabel()->text()));

    PacsNodeDialog closed(
        { PacsNode(QStringLiteral("NOBODY"), QStringLiteral("127.0.0.1"), test::OrthancServer::freePort()),
            QStringLiteral("LRCLR") });
    closed.connectionCheck()->setTimeouts({ 3, 3 });
    QTest::mouseClick(closed.testButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(closed.testButton()->isEnabled(), 30000);
    QVERIFY2(closed.resultLabel()->text().contains(QStringLiteral("cannot connect")),
        qPrintable(closed.resultLabel()->text()));
    // OK is refused for an entry that cannot be used.
    PacsNodeDialog invalid({ PacsNode(QStringLiteral("A\\B"), QStringLiteral("h"), 104), QStringLiteral("LRCLR") });
    invalid.accept();
    QCOMPARE(invalid.result(), int(QDialog::Rejected));
    QVERIFY(invalid.resultLabel()->text().contains(QStringLiteral("AE title")));
}

void PacsBrowserTest::savedNodesAreListed()
{
    {
        QSettings settings;
        PacsNodeSettings::save(settings,
            { { m_orthanc.node(), QStringLiteral("LRCLR") },
                { PacsNode(QStringLiteral("ARCHIVE"), QStringLiteral("10.0.0.7"), 104), QStringLiteral("LRCLR") } });
    }
    StudyBrowser browser;
    auto* nodes = browser.pacsBrowser()->findChild<QComboBox*>(QStringLiteral("pacsNode"));
    QCOMPARE(nodes->count(), 2);
    QVERIFY(nodes->itemText(1).startsWith(QStringLiteral("ARCHIVE@10.0.0.7:104")));
    QCOMPARE(browser.pacsBrowser()->currentNode()->node.toString(), m_orthanc.node().toString());
    QCOMPARE(browser.pacsBrowser()->messageLabel()->text(), QStringLiteral("Search the PACS for studies"));
}

} // namespace lrclr

QTEST_MAIN(lrclr::PacsBrowserTest)
#include "PacsBrowserTest.moc"
