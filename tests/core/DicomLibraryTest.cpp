#include <QtTest>

#include "core/study/DicomLibrary.h"

class DicomLibraryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void versionIsDebianDcmtk()
    {
        const QString version = QString::fromStdString(lrclr::DicomLibrary::version());
        QVERIFY2(version.startsWith(QStringLiteral("3.6.")), qPrintable(version));
    }
};

QTEST_GUILESS_MAIN(DicomLibraryTest)
#include "DicomLibraryTest.moc"
