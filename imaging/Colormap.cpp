#include "imaging/Colormap.h"

#include <algorithm>
#include <cmath>

#include <QFont>
#include <QFontMetrics>
#include <QPainter>

#include <vtkColorTransferFunction.h>
#include <vtkNew.h>

namespace lrclr {

namespace {

struct ControlPoint {
    double x;
    double red;
    double green;
    double blue;
};

// Published colours. viridis and inferno: matplotlib's _cm_listed.py (Stefan van der Walt and Nathaniel Smith, CC0).
// turbo: Anton Mikhailov's turbo_colormap_data (Google, Apache-2.0). magma and plasma: the same matplotlib maps as
// 8-bit colours (d3-scale-chromatic, ISC).
// viridis: entries 0, 8, ..., 248, 255 of the published 256-entry table
constexpr ControlPoint kViridis[] = {
    { 0.000000, 0.267004, 0.004874, 0.329415 },
    { 0.031373, 0.277018, 0.050344, 0.375715 },
    { 0.062745, 0.282327, 0.094955, 0.417331 },
    { 0.094118, 0.282884, 0.135920, 0.453427 },
    { 0.125490, 0.278826, 0.175490, 0.483397 },
    { 0.156863, 0.270595, 0.214069, 0.507052 },
    { 0.188235, 0.258965, 0.251537, 0.524736 },
    { 0.219608, 0.244972, 0.287675, 0.537260 },
    { 0.250980, 0.229739, 0.322361, 0.545706 },
    { 0.282353, 0.214298, 0.355619, 0.551184 },
    { 0.313725, 0.199430, 0.387607, 0.554642 },
    { 0.345098, 0.185556, 0.418570, 0.556753 },
    { 0.376471, 0.172719, 0.448791, 0.557885 },
    { 0.407843, 0.160665, 0.478540, 0.558115 },
    { 0.439216, 0.149039, 0.508051, 0.557250 },
    { 0.470588, 0.137770, 0.537492, 0.554906 },
    { 0.501961, 0.127568, 0.566949, 0.550556 },
    { 0.533333, 0.120565, 0.596422, 0.543611 },
    { 0.564706, 0.120638, 0.625828, 0.533488 },
    { 0.596078, 0.132268, 0.655014, 0.519661 },
    { 0.627451, 0.157851, 0.683765, 0.501686 },
    { 0.658824, 0.196571, 0.711827, 0.479221 },
    { 0.690196, 0.246070, 0.738910, 0.452024 },
    { 0.721569, 0.304148, 0.764704, 0.419943 },
    { 0.752941, 0.369214, 0.788888, 0.382914 },
    { 0.784314, 0.440137, 0.811138, 0.340967 },
    { 0.815686, 0.515992, 0.831158, 0.294279 },
    { 0.847059, 0.595839, 0.848717, 0.243329 },
    { 0.878431, 0.678489, 0.863742, 0.189503 },
    { 0.909804, 0.762373, 0.876424, 0.137064 },
    { 0.941176, 0.845561, 0.887322, 0.099702 },
    { 0.972549, 0.926106, 0.897330, 0.104071 },
    { 1.000000, 0.993248, 0.906157, 0.143936 },
};

// inferno: entries 0, 8, ..., 248, 255 of the published 256-entry table
constexpr ControlPoint kInferno[] = {
    { 0.000000, 0.001462, 0.000466, 0.013866 },
    { 0.031373, 0.013995, 0.011225, 0.071862 },
    { 0.062745, 0.042253, 0.028139, 0.141141 },
    { 0.094118, 0.081962, 0.043328, 0.215289 },
    { 0.125490, 0.129285, 0.047293, 0.290788 },
    { 0.156863, 0.183429, 0.040329, 0.354971 },
    { 0.188235, 0.238273, 0.036621, 0.396353 },
    { 0.219608, 0.290763, 0.045644, 0.418637 },
    { 0.250980, 0.341500, 0.062325, 0.429425 },
    { 0.282353, 0.391453, 0.080927, 0.433109 },
    { 0.313725, 0.441207, 0.099338, 0.431594 },
    { 0.345098, 0.491022, 0.117179, 0.425552 },
    { 0.376471, 0.540920, 0.134729, 0.415123 },
    { 0.407843, 0.590734, 0.152563, 0.400290 },
    { 0.439216, 0.640135, 0.171438, 0.381065 },
    { 0.470588, 0.688653, 0.192239, 0.357603 },
    { 0.501961, 0.735683, 0.215906, 0.330245 },
    { 0.533333, 0.780517, 0.243327, 0.299523 },
    { 0.564706, 0.822386, 0.275197, 0.266085 },
    { 0.596078, 0.860533, 0.311892, 0.230606 },
    { 0.627451, 0.894305, 0.353399, 0.193584 },
    { 0.658824, 0.923215, 0.399359, 0.155193 },
    { 0.690196, 0.946965, 0.449191, 0.115272 },
    { 0.721569, 0.965397, 0.502249, 0.073859 },
    { 0.752941, 0.978422, 0.557937, 0.034931 },
    { 0.784314, 0.985952, 0.615750, 0.025592 },
    { 0.815686, 0.987874, 0.675267, 0.065257 },
    { 0.847059, 0.984075, 0.736087, 0.129527 },
    { 0.878431, 0.974638, 0.797692, 0.206332 },
    { 0.909804, 0.960626, 0.859069, 0.298010 },
    { 0.941176, 0.947594, 0.917399, 0.410665 },
    { 0.972549, 0.954529, 0.965896, 0.540361 },
    { 1.000000, 0.988362, 0.998364, 0.644924 },
};

// turbo: entries 0, 8, ..., 248, 255 of the published 256-entry table
constexpr ControlPoint kTurbo[] = {
    { 0.000000, 0.189950, 0.071760, 0.232170 },
    { 0.031373, 0.225000, 0.163540, 0.450960 },
    { 0.062745, 0.251070, 0.252370, 0.633740 },
    { 0.094118, 0.268160, 0.338250, 0.780500 },
    { 0.125490, 0.276280, 0.421180, 0.891230 },
    { 0.156863, 0.275430, 0.501150, 0.965940 },
    { 0.188235, 0.258620, 0.579580, 0.998760 },
    { 0.219608, 0.213820, 0.658860, 0.979590 },
    { 0.250980, 0.158440, 0.735510, 0.923050 },
    { 0.282353, 0.111670, 0.805690, 0.845250 },
    { 0.313725, 0.092670, 0.865540, 0.762300 },
    { 0.345098, 0.120140, 0.911930, 0.686600 },
    { 0.376471, 0.196590, 0.949010, 0.594660 },
    { 0.407843, 0.305130, 0.976970, 0.489870 },
    { 0.439216, 0.427780, 0.994190, 0.385750 },
    { 0.470588, 0.546580, 0.999070, 0.295810 },
    { 0.501961, 0.643620, 0.989990, 0.233560 },
    { 0.533333, 0.725960, 0.964700, 0.206400 },
    { 0.564706, 0.804730, 0.924520, 0.204590 },
    { 0.596078, 0.875300, 0.872670, 0.215550 },
    { 0.627451, 0.933010, 0.812360, 0.226670 },
    { 0.658824, 0.973230, 0.746820, 0.225360 },
    { 0.690196, 0.993140, 0.674080, 0.203480 },
    { 0.721569, 0.995930, 0.587030, 0.168990 },
    { 0.752941, 0.983600, 0.492910, 0.128490 },
    { 0.784314, 0.958010, 0.399580, 0.088310 },
    { 0.815686, 0.921050, 0.314890, 0.054750 },
    { 0.847059, 0.874220, 0.245260, 0.032970 },
    { 0.878431, 0.816080, 0.184620, 0.018090 },
    { 0.909804, 0.746170, 0.130980, 0.008510 },
    { 0.941176, 0.664490, 0.084360, 0.004240 },
    { 0.972549, 0.571030, 0.044740, 0.005290 },
    { 1.000000, 0.479600, 0.015830, 0.010550 },
};

// magma: entries 0, 8, ..., 248, 255 of the published 256-entry table (8-bit, d3-scale-chromatic)
constexpr ControlPoint kMagma[] = {
    { 0.000000, 0.000000, 0.000000, 0.015686 },
    { 0.031373, 0.011765, 0.011765, 0.070588 },
    { 0.062745, 0.039216, 0.031373, 0.133333 },
    { 0.094118, 0.074510, 0.050980, 0.203922 },
    { 0.125490, 0.113725, 0.066667, 0.278431 },
    { 0.156863, 0.160784, 0.066667, 0.352941 },
    { 0.188235, 0.211765, 0.062745, 0.419608 },
    { 0.219608, 0.266667, 0.058824, 0.462745 },
    { 0.250980, 0.317647, 0.070588, 0.486275 },
    { 0.282353, 0.364706, 0.090196, 0.498039 },
    { 0.313725, 0.415686, 0.109804, 0.505882 },
    { 0.345098, 0.462745, 0.129412, 0.505882 },
    { 0.376471, 0.513725, 0.149020, 0.505882 },
    { 0.407843, 0.564706, 0.164706, 0.505882 },
    { 0.439216, 0.611765, 0.180392, 0.498039 },
    { 0.470588, 0.666667, 0.200000, 0.490196 },
    { 0.501961, 0.717647, 0.215686, 0.474510 },
    { 0.533333, 0.768627, 0.235294, 0.458824 },
    { 0.564706, 0.815686, 0.254902, 0.435294 },
    { 0.596078, 0.862745, 0.282353, 0.411765 },
    { 0.627451, 0.905882, 0.321569, 0.388235 },
    { 0.658824, 0.937255, 0.364706, 0.368627 },
    { 0.690196, 0.960784, 0.419608, 0.360784 },
    { 0.721569, 0.976471, 0.474510, 0.364706 },
    { 0.752941, 0.988235, 0.537255, 0.380392 },
    { 0.784314, 0.992157, 0.596078, 0.411765 },
    { 0.815686, 0.996078, 0.654902, 0.447059 },
    { 0.847059, 0.996078, 0.713725, 0.486275 },
    { 0.878431, 0.996078, 0.768627, 0.533333 },
    { 0.909804, 0.996078, 0.827451, 0.584314 },
    { 0.941176, 0.992157, 0.886275, 0.639216 },
    { 0.972549, 0.988235, 0.941176, 0.698039 },
    { 1.000000, 0.988235, 0.992157, 0.749020 },
};

// plasma: entries 0, 8, ..., 248, 255 of the published 256-entry table (8-bit, d3-scale-chromatic)
constexpr ControlPoint kPlasma[] = {
    { 0.000000, 0.050980, 0.031373, 0.529412 },
    { 0.031373, 0.133333, 0.023529, 0.564706 },
    { 0.062745, 0.192157, 0.019608, 0.592157 },
    { 0.094118, 0.247059, 0.015686, 0.611765 },
    { 0.125490, 0.298039, 0.007843, 0.631373 },
    { 0.156863, 0.349020, 0.003922, 0.647059 },
    { 0.188235, 0.400000, 0.000000, 0.654902 },
    { 0.219608, 0.447059, 0.003922, 0.658824 },
    { 0.250980, 0.494118, 0.011765, 0.658824 },
    { 0.282353, 0.541176, 0.035294, 0.647059 },
    { 0.313725, 0.584314, 0.066667, 0.631373 },
    { 0.345098, 0.627451, 0.101961, 0.611765 },
    { 0.376471, 0.666667, 0.137255, 0.584314 },
    { 0.407843, 0.701961, 0.172549, 0.556863 },
    { 0.439216, 0.737255, 0.207843, 0.529412 },
    { 0.470588, 0.768627, 0.243137, 0.498039 },
    { 0.501961, 0.800000, 0.278431, 0.470588 },
    { 0.533333, 0.827451, 0.317647, 0.443137 },
    { 0.564706, 0.854902, 0.352941, 0.415686 },
    { 0.596078, 0.878431, 0.388235, 0.388235 },
    { 0.627451, 0.901961, 0.423529, 0.360784 },
    { 0.658824, 0.921569, 0.462745, 0.333333 },
    { 0.690196, 0.941176, 0.501961, 0.305882 },
    { 0.721569, 0.960784, 0.545098, 0.278431 },
    { 0.752941, 0.972549, 0.584314, 0.250980 },
    { 0.784314, 0.984314, 0.631373, 0.223529 },
    { 0.815686, 0.992157, 0.674510, 0.200000 },
    { 0.847059, 0.996078, 0.721569, 0.172549 },
    { 0.878431, 0.992157, 0.772549, 0.152941 },
    { 0.909804, 0.988235, 0.823529, 0.145098 },
    { 0.941176, 0.972549, 0.874510, 0.145098 },
    { 0.972549, 0.956863, 0.929412, 0.152941 },
    { 1.000000, 0.941176, 0.976471, 0.129412 },
};

// matplotlib's jet is defined per channel as piecewise-linear segments (x, value).
struct Segment {
    double x;
    double value;
};
constexpr Segment kJetRed[] = { { 0.0, 0.0 }, { 0.35, 0.0 }, { 0.66, 1.0 }, { 0.89, 1.0 }, { 1.0, 0.5 } };
constexpr Segment kJetGreen[]
    = { { 0.0, 0.0 }, { 0.125, 0.0 }, { 0.375, 1.0 }, { 0.64, 1.0 }, { 0.91, 0.0 }, { 1.0, 0.0 } };
constexpr Segment kJetBlue[] = { { 0.0, 0.5 }, { 0.11, 1.0 }, { 0.34, 1.0 }, { 0.65, 0.0 }, { 1.0, 0.0 } };
// matplotlib's hot (black -> red -> yellow -> white).
constexpr Segment kHotRed[] = { { 0.0, 0.0416 }, { 0.365079, 1.0 }, { 1.0, 1.0 } };
constexpr Segment kHotGreen[] = { { 0.0, 0.0 }, { 0.365079, 0.0 }, { 0.746032, 1.0 }, { 1.0, 1.0 } };
constexpr Segment kHotBlue[] = { { 0.0, 0.0 }, { 0.746032, 0.0 }, { 1.0, 1.0 } };

template<std::size_t N> double piecewiseLinear(const Segment (&segments)[N], double x)
{
    for (std::size_t k = 1; k < N; ++k) {
        if (x <= segments[k].x) {
            const double span = segments[k].x - segments[k - 1].x;
            const double f = span > 0.0 ? (x - segments[k - 1].x) / span : 0.0;
            return segments[k - 1].value + f * (segments[k].value - segments[k - 1].value);
        }
    }
    return segments[N - 1].value;
}

template<std::size_t R, std::size_t G, std::size_t B>
std::vector<ControlPoint> segmentControlPoints(
    const Segment (&red)[R], const Segment (&green)[G], const Segment (&blue)[B])
{
    // Every channel is linear between the union of all channels' breakpoints, so sampling there is exact.
    std::vector<double> xs;
    for (const auto& s : red)
        xs.push_back(s.x);
    for (const auto& s : green)
        xs.push_back(s.x);
    for (const auto& s : blue)
        xs.push_back(s.x);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    std::vector<ControlPoint> points;
    for (const double x : xs)
        points.push_back({ x, piecewiseLinear(red, x), piecewiseLinear(green, x), piecewiseLinear(blue, x) });
    return points;
}

std::vector<ControlPoint> controlPoints(Colormap::Name name)
{
    switch (name) {
    case Colormap::Name::Viridis:
        return { std::begin(kViridis), std::end(kViridis) };
    case Colormap::Name::Inferno:
        return { std::begin(kInferno), std::end(kInferno) };
    case Colormap::Name::Turbo:
        return { std::begin(kTurbo), std::end(kTurbo) };
    case Colormap::Name::Magma:
        return { std::begin(kMagma), std::end(kMagma) };
    case Colormap::Name::Plasma:
        return { std::begin(kPlasma), std::end(kPlasma) };
    case Colormap::Name::Jet:
        return segmentControlPoints(kJetRed, kJetGreen, kJetBlue);
    case Colormap::Name::Hot:
        return segmentControlPoints(kHotRed, kHotGreen, kHotBlue);
    case Colormap::Name::Gray:
        break;
    }
    return { { 0.0, 0.0, 0.0, 0.0 }, { 1.0, 1.0, 1.0, 1.0 } };
}

int toByte(double value)
{
    return std::clamp(static_cast<int>(std::lround(value * 255.0)), 0, 255);
}

QString formatTick(double value, double span)
{
    const int decimals = span >= 10.0 ? 0 : (span >= 1.0 ? 1 : 2);
    return QString::number(value, 'f', decimals);
}

} // namespace

Colormap::Colormap(Name name)
    : m_name(name)
{
    vtkNew<vtkColorTransferFunction> transfer;
    transfer->SetColorSpaceToRGB();
    for (const auto& point : controlPoints(name))
        transfer->AddRGBPoint(point.x, point.red, point.green, point.blue);
    double rgb[3];
    for (int k = 0; k < 256; ++k) {
        transfer->GetColor(k / 255.0, rgb);
        m_table[static_cast<std::size_t>(k)] = qRgb(toByte(rgb[0]), toByte(rgb[1]), toByte(rgb[2]));
    }
}

std::vector<Colormap::Name> Colormap::all()
{
    return { Name::Viridis, Name::Inferno, Name::Magma, Name::Plasma, Name::Turbo, Name::Jet, Name::Hot, Name::Gray };
}

QString Colormap::key(Name name)
{
    switch (name) {
    case Name::Viridis:
        return QStringLiteral("viridis");
    case Name::Inferno:
        return QStringLiteral("inferno");
    case Name::Magma:
        return QStringLiteral("magma");
    case Name::Plasma:
        return QStringLiteral("plasma");
    case Name::Turbo:
        return QStringLiteral("turbo");
    case Name::Jet:
        return QStringLiteral("jet");
    case Name::Hot:
        return QStringLiteral("hot");
    case Name::Gray:
        return QStringLiteral("gray");
    }
    return QStringLiteral("viridis");
}

std::optional<Colormap::Name> Colormap::fromKey(const QString& key)
{
    for (const Name name : all()) {
        if (key.compare(Colormap::key(name), Qt::CaseInsensitive) == 0)
            return name;
    }
    return std::nullopt;
}

QRgb Colormap::color(double t) const
{
    if (!(t > 0.0))
        return m_table.front();
    if (t >= 1.0)
        return m_table.back();
    return m_table[static_cast<std::size_t>(std::lround(t * 255.0))];
}

QImage Colormap::colorize(const ScalarImage& map, double minimum, double maximum, double threshold) const
{
    if (!map.isValid())
        return {};
    QImage image(map.width, map.height, QImage::Format_ARGB32_Premultiplied);
    const double span = maximum > minimum ? maximum - minimum : 1.0;
    const float scale = static_cast<float>(255.0 / span);
    const float offset = static_cast<float>(minimum);
    const float cut = static_cast<float>(threshold);
    for (int y = 0; y < map.height; ++y) {
        const float* source = map.values.data() + static_cast<std::size_t>(y) * map.width;
        auto* target = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < map.width; ++x) {
            const float value = source[x];
            // NaN fails the comparison, so "no data" is transparent too.
            if (!(value >= cut)) {
                target[x] = 0;
                continue;
            }
            const int index = std::clamp(static_cast<int>((value - offset) * scale + 0.5f), 0, 255);
            target[x] = m_table[static_cast<std::size_t>(index)];
        }
    }
    return image;
}

