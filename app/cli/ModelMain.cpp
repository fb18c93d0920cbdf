// lrclr-model: the `lrclr` subcommands that need LibTorch (ModelCommands.h lists them). `lrclr` execs this
// executable for them; it can also be run directly with the same arguments.
#include <memory>

#include "app/cli/AnalyzeCommand.h"
#include "app/cli/AuditCommand.h"
#include "app/cli/CalibrateCommand.h"
#include "app/cli/CommandLine.h"
#include "app/cli/EncodeCommand.h"
#include "app/cli/EvaluateCommand.h"
#include "app/cli/ImportClipCommand.h"
#include "app/cli/TrainBpeCommand.h"
#include "app/cli/TrainCommand.h"
#include "app/cli/VersionCommand.h"

int main(int argc, char** argv)
{
    using namespace lrclr::cli;
    CommandLine commandLine;
    commandLine.add(std::make_unique<VersionCommand>());
    commandLine.add(std::make_unique<ImportClipCommand>());
    commandLine.add(std::make_unique<EncodeCommand>());
    commandLine.add(std::make_unique<AnalyzeCommand>());
    commandLine.add(std::make_unique<EvaluateCommand>());
    commandLine.add(std::make_unique<CalibrateCommand>());
    commandLine.add(std::make_unique<AuditCommand>());
    commandLine.add(std::make_unique<TrainCommand>());
    commandLine.add(std::make_unique<TrainBpeCommand>());
    return commandLine.run(argc, argv);
}
