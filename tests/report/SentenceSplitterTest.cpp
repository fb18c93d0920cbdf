// Sentence and section splitting of radiology reports, on snippets written in the MIMIC-CXR style.
#include <QtTest>

#include "core/report/Report.h"
#include "core/report/SentenceSplitter.h"

using lrclr::Report;
using lrclr::ReportSection;
using lrclr::SentenceSplitter;

class SentenceSplitterTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitsSnippets_data();
    void splitsSnippets();
    void sections_data();
    void sections();
    void abbreviationList();
    void offsetsSurviveNonAscii();
    void utf8OffsetConversionRoundTrips();
    void sentenceAtMapsClicks();
    void pathologicalInputStaysLinear();
};

void SentenceSplitterTest::splitsSnippets_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    auto row = [](const char* name, const char* text, QStringList expected) {
        QTest::newRow(name) << QString::fromUtf8(text) << expected;
    };
    row("two-simple", "The lungs are clear. There is no pleural effusion.",
        { "The lungs are clear.", "There is no pleural effusion." });
    row("decimal", "A 2.5 cm nodule is seen in the right upper lobe. No effusion.",
        { "A 2.5 cm nodule is seen in the right upper lobe.", "No effusion." });
    row("unit-at-end", "The nodule measures 1.2 cm. No pneumothorax.",
        { "The nodule measures 1.2 cm.", "No pneumothorax." });
    row("mm-at-end", "Tip of the catheter is 4 mm. Heart size is normal.",
        { "Tip of the catheter is 4 mm.", "Heart size is normal." });
    row("approx", "There is approx. 3 cm of atelectasis at the left base. Otherwise clear.",
        { "There is approx. 3 cm of atelectasis at the left base.", "Otherwise clear." });
    row("approx-capital", "Approx. 5 mm nodule. Recommend CT.", { "Approx. 5 mm nodule.", "Recommend CT." });
    row("doctor", "Findings discussed with Dr. Smith by telephone. He agreed.",
        { "Findings discussed with Dr. Smith by telephone.", "He agreed." });
    row("doctor-blank", "Findings were discussed with Dr. ___ at 2:30 p.m. on ___.",
        { "Findings were discussed with Dr. ___ at 2:30 p.m. on ___." });
    row("pm-then-capital", "Called at 3 p.m. The team was informed.", { "Called at 3 p.m.", "The team was informed." });
    row("eg", "Opacity could represent infection, e.g. pneumonia. Follow-up advised.",
        { "Opacity could represent infection, e.g. pneumonia.", "Follow-up advised." });
    row("ie-capital", "Left-sided line, i.e. PICC, terminates in the SVC. No pneumothorax.",
        { "Left-sided line, i.e. PICC, terminates in the SVC.", "No pneumothorax." });
    row("vs", "Atelectasis vs. Pneumonia in the left lower lobe. Clinical correlation.",
        { "Atelectasis vs. Pneumonia in the left lower lobe.", "Clinical correlation." });
    row("numbered-lines", "1. No acute cardiopulmonary process.\n2. Stable cardiomegaly.",
        { "No acute cardiopulmonary process.", "Stable cardiomegaly." });
    row("numbered-inline", "1. Small left effusion. 2. Mild pulmonary edema. 3. Stable cardiomegaly.",
        { "Small left effusion.", "Mild pulmonary edema.", "Stable cardiomegaly." });
    row("numbered-paren", "1) Right IJ line in the SVC.\n2) No pneumothorax.",
        { "Right IJ line in the SVC.", "No pneumothorax." });
    row("numbered-no-period", "1. Interval improvement of edema\n2. Persistent left effusion",
        { "Interval improvement of edema", "Persistent left effusion" });
    row("bullets", "- Endotracheal tube 4 cm above the carina.\n- Enteric tube in the stomach.",
        { "Endotracheal tube 4 cm above the carina.", "Enteric tube in the stomach." });
    row("wrapped",
        "There is a moderate right pleural effusion with\nassociated compressive atelectasis of the right\nlower lobe.",
        { "There is a moderate right pleural effusion with\nassociated compressive atelectasis of the right\nlower "
          "lobe." });
    row("wrapped-two", "Heart size is mildly enlarged but\nstable. Lungs are clear\nbilaterally.",
        { "Heart size is mildly enlarged but\nstable.", "Lungs are clear\nbilaterally." });
    row("blank-line-ends", "No acute process\n\nStable appearance of the chest",
        { "No acute process", "Stable appearance of the chest" });
    row("blank-line-with-spaces", "Lines and tubes unchanged\n   \nNo pneumothorax",
        { "Lines and tubes unchanged", "No pneumothorax" });
    row("crlf", "The lungs are clear.\r\nNo effusion.\r\n", { "The lungs are clear.", "No effusion." });
    row("date-slash", "Compared to the prior study from 03/14/2019. No change.",
        { "Compared to the prior study from 03/14/2019.", "No change." });
    row("date-dots", "Unchanged since 14.03.2019. Lungs are clear.",
        { "Unchanged since 14.03.2019.", "Lungs are clear." });
    row("date-month-abbreviation", "Prior study dated Jan. 5, 2019 is available. It shows a nodule.",
        { "Prior study dated Jan. 5, 2019 is available.", "It shows a nodule." });
    row("blank-start", "___ year old woman with cough. Evaluate for pneumonia.",
        { "___ year old woman with cough.", "Evaluate for pneumonia." });
    row("blank-after-period", "Compared to ___. ___ is unchanged.", { "Compared to ___.", "___ is unchanged." });
    row("lone-blank-dropped", "___", {});
    row("question", "Is there pneumonia? No focal consolidation is seen.",
        { "Is there pneumonia?", "No focal consolidation is seen." });
    row("leading-question", "? pna", { "? pna" });
    row("exclamation", "Critical result! Pneumothorax on the right.",
        { "Critical result!", "Pneumothorax on the right." });
    row("parenthesis-after-period", "Small effusion (unchanged.) Heart is normal.",
        { "Small effusion (unchanged.)", "Heart is normal." });
    row("period-then-lowercase", "Unchanged position of the tube. and no new opacity.",
        { "Unchanged position of the tube. and no new opacity." });
    row("vertebral-level", "The tip of the catheter projects over the T12. Stable.",
        { "The tip of the catheter projects over the T12.", "Stable." });
    row("no-final-period", "Lungs are clear", { "Lungs are clear" });
    row("ellipsis", "Possible opacity... Recommend repeat.", { "Possible opacity...", "Recommend repeat." });
    row("etc-ends", "Lines, tubes, etc. Nothing else.", { "Lines, tubes, etc.", "Nothing else." });
    row("et-al", "As described by Smith et al. in the literature. Fine.",
        { "As described by Smith et al. in the literature.", "Fine." });
    row("cf", "Consolidation, cf. Prior exam from ___. Worse.",
        { "Consolidation, cf. Prior exam from ___.", "Worse." });
    row("ap-view", "Single AP portable view of the chest. No prior.",
        { "Single AP portable view of the chest.", "No prior." });
    row("percent", "Oxygen saturation 85%. Lungs clear.", { "Oxygen saturation 85%.", "Lungs clear." });
    row("multiple-spaces", "Lungs are clear.    Heart is normal.", { "Lungs are clear.", "Heart is normal." });
    row("leading-whitespace", "   \n  Lungs are clear.  ", { "Lungs are clear." });
    row("empty", "", {});
    row("digits-after-period", "Series 3. 4 new nodules are seen.", { "Series 3.", "4 new nodules are seen." });
    row("mimic-full",
        "                                 FINAL REPORT\n"
        " EXAMINATION:  CHEST (PA AND LAT)\n"
        " \n"
        " INDICATION:  ___F with new onset of cough  // ? pna\n"
        " \n"
        " COMPARISON:  ___\n"
        " \n"
        " FINDINGS: \n"
        " \n"
        " PA and lateral views of the chest provided.  There is no focal consolidation,\n"
        " effusion, or pneumothorax.  The cardiomediastinal silhouette is normal. Imaged\n"
        " osseous structures are intact.  No free air below the right hemidiaphragm is\n"
        " seen.\n"
        " \n"
        " IMPRESSION: \n"
        " \n"
        " No acute intrathoracic process.\n",
        { "CHEST (PA AND LAT)", "___F with new onset of cough  // ? pna", "PA and lateral views of the chest provided.",
            "There is no focal consolidation,\n effusion, or pneumothorax.",
            "The cardiomediastinal silhouette is normal.", "Imaged\n osseous structures are intact.",
            "No free air below the right hemidiaphragm is\n seen.", "No acute intrathoracic process." });
    row("inline-impression", "Lungs are clear. IMPRESSION: No acute process.",
        { "Lungs are clear.", "No acute process." });
    row("findings-numbered-impression",
        "FINDINGS: Heart size normal.\nIMPRESSION:\n1. No pneumonia.\n2. Old rib fracture.",
        { "Heart size normal.", "No pneumonia.", "Old rib fracture." });
    row("title-case-header", "Findings: Lungs clear.\nImpression: Normal chest.", { "Lungs clear.", "Normal chest." });
    row("time-not-header", "Study performed at 10:45. Lungs clear.", { "Study performed at 10:45.", "Lungs clear." });
    row("lowercase-colon-not-header", "Compared with the prior: unchanged. Stable.",
        { "Compared with the prior: unchanged.", "Stable." });
    row("non-ascii", "Kein Erguss. Größe 2,5 cm. Befund unverändert.",
        { "Kein Erguss.", "Größe 2,5 cm.", "Befund unverändert." });
}

