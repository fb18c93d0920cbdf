// lrclr: the command-line front end. Each subcommand is one ICommand; this file only registers them.
// Commands that need LibTorch run in the sibling executable lrclr-model (see ModelCommands.h), so that
// `lrclr render`, `lrclr info` and the others start without loading LibTorch.
#include <memory>
#include <string>

#include "app/cli/CommandLine.h"
#include "app/cli/DelegatedCommand.h"
#include "app/cli/ModelCommands.h"
// [includes: study & report]
#include "app/cli/AnonymizeCommand.h"
#include "app/cli/BenchCommand.h"
#include "app/cli/InfoCommand.h"
#include "app/cli/RenderCommand.h"
// [includes: pacs]
#include "app/cli/PacsCommand.h"
// [includes: training]
#include "app/cli/ManifestCommand.h"
#include "app/cli/SynthCommand.h"

int main(int argc, char** argv)
{
    using namespace lrclr::cli;
    CommandLine commandLine;
    for (const auto& command : modelCommands) {
        commandLine.add(std::make_unique<DelegatedCommand>(
            std::string(command.name), std::string(command.summary), std::string(modelCommandsExecutable)));
    }
    // [commands: study & report]
    commandLine.add(std::make_unique<InfoCommand>());
    commandLine.add(std::make_unique<AnonymizeCommand>());
    commandLine.add(std::make_unique<RenderCommand>());
    commandLine.add(std::make_unique<BenchCommand>());
    // [commands: pacs]
    commandLine.add(std::make_unique<PacsCommand>());
    // [commands: training]
    commandLine.add(std::make_unique<SynthCommand>());
    commandLine.add(std::make_unique<ManifestCommand>());
    return commandLine.run(argc, argv);
}
