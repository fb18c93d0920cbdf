#include "ui/OverlayControls.h"

#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include "imaging/Colormap.h"
#include "ui/model/OverlaySettings.h"

namespace lrclr {

OverlayControls::OverlayControls(OverlaySettings* settings, QWidget* parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_visible(new QCheckBox(tr("Overlay"), this))
    , m_opacity(new QSlider(Qt::Horizontal, this))
    , m_colormap(new QComboBox(this))
    , m_threshold(new QSlider(Qt::Horizontal, this))
    , m_modelThreshold(new QCheckBox(tr("Model"), this))
    , m_opacityValue(new QLabel(this))
    , m_thresholdValue(new QLabel(this))
    , m_contours(new QCheckBox(tr("Contours"), this))
    , m_boxes(new QCheckBox(tr("Regions"), this))
{
    m_visible->setToolTip(tr("Show the heatmap overlay (H)"));
    m_opacity->setRange(0, 100);
    m_opacity->setMaximumWidth(120);
    m_opacity->setToolTip(tr("Overlay opacity"));
    m_threshold->setRange(0, 100);
    m_threshold->setMaximumWidth(120);
    m_threshold->setToolTip(tr("Hide scores below this fraction of the colour bar's range (moving it leaves the "
                               "model's threshold)"));
    m_modelThreshold->setToolTip(tr("Cut every sentence and finding at the model's calibrated threshold on its shared "
                                    "similarity scale (models without one: the slider's fraction)"));
    // Wide enough for "100 %" so that the row does not jump while dragging.
    for (QLabel* value : { m_opacityValue, m_thresholdValue })
        value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
    m_colormap->setToolTip(tr("Colormap"));
    for (const QString& name : OverlaySettings::availableColormaps()) {
        const auto key = Colormap::fromKey(name);
        const QImage swatch = key ? Colormap(*key).colorBar(QSize(48, 12), Qt::Horizontal) : QImage();
        m_colormap->addItem(QIcon(QPixmap::fromImage(swatch)), name, name);
    }
    m_colormap->setIconSize(QSize(48, 12));
    m_contours->setToolTip(tr("Isolines at the contour levels (C)"));
    m_boxes->setToolTip(tr("Selected regions with their scores (B)"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_visible);
    layout->addWidget(new QLabel(tr("Opacity"), this));
    layout->addWidget(m_opacity);
    layout->addWidget(m_opacityValue);
    layout->addWidget(m_colormap);
    layout->addWidget(new QLabel(tr("Threshold"), this));
    layout->addWidget(m_modelThreshold);
    layout->addWidget(m_threshold);
    layout->addWidget(m_thresholdValue);
    layout->addWidget(m_contours);
    layout->addWidget(m_boxes);
    layout->addStretch(1);

    if (!settings)
        return;
    connect(m_visible, &QCheckBox::toggled, settings, &OverlaySettings::setVisible);
    connect(
        m_opacity, &QSlider::valueChanged, settings, [settings](int value) { settings->setOpacity(value / 100.0); });
    connect(m_threshold, &QSlider::valueChanged, settings, [settings](int value) {
        settings->setUsesModelThreshold(false);
        settings->setThreshold(value / 100.0);
    });
    connect(m_modelThreshold, &QCheckBox::toggled, settings, &OverlaySettings::setUsesModelThreshold);
    connect(m_colormap, &QComboBox::currentIndexChanged, settings,
        [this, settings](int index) { settings->setColormap(m_colormap->itemData(index).toString()); });
    connect(m_contours, &QCheckBox::toggled, settings, &OverlaySettings::setContoursVisible);
    connect(m_boxes, &QCheckBox::toggled, settings, &OverlaySettings::setRegionBoxesVisible);
    connect(settings, &OverlaySettings::changed, this, &OverlayControls::syncFromSettings);
    syncFromSettings();
}

void OverlayControls::syncFromSettings()
{
    if (!m_settings)
        return;
    const QSignalBlocker blockers[] = { QSignalBlocker(m_visible), QSignalBlocker(m_opacity),
        QSignalBlocker(m_colormap), QSignalBlocker(m_threshold), QSignalBlocker(m_modelThreshold),
        QSignalBlocker(m_contours), QSignalBlocker(m_boxes) };
    m_visible->setChecked(m_settings->isVisible());
    m_opacity->setValue(int(std::lround(m_settings->opacity() * 100)));
    m_threshold->setValue(int(std::lround(m_settings->threshold() * 100)));
    m_modelThreshold->setChecked(m_settings->usesModelThreshold());
    m_opacityValue->setText(QStringLiteral("%1 %").arg(m_opacity->value()));
    m_thresholdValue->setText(QStringLiteral("%1 %").arg(m_threshold->value()));
    m_thresholdValue->setEnabled(!m_settings->usesModelThreshold()); // greyed: the model's threshold applies
    m_colormap->setCurrentIndex(std::max(0, m_colormap->findData(m_settings->colormap())));
    m_contours->setChecked(m_settings->contoursVisible());
    m_boxes->setChecked(m_settings->regionBoxesVisible());
}

} // namespace lrclr
