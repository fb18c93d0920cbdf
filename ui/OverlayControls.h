#pragma once

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;

namespace lrclr {

class OverlaySettings;

/// Controls for the heatmap overlay, bound two-way to an OverlaySettings: show (H), opacity, colormap, threshold,
/// contours and region boxes. GUI thread only.
class OverlayControls : public QWidget {
    Q_OBJECT

public:
    explicit OverlayControls(OverlaySettings* settings, QWidget* parent = nullptr);

    QCheckBox* visibleBox() const { return m_visible; }
    QSlider* opacitySlider() const { return m_opacity; }
    QComboBox* colormapBox() const { return m_colormap; }
    QSlider* thresholdSlider() const { return m_threshold; }
    QCheckBox* modelThresholdBox() const { return m_modelThreshold; }
    QCheckBox* contoursBox() const { return m_contours; }

private:
    void syncFromSettings();

    QPointer<OverlaySettings> m_settings;
    QCheckBox* m_visible = nullptr;
    QSlider* m_opacity = nullptr;
    QComboBox* m_colormap = nullptr;
    QSlider* m_threshold = nullptr;
    QCheckBox* m_modelThreshold = nullptr;
    QLabel* m_opacityValue = nullptr;
    QLabel* m_thresholdValue = nullptr;
    QCheckBox* m_contours = nullptr;
    QCheckBox* m_boxes = nullptr;
};

} // namespace lrclr
