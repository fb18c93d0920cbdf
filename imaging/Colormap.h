#pragma once

#include <array>
#include <optional>
#include <vector>

#include <QColor>
#include <QImage>
#include <QSize>
#include <QString>

#include "imaging/ScalarImage.h"

namespace lrclr {

/// A colour lookup table for heatmaps: the perceptual viridis, inferno, magma and plasma (matplotlib, van der Walt &
/// Smith, CC0), Google's turbo (Mikhailov 2019, Apache-2.0), matplotlib's jet and hot, and gray. Built once per map
/// with VTK's vtkColorTransferFunction from the published colours (every 8th entry of the 256-entry tables, so entries
/// 0, 8, ..., 248, 255 are exact and the rest within 2/255), then used as a 256-entry QRgb table.
/// Immutable after construction: thread-safe to read.
class Colormap {
public:
    enum class Name { Viridis, Inferno, Magma, Plasma, Turbo, Jet, Hot, Gray };

    explicit Colormap(Name name = Name::Viridis);

    Name name() const { return m_name; }
    static std::vector<Name> all();
    /// Name shown to users and stored in settings (OverlaySettings::availableColormaps() uses the same keys).
    static QString key(Name name);
    static std::optional<Name> fromKey(const QString& key);

    /// Colour at t in [0, 1] (clamped; NaN gives the low end), from the 256-entry table.
    QRgb color(double t) const;
    const std::array<QRgb, 256>& table() const { return m_table; }

    /// Colours `map` into ARGB32 (premultiplied), scaling [minimum, maximum] onto the table; samples that are NaN
    /// or below `threshold` are transparent. Opacity is left to the painter so an opacity slider needs no
    /// re-colouring.
    QImage colorize(const ScalarImage& map, double minimum, double maximum, double threshold) const;

    /// A plain colour bar (low end at the bottom for Qt::Vertical, at the left for Qt::Horizontal).
    QImage colorBar(QSize size, Qt::Orientation orientation) const;

    /// A legend for the viewport and exported snapshots: a vertical colour bar with tick labels for the score
    /// scale [minimum, maximum], a title, and the threshold marked, on a translucent dark background.
    QImage legend(QSize size, double minimum, double maximum, const QString& title,
        std::optional<double> threshold = std::nullopt) const;

private:
    Name m_name;
    std::array<QRgb, 256> m_table {};
};

} // namespace lrclr
