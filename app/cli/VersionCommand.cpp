#include "app/cli/VersionCommand.h"

#include <iomanip>
#include <iostream>

#include "app/cli/CommandOptions.h"
#include "app/cli/ModelCommands.h"
#include "app/support/SoftwareInventory.h"
#include "core/model/TorchRuntime.h"

namespace lrclr::cli {

VersionCommand::VersionCommand()
    : Command("version", std::string(modelCommandSummary("version")))
{
}

int VersionCommand::run(const std::vector<std::string>& arguments)
{
    CommandOptions options(name(), "lrclr version");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;

    TorchRuntime::configureThreads();
    for (const auto& entry : SoftwareInventory::collect())
        std::cout << std::left << std::setw(14) << entry.component << entry.version << '\n';
    return 0;
}

} // namespace lrclr::cli
