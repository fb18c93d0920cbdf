# Project-wide compile settings, carried by an INTERFACE target every project target links privately.
option(LRCLR_WERROR "Treat compiler warnings as errors (on in CI)" OFF)
option(LRCLR_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(LRCLR_USE_CCACHE "Use ccache when it is installed" ON)
option(LRCLR_HARDENING "Build with Debian's hardening flags (fortify, stack protector, full RELRO, bind now)" ON)

if(LRCLR_USE_CCACHE)
  find_program(CCACHE_PROGRAM ccache)
  if(CCACHE_PROGRAM)
    set(CMAKE_C_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  endif()
endif()

add_library(lrclr_options INTERFACE)
add_library(lrclr::options ALIAS lrclr_options)

# Qt's slots/signals/emit macros collide with identifiers in LibTorch headers.
target_compile_definitions(lrclr_options INTERFACE QT_NO_KEYWORDS)
# Nothing of ours is exported from a shared object, and LibTorch loads Qt 5 into the process (through OpenCV):
# an exported weak copy of a Qt 6 inline such as QByteArray::append(const char*) (emitted at -O0) shares its
# mangled name with Qt 5's and captures Qt 5's calls, which crashed every widget executable of the debug and asan
# builds in Qt5Widgets' static initialisers. Hidden visibility keeps our copies to ourselves.
if(MSVC)
  # Untested (docs/INSTALL.md): the warning level and conformance switches MSVC understands.
  target_compile_options(lrclr_options INTERFACE /W4 /permissive- /Zc:__cplusplus /utf-8
    $<$<BOOL:${LRCLR_WERROR}>:/WX>)
else()
  target_compile_options(lrclr_options INTERFACE
    -fvisibility=hidden -fvisibility-inlines-hidden
    -Wall -Wextra -Wpedantic
    $<$<BOOL:${LRCLR_WERROR}>:-Werror>)
endif()

# The flags dpkg-buildflags gives a Debian package (PIE is g++'s default there), so the tested binaries are the
# packaged ones. _FORTIFY_SOURCE needs optimisation and is redundant under the sanitizers.
if(LRCLR_HARDENING AND NOT MSVC)
  target_compile_options(lrclr_options INTERFACE -fstack-protector-strong -fstack-clash-protection
    -Wformat -Werror=format-security
    $<$<AND:$<NOT:$<CONFIG:Debug>>,$<NOT:$<BOOL:${LRCLR_SANITIZE}>>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
    target_compile_options(lrclr_options INTERFACE -fcf-protection)
  endif()
  target_link_options(lrclr_options INTERFACE LINKER:-z,relro LINKER:-z,now)
endif()

if(LRCLR_SANITIZE)
  target_compile_options(lrclr_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(lrclr_options INTERFACE -fsanitize=address,undefined)
endif()
