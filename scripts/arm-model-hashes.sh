#!/usr/bin/env bash
# Runs converted models on x86 (natively) and on every emulated ARM kernel path
# (qemu: aarch64 -cpu cortex-a72 / cortex-a76 / max, armhf -cpu cortex-a15) with the
# same real input, and requires the raw outputs to be byte-identical: the SHA-256
# of every output file (octet-run --output-dir) must agree.
#
# Usage: scripts/arm-model-hashes.sh [--zoo] [--targets "aarch64 armhf"]
#   default models: the three PaddleOCR models of scripts/ppocr-models.sh (made
#   when missing); --zoo adds every model in $OCTET_WORK/zoo-results/models
#   (benchmarks/run_zoo) with the zoo's first held-out photograph as input.
# Needs build/ (native, with the converter) and scripts/cross-build.sh's build dirs
# and sysroots (~/.cache/octet/sysroot-*).
set -euo pipefail
cd "$(dirname "$0")/.."
zoo=0
targets="aarch64 armhf"
while [ $# -gt 0 ]; do
  case "$1" in
    --zoo) zoo=1 ;;
    --targets) targets=$2; shift ;;
    *) echo "usage: arm-model-hashes.sh [--zoo] [--targets \"aarch64 armhf\"]" >&2; exit 2 ;;
  esac
  shift
done
W=${OCTET_WORK:-$HOME/.cache/octet}
prefix=${OCTET_CROSS_BUILD_PREFIX:-build-}
bash scripts/ppocr-models.sh build >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PADDLE_REC="--mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 --bgr --resize fit-height"
PADDLE_DET="--mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --bgr"
I=$W/images
# shellcheck disable=SC2086
build/converter/octet-preprocess "$(ls "$I"/cls/*.png | head -n 1)" -o "$T/cls.npy" --size 192x48 $PADDLE_REC
# shellcheck disable=SC2086
build/converter/octet-preprocess "$(ls "$I"/rec/*.png | head -n 1)" -o "$T/rec.npy" --size 320x48 $PADDLE_REC
# shellcheck disable=SC2086
build/converter/octet-preprocess "$I/det/page_000.png" -o "$T/det.npy" --size 640x640 $PADDLE_DET
pairs=("$W/octet/cls.octet $T/cls.npy" "$W/octet/rec.octet $T/rec.npy" "$W/octet/det.octet $T/det.npy")
if [ $zoo -eq 1 ]; then
  shopt -s nullglob
  zoo_models=("$W"/zoo-results/models/*.octet)
  [ ${#zoo_models[@]} -gt 0 ] || { echo "arm-model-hashes.sh: no models in $W/zoo-results/models (benchmarks/run_zoo)" >&2; exit 1; }
  for m in "${zoo_models[@]}"; do
    n=$(basename "$m" .octet)
    case "$n" in
      ppocr_cls) pairs+=("$m $T/cls.npy") ;;
      ppocr_rec) pairs+=("$m $T/rec.npy") ;;
      ppocr_det) pairs+=("$m $T/det.npy") ;;
      *) pairs+=("$m $W/zoo/heldout/000.npy") ;;
    esac
  done
fi
runs=("x86 native")
for t in $targets; do
  case "$t" in
    aarch64) runs+=("aarch64 cortex-a72" "aarch64 cortex-a76" "aarch64 max") ;;
    armhf) runs+=("armhf cortex-a15") ;;
    *) echo "arm-model-hashes.sh: unknown target '$t'" >&2; exit 2 ;;
  esac
done
digest() { (cd "$1" && sha256sum -- * | sha256sum | cut -c1-16); }
fail=0
printf '| model | outputs (SHA-256 of the raw output files) |'
for r in "${runs[@]}"; do read -r t c <<<"$r"; printf ' %s |' "$t ${c/native/}"; done
printf '\n|---|---|'
for r in "${runs[@]}"; do printf -- '---|'; done
printf '\n'
for p in "${pairs[@]}"; do
  read -r model input <<<"$p"
  name=$(basename "$model" .octet)
  want=""
  row=""
  for r in "${runs[@]}"; do
    read -r t cpu <<<"$r"
    out="$T/out-$name-$t-$cpu"
    if [ "$t" = x86 ]; then
      build/benchmarks/octet-run "$model" --input "$input" --output-dir "$out" >/dev/null
    else
      case "$t" in
        aarch64) q=(scripts/qemu-run.sh qemu-aarch64 aarch64-linux-gnu
                    "$HOME/.cache/octet/sysroot-arm64/usr/lib/aarch64-linux-gnu") ;;
        armhf) q=(scripts/qemu-run.sh qemu-arm arm-linux-gnueabihf
                  "$HOME/.cache/octet/sysroot-armhf/usr/lib/arm-linux-gnueabihf") ;;
      esac
      OCTET_QEMU_CPU=$cpu "${q[@]}" "$prefix$t/benchmarks/octet-run" "$model" --input "$input" \
        --output-dir "$out" >/dev/null
    fi
    h=$(digest "$out")
    if [ -z "$want" ]; then
      want=$h
      row="| $name | \`$h\` |"
    fi
    if [ "$h" = "$want" ]; then row+=" same |"; else row+=" **differs** \`$h\` |"; fail=1; fi
  done
  echo "$row"
done
if [ $fail -ne 0 ]; then
  echo "arm-model-hashes.sh: outputs differ between x86 and emulated ARM" >&2
  exit 1
fi