void SentenceSplitterTest::splitsSnippets()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    const Report report = Report::fromText(text);
    QStringList actual;
    for (qsizetype i = 0; i < report.sentences().size(); ++i)
        actual.append(report.sentenceText(i));
    QVERIFY2(actual == expected, qPrintable(QStringLiteral("got [%1]").arg(actual.join(QStringLiteral(" | ")))));
    // Each expected sentence must sit at its offset in the original text, in order: offsets map back exactly.
    qsizetype searchFrom = 0;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const qsizetype at = text.indexOf(expected[i], searchFrom);
        QCOMPARE(report.sentences()[i].begin, at);
        QCOMPARE(report.sentences()[i].end, at + expected[i].size());
        searchFrom = at + expected[i].size();
    }
}

void SentenceSplitterTest::sections_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("sectionNames");
    QTest::addColumn<QList<int>>("sentenceSections");

    QTest::newRow("mimic") << QStringLiteral(
        "FINAL REPORT\nINDICATION: Cough.\n\nFINDINGS: Clear lungs. Normal heart.\n"
        "IMPRESSION: Normal.")
                           << QStringList { "FINAL REPORT", "INDICATION", "FINDINGS", "IMPRESSION" }
                           << QList<int> { 1, 2, 2, 3 };
    QTest::newRow("preamble-before-heading")
        << QStringLiteral("Portable chest.\nFINDINGS: Clear.") << QStringList { "FINDINGS" } << QList<int> { -1, 0 };
    QTest::newRow("inline") << QStringLiteral("FINDINGS: Effusion. IMPRESSION: Effusion.")
                            << QStringList { "FINDINGS", "IMPRESSION" } << QList<int> { 0, 1 };
    QTest::newRow("heading-own-line") << QStringLiteral("IMPRESSION:\n\nNo acute process.")
                                      << QStringList { "IMPRESSION" } << QList<int> { 0 };
    QTest::newRow("no-heading") << QStringLiteral("Clear lungs.") << QStringList {} << QList<int> { -1 };
    QTest::newRow("uppercase-unknown-heading")
        << QStringLiteral("WET READ: ABC. NOTE TO FILE: Called.") << QStringList { "WET READ" } << QList<int> { 0, 0 };
}

