#include "training/internal/TrainingOptimizer.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/common/AtomicFile.h"
#include "training/internal/TrainingRun.h"

namespace lrclr::internal {

namespace {

std::unique_ptr<torch::optim::AdamWOptions> adamWOptions(double learningRate, double weightDecay)
{
    auto options = std::make_unique<torch::optim::AdamWOptions>(learningRate);
    options->betas({ 0.9, 0.98 }).eps(1e-6).weight_decay(weightDecay);
    return options;
}

} // namespace

TrainingOptimizer::TrainingOptimizer(TrainingRun& run)
    : m_run(run)
{
    std::vector<torch::Tensor> decayed;
    std::vector<torch::Tensor> undecayed;
    std::vector<torch::Tensor> newLayers; // lrclr.*: full learning rate, no decay
    chooseParameters(decayed, undecayed, newLayers);
    run.logitScale = run.parameter("logit_scale");
    run.attentionScale = run.parameter("lrclr.interaction.logit_scale");
    if (run.group && run.options.resumeDirectory.empty()) {
        auto all = run.network->module().parameters(true);
        torch::NoGradGuard noGrad;
        run.group->broadcast(all, 0);
    }
    createOptimizer(std::move(decayed), std::move(undecayed), std::move(newLayers));
    if (!run.options.resumeDirectory.empty())
        torch::load(*m_optimizer, (std::filesystem::path(run.options.resumeDirectory) / "optimizer.pt").string());
}

void TrainingOptimizer::chooseParameters(
    std::vector<torch::Tensor>& decayed, std::vector<torch::Tensor>& undecayed, std::vector<torch::Tensor>& newLayers)
{
    const auto& options = m_run.options;
    for (auto& item : m_run.network->module().named_parameters(true)) {
        const auto& name = item.key();
        auto& parameter = item.value();
        const bool isLrclr = name.rfind("lrclr.", 0) == 0;
        if (options.freezeBackbone && !isLrclr) {
            parameter.set_requires_grad(false);
            continue;
        }
        parameter.set_requires_grad(true);
        m_trainable.push_back(parameter);
        const bool usedAfterGather = name == "logit_scale" || name.rfind("lrclr.interaction.", 0) == 0;
        (usedAfterGather ? m_afterGather : m_beforeGather).push_back(parameter);
        const bool embedding = name.find("embedding") != std::string::npos;
        if (isLrclr && options.backboneLearningRateScale != 1.0)
            newLayers.push_back(parameter);
        else if (parameter.dim() >= 2 && !isLrclr && !embedding)
            decayed.push_back(parameter);
        else
            undecayed.push_back(parameter);
    }
}

void TrainingOptimizer::createOptimizer(
    std::vector<torch::Tensor> decayed, std::vector<torch::Tensor> undecayed, std::vector<torch::Tensor> newLayers)
{
    const auto& options = m_run.options;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!decayed.empty())
        groups.emplace_back(decayed, adamWOptions(options.learningRate, options.weightDecay));
    if (!undecayed.empty())
        groups.emplace_back(undecayed, adamWOptions(options.learningRate, 0.0));
    // The backbone's share scaled, the new layers' (last group) full.
    m_rateShares.assign(groups.size(), options.freezeBackbone ? 1.0 : options.backboneLearningRateScale);
    if (!newLayers.empty()) {
        groups.emplace_back(newLayers, adamWOptions(options.learningRate, 0.0));
        m_rateShares.push_back(1.0);
    }
    m_optimizer = std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(options.learningRate));
}

void TrainingOptimizer::beginStep(double rate)
{
    auto& groups = m_optimizer->param_groups();
    for (std::size_t g = 0; g < groups.size(); ++g)
        static_cast<torch::optim::AdamWOptions&>(groups[g].options()).lr(rate * m_rateShares[g]);
    m_optimizer->zero_grad();
}

void TrainingOptimizer::finishStep(torch::Tensor& loss)
{
    if (loss.requires_grad())
        loss.backward();
    if (m_run.group) {
        m_run.group->sumGradients(m_beforeGather);
        m_run.group->averageGradients(m_afterGather);
    }
    if (m_run.options.gradientClip > 0)
        torch::nn::utils::clip_grad_norm_(m_trainable, m_run.options.gradientClip);
    m_optimizer->step();
    torch::NoGradGuard noGrad;
    m_run.logitScale.clamp_(0.0, std::log(maximumLogitScale));
    m_run.attentionScale.clamp_(0.0, std::log(maximumLogitScale));
}

void TrainingOptimizer::save(const std::string& path)
{
    // Serialised in memory, then written atomically: torch::save to a path aborts the process on a full disk (its
    // archive writer throws from its destructor) and leaves a truncated file under the name.
    std::ostringstream bytes;
    torch::save(*m_optimizer, bytes);
    AtomicFile::writeOrThrow(QString::fromStdString(path), bytes.str());
}

} // namespace lrclr::internal
