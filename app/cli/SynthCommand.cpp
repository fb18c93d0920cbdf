#include "app/cli/SynthCommand.h"

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "training/SynthesisJob.h"

namespace lrclr::cli {

int SynthCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options(
        "lrclr synth --count N --seed S --out DIR [--dicom] [--size 512] [--style training|external] [--randomize]\n"
        "Synthetic frontal chest radiograph phantoms. NOT patient data; for testing and demos only");
    int count = 16;
    std::uint64_t seed = 1;
    int size = 512;
    int threads = 0;
    double subtleFraction = 0.12;
    double normalFraction = 0.3;
    std::string output;
    std::string style = "training";
    std::vector<std::string> findings;
    options.add_options()("help,h", "show this help")("count,n", po::value(&count)->default_value(16),
        "number of images")("seed,s", po::value(&seed)->default_value(1),
        "seed (the output is a function of seed and index)")("out,o", po::value(&output), "output folder")(
        "dicom", "write DICOM CR (default: 16-bit PNG)")("size", po::value(&size)->default_value(512),
        "image width and height in pixels")("finding", po::value(&findings)->composing(),
        "give every image exactly this finding: kind[:side[:zone]], repeatable "
        "(e.g. \"pleural effusion:right\", \"nodule:left:upper\")")("subtle-fraction",
        po::value(&subtleFraction)->default_value(0.12),
        "share of findings drawn faintly and reported with hedging (uncertain labels)")("normal-fraction",
        po::value(&normalFraction)->default_value(0.3),
        "share of studies without pathology (when --finding is not given)")(
        "threads", po::value(&threads)->default_value(0), "worker threads (0 = one per core)")("style",
        po::value(&style)->default_value("training"),
        "training: the phantoms models are trained on; external: a differently drawn and phrased set (random "
        "700-1300 x 800-1400 sizes, own reports, split \"test\") for evaluation only, never for training")("randomize",
        "domain randomisation of the training style (size, placement, exposure, detector, bit depth, "
        "MONOCHROME1, collimation, wider report phrasing)")(
        "benchmark", "generate in memory only and report images/s (no files)")("quiet,q", "no progress bar");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(options).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "lrclr synth: " << error.what() << "\n" << options;
        return 2;
    }
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }
    const bool benchmark = values.count("benchmark") > 0;
    if (output.empty() && !benchmark) {
        std::cerr << "lrclr synth: --out is required\n";
        return 2;
    }
    try {
        SynthesisJob::Options jobOptions;
        jobOptions.count = count;
        jobOptions.seed = seed;
        jobOptions.outputDirectory = output;
        jobOptions.format = values.count("dicom") ? SynthesisJob::Format::Dicom : SynthesisJob::Format::Png;
        jobOptions.style = SynthesisJob::parseStyle(style);
        jobOptions.generator.size = size;
        jobOptions.generator.domainRandomization = values.count("randomize") > 0;
        jobOptions.generator.subtleFraction = subtleFraction;
        jobOptions.generator.normalFraction = normalFraction;
        for (const auto& finding : findings)
            jobOptions.generator.findings.push_back(PhantomGenerator::parseRequest(finding));
        jobOptions.threads = threads;
        jobOptions.writeFiles = !benchmark;
        const bool quiet = values.count("quiet") > 0;
        const SynthesisJob job(jobOptions);
        const auto summary = job.run([quiet](int done, int total) {
            if (quiet)
                return;
            const int width = 30;
            const int filled = total > 0 ? done * width / total : width;
            std::fprintf(stderr, "\r[%s%s] %d/%d", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done, total);
            if (done == total)
                std::fputc('\n', stderr);
        });
        const double rate = summary.seconds > 0 ? summary.generated / summary.seconds : 0.0;
        if (jobOptions.style == SynthesisJob::Style::External)
            std::printf("generated %d external-style phantoms (700-1300 x 800-1400, evaluation only) in %.2f s: "
                        "%.1f images/s (%s)\n",
                summary.generated, summary.seconds, rate, benchmark ? "in memory" : "including writing files");
        else
            std::printf("generated %d phantoms of %dx%d in %.2f s: %.1f images/s (%s)\n", summary.generated, size, size,
                summary.seconds, rate, benchmark ? "in memory" : "including writing files");
        if (!summary.manifestPath.empty())
            std::printf("manifest: %s\n", summary.manifestPath.c_str());
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "lrclr synth: " << error.what() << '\n';
        return 1;
    }
}

} // namespace lrclr::cli
