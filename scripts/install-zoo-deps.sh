#!/usr/bin/env bash
# Installs what benchmarks/run_zoo needs beyond scripts/install-deps.sh: Debian's PyTorch and
# torchvision (large: several hundred MB, hence not in the default list) and python3-onnx, used
# by benchmarks/models/export_zoo.py to export the model zoo. Only missing packages are
# installed; uses sudo when not root. ONNX Runtime comes from ../shared/peers/setup.sh (npm).
set -euo pipefail
pkgs=(python3-torch python3-torchvision python3-onnx python3-numpy python3-skimage python3-pil nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node / npm may come from another build of nodejs
command -v node >/dev/null 2>&1 && missing=("${missing[@]/nodejs}")
command -v npm >/dev/null 2>&1 && missing=("${missing[@]/npm}")
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-zoo-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-zoo-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
