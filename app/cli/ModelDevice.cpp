#include "app/cli/ModelDevice.h"

namespace lrclr::cli::ModelDevice {

bool isKnown(const std::string& name)
{
    return name == "auto" || name == "cpu" || name == "cuda";
}

LrclrModel::Options::Device fromName(const std::string& name)
{
    if (name == "cpu")
        return LrclrModel::Options::Device::Cpu;
    if (name == "cuda")
        return LrclrModel::Options::Device::Cuda;
    return LrclrModel::Options::Device::Automatic;
}

} // namespace lrclr::cli::ModelDevice
