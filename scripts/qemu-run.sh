#!/usr/bin/env bash
# Runs a cross-built program under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR of the
# toolchain files in cmake/toolchains/).
# Usage: qemu-run.sh QEMU TRIPLET SYSROOT_LIBDIR PROGRAM [ARGS...]
# The emulated CPU comes from OCTET_QEMU_CPU (default: max), so one build is tested
# on each ARM kernel path: cortex-a72 (ARMv8.0), cortex-a76 (dot product), max
# (i8mm); cortex-a15 or max under qemu-arm.
set -euo pipefail
qemu=$1 triplet=$2 libdir=$3
shift 3
exec "$qemu" -cpu "${OCTET_QEMU_CPU:-max}" -L "/usr/$triplet" \
  -E "LD_LIBRARY_PATH=/usr/$triplet/lib:$libdir" -E OCTET_EMULATED=1 "$@"
