# Cross-compiling for 64-bit ARM Linux (Raspberry Pi 4/5, RK3588, ...) with Debian's
# g++-aarch64-linux-gnu. Usage (scripts/cross-build.sh does all of it):
#   scripts/arm-sysroot.sh arm64
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# No -mcpu/-march is set for the whole build: the baseline is ARMv8.0 + NEON, and
# only the dot-product and i8mm kernel files get +dotprod / +i8mm (kernels/CMakeLists.txt).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(OCTET_CROSS_TRIPLET aarch64-linux-gnu)
set(OCTET_CROSS_DEBARCH arm64)
set(OCTET_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
