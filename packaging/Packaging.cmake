# Packaging: `cpack -G DEB` from the build folder makes two Debian packages (scripts/package-test.sh proves them
# on a clean Debian 12 root):
#   lrclr-viewer_<version>_<arch>.deb   binaries (viewer, CLI, its private LibTorch helper in libexec), desktop
#                                       entry, icon, man pages;
#   lrclr-viewer-data_<version>_all.deb the demo model, its evaluation report and the demo study (architecture-
#                                       independent, ~20 MB).
# Dependencies come from dpkg-shlibdeps, so they match the Debian libraries the binaries actually link.
# Windows (MSI/NSIS, never built yet) has its own rules: packaging/Windows.cmake.
if(WIN32)
  include("${CMAKE_CURRENT_LIST_DIR}/Windows.cmake")
  return()
endif()
set(LRCLR_PACKAGE_CONTACT "LRCLR Viewer developers <maintainers@lrclr-viewer.invalid>" CACHE STRING
  "Maintainer field of the packages (set it to a real address when you publish them)")

# --- viewer component -----------------------------------------------------------------------------------------------
install(FILES "${PROJECT_SOURCE_DIR}/packaging/lrclr-viewer.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications" COMPONENT viewer)
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/lrclr-viewer.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps" COMPONENT viewer)

# Man pages and the changelog are installed gzip-compressed without timestamps (gzip -n), as Debian policy asks.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(packagingOutput "${PROJECT_BINARY_DIR}/packaging")
file(MAKE_DIRECTORY "${packagingOutput}")
set(compressedFiles)
foreach(page lrclr.1 lrclr-viewer.1)
  configure_file("${PROJECT_SOURCE_DIR}/packaging/man/${page}" "${packagingOutput}/${page}" @ONLY)
  add_custom_command(OUTPUT "${packagingOutput}/${page}.gz"
    COMMAND "${GZIP_PROGRAM}" -9nf -k "${packagingOutput}/${page}"
    DEPENDS "${packagingOutput}/${page}" VERBATIM)
  list(APPEND compressedFiles "${packagingOutput}/${page}.gz")
  install(FILES "${packagingOutput}/${page}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT viewer)
endforeach()

# The changelog's newest entry must name this version: a release that forgets it fails to configure.
file(STRINGS "${PROJECT_SOURCE_DIR}/packaging/debian/changelog" changelogFirstLine LIMIT_COUNT 1)
if(NOT changelogFirstLine MATCHES "^lrclr-viewer \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: the newest entry is '${changelogFirstLine}', not version "
                      "${PROJECT_VERSION}")
endif()
add_custom_command(OUTPUT "${packagingOutput}/changelog.gz"
  COMMAND "${GZIP_PROGRAM}" -9n -c "${PROJECT_SOURCE_DIR}/packaging/debian/changelog" > "${packagingOutput}/changelog.gz"
  DEPENDS "${PROJECT_SOURCE_DIR}/packaging/debian/changelog" VERBATIM)
list(APPEND compressedFiles "${packagingOutput}/changelog.gz")
add_custom_target(lrclr_packaging_files ALL DEPENDS ${compressedFiles})

foreach(component viewer data)
  if(component STREQUAL "viewer")
    set(packageName lrclr-viewer)
  else()
    set(packageName lrclr-viewer-data)
  endif()
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/debian/copyright" "${packagingOutput}/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/${packageName}" COMPONENT ${component})
endforeach()

# --- data component -------------------------------------------------------------------------------------------------
# Read by the viewer from <bin>/../share/lrclr (app/CMakeLists.txt: LRCLR_DATA_FROM_BIN).
install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lrclr/models" COMPONENT data)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/demo/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lrclr/demo" COMPONENT data)

# --- CPack ----------------------------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME "lrclr-viewer")
set(CPACK_PACKAGE_VENDOR "LRCLR Viewer developers")
set(CPACK_PACKAGE_CONTACT "${LRCLR_PACKAGE_CONTACT}")
# Each package's description below starts with its own summary line; CPackDeb prepends the common summary unless it
# is CPack's placeholder, so the placeholder is what it gets.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL viewer data)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_VIEWER_PACKAGE_NAME "lrclr-viewer")
set(CPACK_DEBIAN_VIEWER_PACKAGE_SHLIBDEPS ON)
# LibTorch on reference BLAS is ~15x slower: require the OpenMP OpenBLAS, which provides libblas.so.3.
set(CPACK_DEBIAN_VIEWER_PACKAGE_DEPENDS
  "libopenblas0-openmp, lrclr-viewer-data (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_VIEWER_PACKAGE_RECOMMENDS "qt6-image-formats-plugins")
# The first line is the package summary, the rest its long description.
set(CPACK_DEBIAN_VIEWER_DESCRIPTION
  "chest X-ray viewer with model regions linked to report sentences
Opens chest X-ray studies (DICOM files, folders and DICOMDIRs, PNG/JPEG with
reports, DICOM SR), runs the LRCLR image-report model on a worker thread and
shows the regions it selects as heatmap overlays linked to the report's
sentences, beside zero-shot finding probabilities. Studies come from files or
a PACS; results go back as DICOM SR, Parametric Map and Secondary Capture.
.
Research software, not for clinical use.")

set(CPACK_DEBIAN_DATA_PACKAGE_NAME "lrclr-viewer-data")
set(CPACK_DEBIAN_DATA_PACKAGE_ARCHITECTURE "all")
set(CPACK_DEBIAN_DATA_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DATA_DESCRIPTION
  "demo model and demo study for LRCLR Viewer
The demo LRCLR model (trained on the project's synthetic phantoms only), its
evaluation report, and a synthetic demo chest X-ray study with its report and
ground truth. None of it comes from a patient.
.
Research software, not for clinical use.")
include(CPack)
