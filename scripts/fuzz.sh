#!/usr/bin/env bash
# Bounded fuzzing with libFuzzer + ASan + UBSan (docs/SECURITY.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60; loader c_api onnx)
# Builds build-fuzz (clang), writes the seed corpora into build-fuzz/fuzz/seeds (the
# demo network, small models, real ONNX models from Debian's libonnx-testdata
# converted by the converter, and the local zoo's small converted models when
# ~/.cache/octet has them), then runs each target for SECONDS on its seeds plus
# the corpus of earlier runs (build-fuzz/fuzz/corpus/TARGET). Any crash, leak,
# sanitizer report or broken invariant stops that target, its input is saved as
# build-fuzz/fuzz/artifacts/TARGET-crash-*, and the script exits 1. A summary line
# per target (executions, coverage, seconds) is appended to build-fuzz/fuzz/log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(loader c_api onnx)
dir=build-fuzz
testdata=${OCTET_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
work=${OCTET_WORK:-$HOME/.cache/octet}

echo "== fuzz build ($dir: clang, libFuzzer, ASan + UBSan)"
cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DOCTET_FUZZ=ON -DOCTET_BUILD_TESTS=OFF -DOCTET_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" --target octet_fuzz_loader octet_fuzz_c_api octet_fuzz_onnx octet_fuzz_seeds

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

seeds=$dir/fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds/loader" "$seeds/c_api" "$seeds/onnx" "$dir/fuzz/artifacts"
# Small real ONNX models: the node and PyTorch-converted tests of libonnx-testdata.
onnx_models=()
if [ -d "$testdata" ]; then
  while IFS= read -r f; do onnx_models+=("$f"); done < <(find "$testdata/node" "$testdata/pytorch-converted" \
    "$testdata/pytorch-operator" "$testdata/simple" -name model.onnx -size -16k 2>/dev/null | sort)
fi
for f in "${onnx_models[@]}"; do
  cp "$f" "$seeds/onnx/$(basename "$(dirname "$f")").onnx"
done
"$dir/tests/fuzz/octet_fuzz_seeds" "$seeds" "${onnx_models[@]}"
# Models the demo and the zoo converted on this machine, when small (not in CI).
for f in "$work"/octet/*.octet "$work"/zoo-results/models/*.octet; do
  if [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 262144 ]; then cp "$f" "$seeds/loader/local-$(basename "$f")"; fi
done
echo "seeds: $(ls "$seeds/loader" | wc -l) models, $(ls "$seeds/c_api" | wc -l) C API programs, $(ls "$seeds/onnx" | wc -l) ONNX files"

status=0
for t in "${targets[@]}"; do
  corpus=$dir/fuzz/corpus/$t
  mkdir -p "$corpus"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
  echo "== fuzzing $t for ${seconds}s"
  logf=$dir/fuzz/$t.out
  if "$dir/tests/fuzz/octet_fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 \
      -max_len=300000 -print_final_stats=1 -artifact_prefix="$dir/fuzz/artifacts/$t-" "$corpus" "$seeds/$t" >"$logf" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    tail -40 "$logf"
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logf" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$logf" | tail -1 | grep -o '[0-9]*' || echo '?')
  line="$(date -u +%Y-%m-%dT%H:%MZ) $t ${seconds}s execs=$execs cov=$cov corpus=$(ls "$corpus" | wc -l) $result"
  echo "$line" | tee -a "$dir/fuzz/log"
done
exit $status
