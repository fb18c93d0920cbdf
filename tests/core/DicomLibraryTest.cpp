// DicomLibrary: DCMTK's set-up, including the fast data dictionary loader checked entry by entry against DCMTK's own.
#include <cstdlib>
#include <cstring>

#include <QtTest>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dctag.h>

#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/DicomDictionaryLoader.h"

namespace {

QString describe(const DcmDictEntry& entry)
{
    return QStringLiteral("(%1,%2)-(%3,%4) %5 %6 VM %7-%8 %9 creator '%10' restrictions %11/%12")
        .arg(entry.getGroup(), 4, 16, QLatin1Char('0'))
        .arg(entry.getElement(), 4, 16, QLatin1Char('0'))
        .arg(entry.getUpperGroup(), 4, 16, QLatin1Char('0'))
        .arg(entry.getUpperElement(), 4, 16, QLatin1Char('0'))
        .arg(QLatin1String(entry.getVR().getVRName()), QLatin1String(entry.getTagName()))
        .arg(entry.getVMMin())
        .arg(entry.getVMMax())
        .arg(QLatin1String(entry.getStandardVersion() ? entry.getStandardVersion() : "-"),
            QLatin1String(entry.getPrivateCreator() ? entry.getPrivateCreator() : ""))
        .arg(int(entry.getGroupRangeRestriction()))
        .arg(int(entry.getElementRangeRestriction()));
}

} // namespace

class DicomLibraryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fastDictionaryEqualsDcmtksOwn();
    void versionIsDebianDcmtk();
};

void DicomLibraryTest::fastDictionaryEqualsDcmtksOwn()
{
    QVERIFY2(!std::getenv("DCMDICTPATH"), "DCMDICTPATH is set: the fast loader would (rightly) stay out of the way");
    // Nothing has touched DCMTK yet in this process, so the fast loader fills the global dictionary.
    QVERIFY(lrclr::internal::DicomDictionaryLoader::loadGlobalDictionary());
    QVERIFY(!std::getenv("DCMDICTPATH")); // it must not leave its temporary setting to child processes
    lrclr::DicomLibrary::initialize();

    DcmDataDictionary reference(OFFalse, OFTrue); // DCMTK's own parser over the same files
    QVERIFY(reference.isDictionaryLoaded());
    DcmDataDictionary& fast = dcmDataDict.wrlock();
    const int referenceNormal = reference.numberOfNormalTagEntries();
    const int referenceRepeating = reference.numberOfRepeatingTagEntries();
    const int fastNormal = fast.numberOfNormalTagEntries();
    const int fastRepeating = fast.numberOfRepeatingTagEntries();
    QStringList differences;
    for (auto it = reference.normalBegin(); it != reference.normalEnd(); ++it) {
        const DcmDictEntry& want = **it;
        const DcmDictEntry* got = fast.findEntry(want.getKey(), want.getPrivateCreator());
        if (!got || describe(*got) != describe(want))
            differences << describe(want) + " -> " + (got ? describe(*got) : QStringLiteral("missing"));
    }
    auto fastRepeatingIt = fast.repeatingBegin();
    for (auto it = reference.repeatingBegin(); it != reference.repeatingEnd() && fastRepeatingIt != fast.repeatingEnd();
         ++it, ++fastRepeatingIt) {
        if (describe(**it) != describe(**fastRepeatingIt)) // order matters: lookups take the first match
            differences << describe(**it) + " -> " + describe(**fastRepeatingIt);
    }
    dcmDataDict.wrunlock();
    QCOMPARE(fastNormal, referenceNormal);
    QCOMPARE(fastRepeating, referenceRepeating);
    QVERIFY2(referenceNormal > 7000, "DCMTK's dictionary files look incomplete");
    QVERIFY2(differences.isEmpty(), qPrintable(differences.mid(0, 10).join('\n')));
    // And it works: a private tag, a repeating group and a standard tag by name.
    QCOMPARE(DcmTag(DCM_PatientName).getEVR(), EVR_PN);
    QCOMPARE(DcmTag(0x6002, 0x3000).getEVR(), EVR_ox);
    QCOMPARE(QLatin1String(DcmTag(DCM_PixelPaddingRangeLimit).getTagName()), QLatin1String("PixelPaddingRangeLimit"));
}

void DicomLibraryTest::versionIsDebianDcmtk()
{
    const QString version = QString::fromStdString(lrclr::DicomLibrary::version());
    QVERIFY2(version.startsWith(QStringLiteral("3.6.")), qPrintable(version));
}

QTEST_GUILESS_MAIN(DicomLibraryTest)
#include "DicomLibraryTest.moc"
