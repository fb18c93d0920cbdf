// The panels wired to the viewport offscreen, as MainWindow wires them: clicking a sentence in the report puts its
// heatmap on the image (checked on grabbed pixels), hovering a region lights the sentences linked to it, clicking a
// finding shows its map, and accept/reject decisions reach ReviewDecisions.
#include <algorithm>
#include <cmath>
#include <optional>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QSlider>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidget>

#include "ViewerTestData.h"
#include "imaging/Colormap.h"
#include "ui/FindingsPanel.h"
#include "ui/ImageViewport.h"
#include "ui/OverlayControls.h"
#include "ui/ReportPanel.h"
#include "ui/model/AnalysisSelection.h"
#include "ui/model/OverlaySettings.h"
#include "ui/model/ReportRegionLinks.h"
#include "ui/model/ReviewDecisions.h"

namespace lrclr {

namespace {

constexpr int imageWidth = 560;
constexpr int imageHeight = 420;

void click(QWidget* widget, QPoint position)
{
    QMouseEvent press(QEvent::MouseButtonPress, position, widget->mapToGlobal(position), Qt::LeftButton, Qt::LeftButton,
        Qt::NoModifier);
    QApplication::sendEvent(widget, &press);
    QMouseEvent release(QEvent::MouseButtonRelease, position, widget->mapToGlobal(position), Qt::LeftButton,
        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &release);
}

void hover(QWidget* widget, QPointF position)
{
    QMouseEvent move(
        QEvent::MouseMove, position, widget->mapToGlobal(position), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
}

int channelDistance(QRgb a, QRgb b)
{
    return std::max({ std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b)) });
}

} // namespace

class ViewerPanelsTest : public QObject {
    Q_OBJECT

    SharedAnalysisResult m_result;
    ReportRegionLinks* m_links = nullptr;
    AnalysisSelection* m_selection = nullptr;
    ReviewDecisions* m_decisions = nullptr;
    OverlaySettings* m_settings = nullptr;
    ImageViewport* m_viewport = nullptr;
    ReportPanel* m_report = nullptr;
    FindingsPanel* m_findings = nullptr;
    QRgb m_background = 0;

    /// Colour of the grabbed viewport at the centre of patch (row, column).
    QRgb colourAtPatch(int row, int column) const
    {
        const auto [x, y] = testing::patchCentre(m_result->geometry, row, column);
        return m_viewport->renderToImage().pixel(m_viewport->mapToWidget(QPointF(x, y)).toPoint());
    }

    bool isHot(QRgb colour) const
    {
        return channelDistance(colour, Colormap(Colormap::Name::Viridis).table().back()) <= 8;
    }