QImage Colormap::colorBar(QSize size, Qt::Orientation orientation) const
{
    if (size.isEmpty())
        return {};
    QImage image(size, QImage::Format_RGB32);
    const int length = orientation == Qt::Vertical ? size.height() : size.width();
    for (int y = 0; y < size.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < size.width(); ++x) {
            const int position = orientation == Qt::Vertical ? size.height() - 1 - y : x;
            line[x] = color(length > 1 ? static_cast<double>(position) / (length - 1) : 0.0);
        }
    }
    return image;
}

QImage Colormap::legend(
    QSize size, double minimum, double maximum, const QString& title, std::optional<double> threshold) const
{
    if (size.width() < 24 || size.height() < 48)
        return {};
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(QColor(16, 18, 20, 200));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setPixelSize(std::clamp(size.height() / 18, 10, 14));
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const QColor text(225, 228, 232);

    const int margin = 6;
    const int titleHeight = title.isEmpty() ? 0 : metrics.height() + 4;
    const QRect bar(margin, margin + titleHeight + metrics.height() / 2, std::max(8, size.width() / 5),
        size.height() - 2 * margin - titleHeight - metrics.height());
    painter.setPen(text);
    if (!title.isEmpty())
        painter.drawText(QRect(margin, margin, size.width() - 2 * margin, metrics.height()), Qt::AlignLeft,
            metrics.elidedText(title, Qt::ElideRight, size.width() - 2 * margin));
    painter.drawImage(bar, colorBar(bar.size(), Qt::Vertical));
    painter.setPen(QPen(text, 1));
    painter.drawRect(bar.adjusted(0, 0, -1, -1));

    const double span = maximum > minimum ? maximum - minimum : 1.0;
    constexpr int ticks = 5;
    for (int k = 0; k < ticks; ++k) {
        const double value = minimum + span * k / (ticks - 1);
        const int y = bar.bottom() - static_cast<int>(std::lround((bar.height() - 1) * double(k) / (ticks - 1)));
        painter.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        painter.drawText(
            QRect(bar.right() + 7, y - metrics.height() / 2, size.width() - bar.right() - 8, metrics.height()),
            Qt::AlignLeft | Qt::AlignVCenter, formatTick(value, span));
    }
    if (threshold && *threshold > minimum && *threshold < maximum) {
        const int y = bar.bottom() - static_cast<int>(std::lround((bar.height() - 1) * (*threshold - minimum) / span));
        painter.setPen(QPen(QColor(255, 255, 255), 2));
        painter.drawLine(bar.left() - 3, y, bar.right() + 3, y);
    }
    return image;
}

} // namespace lrclr
