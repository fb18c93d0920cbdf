#include "ui/model/OverlaySettings.h"

#include <algorithm>
#include <cmath>

#include <QSettings>
#include <QVariant>

namespace lrclr {

namespace {

double clampUnit(double value)
{
    return std::isfinite(value) ? std::clamp(value, 0.0, 1.0) : 0.0;
}

QList<double> normalizedLevels(const QList<double>& levels)
{
    QList<double> result;
    for (const double level : levels) {
        if (std::isfinite(level) && level >= 0.0 && level <= 1.0)
            result.append(level);
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end(), [](double a, double b) { return std::abs(a - b) < 1e-9; }),
        result.end());
    return result;
}

} // namespace

OverlaySettings::OverlaySettings(QObject* parent)
    : QObject(parent)
{
}

QStringList OverlaySettings::availableColormaps()
{
    return { QStringLiteral("viridis"), QStringLiteral("inferno"), QStringLiteral("magma"), QStringLiteral("plasma"),
        QStringLiteral("turbo"), QStringLiteral("jet"), QStringLiteral("hot") };
}

void OverlaySettings::setVisible(bool visible)
{
    if (m_visible == visible)
        return;
    m_visible = visible;
    Q_EMIT visibleChanged(visible);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::setOpacity(double opacity)
{
    opacity = clampUnit(opacity);
    if (qFuzzyCompare(1.0 + m_opacity, 1.0 + opacity))
        return;
    m_opacity = opacity;
    Q_EMIT opacityChanged(opacity);
    if (!m_loading)
        Q_EMIT changed();
}

bool OverlaySettings::setColormap(const QString& name)
{
    if (!availableColormaps().contains(name))
        return false;
    if (m_colormap != name) {
        m_colormap = name;
        Q_EMIT colormapChanged(name);
        if (!m_loading)
            Q_EMIT changed();
    }
    return true;
}

void OverlaySettings::setThreshold(double threshold)
{
    threshold = clampUnit(threshold);
    if (qFuzzyCompare(1.0 + m_threshold, 1.0 + threshold))
        return;
    m_threshold = threshold;
    Q_EMIT thresholdChanged(threshold);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::setUsesModelThreshold(bool use)
{
    if (m_modelThreshold == use)
        return;
    m_modelThreshold = use;
    Q_EMIT modelThresholdChanged(use);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::setContoursVisible(bool visible)
{
    if (m_contoursVisible == visible)
        return;
    m_contoursVisible = visible;
    Q_EMIT contoursVisibleChanged(visible);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::setContourLevels(const QList<double>& levels)
{
    const QList<double> normalized = normalizedLevels(levels);
    if (m_contourLevels == normalized)
        return;
    m_contourLevels = normalized;
    Q_EMIT contourLevelsChanged(normalized);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::setRegionBoxesVisible(bool visible)
{
    if (m_regionBoxesVisible == visible)
        return;
    m_regionBoxesVisible = visible;
    Q_EMIT regionBoxesVisibleChanged(visible);
    if (!m_loading)
        Q_EMIT changed();
}

void OverlaySettings::reset()
{
    const OverlaySettings defaults;
    m_loading = true;
    setVisible(defaults.isVisible());
    setOpacity(defaults.opacity());
    setColormap(defaults.colormap());
    setThreshold(defaults.threshold());
    setUsesModelThreshold(defaults.usesModelThreshold());
    setContoursVisible(defaults.contoursVisible());
    setContourLevels(defaults.contourLevels());
    setRegionBoxesVisible(defaults.regionBoxesVisible());
    m_loading = false;
    Q_EMIT changed();
}

void OverlaySettings::load(QSettings& settings, const QString& group)
{
    settings.beginGroup(group);
    m_loading = true;
    // Each value is validated through its setter: a hand-edited or stale settings file never yields a bad state.
    auto readDouble = [&](const QString& key, double fallback) {
        bool ok = false;
        const double value = settings.value(key, fallback).toDouble(&ok);
        return ok ? value : fallback;
    };
    setVisible(settings.value(QStringLiteral("visible"), m_visible).toBool());
    setOpacity(readDouble(QStringLiteral("opacity"), m_opacity));
    setColormap(settings.value(QStringLiteral("colormap"), m_colormap).toString());
    setThreshold(readDouble(QStringLiteral("threshold"), m_threshold));
    setUsesModelThreshold(settings.value(QStringLiteral("modelThreshold"), m_modelThreshold).toBool());
    setContoursVisible(settings.value(QStringLiteral("contoursVisible"), m_contoursVisible).toBool());
    if (settings.contains(QStringLiteral("contourLevels"))) {
        QList<double> levels;
        const QStringList stored = settings.value(QStringLiteral("contourLevels")).toStringList();
        bool allValid = true;
        for (const QString& text : stored) {
            bool ok = false;
            const double level = text.toDouble(&ok);
            allValid = allValid && ok;
            levels.append(level);
        }
        if (allValid)
            setContourLevels(levels);
    }
    setRegionBoxesVisible(settings.value(QStringLiteral("regionBoxesVisible"), m_regionBoxesVisible).toBool());
    m_loading = false;
    settings.endGroup();
    Q_EMIT changed();
}

void OverlaySettings::save(QSettings& settings, const QString& group) const
{
    settings.beginGroup(group);
    settings.setValue(QStringLiteral("visible"), m_visible);
    settings.setValue(QStringLiteral("opacity"), m_opacity);
    settings.setValue(QStringLiteral("colormap"), m_colormap);
    settings.setValue(QStringLiteral("threshold"), m_threshold);
    settings.setValue(QStringLiteral("modelThreshold"), m_modelThreshold);
    settings.setValue(QStringLiteral("contoursVisible"), m_contoursVisible);
    // Stored as text so that INI files stay readable and portable (no @Variant blobs).
    QStringList levels;
    for (const double level : m_contourLevels)
        levels.append(QString::number(level, 'g', 10));
    settings.setValue(QStringLiteral("contourLevels"), levels);
    settings.setValue(QStringLiteral("regionBoxesVisible"), m_regionBoxesVisible);
    settings.endGroup();
}

} // namespace lrclr