    /// Clicks the middle of sentence `index` in the report text.
    void clickSentence(int index)
    {
        QTextEdit* text = m_report->textView();
        QTextCursor cursor(text->document());
        cursor.setPosition(m_report->sentencePosition(index) + 5);
        click(text->viewport(), text->cursorRect(cursor).center());
    }

private Q_SLOTS:
    void init()
    {
        m_result = testing::twoSentenceAnalysis(imageWidth, imageHeight);
        m_links = new ReportRegionLinks(this);
        m_selection = new AnalysisSelection(m_links, this);
        m_decisions = new ReviewDecisions(this);
        m_settings = new OverlaySettings(this);
        m_settings->setColormap(QStringLiteral("viridis"));
        m_settings->setOpacity(1.0);
        m_settings->setThreshold(0.3);
        m_links->setResult(m_result);
        m_decisions->setResult(m_result);

        m_viewport = new ImageViewport;
        // Wider than the image: the legend sits in the margin beside it, not over the hot patches.
        m_viewport->resize(imageWidth + 240, imageHeight);
        m_viewport->setOverlaySettings(m_settings);
        m_viewport->setImage(testing::flatImage(imageWidth, imageHeight));
        m_viewport->setWindow(128.0, 256.0);
        const int gray = m_viewport->pipeline().displayValue(40);
        m_background = qRgb(gray, gray, gray);
        m_viewport->setAnalysis(m_result);
        connect(m_selection, &AnalysisSelection::heatmapChanged, m_viewport, &ImageViewport::setHeatmap);
        connect(m_viewport, &ImageViewport::imagePointHovered, m_selection, &AnalysisSelection::hoverAt);
        connect(m_selection, &AnalysisSelection::hoveredRegionChanged, m_viewport, &ImageViewport::setFocusedRegion);

        m_report = new ReportPanel(m_links, m_selection);
        m_report->resize(500, 600);
        const QString report = QString::fromLatin1(testing::twoSentenceReport());
        QList<QPair<qsizetype, qsizetype>> spans;
        for (const auto& sentence : m_result->sentences)
            spans.append({ qsizetype(sentence.begin), qsizetype(sentence.end) });
        m_report->setReport(report, spans);
        m_report->show();
        m_findings = new FindingsPanel(m_links, m_selection, m_decisions);
        m_findings->resize(500, 600);
        m_findings->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_report));
    }

    void cleanup()
    {
        delete m_report;
        delete m_findings;
        delete m_viewport;
        delete m_selection;
        delete m_links;
        delete m_decisions;
        delete m_settings;
    }

    void clickingASentenceShowsItsHeatmap()
    {
        QVERIFY2(colourAtPatch(1, 1) == m_background, "overlay shown before any selection");

        clickSentence(1);
        QCOMPARE(m_selection->selectedIndex(), 1);
        QCOMPARE(m_viewport->heatmap().index, 1);
        QVERIFY2(isHot(colourAtPatch(5, 4)), qPrintable(QString::number(colourAtPatch(5, 4), 16)));
        QCOMPARE(colourAtPatch(1, 1), m_background);

        clickSentence(0);
        QCOMPARE(m_selection->selectedIndex(), 0);
        QVERIFY2(isHot(colourAtPatch(1, 1)), qPrintable(QString::number(colourAtPatch(1, 1), 16)));
        QCOMPARE(colourAtPatch(5, 4), m_background);

        // The selected sentence is marked in the text (blue), the other tinted by its alignment.
        const auto selections = m_report->textView()->extraSelections();
        QCOMPARE(int(selections.size()), 2);
        QCOMPARE(selections[0].format.background().color(), QColor(42, 110, 170));
        QVERIFY(selections[1].format.background().color() != QColor(42, 110, 170));
    }

    void clickingASentenceInTheListSelectsIt()
    {
        QTreeWidget* list = m_report->sentenceList();
        QCOMPARE(list->topLevelItemCount(), 2);
        QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("0.32"));
        const QRect row = list->visualItemRect(list->topLevelItem(1));
        click(list->viewport(), row.center());
        QCOMPARE(m_selection->selectedIndex(), 1);
        QVERIFY(isHot(colourAtPatch(5, 4)));
    }

    void hoveringARegionLightsItsSentences()
    {
        const auto& region1 = m_result->regions[1].box;
        hover(m_viewport,
            m_viewport->mapToWidget(QPointF(region1.x + region1.width / 2, region1.y + region1.height / 2)));
        QCOMPARE(m_selection->hoveredRegion(), 1);
        QCOMPARE(m_report->litSentences(), QList<int>({ 1 }));
        QCOMPARE(m_report->sentenceList()->topLevelItem(1)->text(2), QStringLiteral("0.90"));
        QCOMPARE(m_report->sentenceList()->topLevelItem(0)->text(2), QString());
        QVERIFY(m_viewport->scene().regions[1].focused);
        // The lit sentence is marked yellow in the text.
        const auto selections = m_report->textView()->extraSelections();
        QCOMPARE(selections[1].format.background().color().rgb(), QColor(255, 214, 0).rgb());

        const auto& region0 = m_result->regions[0].box;
        hover(m_viewport,
            m_viewport->mapToWidget(QPointF(region0.x + region0.width / 2, region0.y + region0.height / 2)));
        QCOMPARE(m_report->litSentences(), QList<int>({ 0 }));

        // Away from every region nothing is lit.
        const auto [x, y] = testing::patchCentre(m_result->geometry, 6, 6);
        hover(m_viewport, m_viewport->mapToWidget(QPointF(x, y)));
        QCOMPARE(m_report->litSentences(), QList<int>());
    }

    void legendHasAColumnOfItsOwn()
    {
        m_selection->selectSentence(0);
        const QRectF area = m_viewport->imageArea();
        QCOMPARE(int(area.width()), m_viewport->width() - ImageViewport::legendColumnWidth);
        const QRectF drawn = m_viewport->viewTransform().toWidget(QRectF(0, 0, imageWidth, imageHeight));
        QVERIFY2(area.adjusted(-0.01, -0.01, 0.01, 0.01).contains(drawn), "the fitted image reaches the legend column");

        // Zoomed until the image is wider than the viewport: the column shows the legend and never image pixels.
        m_viewport->zoomAt(area.center(), 3.0);
        QVERIFY(
            m_viewport->viewTransform().toWidget(QRectF(0, 0, imageWidth, imageHeight)).right() > m_viewport->width());
        const QImage picture = m_viewport->renderToImage();
        const int columnLeft = int(area.right()) + 1;
        const int legendBottom = 8 + m_viewport->scene().legend.height();
        bool legendBar = false;
        int nonBlackBelowLegend = 0;
        for (int y = 0; y < picture.height(); ++y) {
            for (int x = columnLeft + 1; x < picture.width(); ++x) {
                const QRgb pixel = picture.pixel(x, y);
                legendBar = legendBar || isHot(pixel);
                if (y > legendBottom + 2 && (pixel & 0xffffff) != 0)
                    ++nonBlackBelowLegend;
            }
        }
        QVERIFY2(legendBar, "the legend's colour bar is not in its column");
        QCOMPARE(nonBlackBelowLegend, 0);
        // Left of the column the image is drawn up to the edge.
        QVERIFY((picture.pixel(columnLeft - 3, int(area.center().y())) & 0xffffff) != 0);
    }

    void overlayFadesInAboveTheThreshold()
    {
        m_selection->selectSentence(1);
        const ScalarImage& field = m_viewport->heatmapField();
        const QImage& overlay = m_viewport->scene().overlay;
        QVERIFY(field.isValid());
        QCOMPARE(overlay.size(), QSize(field.width, field.height));
        const double minimum = m_viewport->heatmap().minimum;
        const double span = m_viewport->heatmap().maximum - minimum;
        QVERIFY(span > 0.0);
        const double threshold = minimum + m_settings->threshold() * span;
        int below = 0;
        int fading = 0;
        int full = 0;
        for (int y = 0; y < field.height; ++y) {
            for (int x = 0; x < field.width; ++x) {
                const double value = field.at(x, y);
                const int alpha = qAlpha(overlay.pixel(x, y));
                const double expected = std::clamp((value - threshold) / (0.2 * span), 0.0, 1.0) * 255.0;
                if (!std::isfinite(value) || value < threshold) {
                    QCOMPARE(alpha, 0);
                    ++below;
                    continue;
                }
                QVERIFY2(std::abs(alpha - expected) <= 2.0,
                    qPrintable(QStringLiteral("(%1, %2): value %3, alpha %4, expected %5")
                                   .arg(x)
                                   .arg(y)
                                   .arg(value)
                                   .arg(alpha)
                                   .arg(expected)));
                ++(expected >= 254.5 ? full : fading);
            }
        }
        // The map has all three zones, so the comparison above saw each of them.
        QVERIFY2(below > 0 && fading > 0 && full > 0,
            qPrintable(QStringLiteral("below %1, fading %2, full %3").arg(below).arg(fading).arg(full)));
    }

    // On the model's shared scale the model's threshold cuts every map: a sentence whose similarities all lie below it
    // paints nothing, however its own range would stretch; the slider (Model off) takes over as a fraction.
    void sharedScaleCutsAtTheModelThreshold()
    {
        auto result = std::make_shared<AnalysisResult>(*m_result);
        const auto& values = result->sentences[1].similarityMap.values;
        const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
        result->similarityScale = AnalysisResult::SimilarityScale { *lowest - 1.0f, *highest + 0.05f, *highest + 1.0f };
        m_links->setResult(result);
        m_viewport->setAnalysis(result);
        m_selection->selectSentence(1);
        QVERIFY(m_viewport->heatmap().hasSharedScale());
        const auto paintedPixels = [this] {
            const QImage& overlay = m_viewport->scene().overlay;
            int painted = 0;
            for (int y = 0; y < overlay.height(); ++y)
                for (int x = 0; x < overlay.width(); ++x)
                    painted += qAlpha(overlay.pixel(x, y)) > 0 ? 1 : 0;
            return painted;
        };
        QVERIFY(!m_viewport->scene().overlay.isNull());
        QCOMPARE(paintedPixels(), 0);
        // No isoline under the threshold either.
        for (const auto& contour : m_viewport->scene().contours)
            QVERIFY2(contour.polylines.empty(), qPrintable(QString::number(contour.level)));
        m_settings->setUsesModelThreshold(false); // 0.3 of the shared range: below every value
        QVERIFY(paintedPixels() > 0);
    }

    void editBoxFollowsTheSelection()
    {
        // However the sentence is selected, the edit box holds its words (Replace never sends another's text).
        m_selection->selectSentence(1);
        QCOMPARE(m_report->editLine()->text(), QString::fromStdString(m_result->sentences[1].text));
        m_selection->selectNextSentence(1);
        QCOMPARE(m_report->editLine()->text(), QString::fromStdString(m_result->sentences[0].text));
    }

    void negativeFindingIsNotFlaggedUnsupported()
    {
        auto result = std::make_shared<AnalysisResult>(*m_result);
        result->sentences[1].text = "No pneumothorax.";
        for (float& weight : result->sentences[1].regionWeights)
            weight = 0.0f; // no region supports it
        m_links->setResult(result);
        const QString shown = m_report->sentenceList()->topLevelItem(1)->text(3); // the text column
        QVERIFY2(shown.startsWith(QStringLiteral("\u2205 ")), qPrintable(shown));
        QVERIFY(!m_report->auditLabel()->text().contains(QStringLiteral("Unsupported")));
        m_selection->selectSentence(1);
        QVERIFY(m_viewport->heatmap().negativeFinding);
        QVERIFY2(m_viewport->scene().overlayLabel.startsWith(QStringLiteral("Negative finding: ")),
            qPrintable(m_viewport->scene().overlayLabel));
    }

    void auditFlagsShowUnexplainedRegions()
    {
        // Region 2 has weights 0.1 and 0.05: below the 0.2 threshold for both sentences.
        QVERIFY2(
            m_report->auditLabel()->text().contains(QStringLiteral("R3")), qPrintable(m_report->auditLabel()->text()));
    }

    void clickingAFindingShowsItsMap()
    {
        QTreeWidget* list = m_findings->findingsList();
        QCOMPARE(list->topLevelItemCount(), 1);
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("Consolidation"));
        click(list->viewport(), list->visualItemRect(list->topLevelItem(0)).center());
        QCOMPARE(m_selection->kind(), AnalysisSelection::Kind::Finding);
        QVERIFY2(isHot(colourAtPatch(3, 5)),
            qPrintable(QString::number(colourAtPatch(3, 5), 16)
                + QStringLiteral(" heatmap %1 %2..%3")
                      .arg(m_viewport->heatmap().label)
                      .arg(m_viewport->heatmap().minimum)
                      .arg(m_viewport->heatmap().maximum)));
        QCOMPARE(colourAtPatch(1, 1), m_background);
    }

    void findingsAreListedMostProbableFirst()
    {
        auto result = std::make_shared<AnalysisResult>(*m_result);
        const AnalysisResult::Finding model = result->findings.at(0);
        result->findings.clear();
        for (const auto& [name, probability] :
            { std::pair { "Atelectasis", 0.2f }, std::pair { "Edema", 0.9f }, std::pair { "Pneumothorax", 0.5f } }) {
            AnalysisResult::Finding finding = model;
            finding.name = name;
            finding.combinedProbability = probability;
            finding.globalProbability = 1.0f - probability; // the order follows the combined score only
            result->findings.push_back(finding);
        }
        ReportRegionLinks links;
        AnalysisSelection selection(&links);
        FindingsPanel panel(&links, &selection, nullptr);
        panel.resize(500, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        links.setResult(result);
        QTreeWidget* list = panel.findingsList();
        QCOMPARE(list->topLevelItemCount(), 3);
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("Edema"));
        QCOMPARE(list->topLevelItem(1)->text(0), QStringLiteral("Pneumothorax"));
        QCOMPARE(list->topLevelItem(2)->text(0), QStringLiteral("Atelectasis"));
        // A click selects the finding of that row, not the row number.
        click(list->viewport(), list->visualItemRect(list->topLevelItem(0)).center());
        QCOMPARE(selection.kind(), AnalysisSelection::Kind::Finding);
        QCOMPARE(selection.selectedIndex(), 1);
    }

    // The panel shows the calibrated probability, orders by it, and marks (bold, ▲) findings at or above their
    // operating threshold; the raw CheXzero scores stay in the tooltip and the raw columns.
    void calibratedFindingsAboveTheirThresholdAreMarked()
    {
        auto result = std::make_shared<AnalysisResult>(*m_result);
        const AnalysisResult::Finding model = result->findings.at(0);
        result->findings.clear();
        const auto add = [&](const char* name, float raw, std::optional<float> shown, std::optional<float> threshold) {
            AnalysisResult::Finding finding = model;
            finding.name = name;
            finding.combinedProbability = raw;
            finding.calibrated = shown.has_value();
            finding.probability = shown.value_or(raw);
            finding.threshold = threshold;
            result->findings.push_back(finding);
        };
        add("Edema", 0.58f, 0.1f, 0.3f); // highest raw score, but below its threshold once calibrated
        add("Cardiomegaly", 0.52f, 0.8f, 0.4f);
        add("Atelectasis", 0.5f, std::nullopt, std::nullopt); // the model has no calibration for it
        ReportRegionLinks links;
        AnalysisSelection selection(&links);
        FindingsPanel panel(&links, &selection, nullptr);
        panel.resize(600, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        links.setResult(result);
        QTreeWidget* list = panel.findingsList();
        QCOMPARE(list->topLevelItemCount(), 3);
        QTreeWidgetItem* heart = list->topLevelItem(0);
        QTreeWidgetItem* atelectasis = list->topLevelItem(1);
        QTreeWidgetItem* edema = list->topLevelItem(2);
        QCOMPARE(heart->text(0), QStringLiteral("Cardiomegaly"));
        QCOMPARE(atelectasis->text(0), QStringLiteral("Atelectasis"));
        QCOMPARE(edema->text(0), QStringLiteral("Edema"));
        QVERIFY(heart->data(0, FindingsPanel::aboveThresholdRole).toBool());
        QVERIFY(heart->font(0).bold());
        QCOMPARE(heart->text(1), QStringLiteral("\u25B2"));
        QVERIFY(!edema->data(0, FindingsPanel::aboveThresholdRole).toBool());
        QVERIFY(!edema->font(0).bold());
        QVERIFY(edema->text(1).isEmpty());
        QVERIFY(!atelectasis->font(0).bold());
        QVERIFY2(
            heart->toolTip(0).contains(QStringLiteral("Calibrated probability 80%")), qPrintable(heart->toolTip(0)));
        QVERIFY2(heart->toolTip(0).contains(QStringLiteral("combined 52%")), qPrintable(heart->toolTip(0)));
        QVERIFY2(edema->toolTip(0).contains(QStringLiteral("threshold 30%: below")), qPrintable(edema->toolTip(0)));
        QVERIFY2(atelectasis->toolTip(0).contains(QStringLiteral("Uncalibrated")), qPrintable(atelectasis->toolTip(0)));
        // Painting the bars with their threshold ticks and marker works offscreen.
        QVERIFY(!panel.grab().isNull());
        // A click still selects the finding of that row.
        click(list->viewport(), list->visualItemRect(heart).center());
        QCOMPARE(selection.selectedIndex(), 1);
    }

    void everyOfferedColormapHasATable()
    {
        for (const QString& name : OverlaySettings::availableColormaps())
            QVERIFY2(Colormap::fromKey(name).has_value(), qPrintable(name));
    }

    void overlayControlsAreBoundBothWays()
    {
        m_settings->setColormap(QStringLiteral("magma"));
        OverlayControls controls(m_settings);
        QCOMPARE(controls.colormapBox()->count(), int(OverlaySettings::availableColormaps().size()));
        QCOMPARE(controls.colormapBox()->currentData().toString(), QStringLiteral("magma"));
        QVERIFY(controls.modelThresholdBox()->isChecked());
        controls.opacitySlider()->setValue(35);
        QCOMPARE(m_settings->opacity(), 0.35);
        controls.thresholdSlider()->setValue(60);
        QCOMPARE(m_settings->threshold(), 0.6);
        // Moving the slider leaves the model's threshold; the box brings it back.
        QVERIFY(!m_settings->usesModelThreshold());
        QVERIFY(!controls.modelThresholdBox()->isChecked());
        controls.modelThresholdBox()->setChecked(true);
        QVERIFY(m_settings->usesModelThreshold());
        controls.colormapBox()->setCurrentIndex(controls.colormapBox()->findData(QStringLiteral("turbo")));
        QCOMPARE(m_settings->colormap(), QStringLiteral("turbo"));
        controls.contoursBox()->setChecked(false);
        QVERIFY(!m_settings->contoursVisible());
        m_settings->toggleVisible();
        QCOMPARE(controls.visibleBox()->isChecked(), m_settings->isVisible());
        m_settings->setOpacity(0.8);
        QCOMPARE(controls.opacitySlider()->value(), 80);
        // The viewport recoloured with the new map: the hot patch now shows turbo's top colour, blended at 0.8.
        m_settings->setVisible(true);
        m_settings->setThreshold(0.3);
        m_selection->selectSentence(0);
        const QRgb top = Colormap(Colormap::Name::Turbo).table().back();
        const QRgb shown = colourAtPatch(1, 1);
        QVERIFY2(std::abs(qRed(shown) - int(0.8 * qRed(top) + 0.2 * qRed(m_background))) <= 8,
            qPrintable(QString::number(shown, 16)));
    }

    void acceptAndRejectPairs()
    {
        QTreeWidget* pairs = m_findings->pairsList();
        // Above the 0.2 threshold: sentence 0 - region 0 (0.8), sentence 1 - region 1 (0.9).
        QCOMPARE(pairs->topLevelItemCount(), 2);
        pairs->setCurrentItem(pairs->topLevelItem(0));
        m_findings->acceptCurrentPair();
        QCOMPARE(m_decisions->decision(0, 0), ReviewDecisions::Decision::Accepted);
        QCOMPARE(pairs->currentItem(), pairs->topLevelItem(1));
        m_findings->rejectCurrentPair();
        QCOMPARE(m_decisions->decision(1, 1), ReviewDecisions::Decision::Rejected);
        QVERIFY(pairs->topLevelItem(0)->text(3).contains(QStringLiteral("accepted")));
        QVERIFY(pairs->topLevelItem(1)->text(3).contains(QStringLiteral("rejected")));
        QVERIFY(m_decisions->isModified());
    }
};

} // namespace lrclr

QTEST_MAIN(lrclr::ViewerPanelsTest)
#include "ViewerPanelsTest.moc"
