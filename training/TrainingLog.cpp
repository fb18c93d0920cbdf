#include "training/TrainingLog.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lrclr {

namespace {

using Json = nlohmann::json;

Json metric(double value)
{
    return value < 0 ? Json(nullptr) : Json(value);
}

double metricFrom(const Json& value)
{
    return value.is_null() ? -1.0 : value.get<double>();
}

void writeAtomically(const std::string& path, const std::string& text)
{
    const std::string temporary = path + ".partial";
    {
        std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
        stream << text;
        if (!stream.flush())
            throw std::runtime_error(path + ": cannot write the training log");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
        throw std::runtime_error(path + ": cannot write the training log: " + error.message());
}

} // namespace

void TrainingLog::addStep(int step, double epoch, double loss, double globalLoss, double localLoss, double boxLoss,
    double learningRate, double imagesPerSecond, double elapsedSeconds)
{
    m_steps.push_back(
        { step, epoch, loss, globalLoss, localLoss, boxLoss, learningRate, imagesPerSecond, elapsedSeconds });
}

void TrainingLog::addValidation(
    int step, double loss, double pointingGameSimilarity, double pointingGameAttention, double meanAuc)
{
    m_validations.push_back({ step, loss, pointingGameSimilarity, pointingGameAttention, meanAuc });
}

void TrainingLog::setSummary(const std::string& json)
{
    m_summary = json;
}

std::string TrainingLog::toJson() const
{
    Json steps = Json::array();
    for (const auto& row : m_steps) {
        steps.push_back(
            { { "step", row.step }, { "epoch", row.epoch }, { "loss", row.loss }, { "global_loss", row.globalLoss },
                { "local_loss", row.localLoss }, { "box_loss", row.boxLoss }, { "learning_rate", row.learningRate },
                { "images_per_second", row.imagesPerSecond }, { "elapsed_seconds", row.elapsedSeconds } });
    }
    Json validations = Json::array();
    for (const auto& row : m_validations) {
        validations.push_back({ { "step", row.step }, { "loss", metric(row.loss) },
            { "pointing_game_similarity", metric(row.pointingGameSimilarity) },
            { "pointing_game_attention", metric(row.pointingGameAttention) }, { "mean_auc", metric(row.meanAuc) } });
    }
    Json summary = Json::parse(m_summary, nullptr, false);
    if (summary.is_discarded())
        summary = Json::object();
    return Json { { "summary", summary }, { "steps", steps }, { "validation", validations } }.dump(1);
}

TrainingLog TrainingLog::fromJson(const std::string& text)
{
    const auto json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw std::runtime_error("training log: not a JSON object");
    TrainingLog log;
    try {
        for (const auto& row : json.at("steps")) {
            log.addStep(row.at("step").get<int>(), row.at("epoch").get<double>(), row.at("loss").get<double>(),
                row.at("global_loss").get<double>(), row.at("local_loss").get<double>(),
                row.at("box_loss").get<double>(), row.at("learning_rate").get<double>(),
                row.at("images_per_second").get<double>(), row.at("elapsed_seconds").get<double>());
        }
        for (const auto& row : json.at("validation")) {
            log.addValidation(row.at("step").get<int>(), metricFrom(row.at("loss")),
                metricFrom(row.at("pointing_game_similarity")), metricFrom(row.at("pointing_game_attention")),
                metricFrom(row.at("mean_auc")));
        }
        if (json.contains("summary"))
            log.m_summary = json.at("summary").dump();
    } catch (const Json::exception& error) {
        throw std::runtime_error(std::string("training log: ") + error.what());
    }
    return log;
}

void TrainingLog::write(const std::string& csvPath, const std::string& jsonPath) const
{
    std::map<int, const ValidationRow*> validationAt;
    for (const auto& row : m_validations)
        validationAt[row.step] = &row;
    std::ostringstream csv;
    csv.precision(7);
    csv << "step,epoch,loss,global_loss,local_loss,box_loss,learning_rate,images_per_second,elapsed_seconds,"
           "validation_loss,validation_pointing_game_similarity,validation_pointing_game_attention,"
           "validation_mean_auc\n";
    const auto optional = [](double value) { return value < 0 ? std::string() : std::to_string(value); };
    for (const auto& row : m_steps) {
        csv << row.step << ',' << row.epoch << ',' << row.loss << ',' << row.globalLoss << ',' << row.localLoss << ','
            << row.boxLoss << ',' << row.learningRate << ',' << row.imagesPerSecond << ',' << row.elapsedSeconds;
        const auto found = validationAt.find(row.step);
        if (found != validationAt.end()) {
            const auto& validation = *found->second;
            csv << ',' << optional(validation.loss) << ',' << optional(validation.pointingGameSimilarity) << ','
                << optional(validation.pointingGameAttention) << ',' << optional(validation.meanAuc) << '\n';
        } else {
            csv << ",,,,\n";
        }
    }
    writeAtomically(csvPath, csv.str());
    writeAtomically(jsonPath, toJson() + "\n");
}

} // namespace lrclr
