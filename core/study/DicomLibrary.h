#pragma once

// DicomLibrary moved to core/dicom (lrclr::dicom), which core/study and core/report both use. This header only keeps
// app/cli/BenchCommand.cpp building until it includes "core/dicom/DicomLibrary.h"; include that one instead.
#include "core/dicom/DicomLibrary.h"
