#pragma once

#include <span>

namespace lrclr::internal {

/// The compressed transfer syntaxes we take studies in (C-GET contexts, our C-MOVE storage SCP), best first, so that a
/// peer can send each file in the syntax it is stored in (its pixel data byte for byte) instead of transcoding it:
/// Orthanc cannot transcode every syntax. Thread-safe (constant).
std::span<const char* const> compressedTransferSyntaxes();

} // namespace lrclr::internal
