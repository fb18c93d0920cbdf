#pragma once

#include <string>

#include "core/model/LrclrModel.h"

namespace lrclr::cli {

/// The --device option of the commands that run a model (CommandOptions::addDevice) as LrclrModel reads it.
namespace ModelDevice {

/// "auto", "cpu" or "cuda".
bool isKnown(const std::string& name);
/// cpu and cuda by name; anything else lets LrclrModel choose.
LrclrModel::Options::Device fromName(const std::string& name);

} // namespace ModelDevice

} // namespace lrclr::cli
