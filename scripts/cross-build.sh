#!/usr/bin/env bash
# Cross-builds octet for ARM Linux on a Debian 12 x86-64 machine, in one command:
# installs what is missing (Debian's cross compilers g++-aarch64-linux-gnu and
# g++-arm-linux-gnueabihf, qemu-user, the native build tools), fetches each
# target's libraries into a sysroot outside git (scripts/arm-sysroot.sh: apt-get
# download + dpkg-deb -x, never multiarch), and builds the runtime (static and
# shared), octet-bench, octet-run, the example app and the test suite.
#
# Usage: scripts/cross-build.sh [aarch64|armhf]...   (default: both)
#   build dirs: build-aarch64, build-armhf (OCTET_CROSS_BUILD_PREFIX overrides "build-")
#   extra CMake arguments: OCTET_CROSS_CMAKE_ARGS, e.g. "-DOCTET_BUILD_TESTS=OFF"
# Tests: scripts/cross-test.sh runs them under qemu.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64 armhf)
pkgs=(cmake ninja-build pkg-config flatbuffers-compiler qemu-user)
for t in "${targets[@]}"; do
  case "$t" in
    aarch64) pkgs+=(g++-aarch64-linux-gnu) ;;
    armhf) pkgs+=(g++-arm-linux-gnueabihf) ;;
    *) echo "cross-build.sh: unknown target '$t' (aarch64, armhf)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "cross-build: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
jobs=$(nproc 2>/dev/null || echo 2)
prefix=${OCTET_CROSS_BUILD_PREFIX:-build-}
for t in "${targets[@]}"; do
  case "$t" in
    aarch64) debarch=arm64 toolchain=cmake/toolchains/aarch64-linux-gnu.cmake ;;
    armhf) debarch=armhf toolchain=cmake/toolchains/arm-linux-gnueabihf.cmake ;;
  esac
  sysroot=$(bash scripts/arm-sysroot.sh "$debarch" | tail -n 1)
  echo "== cross-build $t (sysroot $sysroot)"
  # shellcheck disable=SC2086
  cmake -S . -B "$prefix$t" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DOCTET_SYSROOT="$sysroot" ${OCTET_CROSS_CMAKE_ARGS:-} >/dev/null
  cmake --build "$prefix$t" -j "$jobs"
done
