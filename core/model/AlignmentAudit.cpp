#include "core/model/AlignmentAudit.h"

#include <algorithm>

namespace lrclr {

namespace {

int sentenceCount(const AnalysisResult& result)
{
    return static_cast<int>(result.sentences.size());
}

int regionCount(const AnalysisResult& result)
{
    return static_cast<int>(result.regions.size());
}

/// `indexes` ordered by `weightOf`, strongest first; ties keep their order.
template<typename WeightOf> void sortStrongestFirst(std::vector<int>& indexes, WeightOf weightOf)
{
    std::stable_sort(indexes.begin(), indexes.end(), [&weightOf](int a, int b) { return weightOf(a) > weightOf(b); });
}

} // namespace

float AlignmentAudit::weight(const AnalysisResult& result, int sentence, int region)
{
    if (sentence < 0 || sentence >= sentenceCount(result) || region < 0 || region >= regionCount(result))
        return 0.0f;
    const auto& weights = result.sentences[static_cast<std::size_t>(sentence)].regionWeights;
    return static_cast<std::size_t>(region) < weights.size() ? weights[static_cast<std::size_t>(region)] : 0.0f;
}

std::vector<int> AlignmentAudit::supportingRegions(const AnalysisResult& result, int sentence, double threshold)
{
    std::vector<int> regions;
    for (int region = 0; region < regionCount(result); ++region)
        if (weight(result, sentence, region) >= threshold)
            regions.push_back(region);
    sortStrongestFirst(regions, [&](int region) { return weight(result, sentence, region); });
    return regions;
}

std::vector<int> AlignmentAudit::explainingSentences(const AnalysisResult& result, int region, double threshold)
{
    std::vector<int> sentences;
    for (int sentence = 0; sentence < sentenceCount(result); ++sentence)
        if (weight(result, sentence, region) >= threshold)
            sentences.push_back(sentence);
    sortStrongestFirst(sentences, [&](int sentence) { return weight(result, sentence, region); });
    return sentences;
}

std::vector<int> AlignmentAudit::unsupportedSentences(const AnalysisResult& result, double threshold)
{
    std::vector<int> sentences;
    for (int sentence = 0; sentence < sentenceCount(result); ++sentence)
        if (supportingRegions(result, sentence, threshold).empty())
            sentences.push_back(sentence);
    return sentences;
}

std::vector<int> AlignmentAudit::unexplainedRegions(const AnalysisResult& result, double threshold)
{
    std::vector<int> regions;
    for (int region = 0; region < regionCount(result); ++region)
        if (explainingSentences(result, region, threshold).empty())
            regions.push_back(region);
    return regions;
}

} // namespace lrclr
