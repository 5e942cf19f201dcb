#!/usr/bin/env bash
# Runs the cross-built test suites under qemu-user, once per ARM kernel path, with
# the emulated CPU chosen so that each path is the best one cpuinfo reports:
#   aarch64: cortex-a72 (ARMv8.0: neon), cortex-a76 (dot product: neondot),
#            max (i8mm: neoni8mm)
#   armhf:   cortex-a15 (ARMv7 NEON: neon)
# tests/simd compares every path the emulated CPU runs with the reference path, so
# the i8mm run checks all three AArch64 paths again. Each run first checks that
# the CPU line names the expected path. Expects scripts/cross-build.sh's build dirs.
#
# The whole suite runs on every path. OCTET_CROSS_TEST_QUICK=1 leaves out, under
# cortex-a72 and cortex-a76, the suites that exercise no kernel path (loader bit
# flips and truncations, concurrency and soak runs, the octet-bench tool), which
# run under max on the same binaries, and the 16,000 bit-flip loads under qemu-arm
# (3 minutes).
#
# Usage: scripts/cross-test.sh [aarch64|armhf]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64 armhf)
jobs=$(nproc 2>/dev/null || echo 2)
prefix=${OCTET_CROSS_BUILD_PREFIX:-build-}
# The soak test's 100,000 inferences take minutes under emulation; 3,000 still
# cross three model reloads and the heap check.
export OCTET_SOAK_RUNS=${OCTET_SOAK_RUNS:-3000}
for t in "${targets[@]}"; do
  case "$t" in
    aarch64) runs=("cortex-a72 neon lower" "cortex-a76 neondot lower" "max neoni8mm all") ;;
    armhf) runs=("cortex-a15 neon armhf") ;;
    *) echo "cross-test.sh: unknown target '$t' (aarch64, armhf)" >&2; exit 2 ;;
  esac
  dir=$prefix$t
  [ -f "$dir/CTestTestfile.cmake" ] || { echo "cross-test.sh: no build in $dir (scripts/cross-build.sh $t)" >&2; exit 1; }
  for r in "${runs[@]}"; do
    read -r cpu path scope <<<"$r"
    exclude=()
    if [ -n "${OCTET_CROSS_TEST_QUICK:-}" ]; then
      case "$scope" in
        lower) exclude=(-E '^(LoaderHostile|LoaderContainer|Concurrency|Soak|BenchTool|Json)\.') ;;
        armhf) exclude=(-E '^LoaderHostile\.BitFlips$') ;;
      esac
    fi
    echo "== $t under qemu -cpu $cpu (best path: $path)"
    line=$(OCTET_QEMU_CPU=$cpu ctest --test-dir "$dir" -R '^example_minimal$' -V 2>&1 | grep -o 'kernel path: [a-z0-9]*' || true)
    if [ "$line" != "kernel path: $path" ]; then
      echo "cross-test.sh: under -cpu $cpu the example ran '${line:-nothing}', expected '$path'" >&2
      exit 1
    fi
    OCTET_QEMU_CPU=$cpu ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 1200 "${exclude[@]}"
  done
done
