#include "app/cli/TrainBpeCommand.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "core/model/ClipTokenizer.h"
#include "training/BpeTrainer.h"
#include "training/DatasetManifest.h"

namespace lrclr::cli {

namespace {

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

int TrainBpeCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr train-bpe --corpus FILES... --merges N --out merges.txt.gz");
    options.add_options()("help,h", "show this help")("corpus", po::value<std::vector<std::string>>()->multitoken(),
        "report text files, or dataset manifests (.jsonl: their reports are read)")(
        "merges", po::value<int>()->default_value(2000), "number of merges to learn (fewer if the corpus runs out)")(
        "min-frequency", po::value<int>()->default_value(2), "a pair must occur this often to be merged")(
        "out", po::value<std::string>(), "merges file to write (.gz: gzip-compressed, as CLIP ships it)");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
    } catch (const po::error& error) {
        std::cerr << "lrclr train-bpe: " << error.what() << "\n" << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    if (!values.count("corpus") || !values.count("out") || values["merges"].as<int>() < 1) {
        std::cerr << "lrclr train-bpe: --corpus FILES..., --merges N (> 0) and --out FILE are required\n" << options;
        return 2;
    }
    try {
        BpeTrainer trainer;
        std::size_t documents = 0;
        for (const auto& path : values["corpus"].as<std::vector<std::string>>()) {
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
        const auto merges = trainer.train(values["merges"].as<int>(), values["min-frequency"].as<int>());
        const auto out = values["out"].as<std::string>();
        BpeTrainer::write(out, merges);
        // Read back with the tokenizer the models use, so a file that loads is what we report.
        const ClipTokenizer tokenizer(out);
        std::cout << "learned " << merges.size() << " merges from " << documents << " documents ("
                  << trainer.wordCount() << " distinct words)\n"
                  << "wrote " << out << ": vocabulary " << tokenizer.vocabularySize()
                  << " tokens (512 bytes + merges + 2 special); use it as the model's vocab_size\n";
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr train-bpe: " << error.what() << "\n";
        return 1;
    }
}

} // namespace lrclr::cli
