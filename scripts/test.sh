#!/usr/bin/env bash
# The whole test suite: a Release build with every test, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== Release build and tests"
bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$jobs"

# tests/simd compares every kernel path with the reference path directly; the
# runtime suite (demo network against its oracle, API, threads) also runs once on a
# forced lower path and once on the reference kernels.
echo "== runtime tests on forced kernel paths"
for path in avx2 reference; do
  if [ "$path" = reference ] || grep -qw avx2 /proc/cpuinfo; then
    echo "-- OCTET_KERNEL_PATH=$path"
    OCTET_KERNEL_PATH=$path build/tests/runtime/octet_runtime_tests --gtest_brief=1
  fi
done

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
bash scripts/build.sh build-asan -DOCTET_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCTET_BUILD_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
