# Project-wide compile settings, carried by an INTERFACE target every project target links privately.
option(LRCLR_WERROR "Treat compiler warnings as errors (on in CI)" OFF)
option(LRCLR_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(LRCLR_USE_CCACHE "Use ccache when it is installed" ON)

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
target_compile_options(lrclr_options INTERFACE
  -fvisibility=hidden -fvisibility-inlines-hidden
  -Wall -Wextra -Wpedantic
  $<$<BOOL:${LRCLR_WERROR}>:-Werror>)

if(LRCLR_SANITIZE)
  target_compile_options(lrclr_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(lrclr_options INTERFACE -fsanitize=address,undefined)
endif()