void SentenceSplitterTest::sections()
{
    QFETCH(QString, text);
    QFETCH(QStringList, sectionNames);
    QFETCH(QList<int>, sentenceSections);
    const Report report = Report::fromText(text);
    QStringList names;
    for (const ReportSection& section : report.sections()) {
        names.append(section.name);
        // The heading range covers the name and its colon exactly.
        QVERIFY2(text.mid(section.headingBegin, section.headingEnd - section.headingBegin).startsWith(section.name),
            qPrintable(section.name));
        QVERIFY(section.bodyBegin >= section.headingEnd && section.bodyEnd >= section.bodyBegin);
    }
    QCOMPARE(names, sectionNames);
    QList<int> actual;
    for (const auto& sentence : report.sentences())
        actual.append(sentence.section);
    QCOMPARE(actual, sentenceSections);
    for (qsizetype i = 0; i < report.sentences().size(); ++i) {
        const ReportSection* section = report.sectionOf(i);
        if (section) {
            QVERIFY(report.sentences()[i].begin >= section->bodyBegin);
            QVERIFY(report.sentences()[i].end <= section->bodyEnd);
        }
    }
}

void SentenceSplitterTest::abbreviationList()
{
    QVERIFY(SentenceSplitter::isNonTerminalAbbreviation(u"approx"));
    QVERIFY(SentenceSplitter::isNonTerminalAbbreviation(u"Dr"));
    QVERIFY(SentenceSplitter::isNonTerminalAbbreviation(u"e.g"));
    QVERIFY(!SentenceSplitter::isNonTerminalAbbreviation(u"cm"));
    QVERIFY(!SentenceSplitter::isNonTerminalAbbreviation(u"etc"));
    QVERIFY(SentenceSplitter::isKnownHeading(u"Reason for exam"));
    QVERIFY(!SentenceSplitter::isKnownHeading(u"Lungs"));
    const Report report = Report::fromText(QStringLiteral("FINDINGS: a.\nIMPRESSION: b.\nINDICATION: c."));
    QCOMPARE(report.sentencesIn(ReportSection::Kind::Impression), QList<qsizetype> { 1 });
    QCOMPARE(report.sections()[0].kind, ReportSection::Kind::Findings);
    QCOMPARE(report.sections()[2].kind, ReportSection::Kind::Indication);
}

