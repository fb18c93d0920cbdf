# Windows packaging, included by packaging/Packaging.cmake instead of its Debian rules when WIN32:
#   cpack -G WIX -C Release    lrclr-viewer-<version>-win64.msi (WiX Toolset 3.x; the default here)
#   cpack -G NSIS -C Release   lrclr-viewer-<version>-win64.exe (fallback when WiX is not installed)
# Layout under the install folder (C:\Program Files\LRCLR Viewer): bin\ holds the three executables with every DLL
# and Qt plugin they load (Windows looks for DLLs beside the executable), share\lrclr\ the demo model and study that
# lrclr-viewer finds through LRCLR_DATA_FROM_BIN (..\share\lrclr), as on Linux.
# NEVER RUN YET: written without a Windows machine. docs/INSTALL.md lists what is untested.

# --- executables ----------------------------------------------------------------------------------------------------
# app/CMakeLists.txt installs lrclr-model in libexec\lrclr, off PATH. On Windows that copy would find none of its DLLs
# (they are in bin\), so it is installed beside lrclr too, where DelegatedCommand looks first.
install(TARGETS lrclr-model RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT viewer)

# --- Qt: windeployqt (through Qt's deploy script, Qt 6.5+ signature) ------------------------------------------------
# Copies the Qt DLLs lrclr-viewer uses and the plugins they load (platforms\qwindows.dll, imageformats\qjpeg.dll and
# qtiff.dll, styles, TLS backends) and writes qt.conf; lrclr and lrclr-model in the same folder use the same ones.
# The compiler runtime comes from InstallRequiredSystemLibraries below instead of windeployqt's vc_redist copy.
qt_generate_deploy_app_script(
  TARGET lrclr-viewer
  OUTPUT_SCRIPT lrclrQtDeployScript
  NO_TRANSLATIONS
  NO_COMPILER_RUNTIME)
install(SCRIPT "${lrclrQtDeployScript}" COMPONENT viewer)

