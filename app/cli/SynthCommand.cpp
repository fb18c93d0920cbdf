#include "app/cli/SynthCommand.h"

#include <cstdio>
#include <iostream>

#include "app/cli/CommandOptions.h"
#include "training/SynthesisJob.h"

namespace lrclr::cli {

namespace {

/// A progress bar on stderr, rewritten in place.
void printProgress(int done, int total)
{
    const int width = 30;
    const int filled = total > 0 ? done * width / total : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d", std::string(static_cast<std::size_t>(filled), '#').c_str(),
        std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done, total);
    if (done == total)
        std::fputc('\n', stderr);
}

void printSummary(const SynthesisJob::Options& job, const SynthesisJob::Summary& summary)
{
    const double rate = summary.seconds > 0 ? summary.generated / summary.seconds : 0.0;
    const char* where = job.writeFiles ? "including writing files" : "in memory";
    if (job.style == SynthesisJob::Style::External)
        std::printf("generated %d external-style phantoms (700-1300 x 800-1400, evaluation only) in %.2f s: "
                    "%.1f images/s (%s)\n",
            summary.generated, summary.seconds, rate, where);
    else
        std::printf("generated %d phantoms of %dx%d in %.2f s: %.1f images/s (%s)\n", summary.generated,
            job.generator.size, job.generator.size, summary.seconds, rate, where);
    if (!summary.manifestPath.empty())
        std::printf("manifest: %s\n", summary.manifestPath.c_str());
}

} // namespace

SynthCommand::SynthCommand()
    : Command("synth", "Generate synthetic chest X-ray phantoms with reports and ground-truth boxes")
{
}

int SynthCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(),
        "lrclr synth --count N --seed S --out DIR [--dicom] [--size 512] [--style training|external] [--randomize]\n"
        "Synthetic frontal chest radiograph phantoms. NOT patient data; for testing and demos only");
    SynthesisJob::Options job;
    auto& generator = job.generator;
    std::string style = "training";
    std::vector<std::string> findings;
    options.add()("count,n", po::value(&job.count)->default_value(16), "number of images")(
        "seed,s", po::value(&job.seed)->default_value(1), "seed (the output is a function of seed and index)")(
        "out,o", po::value(&job.outputDirectory), "output folder")("dicom", "write DICOM CR (default: 16-bit PNG)")(
        "size", po::value(&generator.size)->default_value(512), "image width and height in pixels")("finding",
        po::value(&findings)->composing(),
        "give every image exactly this finding: kind[:side[:zone]], repeatable "
        "(e.g. \"pleural effusion:right\", \"nodule:left:upper\")")("subtle-fraction",
        po::value(&generator.subtleFraction)->default_value(0.12),
        "share of findings drawn faintly and reported with hedging (uncertain labels)")("normal-fraction",
        po::value(&generator.normalFraction)->default_value(0.3),
        "share of studies without pathology (when --finding is not given)")(
        "threads", po::value(&job.threads)->default_value(0), "worker threads (0 = one per core)")("style",
        po::value(&style)->default_value("training"),
        "training: the phantoms models are trained on; external: a differently drawn and phrased set (random "
        "700-1300 x 800-1400 sizes, own reports, split \"test\") for evaluation only, never for training")("randomize",
        "domain randomisation of the training style (size, placement, exposure, detector, bit depth, "
        "MONOCHROME1, collimation, wider report phrasing)")(
        "benchmark", "generate in memory only and report images/s (no files)")("quiet,q", "no progress bar");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    job.writeFiles = !options.has("benchmark");
    if (job.outputDirectory.empty() && job.writeFiles)
        return options.error("--out is required", 2);
    job.format = options.has("dicom") ? SynthesisJob::Format::Dicom : SynthesisJob::Format::Png;
    job.style = SynthesisJob::parseStyle(style);
    generator.domainRandomization = options.has("randomize");
    for (const auto& finding : findings)
        generator.findings.push_back(PhantomGenerator::parseRequest(finding));
    const bool quiet = options.has("quiet");
    const auto summary = SynthesisJob(job).run([quiet](int done, int total) {
        if (!quiet)
            printProgress(done, total);
    });
    printSummary(job, summary);
    return 0;
}

} // namespace lrclr::cli
