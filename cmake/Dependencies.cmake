# Every third-party package, found once here so each directory only links targets.
# All of them come from Debian 12 packages (scripts/install-deps.sh, docs/DEPENDENCIES.md).

find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Concurrent Test)
set(CMAKE_AUTOMOC ON)
set(CMAKE_AUTORCC ON)

find_package(Boost 1.74 REQUIRED COMPONENTS program_options)

find_package(DCMTK REQUIRED CONFIG)
# Debian's OpenJPEGConfig.cmake references tools (opj_compress, ...) that libopenjp2-7-dev does not ship, so
# CMake warns about it; its pkg-config file is complete.
find_package(PkgConfig REQUIRED)
pkg_check_modules(OpenJPEG REQUIRED IMPORTED_TARGET libopenjp2>=2.5)

# Debian's VTK 9.1 config needs MPI found first (and the C language enabled).
if(NOT WIN32)
  find_package(MPI REQUIRED COMPONENTS C)
endif()
find_package(VTK 9.1 REQUIRED COMPONENTS
  CommonCore CommonDataModel CommonExecutionModel FiltersCore FiltersGeneral ImagingCore RenderingCore)

# Torch and ICU are found by core/model/CMakeLists.txt, which also configures on its own.
