# Android with the NDK (r23 or later): arm64-v8a (AArch64: neon, neondot and
# neoni8mm paths, chosen at run time) or armeabi-v7a (ARMv7 NEON). A thin wrapper
# around the NDK's own toolchain file. The NDK is not in Debian's archive, so this
# file is not exercised by CI (cmake/toolchains/aarch64-linux-gnu.cmake and
# arm-linux-gnueabihf.cmake are, under qemu).
#
#   cmake -S . -B build-android -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/android.cmake \
#     -DANDROID_NDK=$HOME/android-ndk -DANDROID_ABI=arm64-v8a \
#     -DOCTET_ANDROID_DEPS=$HOME/octet-deps/arm64-v8a
#   cmake --build build-android --target octet octet_shared octet-bench octet-run
#
# OCTET_ANDROID_DEPS is an install prefix holding cpuinfo, pthreadpool and
# flatbuffers (headers; the library only for its CMake package) built with the same
# NDK and ABI (each is a plain CMake project: -DCMAKE_TOOLCHAIN_FILE=<NDK>/build/cmake/
# android.toolchain.cmake -DANDROID_ABI=... -DCMAKE_INSTALL_PREFIX=<prefix>), and
# stb_image.h for octet-run and octet-bench. flatc runs on the build machine.
# Tests and the converter are off by default here.
if(NOT ANDROID_NDK)
  if(DEFINED ENV{ANDROID_NDK})
    set(ANDROID_NDK $ENV{ANDROID_NDK})
  elseif(DEFINED ENV{ANDROID_NDK_HOME})
    set(ANDROID_NDK $ENV{ANDROID_NDK_HOME})
  else()
    message(FATAL_ERROR "Set ANDROID_NDK (-DANDROID_NDK=... or the environment variable) to the NDK's folder")
  endif()
endif()
if(NOT ANDROID_ABI)
  set(ANDROID_ABI arm64-v8a)
endif()
if(NOT ANDROID_PLATFORM)
  set(ANDROID_PLATFORM android-24)  # 64-bit file offsets on armeabi-v7a need API 24
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ANDROID_NDK OCTET_ANDROID_DEPS)
include(${ANDROID_NDK}/build/cmake/android.toolchain.cmake)
if(OCTET_ANDROID_DEPS)
  list(APPEND CMAKE_FIND_ROOT_PATH ${OCTET_ANDROID_DEPS})
endif()
set(OCTET_BUILD_TESTS OFF CACHE BOOL "Build the test suite")
set(OCTET_BUILD_CONVERTER OFF CACHE BOOL "Build octet-convert")
