#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

class QSettings;

namespace lrclr {

/// How the heatmap overlay is drawn: visibility, opacity, colormap, threshold and contour levels; persisted with
/// QSettings. A UI-model object (no widgets): the overlay controls write it, the viewport reads it.
/// Not thread-safe: GUI thread only.
class OverlaySettings : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool visible READ isVisible WRITE setVisible NOTIFY visibleChanged)
    Q_PROPERTY(double opacity READ opacity WRITE setOpacity NOTIFY opacityChanged)
    Q_PROPERTY(QString colormap READ colormap WRITE setColormap NOTIFY colormapChanged)
    Q_PROPERTY(double threshold READ threshold WRITE setThreshold NOTIFY thresholdChanged)
    Q_PROPERTY(bool modelThreshold READ usesModelThreshold WRITE setUsesModelThreshold NOTIFY modelThresholdChanged)
    Q_PROPERTY(bool contoursVisible READ contoursVisible WRITE setContoursVisible NOTIFY contoursVisibleChanged)
    Q_PROPERTY(QList<double> contourLevels READ contourLevels WRITE setContourLevels NOTIFY contourLevelsChanged)
    Q_PROPERTY(
        bool regionBoxesVisible READ regionBoxesVisible WRITE setRegionBoxesVisible NOTIFY regionBoxesVisibleChanged)

public:
    explicit OverlaySettings(QObject* parent = nullptr);

    /// The colormaps the viewer offers, perceptual ones first: viridis, inferno, magma, plasma, turbo, jet, hot.
    static QStringList availableColormaps();
    static QString defaultColormap() { return QStringLiteral("inferno"); }

    bool isVisible() const { return m_visible; }
    /// 0 (transparent) .. 1 (opaque); values outside are clamped.
    double opacity() const { return m_opacity; }
    /// One of availableColormaps(); unknown names are rejected (the value stays).
    QString colormap() const { return m_colormap; }
    /// Fraction 0..1 of the heatmap's score range below which the overlay is transparent: used for maps without the
    /// model's shared scale, and for every map once the user sets it (usesModelThreshold() false).
    double threshold() const { return m_threshold; }
    /// Whether maps on the model's shared scale are cut at the model's calibrated threshold (the default) rather
    /// than at threshold(); moving the threshold slider turns it off.
    bool usesModelThreshold() const { return m_modelThreshold; }
    bool contoursVisible() const { return m_contoursVisible; }
    /// Isoline levels as fractions 0..1 of the heatmap's score range, sorted ascending, without duplicates.
    QList<double> contourLevels() const { return m_contourLevels; }
    bool regionBoxesVisible() const { return m_regionBoxesVisible; }

    /// Reads the settings under `group` (missing or invalid values keep the defaults). Emits changed() once.
    void load(QSettings& settings, const QString& group = QStringLiteral("overlay"));
    void save(QSettings& settings, const QString& group = QStringLiteral("overlay")) const;
    /// Back to the defaults (visible, opacity 0.5, inferno, the model's threshold (else 0.5), contours at
    /// 0.5/0.75/0.9).
    void reset();

public Q_SLOTS:
    void setVisible(bool visible);
    /// The `H` shortcut.
    void toggleVisible() { setVisible(!m_visible); }
    void setOpacity(double opacity);
    /// Returns false (and changes nothing) for a name not in availableColormaps().
    bool setColormap(const QString& name);
    void setThreshold(double threshold);
    void setUsesModelThreshold(bool use);
    void setContoursVisible(bool visible);
    void setContourLevels(const QList<double>& levels);
    void setRegionBoxesVisible(bool visible);

Q_SIGNALS:
    void visibleChanged(bool visible);
    void opacityChanged(double opacity);
    void colormapChanged(const QString& name);
    void thresholdChanged(double threshold);
    void modelThresholdChanged(bool use);
    void contoursVisibleChanged(bool visible);
    void contourLevelsChanged(const QList<double>& levels);
    void regionBoxesVisibleChanged(bool visible);
    /// Any of the above changed: one signal for the viewport to repaint on.
    void changed();

private:
    bool m_visible = true;
    double m_opacity = 0.5;
    QString m_colormap = defaultColormap();
    // Half the score range: on the demo model a lower threshold tints the whole chest with the low end of the map
    // (a pink fog over every structure), while above half only the grounded finding lights up.
    double m_threshold = 0.5;
    bool m_modelThreshold = true;
    bool m_contoursVisible = true;
    QList<double> m_contourLevels { 0.5, 0.75, 0.9 };
    bool m_regionBoxesVisible = true;
    bool m_loading = false;
};

} // namespace lrclr
