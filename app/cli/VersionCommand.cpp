#include "app/cli/VersionCommand.h"

#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>

#include "app/support/SoftwareInventory.h"
#include "core/model/TorchRuntime.h"

namespace lrclr::cli {

int VersionCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    po::options_description options("lrclr version");
    options.add_options()("help,h", "show this help");
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(options).run(), values);
    if (values.count("help")) {
        std::cout << options;
        return 0;
    }

    TorchRuntime::configureThreads();
    for (const auto& entry : SoftwareInventory::collect())
        std::cout << std::left << std::setw(14) << entry.component << entry.version << '\n';
    return 0;
}

} // namespace lrclr::cli
