// lrclr: the command-line front end. Each subcommand is one ICommand; this file only registers them.
#include <memory>

#include "app/cli/CommandLine.h"
#include "app/cli/VersionCommand.h"
// [includes: study & report]
#include "app/cli/BenchCommand.h"
#include "app/cli/InfoCommand.h"
#include "app/cli/RenderCommand.h"
// [includes: model]
#include "app/cli/AnalyzeCommand.h"
#include "app/cli/EncodeCommand.h"
#include "app/cli/ImportClipCommand.h"
// [includes: training]
#include "app/cli/ManifestCommand.h"
#include "app/cli/SynthCommand.h"

int main(int argc, char** argv)
{
    lrclr::cli::CommandLine commandLine;
    commandLine.add(std::make_unique<lrclr::cli::VersionCommand>());
    // [commands: study & report]
    commandLine.add(std::make_unique<lrclr::cli::InfoCommand>());
    commandLine.add(std::make_unique<lrclr::cli::RenderCommand>());
    commandLine.add(std::make_unique<lrclr::cli::BenchCommand>());
    // [commands: model]
    commandLine.add(std::make_unique<lrclr::cli::ImportClipCommand>());
    commandLine.add(std::make_unique<lrclr::cli::EncodeCommand>());
    commandLine.add(std::make_unique<lrclr::cli::AnalyzeCommand>());
    // [commands: training]
    commandLine.add(std::make_unique<lrclr::cli::SynthCommand>());
    commandLine.add(std::make_unique<lrclr::cli::ManifestCommand>());
    return commandLine.run(argc, argv);
}
