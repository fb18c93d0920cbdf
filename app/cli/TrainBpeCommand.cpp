#include "app/cli/TrainBpeCommand.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "core/model/ClipTokenizer.h"
#include "training/BpeTrainer.h"
#include "training/DatasetManifest.h"

namespace lrclr::cli {

namespace {

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Adds each corpus file's text to `trainer`: a manifest's reports, or a text file as one document; returns the number
/// of documents.
std::size_t addCorpus(BpeTrainer& trainer, const std::vector<std::string>& paths)
{
    std::size_t documents = 0;
    for (const auto& path : paths) {
        if (endsWith(path, ".jsonl")) {
            const auto manifest = DatasetManifest::load(path);
            for (const auto& entry : manifest.entries()) {
                if (entry.report.empty() && entry.reportText.empty())
                    continue;
                trainer.addText(manifest.reportText(entry));
                ++documents;
            }
        } else {
            std::ifstream stream(path, std::ios::binary);
            if (!stream)
                throw std::runtime_error(path + ": cannot open");
            std::ostringstream text;
            text << stream.rdbuf();
            trainer.addText(text.str());
            ++documents;
        }
    }
    return documents;
}

} // namespace

TrainBpeCommand::TrainBpeCommand()
    : Command("train-bpe", std::string(modelCommandSummary("train-bpe")))
{
}

int TrainBpeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr train-bpe --corpus FILES... --merges N --out merges.txt.gz");
    options.add()("corpus", po::value<std::vector<std::string>>()->multitoken(),
        "report text files, or dataset manifests (.jsonl: their reports are read)")(
        "merges", po::value<int>()->default_value(2000), "number of merges to learn (fewer if the corpus runs out)")(
        "min-frequency", po::value<int>()->default_value(2), "a pair must occur this often to be merged")(
        "out", po::value<std::string>(), "merges file to write (.gz: gzip-compressed, as CLIP ships it)");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("corpus") || !options.has("out") || options.value<int>("merges") < 1)
        return options.usageError("--corpus FILES..., --merges N (> 0) and --out FILE are required");
    BpeTrainer trainer;
    const std::size_t documents = addCorpus(trainer, options.value<std::vector<std::string>>("corpus"));
    const auto merges = trainer.train(options.value<int>("merges"), options.value<int>("min-frequency"));
    const auto out = options.value<std::string>("out");
    BpeTrainer::write(out, merges);
    // Read back with the tokenizer the models use, so a file that loads is what we report.
    const ClipTokenizer tokenizer(out);
    std::cout << "learned " << merges.size() << " merges from " << documents << " documents (" << trainer.wordCount()
              << " distinct words)\n"
              << "wrote " << out << ": vocabulary " << tokenizer.vocabularySize()
              << " tokens (512 bytes + merges + 2 special); use it as the model's vocab_size\n";
    return 0;
}

} // namespace lrclr::cli