# --- every other DLL: vcpkg's (DCMTK, VTK, ICU, OpenSSL, OpenJPEG, zlib, Boost, the Qt plugins' own) ----------------
# file(GET_RUNTIME_DEPENDENCIES) walks the import tables of the executables and of the deployed Qt plugins (it uses
# dumpbin, which the Visual Studio generator finds) and resolves them in vcpkg's bin folder; system DLLs are left
# out. It runs at install time, after the Qt script above.
set(lrclrVcpkgBin "${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/$<$<CONFIG:Debug>:debug/>bin")
install(CODE "
  set(lrclrBin \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  file(GLOB lrclrPlugins \"\${lrclrBin}/*/*.dll\" \"\${CMAKE_INSTALL_PREFIX}/plugins/*/*.dll\")
  file(GET_RUNTIME_DEPENDENCIES
    EXECUTABLES \"$<TARGET_FILE:lrclr-viewer>\" \"$<TARGET_FILE:lrclr>\" \"$<TARGET_FILE:lrclr-model>\"
    MODULES \${lrclrPlugins}
    DIRECTORIES \"${lrclrVcpkgBin}\"
    RESOLVED_DEPENDENCIES_VAR lrclrResolved
    UNRESOLVED_DEPENDENCIES_VAR lrclrUnresolved
    PRE_EXCLUDE_REGEXES \"^[Aa][Pp][Ii]-[Mm][Ss]-\" \"^[Ee][Xx][Tt]-[Mm][Ss]-\"
    POST_EXCLUDE_REGEXES \".*[Ss][Yy][Ss][Tt][Ee][Mm]32.*\" \".*[Ss][Yy][Ss][Ww][Oo][Ww]64.*\")
  foreach(dll IN LISTS lrclrResolved)
    if(NOT dll MATCHES \"[/\\\\\\\\][Ll][Ii][Bb][Tt][Oo][Rr][Cc][Hh][/\\\\\\\\]\")
      file(INSTALL DESTINATION \"\${lrclrBin}\" TYPE SHARED_LIBRARY FILES \"\${dll}\")
    endif()
  endforeach()
  foreach(dll IN LISTS lrclrUnresolved)
    message(STATUS \"lrclr: DLL not found in vcpkg's folder (LibTorch's or the system's?): \${dll}\")
  endforeach()
" COMPONENT viewer)

# --- LibTorch -------------------------------------------------------------------------------------------------------
# Not from vcpkg: PyTorch's LibTorch zip (docs/INSTALL.md). Its lib\ folder also holds DLLs that LibTorch loads at
# run time, not through import tables (Intel OpenMP, and with CUDA cuDNN's sub-libraries, nvrtc), so all of them
# are copied, as PyTorch's own C++ instructions do. Torch_DIR is <libtorch>\share\cmake\Torch.
get_filename_component(lrclrLibTorch "${Torch_DIR}/../../.." ABSOLUTE)
if(NOT EXISTS "${lrclrLibTorch}/lib")
  message(FATAL_ERROR "packaging/Windows.cmake: no LibTorch lib folder at ${lrclrLibTorch}/lib (Torch_DIR is "
                      "'${Torch_DIR}'; set LIBTORCH_DIR to the unpacked libtorch folder)")
endif()
install(DIRECTORY "${lrclrLibTorch}/lib/" DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT viewer
        FILES_MATCHING PATTERN "*.dll")

# --- the MSVC runtime, app-local (msvcp140.dll, vcruntime140*.dll, OpenMP's vcomp140.dll) ----------------------------
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION "${CMAKE_INSTALL_BINDIR}")
set(CMAKE_INSTALL_SYSTEM_RUNTIME_COMPONENT viewer)
set(CMAKE_INSTALL_OPENMP_LIBRARIES ON)
include(InstallRequiredSystemLibraries)

# --- data component: the demo model and study (what lrclr-viewer-data is on Debian) ---------------------------------
install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lrclr/models" COMPONENT data)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/demo/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lrclr/demo" COMPONENT data)

# --- CPack ----------------------------------------------------------------------------------------------------------
set(lrclrPackagingOutput "${PROJECT_BINARY_DIR}/packaging")
file(MAKE_DIRECTORY "${lrclrPackagingOutput}")
# WiX turns a .txt license (UTF-8) into the RTF its license page shows; LICENSE has no extension.
configure_file("${PROJECT_SOURCE_DIR}/LICENSE" "${lrclrPackagingOutput}/LICENSE.txt" COPYONLY)

set(CPACK_PACKAGE_NAME "lrclr-viewer")
set(CPACK_PACKAGE_VENDOR "LRCLR Viewer developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Chest X-ray viewer with model regions linked to report sentences")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "LRCLR Viewer")
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "LRCLR Viewer")
set(CPACK_RESOURCE_FILE_LICENSE "${lrclrPackagingOutput}/LICENSE.txt")
# Start-menu entry "LRCLR Viewer" for bin\lrclr-viewer.exe (WiX and NSIS both read this).
set(CPACK_PACKAGE_EXECUTABLES "lrclr-viewer" "LRCLR Viewer")
set(CPACK_GENERATOR "WIX")
# Values reach cpack exactly as written here (backslashes in the NSIS commands below).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_COMPONENTS_ALL viewer data)
set(CPACK_COMPONENT_VIEWER_DISPLAY_NAME "LRCLR Viewer")
set(CPACK_COMPONENT_VIEWER_DESCRIPTION "lrclr-viewer, the lrclr command line and the libraries they need")
set(CPACK_COMPONENT_VIEWER_REQUIRED ON)
set(CPACK_COMPONENT_DATA_DISPLAY_NAME "Demo model and study")
set(CPACK_COMPONENT_DATA_DESCRIPTION
  "The demo LRCLR model (trained on synthetic phantoms only) and a synthetic demo study; none of it from a patient")

# WiX (MSI). The UpgradeCode must never change: it is what lets a newer MSI replace an installed one. Generated for
# this project (uuid4), not taken from anywhere.
set(CPACK_WIX_UPGRADE_GUID "14358A8A-C24C-42C3-A6B4-B35B8FA62EDC")
set(CPACK_WIX_PROGRAM_MENU_FOLDER "LRCLR Viewer")
set(CPACK_WIX_PROPERTY_ARPCOMMENTS "Research software, not for clinical use.")
if(EXISTS "${PROJECT_SOURCE_DIR}/resources/icons/lrclr-viewer.ico")
  set(CPACK_WIX_PRODUCT_ICON "${PROJECT_SOURCE_DIR}/resources/icons/lrclr-viewer.ico")
  set(CPACK_NSIS_MUI_ICON "${PROJECT_SOURCE_DIR}/resources/icons/lrclr-viewer.ico")
endif()
# .dcm: lrclr-viewer is added to the file's "Open with" list (OpenWithProgids), without taking the default away from
# a DICOM viewer the hospital already uses. The component lives in an extra .wxs, referenced from the root feature.
set(lrclrDicomAssociation "${lrclrPackagingOutput}/dicom-association.wxs")
file(WRITE "${lrclrDicomAssociation}" [=[<?xml version="1.0" encoding="UTF-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <DirectoryRef Id="INSTALL_ROOT">
      <Component Id="LrclrDicomAssociation" Guid="29B58703-03D3-4A5E-AB43-87EE8C8E4332" Win64="yes">
        <RegistryValue Root="HKLM" Key="Software\Classes\.dcm\OpenWithProgids" Name="LrclrViewer.dcm" Value=""
                       Type="string" KeyPath="yes"/>
        <RegistryValue Root="HKLM" Key="Software\Classes\LrclrViewer.dcm" Value="DICOM image (LRCLR Viewer)"
                       Type="string"/>
        <RegistryValue Root="HKLM" Key="Software\Classes\LrclrViewer.dcm\shell\open\command"
                       Value="&quot;[INSTALL_ROOT]bin\lrclr-viewer.exe&quot; &quot;%1&quot;" Type="string"/>
        <RegistryValue Root="HKLM" Key="Software\Classes\Applications\lrclr-viewer.exe\SupportedTypes" Name=".dcm"
                       Value="" Type="string"/>
      </Component>
    </DirectoryRef>
  </Fragment>
</Wix>
]=])
set(lrclrWixPatch "${lrclrPackagingOutput}/wix-patch.xml")
file(WRITE "${lrclrWixPatch}" [=[<CPackWiXPatch>
  <CPackWiXFragment Id="#PRODUCTFEATURE">
    <ComponentRef Id="LrclrDicomAssociation"/>
  </CPackWiXFragment>
</CPackWiXPatch>
]=])
set(CPACK_WIX_EXTRA_SOURCES "${lrclrDicomAssociation}")
set(CPACK_WIX_PATCH_FILE "${lrclrWixPatch}")

# NSIS (fallback): the same Start-menu entry (CPACK_PACKAGE_EXECUTABLES) and .dcm "Open with" entry.
set(CPACK_NSIS_DISPLAY_NAME "LRCLR Viewer")
set(CPACK_NSIS_PACKAGE_NAME "LRCLR Viewer")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\lrclr-viewer.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr SHCTX "Software\Classes\.dcm\OpenWithProgids" "LrclrViewer.dcm" ""
  WriteRegStr SHCTX "Software\Classes\LrclrViewer.dcm" "" "DICOM image (LRCLR Viewer)"
  WriteRegStr SHCTX "Software\Classes\LrclrViewer.dcm\shell\open\command" "" '"$INSTDIR\bin\lrclr-viewer.exe" "%1"'
  WriteRegStr SHCTX "Software\Classes\Applications\lrclr-viewer.exe\SupportedTypes" ".dcm" ""
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  DeleteRegValue SHCTX "Software\Classes\.dcm\OpenWithProgids" "LrclrViewer.dcm"
  DeleteRegKey SHCTX "Software\Classes\LrclrViewer.dcm"
  DeleteRegKey SHCTX "Software\Classes\Applications\lrclr-viewer.exe"
]=])
include(CPack)
