#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ui/model/OverlaySettings.h"

using namespace lrclr;

class OverlaySettingsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_directory.isValid());
        m_path = m_directory.filePath(QStringLiteral("settings-%1.ini").arg(++m_counter));
    }

    void defaults()
    {
        const OverlaySettings settings;
        QVERIFY(settings.isVisible());
        QCOMPARE(settings.opacity(), 0.5);
        QCOMPARE(settings.colormap(), QStringLiteral("inferno"));
        QCOMPARE(settings.threshold(), 0.5);
        QVERIFY(settings.usesModelThreshold());
        QCOMPARE(settings.contourLevels(), (QList<double> { 0.5, 0.75, 0.9 }));
    }

    void colormapListHasPerceptualAndClassicMaps()
    {
        const QStringList names = OverlaySettings::availableColormaps();
        for (const char* name : { "viridis", "inferno", "jet", "turbo" })
            QVERIFY2(names.contains(QLatin1String(name)), name);
        QVERIFY(names.contains(OverlaySettings::defaultColormap()));
    }

    void unknownColormapIsRejected()
    {
        OverlaySettings settings;
        QSignalSpy changed(&settings, &OverlaySettings::colormapChanged);
        QVERIFY(settings.setColormap(QStringLiteral("viridis")));
        QVERIFY(!settings.setColormap(QStringLiteral("rainbow-unicorn")));
        QCOMPARE(settings.colormap(), QStringLiteral("viridis"));
        QCOMPARE(changed.size(), 1);
    }

    void valuesAreClamped_data()
    {
        QTest::addColumn<double>("input");
        QTest::addColumn<double>("expected");
        QTest::newRow("below") << -0.5 << 0.0;
        QTest::newRow("inside") << 0.3 << 0.3;
        QTest::newRow("above") << 4.0 << 1.0;
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << 0.0;
    }

    void valuesAreClamped()
    {
        QFETCH(double, input);
        QFETCH(double, expected);
        OverlaySettings settings;
        settings.setOpacity(input);
        settings.setThreshold(input);
        QCOMPARE(settings.opacity(), expected);
        QCOMPARE(settings.threshold(), expected);
    }

    void contourLevelsAreSortedAndFiltered()
    {
        OverlaySettings settings;
        settings.setContourLevels({ 0.8, 0.2, 1.5, 0.8, -1.0, 0.5 });
        QCOMPARE(settings.contourLevels(), (QList<double> { 0.2, 0.5, 0.8 }));
    }

    void toggleFlipsVisibilityAndSignalsOnce()
    {
        OverlaySettings settings;
        QSignalSpy visible(&settings, &OverlaySettings::visibleChanged);
        QSignalSpy changed(&settings, &OverlaySettings::changed);
        settings.toggleVisible();
        QVERIFY(!settings.isVisible());
        settings.toggleVisible();
        QVERIFY(settings.isVisible());
        QCOMPARE(visible.size(), 2);
        QCOMPARE(changed.size(), 2);
    }

    void settingsPersist_data()
    {
        QTest::addColumn<QList<double>>("levels");
        QTest::newRow("three-levels") << QList<double> { 0.3, 0.6, 0.95 };
        QTest::newRow("one-level") << QList<double> { 0.42 };
        QTest::newRow("no-levels") << QList<double> {};
    }

    void settingsPersist()
    {
        QFETCH(QList<double>, levels);
        {
            OverlaySettings settings;
            settings.setVisible(false);
            settings.setOpacity(0.73);
            settings.setColormap(QStringLiteral("turbo"));
            settings.setThreshold(0.35);
            settings.setUsesModelThreshold(false);
            settings.setContoursVisible(false);
            settings.setContourLevels(levels);
            settings.setRegionBoxesVisible(false);
            QSettings file(m_path, QSettings::IniFormat);
            settings.save(file);
            file.sync();
            QCOMPARE(file.status(), QSettings::NoError);
        }
        OverlaySettings restored;
        QSignalSpy changed(&restored, &OverlaySettings::changed);
        QSettings file(m_path, QSettings::IniFormat);
        restored.load(file);
        QCOMPARE(restored.isVisible(), false);
        QCOMPARE(restored.opacity(), 0.73);
        QCOMPARE(restored.colormap(), QStringLiteral("turbo"));
        QCOMPARE(restored.threshold(), 0.35);
        QCOMPARE(restored.usesModelThreshold(), false);
        QCOMPARE(restored.contoursVisible(), false);
        QCOMPARE(restored.contourLevels(), levels);
        QCOMPARE(restored.regionBoxesVisible(), false);
        QCOMPARE(changed.size(), 1);
    }

    void invalidStoredValuesKeepDefaults()
    {
        {
            QSettings file(m_path, QSettings::IniFormat);
            file.beginGroup(QStringLiteral("overlay"));
            file.setValue(QStringLiteral("opacity"), QStringLiteral("very"));
            file.setValue(QStringLiteral("colormap"), QStringLiteral("no-such-map"));
            file.setValue(QStringLiteral("threshold"), 9.0);
            file.setValue(QStringLiteral("contourLevels"), QStringList { QStringLiteral("0.4"), QStringLiteral("x") });
            file.endGroup();
        }
        OverlaySettings settings;
        QSettings file(m_path, QSettings::IniFormat);
        settings.load(file);
        QCOMPARE(settings.opacity(), 0.5);
        QCOMPARE(settings.colormap(), OverlaySettings::defaultColormap());
        QCOMPARE(settings.threshold(), 1.0); // a number out of range is clamped, not rejected
        QCOMPARE(settings.contourLevels(), (QList<double> { 0.5, 0.75, 0.9 }));
    }

    void resetRestoresDefaults()
    {
        OverlaySettings settings;
        settings.setColormap(QStringLiteral("jet"));
        settings.setOpacity(0.9);
        settings.reset();
        QCOMPARE(settings.colormap(), OverlaySettings::defaultColormap());
        QCOMPARE(settings.opacity(), 0.5);
    }

private:
    QTemporaryDir m_directory;
    QString m_path;
    int m_counter = 0;
};

QTEST_GUILESS_MAIN(OverlaySettingsTest)
#include "OverlaySettingsTest.moc"