void SentenceSplitterTest::offsetsSurviveNonAscii()
{
    // "é" is one UTF-16 unit but two UTF-8 bytes; "𝛼" (U+1D6FC) is a surrogate pair and four bytes.
    const QString text = QString::fromUtf8("Épanchement pleural 𝛼. Poumons clairs. Cœur normal.");
    const Report report = Report::fromText(text);
    QCOMPARE(report.sentences().size(), 3);
    QCOMPARE(report.sentenceText(0), QString::fromUtf8("Épanchement pleural 𝛼."));
    QCOMPARE(report.sentenceText(1), QString::fromUtf8("Poumons clairs."));
    QCOMPARE(report.sentenceText(2), QString::fromUtf8("Cœur normal."));
    const QByteArray utf8 = text.toUtf8();
    for (qsizetype i = 0; i < report.sentences().size(); ++i) {
        const auto& sentence = report.sentences()[i];
        const qsizetype begin = report.utf8Offset(sentence.begin);
        const qsizetype end = report.utf8Offset(sentence.end);
        QCOMPARE(QString::fromUtf8(utf8.mid(begin, end - begin)), report.sentenceText(i));
    }
}

void SentenceSplitterTest::utf8OffsetConversionRoundTrips()
{
    const Report report = Report::fromText(QString::fromUtf8("aé𝛼b"));
    // a=1 byte, é=2 bytes, 𝛼=2 units/4 bytes, b=1 byte.
    QCOMPARE(report.utf8Offset(0), 0);
    QCOMPARE(report.utf8Offset(1), 1);
    QCOMPARE(report.utf8Offset(2), 3);
    QCOMPARE(report.utf8Offset(3), 3); // inside the surrogate pair: the pair's start
    QCOMPARE(report.utf8Offset(4), 7);
    QCOMPARE(report.utf8Offset(5), 8);
    QCOMPARE(report.utf8Offset(99), 8);
    QCOMPARE(report.utf8Offset(-4), 0);
    QCOMPARE(report.utf16Offset(0), 0);
    QCOMPARE(report.utf16Offset(1), 1);
    QCOMPARE(report.utf16Offset(2), 1); // inside "é"
    QCOMPARE(report.utf16Offset(3), 2);
    QCOMPARE(report.utf16Offset(5), 2); // inside "𝛼"
    QCOMPARE(report.utf16Offset(7), 4);
    QCOMPARE(report.utf16Offset(8), 5);
    QCOMPARE(report.text().toUtf8().size(), 8);
}

void SentenceSplitterTest::sentenceAtMapsClicks()
{
    const QString text = QStringLiteral("One here.  Two there.");
    const Report report = Report::fromText(text);
    QCOMPARE(report.sentenceAt(0), 0);
    QCOMPARE(report.sentenceAt(8), 0);
    QCOMPARE(report.sentenceAt(9), -1); // between sentences
    QCOMPARE(report.sentenceAt(text.indexOf(u"Two")), 1);
    QCOMPARE(report.sentenceAt(text.size()), -1);
    QCOMPARE(report.sentenceAt(-1), -1);
}

void SentenceSplitterTest::pathologicalInputStaysLinear()
{
    // Long runs without line breaks, colons or terminators must not go quadratic; 400 kB splits in well under a
    // second (a quadratic splitter takes minutes here). A counted check, not a timing assertion.
    const QString text = QString(200000, u'a') + QStringLiteral(". ") + QString(200000, u':');
    const Report report = Report::fromText(text);
    QCOMPARE(report.sentences().size(), 1);
    const QString dots = QStringLiteral("Dr. ").repeated(50000);
    QCOMPARE(Report::fromText(dots).sentences().size(), 1);
}

QTEST_GUILESS_MAIN(SentenceSplitterTest)
#include "SentenceSplitterTest.moc"
