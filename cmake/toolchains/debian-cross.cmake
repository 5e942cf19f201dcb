# Shared part of the Debian cross toolchain files (aarch64-linux-gnu.cmake,
# arm-linux-gnueabihf.cmake). The including file sets OCTET_CROSS_TRIPLET (GNU
# triplet), OCTET_CROSS_DEBARCH (Debian architecture), OCTET_CROSS_QEMU (qemu-user
# binary) and CMAKE_SYSTEM_PROCESSOR.
#
# Compilers: Debian's g++-<triplet>, whose C library lives in /usr/<triplet>.
# Libraries: a sysroot of unpacked .debs made by scripts/arm-sysroot.sh (never
# installed through multiarch); OCTET_SYSROOT points at it, default
# ~/.cache/octet/sysroot-<debarch>.
# Tests: ctest runs every target program under scripts/qemu-run.sh, which picks
# the emulated CPU from OCTET_QEMU_CPU at run time, so one build is tested on each
# ARM kernel path (cortex-a72: ARMv8.0, cortex-a76: dot product, max: i8mm).
set(CMAKE_SYSTEM_NAME Linux)

set(CMAKE_C_COMPILER ${OCTET_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${OCTET_CROSS_TRIPLET}-g++)

if(NOT OCTET_SYSROOT)
  if(DEFINED ENV{OCTET_SYSROOT})
    set(OCTET_SYSROOT $ENV{OCTET_SYSROOT})
  else()
    set(OCTET_SYSROOT $ENV{HOME}/.cache/octet/sysroot-${OCTET_CROSS_DEBARCH})
  endif()
endif()
set(OCTET_SYSROOT ${OCTET_SYSROOT} CACHE PATH "Unpacked target libraries (scripts/arm-sysroot.sh)")
if(NOT EXISTS ${OCTET_SYSROOT}/usr/include/cpuinfo.h)
  message(FATAL_ERROR "No target libraries in ${OCTET_SYSROOT}: run scripts/arm-sysroot.sh ${OCTET_CROSS_DEBARCH}")
endif()
# try_compile projects see only the cache and these variables.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES OCTET_SYSROOT OCTET_CROSS_TRIPLET OCTET_CROSS_DEBARCH OCTET_CROSS_QEMU)

set(_octet_libdir ${OCTET_SYSROOT}/usr/lib/${OCTET_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH /usr/${OCTET_CROSS_TRIPLET} ${OCTET_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # flatc, python: the build machine's
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE ${OCTET_CROSS_TRIPLET})

# The sysroot's libraries depend on each other (libbenchmark on libpthread, ...):
# let the linker find them.
string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wl,-rpath-link,${_octet_libdir}")
string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT " -Wl,-rpath-link,${_octet_libdir}")

# pkg-config (cpuinfo, stb) reads the target's .pc files, with paths under the sysroot.
set(ENV{PKG_CONFIG_PATH} "")  # never the build machine's .pc files
set(ENV{PKG_CONFIG_LIBDIR} ${_octet_libdir}/pkgconfig:${OCTET_SYSROOT}/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${OCTET_SYSROOT})

get_filename_component(_octet_root ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${_octet_root}/scripts/qemu-run.sh;${OCTET_CROSS_QEMU};${OCTET_CROSS_TRIPLET};${_octet_libdir})
