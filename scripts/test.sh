#!/usr/bin/env bash
# The whole test suite: a Release build with every test, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer; then the reliability
# checks of docs/SECURITY.md: the soak under Valgrind, the concurrency tests under
# ThreadSanitizer, and each libFuzzer target for OCTET_FUZZ_SECONDS (default 60);
# then ARM: the cross builds for aarch64 and armhf, their test suites under qemu
# once per ARM kernel path, and the PaddleOCR models' outputs byte-identical on x86
# and on every emulated ARM path. OCTET_SKIP_ARM=1 leaves ARM out.
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

# Reliability (docs/SECURITY.md). The ASan run above already ran the soak test
# (2,000 inferences) under LeakSanitizer.
echo "== soak under Valgrind memcheck (leaks, invalid reads and writes)"
# Valgrind emulates AVX2 but not AVX-512 or AVX-VNNI: run the AVX2 kernels there.
vg_path=reference
grep -qw avx2 /proc/cpuinfo && vg_path=avx2
OCTET_KERNEL_PATH=$vg_path OCTET_SOAK_RUNS=1000 valgrind -q --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  build/tests/reliability/octet_soak_tests --gtest_brief=1

echo "== ThreadSanitizer build and concurrency tests"
cmake -S . -B build-tsan -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOCTET_TSAN=ON -DOCTET_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-tsan -j "$jobs" --target octet_concurrency_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/reliability/octet_concurrency_tests --gtest_brief=1

echo "== bounded fuzzing (libFuzzer, ASan + UBSan)"
bash scripts/fuzz.sh "${OCTET_FUZZ_SECONDS:-60}"

if [ -z "${OCTET_SKIP_ARM:-}" ]; then
  echo "== ARM cross builds (aarch64, armhf)"
  bash scripts/cross-build.sh aarch64 armhf
  echo "== ARM test suites under qemu, once per kernel path"
  bash scripts/cross-test.sh aarch64 armhf
  echo "== converted PaddleOCR models: x86 and emulated ARM outputs byte for byte"
  bash scripts/arm-model-hashes.sh
fi
