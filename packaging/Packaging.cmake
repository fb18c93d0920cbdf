# Packaging: `cpack -G DEB` from the build folder makes lrclr-viewer_<version>_<arch>.deb.
# Dependencies come from dpkg-shlibdeps, so they match the Debian libraries the binaries actually link.
install(FILES "${PROJECT_SOURCE_DIR}/packaging/lrclr-viewer.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/lrclr-viewer.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lrclr/models")

set(CPACK_PACKAGE_NAME "lrclr-viewer")
set(CPACK_PACKAGE_VENDOR "LRCLR Viewer developers")
set(CPACK_PACKAGE_CONTACT "LRCLR Viewer developers <lrclr-viewer@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "Opens chest X-ray studies (DICOM, PNG/JPEG with reports, DICOM SR), runs the LRCLR image-report model on a\
 worker thread and shows the regions it selects as heatmap overlays linked to report sentences, beside\
 zero-shot finding probabilities. Research software, not for clinical use.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# LibTorch on reference BLAS is ~15x slower: require the OpenMP OpenBLAS, which provides libblas.so.3.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-image-formats-plugins")
include(CPack)
