// The data files a model directory carries for LrclrModel: findings.json and the manifest's "lrclr" and
// "preprocessing" objects.
#include <QtTest>

#include "core/model/FindingCatalog.h"
#include "core/model/LrclrSettings.h"

using lrclr::FindingCatalog;
using lrclr::LrclrSettings;
using lrclr::SelectionMode;

class ModelSettingsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void projectFindingsFileIsTheChexpertList()
    {
        const auto path = QString(LRCLR_SOURCE_DIR) + "/models/findings.json";
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const auto catalog = FindingCatalog::fromFile(path.toStdString());
        QCOMPARE(catalog.findings(), FindingCatalog::chexpert().findings());
        QCOMPARE(catalog.findings().size(), std::size_t(14));
        QCOMPARE(catalog.templates().size(), std::size_t(1));
        QCOMPARE(FindingCatalog::fill(catalog.templates()[0].negative, "Edema"), std::string("no Edema"));
        const auto again = FindingCatalog::fromJson(catalog.toJson(), "round trip");
        QCOMPARE(again.findings(), catalog.findings());
    }

    void fillReplacesEveryPlaceholder()
    {
        QCOMPARE(FindingCatalog::fill("{} and {}", "x"), std::string("x and x"));
        QCOMPARE(FindingCatalog::fill("none", "x"), std::string("none"));
        QCOMPARE(FindingCatalog::fill("{", "x"), std::string("{"));
    }

    void findingsErrorsNameTheFile_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("not-object") << "[1]";
        QTest::newRow("no-findings") << R"({"templates": []})";
        QTest::newRow("empty-name") << R"({"findings": [""]})";
        QTest::newRow("bad-template") << R"({"findings": ["a"], "templates": [{"positive": "{}"}]})";
    }

    void findingsErrorsNameTheFile()
    {
        QFETCH(QString, text);
        try {
            FindingCatalog::fromJson(text.toStdString(), "f.json");
            QFAIL("accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).startsWith("f.json: "), error.what());
        }
    }

    void settingsDefaultsAndRoundTrip()
    {
        const auto defaults = LrclrSettings::fromJson("{}");
        QVERIFY(defaults.selectionMode == SelectionMode::PartSelection);
        QCOMPARE(defaults.topK, 8);
        QVERIFY(!defaults.attendAllPatches);
        QCOMPARE(defaults.localHeadLayers, 0);
        QCOMPARE(LrclrSettings::fromJson(R"({"patchMap": {"source": "vision-tokens"}})").localHeadLayers, 0);
        QVERIFY(!QString::fromStdString(defaults.toJson()).contains("patchMap"));
        LrclrSettings custom;
        custom.selectionMode = SelectionMode::Rollout;
        custom.topK = 3;
        custom.attendAllPatches = true;
        custom.localHeadLayers = 3;
        const auto back = LrclrSettings::fromJson(custom.toJson());
        QVERIFY(back.selectionMode == SelectionMode::Rollout);
        QCOMPARE(back.topK, 3);
        QVERIFY(back.attendAllPatches);
        QCOMPARE(back.localHeadLayers, 3);

        const auto preprocessing = LrclrSettings::preprocessingFromJson("{}", 336);
        QCOMPARE(preprocessing.mode, std::string("letterbox"));
        QCOMPARE(preprocessing.mean, 101.48761);
        QCOMPARE(preprocessing.standardDeviation, 83.43944);
        QCOMPARE(preprocessing.inputSize, 336);
        const auto written = LrclrSettings::preprocessingFromJson(
            LrclrSettings::preprocessingToJson({ "center-crop", 1.0, 2.0, 224 }), 224);
        QCOMPARE(written.mode, std::string("center-crop"));
        QCOMPARE(written.standardDeviation, 2.0);
    }

    void settingsErrorsNameTheField_data()
    {
        QTest::addColumn<QString>("lrclr");
        QTest::addColumn<QString>("preprocessing");
        QTest::addColumn<QString>("field");
        QTest::newRow("mode") << R"({"selection": {"mode": "random"}})"
                              << "{}"
                              << "lrclr.selection.mode";
        QTest::newRow("top-k") << R"({"selection": {"topK": 0}})"
                               << "{}"
                               << "lrclr.selection.topK";
        QTest::newRow("keys") << R"({"interaction": {"keys": "text"}})"
                              << "{}"
                              << "lrclr.interaction.keys";
        QTest::newRow("patch-map-source") << R"({"patchMap": {"source": "cls"}})"
                                          << "{}"
                                          << "lrclr.patchMap.source";
        QTest::newRow("patch-map-layers") << R"({"patchMap": {"source": "local-head", "layers": 9}})"
                                          << "{}"
                                          << "lrclr.patchMap.layers";
        QTest::newRow("patch-map-no-layers") << R"({"patchMap": {"source": "local-head"}})"
                                             << "{}"
                                             << "lrclr.patchMap.layers";
        QTest::newRow("patch-map-not-object") << R"({"patchMap": 2})"
                                              << "{}"
                                              << "lrclr.patchMap";
        QTest::newRow("crop") << "{}"
                              << R"({"mode": "stretch"})"
                              << "preprocessing.mode";
        QTest::newRow("size") << "{}"
                              << R"({"inputSize": 320})"
                              << "preprocessing.inputSize";
        QTest::newRow("std") << "{}"
                             << R"({"std": 0})"
                             << "preprocessing.std";
        QTest::newRow("not-object") << "[]"
                                    << "{}"
                                    << "lrclr";
    }

    void settingsErrorsNameTheField()
    {
        QFETCH(QString, lrclr);
        QFETCH(QString, preprocessing);
        QFETCH(QString, field);
        try {
            LrclrSettings::fromJson(lrclr.toStdString());
            LrclrSettings::preprocessingFromJson(preprocessing.toStdString(), 224);
            QFAIL("accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).contains(field), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(ModelSettingsTest)
#include "ModelSettingsTest.moc"
