# Cross-compiling for 32-bit ARMv7 Linux with hardware float (Raspberry Pi OS 32-bit,
# older boards) with Debian's g++-arm-linux-gnueabihf, whose default target is
# ARMv7-A with VFPv3-D16 and no NEON: only octet's NEON kernel files get -mfpu=neon
# (kernels/CMakeLists.txt), and they run only where cpuinfo reports NEON.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(OCTET_CROSS_TRIPLET arm-linux-gnueabihf)
set(OCTET_CROSS_DEBARCH armhf)
set(OCTET_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
