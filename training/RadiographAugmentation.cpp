#include "training/RadiographAugmentation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "training/DeterministicRandom.h"

namespace lrclr {

namespace {

// Replacement keeping the case pattern of the original word: "RIGHT" -> "LEFT", "Right" -> "Left".
std::string withCaseOf(const std::string& original, const std::string& replacement)
{
    const bool allUpper
        = std::all_of(original.begin(), original.end(), [](unsigned char c) { return std::isupper(c); });
    std::string result = replacement;
    if (allUpper && original.size() > 1) {
        std::transform(result.begin(), result.end(), result.begin(),
            [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    } else if (std::isupper(static_cast<unsigned char>(original[0]))) {
        result[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(result[0])));
    }
    return result;
}

} // namespace

namespace {

// Replaces whole alphabetic words found in `swaps` (keys lower case), keeping each word's case pattern.
std::string swapWords(const std::string& text, const std::map<std::string, std::string>& swaps)
{
    std::string result;
    result.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (!std::isalpha(static_cast<unsigned char>(text[i]))) {
            result += text[i++];
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])))
            ++end;
        const std::string word = text.substr(i, end - i);
        std::string lower = word;
        std::transform(lower.begin(), lower.end(), lower.begin(),
            [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto swap = swaps.find(lower);
        result += swap == swaps.end() ? word : withCaseOf(word, swap->second);
        i = end;
    }
    return result;
}

} // namespace

std::string RadiographAugmentation::swapSides(const std::string& text)
{
    static const std::map<std::string, std::string> swaps { { "right", "left" }, { "left", "right" }, { "rul", "lul" },
        { "lul", "rul" }, { "rll", "lll" }, { "lll", "rll" } };
    return swapWords(text, swaps);
}

std::string RadiographAugmentation::swapLevels(const std::string& text)
{
    static const std::map<std::string, std::string> swaps { { "upper", "lower" }, { "lower", "upper" },
        { "apex", "base" }, { "base", "apex" }, { "apices", "bases" }, { "bases", "apices" }, { "apical", "basal" },
        { "basal", "apical" }, { "basilar", "apical" }, { "superior", "inferior" }, { "inferior", "superior" },
        { "rul", "rll" }, { "rll", "rul" }, { "lul", "lll" }, { "lll", "lul" } };
    return swapWords(text, swaps);
}

std::string RadiographAugmentation::locationSwapped(const std::string& text)
{
    if (auto sides = swapSides(text); sides != text)
        return sides;
    if (auto levels = swapLevels(text); levels != text)
        return levels;
    return {};
}

RadiographAugmentation::Sample RadiographAugmentation::flipped(const Sample& sample)
{
    Sample result = sample;
    const int width = sample.image.width;
    for (int y = 0; y < sample.image.height; ++y)
        for (int x = 0; x < width; ++x)
            result.image.pixels[static_cast<std::size_t>(y) * width + x]
                = sample.image.pixels[static_cast<std::size_t>(y) * width + (width - 1 - x)];
    for (auto& sentence : result.sentences)
        sentence = swapSides(sentence);
    for (auto& boxes : result.boxes)
        for (auto& box : boxes)
            box.x = width - box.x - box.width;
    return result;
}

RadiographAugmentation::Sample RadiographAugmentation::apply(
    const Sample& sample, const Options& options, DeterministicRandom& random)
{
    Sample result = random.chance(options.flipProbability) ? flipped(sample) : sample;
    const double contrast = 1.0 + random.uniform(-options.contrast, options.contrast);
    const double brightness = random.uniform(-options.brightness, options.brightness);
    const double gamma = 1.0 + random.uniform(-options.gamma, options.gamma);
    for (float& pixel : result.image.pixels) {
        const double normalised = std::clamp(static_cast<double>(pixel) / 255.0, 0.0, 1.0);
        const double value = 255.0 * std::pow(normalised, gamma);
        pixel = static_cast<float>(std::clamp((value - 127.5) * contrast + 127.5 + brightness, 0.0, 255.0));
    }
    return result;
}

} // namespace lrclr
