// Orthanc as an oracle for de-identification (issue 12): the same identity-rich image through Orthanc's
// /instances/{id}/anonymize (its own implementation of the PS3.15 Basic Profile) and through DicomDeidentifier.
// Every attribute whose original value Orthanc removes or replaces, we remove or replace too, at every nesting level;
// what we remove that Orthanc keeps is printed, not failed (we may be stricter).
#include <QtTest>

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "core/dicom/DicomDeidentifier.h"
#include "tests/TestFiles.h"
#include "tests/pacs/OrthancServer.h"
#include "tests/study/IdentifiedTestStudy.h"

namespace lrclr {

namespace {

/// POSTs `body` to Orthanc's REST API; the reply's bytes, or an empty array with `error` set.
QByteArray post(int port, const QString& path, const QByteArray& body, const QByteArray& type, QString& error)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, type);
    QNetworkReply* reply = network.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray bytes
        = reply->isFinished() && reply->error() == QNetworkReply::NoError ? reply->readAll() : QByteArray();
    if (bytes.isEmpty())
        error = path + QStringLiteral(": ") + reply->errorString() + QStringLiteral(" ")
            + QString::fromUtf8(reply->readAll());
    reply->deleteLater();
    return bytes;
}

/// Every string-valued attribute (path "gggg,eeee/gggg,eeee..." through sequences, item index included) -> value.
void collect(DcmItem& item, const QString& prefix, QHash<QString, QString>& values)
{
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* element = item.getElement(i);
        const DcmTag& tag = element->getTag();
        const QString key = prefix
            + QStringLiteral("%1,%2")
                  .arg(tag.getGroup(), 4, 16, QLatin1Char('0'))
                  .arg(tag.getElement(), 4, 16, QLatin1Char('0'));
        if (element->ident() == EVR_SQ) {
            auto* sequence = static_cast<DcmSequenceOfItems*>(element);
            for (unsigned long j = 0; j < sequence->card(); ++j)
                collect(*sequence->getItem(j), key + QStringLiteral("[%1]/").arg(j), values);
            continue;
        }
        if (tag.getGroup() == 0x7FE0 || element->ident() == EVR_OB || element->ident() == EVR_OW)
            continue;
        OFString value;
        if (element->getOFStringArray(value).good())
            values.insert(key, QString::fromLatin1(value.c_str()).trimmed());
    }
}

QHash<QString, QString> valuesOf(const QByteArray& bytes, QString& error)
{
    QHash<QString, QString> values;
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("file.dcm"));
    DcmFileFormat file;
    if (!test::writeAll(path, bytes) || file.loadFile(path.toStdString().c_str()).bad()) {
        error = QStringLiteral("not a DICOM file");
        return values;
    }
    collect(*file.getDataset(), QString(), values);
    return values;
}

} // namespace

class DeidentificationOracleTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weChangeEverythingOrthancChanges()
    {
        QString interfaces;
        QVERIFY2(test::OrthancServer::onlyLoopbackExists(&interfaces), qPrintable(interfaces));
        test::OrthancServer orthanc;
        QString error;
        QVERIFY2(orthanc.start(&error), qPrintable(error));
        QTemporaryDir folder;
        const QString source = folder.filePath(QStringLiteral("source.dcm"));
        const std::string written = test::IdentifiedTestStudy::writeImage(source.toStdString());
        QVERIFY2(written.empty(), written.c_str());

        const QByteArray stored
            = post(orthanc.httpPort(), QStringLiteral("/instances"), test::readAll(source), "application/dicom", error);
        QVERIFY2(!stored.isEmpty(), qPrintable(error));
        const QString id = QJsonDocument::fromJson(stored).object()[QStringLiteral("ID")].toString();
        QVERIFY(!id.isEmpty());
        const QByteArray byOrthanc = post(
            orthanc.httpPort(), QStringLiteral("/instances/%1/anonymize").arg(id), "{}", "application/json", error);
        QVERIFY2(!byOrthanc.isEmpty(), qPrintable(error));

        const QString ours = folder.filePath(QStringLiteral("ours.dcm"));
        DicomDeidentifier deidentifier;
        std::string failure;
        QVERIFY2(deidentifier.deidentifyFile(source.toStdString(), ours.toStdString(), &failure), failure.c_str());

        const QHash<QString, QString> original = valuesOf(test::readAll(source), error);
        const QHash<QString, QString> orthancValues = valuesOf(byOrthanc, error);
        const QHash<QString, QString> ourValues = valuesOf(test::readAll(ours), error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        int changedByOrthanc = 0;
        QStringList stricter;
        for (auto it = original.constBegin(); it != original.constEnd(); ++it) {
            if (it.value().isEmpty())
                continue;
            const bool orthancChanged = orthancValues.value(it.key()) != it.value();
            const bool weChanged = ourValues.value(it.key()) != it.value();
            if (orthancChanged) {
                ++changedByOrthanc;
                QVERIFY2(weChanged,
                    qPrintable(QStringLiteral("%1 (%2) kept by us, changed by Orthanc").arg(it.key(), it.value())));
            } else if (weChanged) {
                stricter.append(it.key());
            }
        }
        qInfo("Orthanc changed %d of %lld attributes with values; we changed those and %lld more: %s", changedByOrthanc,
            static_cast<long long>(original.size()), static_cast<long long>(stricter.size()),
            qPrintable(stricter.join(QLatin1Char(' '))));
        QVERIFY(changedByOrthanc >= 10);
    }
};

} // namespace lrclr

QTEST_GUILESS_MAIN(lrclr::DeidentificationOracleTest)
#include "DeidentificationOracleTest.moc"
